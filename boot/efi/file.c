/*
 * boot/efi/file.c - reading whole files from the volume BOOTX64.EFI was
 * loaded from (the ESP). Runs with boot services, boot CPU.
 * UEFI Specification, "EFI Loaded Image Protocol", "Simple File System
 * Protocol", "File Protocol" (EFI_FILE_INFO).
 */
#include "boot/efi/loader.h"
#include "lib/types.h"

#define PATH_MAX_CHARS 256
#define BELOW_4G       0xffffffffULL /* the kernel's early identity map */

EFI_STATUS file_open_root(struct loader *ld)
{
	EFI_GUID image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
	EFI_GUID fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	EFI_STATUS s;

	s = ld->bs->HandleProtocol(ld->image, &image_guid,
				   (void **)&ld->loaded_image);
	if (EFI_ERROR(s))
		return loader_fail(ld, s, "no Loaded Image Protocol (%s)",
				   loader_status_name(s));
	s = ld->bs->HandleProtocol(ld->loaded_image->DeviceHandle, &fs_guid,
				   (void **)&fs);
	if (EFI_ERROR(s))
		return loader_fail(ld, s,
				   "the volume BOOTX64.EFI was loaded from has "
				   "no file system (%s)",
				   loader_status_name(s));
	s = fs->OpenVolume(fs, &ld->root);
	if (EFI_ERROR(s))
		return loader_fail(ld, s, "cannot open the boot volume (%s)",
				   loader_status_name(s));
	return EFI_SUCCESS;
}

/* ASCII to the UCS-2 path the File Protocol wants, '/' as '\'. */
static EFI_STATUS to_path16(const char *path, CHAR16 *out, UINTN max)
{
	UINTN i;

	for (i = 0; path[i]; i++) {
		if (i + 1 == max)
			return EFI_BAD_BUFFER_SIZE;
		out[i] = path[i] == '/' ? L'\\' : (CHAR16)path[i];
	}
	out[i] = 0;
	return EFI_SUCCESS;
}

/* The file's size from EFI_FILE_INFO (a fixed part, then the name). */
static EFI_STATUS file_size(struct loader *ld, EFI_FILE_HANDLE f,
			    const char *path, UINT64 *size)
{
	EFI_GUID info_guid = EFI_FILE_INFO_ID;
	UINT8 buf[SIZE_OF_EFI_FILE_INFO + PATH_MAX_CHARS * sizeof(CHAR16)];
	EFI_FILE_INFO *info = (EFI_FILE_INFO *)buf;
	UINTN len = sizeof(buf);
	EFI_STATUS s;

	s = f->GetInfo(f, &info_guid, &len, info);
	if (EFI_ERROR(s))
		return loader_fail(ld, s, "%s: cannot read its size (%s)", path,
				   loader_status_name(s));
	if (info->Attribute & EFI_FILE_DIRECTORY)
		return loader_fail(ld, EFI_LOAD_ERROR,
				   "%s: is a folder, not a file", path);
	*size = info->FileSize;
	return EFI_SUCCESS;
}

static EFI_STATUS read_all(struct loader *ld, EFI_FILE_HANDLE f,
			   const char *path, void *data, UINTN size)
{
	UINTN got = size;
	EFI_STATUS s = f->Read(f, &got, data);

	if (EFI_ERROR(s))
		return loader_fail(ld, s, "%s: read error (%s)", path,
				   loader_status_name(s));
	if (got != size)
		return loader_fail(ld, EFI_LOAD_ERROR,
				   "%s: read %lu of %lu bytes", path,
				   (unsigned long)got, (unsigned long)size);
	return EFI_SUCCESS;
}

static EFI_STATUS read_open_file(struct loader *ld, EFI_FILE_HANDLE f,
				 const char *path, void **data, UINTN *size)
{
	EFI_PHYSICAL_ADDRESS pa = BELOW_4G;
	UINT64 bytes = 0;
	EFI_STATUS s;

	s = file_size(ld, f, path, &bytes);
	if (EFI_ERROR(s))
		return s;
	if (bytes > BELOW_4G)
		return loader_fail(ld, EFI_LOAD_ERROR,
				   "%s: too large (%lu bytes)", path,
				   (unsigned long)bytes);
	s = ld->bs->AllocatePages(AllocateMaxAddress, EfiLoaderData,
				  EFI_SIZE_TO_PAGES(bytes ? bytes : 1), &pa);
	if (EFI_ERROR(s))
		return loader_fail(ld, s,
				   "%s: no memory below 4 GiB for its %lu "
				   "bytes (%s)",
				   path, (unsigned long)bytes,
				   loader_status_name(s));
	s = read_all(ld, f, path, (void *)pa, bytes);
	if (EFI_ERROR(s)) {
		file_free(ld, (void *)pa, bytes);
		return s;
	}
	*data = (void *)pa;
	*size = bytes;
	return EFI_SUCCESS;
}

EFI_STATUS file_read(struct loader *ld, const char *path, void **data,
		     UINTN *size)
{
	CHAR16 path16[PATH_MAX_CHARS];
	EFI_FILE_HANDLE f;
	EFI_STATUS s;

	if (EFI_ERROR(to_path16(path, path16, ARRAY_SIZE(path16))))
		return loader_fail(ld, EFI_INVALID_PARAMETER,
				   "%s: path longer than %d characters", path,
				   PATH_MAX_CHARS - 1);
	s = ld->root->Open(ld->root, &f, path16, EFI_FILE_MODE_READ, 0);
	if (s == EFI_NOT_FOUND)
		return s;
	if (EFI_ERROR(s))
		return loader_fail(ld, s, "%s: cannot open it (%s)", path,
				   loader_status_name(s));
	s = read_open_file(ld, f, path, data, size);
	f->Close(f);
	return s;
}

void file_free(struct loader *ld, void *data, UINTN size)
{
	ld->bs->FreePages((EFI_PHYSICAL_ADDRESS)data,
			  EFI_SIZE_TO_PAGES(size ? size : 1));
}
