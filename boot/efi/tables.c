/*
 * boot/efi/tables.c - what the firmware tells about the platform: the
 * ACPI RSDP from the configuration table and the GOP framebuffer, copied
 * into boot_info. Runs with boot services, boot CPU.
 * UEFI Specification, "EFI Configuration Table & Properties Table",
 * "Graphics Output Protocol"; ACPI Specification, "Root System
 * Description Pointer (RSDP) Structure".
 */
#include "boot/efi/loader.h"
#include "lib/string.h"

#define RSDP_V1_LEN	20
#define RSDP_V2_LEN	36
#define RSDP_REVISION	15 /* byte offset of Revision */
#define GOP_BYTES_PIXEL 4

static bool guid_equal(const EFI_GUID *a, const EFI_GUID *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static const UINT8 *config_table(struct loader *ld, const EFI_GUID *guid)
{
	for (UINTN i = 0; i < ld->st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ld->st->ConfigurationTable[i];

		if (guid_equal(&t->VendorGuid, guid))
			return t->VendorTable;
	}
	return NULL;
}

/* Prefer the ACPI 2.0 RSDP (it points to the XSDT); its 36 bytes exist
 * only when its Revision says 2 or more. */
void tables_find_acpi(struct loader *ld)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	const UINT8 *rsdp = config_table(ld, &acpi20);
	struct boot_info *bi = ld->bi;

	if (!rsdp)
		rsdp = config_table(ld, &acpi10);
	if (!rsdp) {
		loader_say(ld, "the firmware gives no ACPI tables");
		return;
	}
	bi->acpi_rsdp_len =
		rsdp[RSDP_REVISION] >= 2 ? RSDP_V2_LEN : RSDP_V1_LEN;
	memcpy(bi->acpi_rsdp, rsdp, bi->acpi_rsdp_len);
}

static uint8_t mask_shift(UINT32 mask)
{
	uint8_t shift = 0;

	while (mask && !(mask & 1)) {
		mask >>= 1;
		shift++;
	}
	return shift;
}

static bool set_shifts(struct boot_framebuffer *fb,
		       const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info)
{
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor:
		fb->red_shift = 0;
		fb->green_shift = 8;
		fb->blue_shift = 16;
		return true;
	case PixelBlueGreenRedReserved8BitPerColor:
		fb->red_shift = 16;
		fb->green_shift = 8;
		fb->blue_shift = 0;
		return true;
	case PixelBitMask:
		fb->red_shift = mask_shift(info->PixelInformation.RedMask);
		fb->green_shift = mask_shift(info->PixelInformation.GreenMask);
		fb->blue_shift = mask_shift(info->PixelInformation.BlueMask);
		return true;
	default: return false; /* PixelBltOnly: no linear framebuffer */
	}
}

void tables_find_framebuffer(struct loader *ld)
{
	EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
	struct boot_framebuffer *fb = &ld->bi->fb;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;

	if (EFI_ERROR(ld->bs->LocateProtocol(&gop_guid, NULL, (void **)&gop)))
		return; /* no display: the serial console is enough */
	info = gop->Mode->Info;
	if (!set_shifts(fb, info))
		return;
	fb->type = BOOT_FB_RGB;
	fb->base = gop->Mode->FrameBufferBase;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pitch = info->PixelsPerScanLine * GOP_BYTES_PIXEL;
	fb->bpp = 32;
}
