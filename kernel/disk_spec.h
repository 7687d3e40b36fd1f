/*
 * kernel/disk_spec.h - the value of a VM's `disk` key (docs/config.md):
 * where the disk's sectors live and how they are stored.
 *
 *   disk = SOURCE [raw|thin] [ro] [shared]
 *
 *   SOURCE  a boot module (a RAM image: its writes last until the
 *           hypervisor stops), or a host disk as its driver names it,
 *           ataN-master or ataN-slave (IDE), ahciN-portP (AHCI), whole,
 *           or
 *           ataN-master:pK     its MBR primary partition K (1 to 4), or
 *           ataN-master@F+C    the C sectors from sector F (an extent)
 *   raw     the guest's sector n is sector n of the source (default)
 *   thin    the source holds a thin image (docs/disk-formats.md); a
 *           host disk only
 *   ro      the guest may read, not write (virtio-blk's RO feature)
 *   shared  another VM may also have it (or sectors of it) writable
 *
 * Pure logic; runs on the boot CPU while hv.cfg is read, and in
 * tests/unit/test_disk_spec.c.
 */
#ifndef KERNEL_DISK_SPEC_H
#define KERNEL_DISK_SPEC_H

#include "kernel/boot_info.h"

#define DISK_SPEC_HOST_MAX 16 /* "ata1-master", "ahci0-port31", NUL */
#define DISK_SPEC_PART_MAX 4  /* MBR primary partitions */

enum disk_source {
	DISK_NONE,
	DISK_MODULE, /* a boot module, in RAM */
	DISK_HOST,   /* a host disk, or part of one */
};

enum disk_area {
	DISK_WHOLE,	/* all of the host disk */
	DISK_PARTITION, /* MBR primary partition `partition` */
	DISK_EXTENT,	/* sectors [first, first + sectors) */
};

struct disk_spec {
	enum disk_source source;
	char name[BOOT_NAME_MAX]; /* the module, or the host disk */
	enum disk_area area;	  /* DISK_HOST only */
	unsigned partition;	  /* 1 to 4 */
	uint64_t first, sectors;  /* the extent */
	bool thin, read_only, shared;
};

/*
 * Parse a `disk` value. 0, or -1 with why set to what is wrong with it
 * (the caller names the file, line and key).
 */
int disk_spec_parse(const char *value, struct disk_spec *d, char *why,
		    size_t why_len);

/* The source as written back: "ata1-master:p2", "ata0-slave@2048+4096",
 * "disk.img". */
void disk_spec_source(const struct disk_spec *d, char *buf, size_t len);

/* Whether two specs name the same host disk (their areas are compared
 * only once the partitions are read: vmx/vm_disk.c). */
bool disk_spec_same_host(const struct disk_spec *a, const struct disk_spec *b);

#endif
