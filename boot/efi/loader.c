/*
 * boot/efi/loader.c - BOOTX64.EFI: the UEFI loader's main flow. It reads
 * \EFI\hv\hv.cfg and the modules it names, loads \EFI\hv\hv.elf at its
 * physical addresses, fills struct boot_info, leaves boot services and
 * jumps to hv_entry64 (SysV ABI, RDI = boot_info). Any error before that
 * is shown on the console and COM1 and returned to the firmware.
 * Runs as a UEFI application on the boot CPU; called by gnu-efi's crt0.
 * UEFI Specification, "UEFI Image Entry Point", "EFI Loaded Image
 * Protocol", "EFI_BOOT_SERVICES.ExitBootServices()".
 */
#include "boot/efi/loader.h"
#include "lib/string.h"

#define ELF_PATH	  LOADER_DIR "hv.elf"
#define BELOW_4G	  0xffffffffULL
#define TRAMPOLINE_MAX	  0x9f000ULL /* below the EBDA, below 1 MiB */
#define WATCHDOG_DISABLED 0

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st);

static EFI_STATUS alloc_boot_info(struct loader *ld)
{
	EFI_PHYSICAL_ADDRESS pa = BELOW_4G;
	EFI_STATUS s;

	s = ld->bs->AllocatePages(AllocateMaxAddress, EfiLoaderData,
				  EFI_SIZE_TO_PAGES(sizeof(struct boot_info)),
				  &pa);
	if (EFI_ERROR(s))
		return loader_fail(ld, s, "no memory for boot_info (%s)",
				   loader_status_name(s));
	ld->bi = (struct boot_info *)pa;
	memset(ld->bi, 0, sizeof(*ld->bi));
	ld->bi->magic = BOOT_INFO_MAGIC;
	ld->bi->firmware = BOOT_FW_UEFI;
	str_copy(ld->bi->loader_name, LOADER_NAME, sizeof(ld->bi->loader_name));
	return EFI_SUCCESS;
}

/* A page below 1 MiB where the kernel can put the AP start-up code
 * (SIPI vectors are 4 KiB pages under 1 MiB). 0 lets the kernel look. */
static void reserve_trampoline(struct loader *ld)
{
	EFI_PHYSICAL_ADDRESS pa = TRAMPOLINE_MAX;

	if (EFI_ERROR(ld->bs->AllocatePages(AllocateMaxAddress, EfiLoaderData,
					    1, &pa))) {
		loader_say(ld, "no free page below 1 MiB for the AP start-up "
			       "code; the kernel will look for one");
		return;
	}
	ld->bi->ap_trampoline = pa;
}

/* True for a word ending in ".efi", any case: the program's own path. */
static bool is_efi_path(const CHAR16 *w, UINTN n)
{
	static const char ext[] = ".efi";

	if (n < 4)
		return false;
	for (UINTN i = 0; i < 4; i++)
		if ((w[n - 4 + i] | 0x20) != ext[i])
			return false;
	return true;
}

/*
 * The command line from LoadOptions, when it is printable text. The UEFI
 * Shell passes the whole command, so a first word naming an .efi file is
 * dropped; a boot entry's binary data is not text and is ignored.
 */
static void copy_cmdline(struct loader *ld)
{
	const CHAR16 *o = ld->loaded_image->LoadOptions;
	UINTN n = ld->loaded_image->LoadOptionsSize / sizeof(CHAR16), w = 0;
	char *out = ld->bi->cmdline;
	size_t len = 0;

	while (n && !o[n - 1])
		n--;
	for (UINTN i = 0; i < n; i++)
		if (o[i] < 0x20 || o[i] > 0x7e)
			return;
	while (w < n && o[w] != ' ')
		w++;
	if (!is_efi_path(o, w))
		w = 0;
	while (w < n && o[w] == ' ')
		w++;
	for (; w < n && len + 1 < sizeof(ld->bi->cmdline); w++)
		out[len++] = (char)o[w];
	out[len] = '\0';
}

static EFI_STATUS load_kernel(struct loader *ld, hv_entry_fn *entry)
{
	void *elf;
	UINTN size;
	EFI_STATUS s = file_read(ld, ELF_PATH, &elf, &size);

	if (s == EFI_NOT_FOUND)
		return loader_fail(ld, s, "%s: file not found", ELF_PATH);
	if (EFI_ERROR(s))
		return s;
	s = elf_load(ld, elf, size, entry);
	file_free(ld, elf, size);
	if (!EFI_ERROR(s))
		loader_say(ld, "%s: %lu bytes, entry 0x%lx", ELF_PATH,
			   (unsigned long)size, (unsigned long)*entry);
	return s;
}

static EFI_STATUS prepare(struct loader *ld, hv_entry_fn *entry)
{
	EFI_STATUS s;

	s = file_open_root(ld);
	if (!EFI_ERROR(s))
		s = alloc_boot_info(ld);
	if (!EFI_ERROR(s))
		s = load_kernel(ld, entry);
	if (!EFI_ERROR(s))
		s = modules_load(ld);
	if (EFI_ERROR(s))
		return s;
	copy_cmdline(ld);
	tables_find_acpi(ld);
	tables_find_framebuffer(ld);
	reserve_trampoline(ld);
	return EFI_SUCCESS;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct loader ld = {.image = image, .st = st, .bs = st->BootServices};
	hv_entry_fn entry = NULL;
	EFI_STATUS s;

	ld.bs->SetWatchdogTimer(WATCHDOG_DISABLED, 0, 0, NULL);
	loader_say(&ld, "starting");
	s = prepare(&ld, &entry);
	if (!EFI_ERROR(s)) {
		loader_say(&ld,
			   "%u modules, leaving boot services, entering "
			   "hv.elf",
			   ld.bi->module_count);
		s = mmap_exit_boot_services(&ld);
	}
	if (EFI_ERROR(s))
		return loader_fail(&ld, s, "returning to the firmware (%s)",
				   loader_status_name(s));
	__asm__ volatile("cli");
	entry(ld.bi);
}
