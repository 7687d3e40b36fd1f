/*
 * tests/unit/fake_ram.h - a VM's RAM for the virtio tests: one malloc'd
 * block of exactly FAKE_RAM_SIZE bytes at guest-physical 0, reached
 * through struct guest_ram as the hypervisor's vm_gpa_to_hva is. Any
 * byte a device touches outside it is a heap overflow ASan reports.
 * Helpers put descriptors and ring entries where a driver would.
 */
#ifndef TESTS_UNIT_FAKE_RAM_H
#define TESTS_UNIT_FAKE_RAM_H

#include <stdlib.h>
#include <string.h>
#include "drivers/virt/virtqueue.h"

#define FAKE_RAM_SIZE (256 * 1024)

/* Where the tests put queue 0's rings (queue size up to 256 fits). */
#define FAKE_DESC  0x1000
#define FAKE_AVAIL 0x3000
#define FAKE_USED  0x4000

static uint8_t *fake_ram;

static void *fake_ram_map(void *ctx, gpa_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa >= FAKE_RAM_SIZE || len > FAKE_RAM_SIZE - gpa)
		return NULL;
	return fake_ram + gpa;
}

static const struct guest_ram fake_guest_ram = {fake_ram_map, NULL};

static inline void fake_ram_alloc(void)
{
	fake_ram = calloc(1, FAKE_RAM_SIZE);
}

static inline void fake_ram_free(void)
{
	free(fake_ram);
	fake_ram = NULL;
}

static inline void put_desc(unsigned i, uint64_t addr, uint32_t len,
			    uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {addr, len, flags, next};

	memcpy(fake_ram + FAKE_DESC + i * sizeof(d), &d, sizeof(d));
}

/* A descriptor of an indirect table at table (guest-physical). */
static inline void put_table_desc(gpa_t table, unsigned i, uint64_t addr,
				  uint32_t len, uint16_t flags, uint16_t next)
{
	struct virtq_desc d = {addr, len, flags, next};

	memcpy(fake_ram + table + i * sizeof(d), &d, sizeof(d));
}

static inline uint16_t ram16(gpa_t gpa)
{
	uint16_t v;

	memcpy(&v, fake_ram + gpa, 2);
	return v;
}

static inline uint32_t ram32(gpa_t gpa)
{
	uint32_t v;

	memcpy(&v, fake_ram + gpa, 4);
	return v;
}

static inline void set16(gpa_t gpa, uint16_t v)
{
	memcpy(fake_ram + gpa, &v, 2);
}

/* Make head available in a queue of size entries, as a driver does. */
static inline void make_avail(uint16_t size, uint16_t head)
{
	uint16_t idx = ram16(FAKE_AVAIL + 2);

	set16(FAKE_AVAIL + 4 + 2 * (idx % size), head);
	set16(FAKE_AVAIL + 2, (uint16_t)(idx + 1));
}

#endif
