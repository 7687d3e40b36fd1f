/*
 * tests/unit/test_disk_spec.c - a VM's `disk` value (kernel/disk_spec.c)
 * and the MBR partitions it may name (drivers/block/mbr.c), on the host.
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/block/mbr.h"
#include "kernel/disk_spec.h"

static struct disk_spec d;
static char why[128];

static int parse(const char *v)
{
	why[0] = '\0';
	return disk_spec_parse(v, &d, why, sizeof(why));
}

static void assert_source(const char *want)
{
	char buf[128];

	disk_spec_source(&d, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_module(void **state)
{
	assert_int_equal(parse("web-disk.img"), 0);
	assert_int_equal(d.source, DISK_MODULE);
	assert_string_equal(d.name, "web-disk.img");
	assert_false(d.thin || d.read_only || d.shared);
	assert_int_equal(parse("  ata-disk.img   ro  "), 0);
	assert_int_equal(d.source, DISK_MODULE); /* not a host disk name */
	assert_true(d.read_only);
	assert_source("ata-disk.img");
}

static void test_host_areas(void **state)
{
	assert_int_equal(parse("ata1-master"), 0);
	assert_int_equal(d.source, DISK_HOST);
	assert_int_equal(d.area, DISK_WHOLE);
	assert_string_equal(d.name, "ata1-master");
	assert_int_equal(parse("ata0-slave:p3 thin shared"), 0);
	assert_int_equal(d.area, DISK_PARTITION);
	assert_int_equal(d.partition, 3);
	assert_true(d.thin && d.shared && !d.read_only);
	assert_source("ata0-slave:p3");
	assert_int_equal(parse("ata12-master@2048+65536 raw ro"), 0);
	assert_int_equal(d.area, DISK_EXTENT);
	assert_string_equal(d.name, "ata12-master");
	assert_int_equal(d.first, 2048);
	assert_int_equal(d.sectors, 65536);
	assert_false(d.thin);
	assert_source("ata12-master@2048+65536");
}

/* The AHCI driver's names: ahciN-portP, with the same areas. */
static void test_ahci_names(void **state)
{
	assert_int_equal(parse("ahci0-port1"), 0);
	assert_int_equal(d.source, DISK_HOST);
	assert_int_equal(d.area, DISK_WHOLE);
	assert_string_equal(d.name, "ahci0-port1");
	assert_int_equal(parse("ahci1-port31:p2 thin"), 0);
	assert_string_equal(d.name, "ahci1-port31");
	assert_int_equal(d.area, DISK_PARTITION);
	assert_int_equal(d.partition, 2);
	assert_true(d.thin);
	assert_source("ahci1-port31:p2");
	assert_int_equal(parse("ahci0-port0@63+100 ro"), 0);
	assert_int_equal(d.area, DISK_EXTENT);
	assert_int_equal(d.first, 63);
	assert_int_equal(d.sectors, 100);
	assert_source("ahci0-port0@63+100");
	/* not the driver's names: boot modules */
	assert_int_equal(parse("ahci0-port"), 0);
	assert_int_equal(d.source, DISK_MODULE);
	assert_int_equal(parse("ahci-port1"), 0);
	assert_int_equal(d.source, DISK_MODULE);
	assert_int_equal(parse("ahci0port1"), 0);
	assert_int_equal(d.source, DISK_MODULE);
	/* a name, then something that is no area */
	assert_int_equal(parse("ahci0-port1x"), -1);
}

static void test_refused(void **state)
{
	static const struct {
		const char *value, *why;
	} bad[] = {
		{"", "is empty"},
		{"ata1-master:p0",
		 "names no MBR primary partition (:p1 to :p4)"},
		{"ata1-master:p5", "names no MBR primary partition"},
		{"ata1-master:px", "names no MBR primary partition"},
		{"ata1-master@10", "has an extent that is not @FIRST+COUNT"},
		{"ata1-master@10+", "has an extent that is not @FIRST+COUNT"},
		{"ata1-master@+5", "has an extent that is not @FIRST+COUNT"},
		{"ata1-master@10+0", "has an extent of 0 sectors"},
		{"ata1-master@18446744073709551615+2",
		 "has an extent past any disk's end"},
		{"ata1-master@99999999999999999999+1",
		 "has an extent that is not @FIRST+COUNT"},
		{"ata1-master#2", "has \"#2\" after the host disk's name"},
		{"d.img fast",
		 "has option \"fast\"; the options are raw, thin, "
		 "ro and shared"},
		{"ata1-master raw thin",
		 "gives the format twice (raw or thin)"},
		{"ata1-master ro ro", "gives option ro twice"},
		{"d.img ro shared raw thin", "has more than a source and three "
					     "options"},
		{"d.img thin", "is a boot module with option thin"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i].value) != -1 || !strstr(why, bad[i].why))
			fail_msg("\"%s\": got \"%s\", want \"%s\"",
				 bad[i].value, why, bad[i].why);
	}
}

/* An MBR with partition k of the given type, first sector and count. */
static void mbr_entry(uint8_t *mbr, unsigned k, uint8_t type, uint32_t first,
		      uint32_t count)
{
	uint8_t *e = mbr + MBR_TABLE + (k - 1) * MBR_ENTRY_SIZE;

	e[MBR_ENTRY_TYPE] = type;
	memcpy(e + MBR_ENTRY_FIRST, &first, 4);
	memcpy(e + MBR_ENTRY_COUNT, &count, 4);
	mbr[MBR_SIGNATURE] = 0x55;
	mbr[MBR_SIGNATURE + 1] = 0xaa;
}

static void test_mbr(void **state)
{
	uint8_t mbr[MBR_SIZE] = {0};
	uint64_t first, count;

	assert_int_equal(
		mbr_partition(mbr, 1, 1000, &first, &count, why, sizeof(why)),
		-1);
	assert_non_null(strstr(why, "no MBR partition table"));
	mbr_entry(mbr, 1, 0x83, 2048, 4096);
	mbr_entry(mbr, 2, 0xda, 6144, 100);
	mbr_entry(mbr, 3, MBR_TYPE_EXTENDED, 7000, 100);
	assert_int_equal(
		mbr_partition(mbr, 1, 8192, &first, &count, why, sizeof(why)),
		0);
	assert_int_equal(first, 2048);
	assert_int_equal(count, 4096);
	assert_int_equal(
		mbr_partition(mbr, 2, 8192, &first, &count, why, sizeof(why)),
		0);
	assert_int_equal(first, 6144);
	assert_int_equal(
		mbr_partition(mbr, 2, 6200, &first, &count, why, sizeof(why)),
		-1);
	assert_string_equal(why, "partition 2 (sectors 6144 to 6243) ends "
				 "past the disk's 6200 sectors");
	assert_int_equal(
		mbr_partition(mbr, 3, 8192, &first, &count, why, sizeof(why)),
		-1);
	assert_non_null(strstr(why, "extended partition"));
	assert_int_equal(
		mbr_partition(mbr, 4, 8192, &first, &count, why, sizeof(why)),
		-1);
	assert_string_equal(why, "partition 4 is empty");
	mbr_entry(mbr, 1, MBR_TYPE_GPT, 1, 8191);
	assert_int_equal(
		mbr_partition(mbr, 2, 8192, &first, &count, why, sizeof(why)),
		-1);
	assert_non_null(strstr(why, "GPT"));
}

/* The boot log's line of a disk's partitions. */
static void test_mbr_describe(void **state)
{
	uint8_t mbr[MBR_SIZE] = {0};
	char line[160];

	assert_int_equal(mbr_describe(mbr, 8192, line, sizeof(line)), -1);
	assert_string_equal(line, "");
	mbr_entry(mbr, 1, 0x83, 2048, 4096);
	mbr_entry(mbr, 3, 0x0c, 6144, 100);
	mbr_entry(mbr, 4, MBR_TYPE_EXTENDED, 7000, 100); /* not listed */
	assert_int_equal(mbr_describe(mbr, 8192, line, sizeof(line)), 2);
	assert_string_equal(line, "p1 @2048+4096 (type 0x83), p3 @6144+100 "
				  "(type 0x0c)");
	/* a partition past the disk's end is not usable */
	assert_int_equal(mbr_describe(mbr, 6200, line, sizeof(line)), 1);
	assert_string_equal(line, "p1 @2048+4096 (type 0x83)");
	assert_int_equal(mbr_describe(mbr, 4000, line, sizeof(line)), 0);
	assert_string_equal(line, "no usable partition");
	mbr_entry(mbr, 1, MBR_TYPE_GPT, 1, 8191);
	assert_int_equal(mbr_describe(mbr, 8192, line, sizeof(line)), 0);
	assert_string_equal(line, "GPT (not read)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module),
		cmocka_unit_test(test_host_areas),
		cmocka_unit_test(test_ahci_names),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_mbr),
		cmocka_unit_test(test_mbr_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
