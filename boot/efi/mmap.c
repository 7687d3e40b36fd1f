/*
 * boot/efi/mmap.c - the firmware's final memory map, converted into
 * boot_info's E820-numbered ranges, and the exit from boot services.
 * Runs with boot services until ExitBootServices succeeds, boot CPU;
 * after that nothing here may call the firmware.
 * UEFI Specification, "EFI_BOOT_SERVICES.GetMemoryMap()",
 * "EFI_BOOT_SERVICES.ExitBootServices()".
 */
#include "boot/efi/loader.h"
#include "lib/string.h"

#define MAP_SLACK   8 /* descriptors of room for the map's own growth */
#define MAP_RETRIES 8

/* Memory the kernel may use once boot services are gone is usable:
 * loader and boot-services memory included (boot_info, modules and
 * hv.elf are LoaderData, and the kernel keeps those by name). */
static uint32_t e820_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:
	case EfiBootServicesCode:
	case EfiBootServicesData:
	case EfiLoaderCode:
	case EfiLoaderData: return BOOT_MEM_USABLE;
	case EfiACPIReclaimMemory: return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS: return BOOT_MEM_ACPI_NVS;
	case EfiUnusableMemory: return BOOT_MEM_BAD;
	default: return BOOT_MEM_RESERVED;
	}
}

/* Appends a range, merging it with the last one when they touch and
 * have the same type. Returns false when boot_info is full. */
static bool add_range(struct boot_info *bi, uint64_t base, uint64_t len,
		      uint32_t type)
{
	struct boot_mem_range *last =
		bi->mmap_count ? &bi->mmap[bi->mmap_count - 1] : NULL;

	if (last && last->type == type && last->base + last->length == base) {
		last->length += len;
		return true;
	}
	if (bi->mmap_count == BOOT_MMAP_MAX)
		return false;
	bi->mmap[bi->mmap_count++] =
		(struct boot_mem_range){base, len, type, 0};
	return true;
}

/* The specification does not promise sorted descriptors; OVMF's are
 * ascending. An unsorted map is still right, it just merges less. */
static bool convert_map(struct boot_info *bi, const UINT8 *map, UINTN size,
			UINTN desc_size)
{
	bi->mmap_count = 0;
	for (UINTN off = 0; off + desc_size <= size; off += desc_size) {
		const EFI_MEMORY_DESCRIPTOR *d = (const void *)(map + off);

		if (!add_range(bi, d->PhysicalStart,
			       d->NumberOfPages * EFI_PAGE_SIZE,
			       e820_type(d->Type)))
			return false;
	}
	return true;
}

/* A buffer big enough for the map now plus some growth (allocating it
 * adds descriptors itself). */
static EFI_STATUS alloc_map(struct loader *ld, UINT8 **map, UINTN *cap)
{
	UINTN size = 0, key, desc_size;
	UINT32 version;
	EFI_STATUS s;

	s = ld->bs->GetMemoryMap(&size, NULL, &key, &desc_size, &version);
	if (s != EFI_BUFFER_TOO_SMALL)
		return loader_fail(ld, s, "GetMemoryMap gives no size (%s)",
				   loader_status_name(s));
	*cap = size + MAP_SLACK * desc_size;
	s = ld->bs->AllocatePool(EfiLoaderData, *cap, (void **)map);
	if (EFI_ERROR(s))
		return loader_fail(ld, s, "no memory for the memory map (%s)",
				   loader_status_name(s));
	return EFI_SUCCESS;
}

/*
 * The standard loop: the map key must be that of the latest map, and a
 * failed ExitBootServices means the map changed: get it again (only the
 * memory services may be used between the attempts). The map is
 * converted before each attempt, so the one that succeeds is the one in
 * boot_info and any overflow is reported while the console still works.
 */
EFI_STATUS mmap_exit_boot_services(struct loader *ld)
{
	UINTN cap = 0, size, key, desc_size;
	UINT32 version;
	UINT8 *map;
	EFI_STATUS s = alloc_map(ld, &map, &cap);

	for (int i = 0; !EFI_ERROR(s) && i < MAP_RETRIES; i++) {
		size = cap;
		s = ld->bs->GetMemoryMap(&size, (EFI_MEMORY_DESCRIPTOR *)map,
					 &key, &desc_size, &version);
		if (EFI_ERROR(s))
			return loader_fail(ld, s, "GetMemoryMap failed (%s)",
					   loader_status_name(s));
		if (!convert_map(ld->bi, map, size, desc_size))
			return loader_fail(ld, EFI_OUT_OF_RESOURCES,
					   "the memory map has more than %d "
					   "ranges",
					   BOOT_MMAP_MAX);
		s = ld->bs->ExitBootServices(ld->image, key);
		if (s == EFI_SUCCESS)
			return EFI_SUCCESS;
		if (s == EFI_INVALID_PARAMETER)
			s = EFI_SUCCESS; /* stale key: again */
	}
	return EFI_ERROR(s) ? s : EFI_ABORTED;
}
