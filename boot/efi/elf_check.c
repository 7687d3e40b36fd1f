/*
 * boot/efi/elf_check.c - validation of the hypervisor's ELF64 image: the
 * header, the program header table and each PT_LOAD segment, every
 * offset bounds-checked against the file size. Pure logic: runs in the
 * UEFI loader and in host unit tests.
 * System V Application Binary Interface, "ELF Header", "Program Header";
 * its AMD64 supplement, "Machine Information".
 */
#include <stdarg.h>
#include "boot/efi/elf_check.h"
#include "lib/fmt.h"
#include "lib/string.h"

/* "ELF Header": e_ident indexes and values */
#define EI_CLASS    4
#define EI_DATA	    5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC	    2
#define EM_X86_64   62
/* "Program Header" */
#define PT_LOAD	     1
#define PF_X	     1
#define ELF_PAGE     4096ULL
#define ELF_LIMIT_4G (4ULL << 30) /* the kernel's entry contract */

struct elf64_ehdr {
	uint8_t e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

__attribute__((format(printf, 3, 4))) static int
elf_fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_elf64_x86_64_exec(const struct elf64_ehdr *eh)
{
	return memcmp(eh->e_ident, "\177ELF", 4) == 0 &&
	       eh->e_ident[EI_CLASS] == ELFCLASS64 &&
	       eh->e_ident[EI_DATA] == ELFDATA2LSB &&
	       eh->e_ident[EI_VERSION] == EV_CURRENT && eh->e_type == ET_EXEC &&
	       eh->e_machine == EM_X86_64;
}

/* True when [off, off+len) lies inside a file of SIZE bytes. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static int check_segment(const struct elf64_phdr *ph, unsigned i, size_t size,
			 char *err, size_t err_size)
{
	if (ph->p_filesz > ph->p_memsz)
		return elf_fail(err, err_size,
				"segment %u: file size 0x%lx exceeds its "
				"memory size 0x%lx",
				i, (unsigned long)ph->p_filesz,
				(unsigned long)ph->p_memsz);
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return elf_fail(err, err_size,
				"segment %u: bytes 0x%lx+0x%lx lie beyond the "
				"end of the file (%lu bytes); truncated?",
				i, (unsigned long)ph->p_offset,
				(unsigned long)ph->p_filesz,
				(unsigned long)size);
	if (ph->p_memsz == 0 || ph->p_paddr >= ELF_LIMIT_4G ||
	    ph->p_memsz > ELF_LIMIT_4G - ph->p_paddr)
		return elf_fail(err, err_size,
				"segment %u: 0x%lx+0x%lx is empty or not below "
				"4 GiB",
				i, (unsigned long)ph->p_paddr,
				(unsigned long)ph->p_memsz);
	return 0;
}

static bool pages_overlap(const struct elf_segment *a,
			  const struct elf_segment *b)
{
	uint64_t a0 = ALIGN_DOWN(a->paddr, ELF_PAGE);
	uint64_t a1 = ALIGN_UP(a->paddr + a->memsz, ELF_PAGE);
	uint64_t b0 = ALIGN_DOWN(b->paddr, ELF_PAGE);
	uint64_t b1 = ALIGN_UP(b->paddr + b->memsz, ELF_PAGE);

	return a0 < b1 && b0 < a1;
}

static int add_segment(struct elf_image *img, const struct elf64_phdr *ph,
		       unsigned i, char *err, size_t err_size)
{
	struct elf_segment *s;

	if (img->count == ELF_MAX_SEGMENTS)
		return elf_fail(err, err_size, "more than %d loadable segments",
				ELF_MAX_SEGMENTS);
	s = &img->seg[img->count];
	*s = (struct elf_segment){ph->p_paddr, ph->p_memsz, ph->p_filesz,
				  ph->p_offset, (ph->p_flags & PF_X) != 0};
	for (unsigned j = 0; j < img->count; j++)
		if (pages_overlap(&img->seg[j], s))
			return elf_fail(err, err_size,
					"segment %u shares a page with an "
					"earlier segment",
					i);
	img->count++;
	return 0;
}

static bool entry_in_code(const struct elf_image *img)
{
	for (unsigned i = 0; i < img->count; i++) {
		const struct elf_segment *s = &img->seg[i];

		if (s->exec && img->entry >= s->paddr &&
		    img->entry - s->paddr < s->filesz)
			return true;
	}
	return false;
}

static int check_phdrs(const uint8_t *file, size_t size,
		       const struct elf64_ehdr *eh, struct elf_image *img,
		       char *err, size_t err_size)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;

		memcpy(&ph, file + eh->e_phoff + (uint64_t)i * sizeof(ph),
		       sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		if (check_segment(&ph, i, size, err, err_size) ||
		    add_segment(img, &ph, i, err, err_size))
			return -1;
	}
	if (img->count == 0)
		return elf_fail(err, err_size, "no loadable segment");
	if (!entry_in_code(img))
		return elf_fail(err, err_size,
				"entry point 0x%lx is not inside an "
				"executable segment",
				(unsigned long)img->entry);
	return 0;
}

int elf_check(const void *file, size_t size, struct elf_image *img, char *err,
	      size_t err_size)
{
	struct elf64_ehdr eh;

	memset(img, 0, sizeof(*img));
	if (size < sizeof(eh))
		return elf_fail(err, err_size,
				"not an ELF64 x86-64 executable (only %lu "
				"bytes)",
				(unsigned long)size);
	memcpy(&eh, file, sizeof(eh));
	if (!is_elf64_x86_64_exec(&eh))
		return elf_fail(err, err_size,
				"not an ELF64 x86-64 executable");
	if (eh.e_phentsize != sizeof(struct elf64_phdr) || eh.e_phnum == 0)
		return elf_fail(err, err_size,
				"program header entries of %u bytes, %u of "
				"them (expected %lu bytes, at least one)",
				eh.e_phentsize, eh.e_phnum,
				(unsigned long)sizeof(struct elf64_phdr));
	if (!in_file(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, size))
		return elf_fail(err, err_size,
				"program header table at 0x%lx lies beyond the "
				"end of the file (%lu bytes); truncated?",
				(unsigned long)eh.e_phoff, (unsigned long)size);
	img->entry = eh.e_entry;
	return check_phdrs(file, size, &eh, img, err, err_size);
}
