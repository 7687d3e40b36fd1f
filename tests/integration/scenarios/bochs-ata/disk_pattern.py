# tests/integration/scenarios/bochs-ata/disk_pattern.py - the self-test
# pattern of drivers/block/disk_selftest.c, for prepare and check: a
# sector starts with b"HVDISK-" and the tag, then its LBA as 8
# little-endian bytes; byte i >= 16 is (lba * 31 + i * 7 + tag) & 0xff.
import struct

SECTOR = 512
SECTORS = 32768  # 16 MiB


def tails(tag):
    return [bytes((c + i * 7) & 0xFF for i in range(16, SECTOR))
            for c in range(256)]


def sector(lba, tag, tail_table):
    head = b"HVDISK-" + tag.encode() + struct.pack("<Q", lba)
    return head + tail_table[(lba * 31 + ord(tag)) & 0xFF]
