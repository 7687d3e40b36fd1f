/*
 * drivers/virt/aml.c - writing ACPI Machine Language for a VM's DSDT.
 * Pure logic; runs when a VM's ACPI tables are built; unit-tested on the
 * host.
 * ACPI Specification, "ACPI Machine Language (AML) Specification":
 * "Package Length Encoding", "Name Objects Encoding", "Data Objects
 * Encoding", "Named Objects Encoding"; "Resource Data Types for ACPI"
 * ("Address Space Resource Descriptors"); "EISAID"; "_PRT (PCI Routing
 * Table)".
 *
 * A Scope, Device, Package or Buffer starts with a PkgLength that counts
 * the bytes after its opcode, itself included, in 1 to 4 bytes. It is
 * not known until the object is closed, so aml_end moves the body up by
 * the size of its encoding and writes it in front (the shortest
 * encoding, as iasl writes it).
 */
#include "drivers/virt/aml.h"
#include "lib/string.h"

/* "AML Byte Stream Byte Values" */
#define AML_ZERO_OP	  0x00
#define AML_ONE_OP	  0x01
#define AML_NAME_OP	  0x08
#define AML_BYTE_PREFIX	  0x0a
#define AML_WORD_PREFIX	  0x0b
#define AML_DWORD_PREFIX  0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX  0x0e
#define AML_SCOPE_OP	  0x10
#define AML_BUFFER_OP	  0x11
#define AML_PACKAGE_OP	  0x12
#define AML_EXT_OP	  0x5b
#define AML_EXT_DEVICE	  0x82 /* after AML_EXT_OP */
#define AML_ROOT_CHAR	  '\\'
#define AML_NAMESEG_LEN	  4

/* "Package Length Encoding" */
#define PKGLEN_1_MAX	   0x3f	   /* 6 bits in the lead byte */
#define PKGLEN_2_MAX	   0xfff   /* 4 + 8 bits */
#define PKGLEN_3_MAX	   0xfffff /* 4 + 16 bits */
#define PKGLEN_LOW_NIBBLE  0xf	   /* lead byte of a longer encoding */
#define PKGLEN_COUNT_SHIFT 6	   /* bits 7:6: bytes that follow */

/* "Resource Data Types for ACPI" */
#define RES_IRQ_NO_FLAGS   0x22 /* small item 0x4, length 2 */
#define RES_IO		   0x47 /* small item 0x8, length 7 */
#define RES_END_TAG	   0x79 /* small item 0xf, length 1 */
#define RES_MEM32_FIXED	   0x86 /* large item 0x6 */
#define RES_EXT_IRQ	   0x89 /* large item 0x9 */
#define RES_DWORD_ADDR	   0x87 /* large item 0x7 */
#define RES_WORD_ADDR	   0x88 /* large item 0x8 */
#define RES_DWORD_ADDR_LEN 23	/* after the 3-byte large item header */
#define RES_WORD_ADDR_LEN  13
#define RES_ADDR_MEMORY	   0 /* Resource Type */
#define RES_ADDR_IO	   1
#define RES_ADDR_BUS	   2
/* General Flags: bit 0 clear = ResourceProducer, bit 1 clear =
 * PosDecode, _MIF and _MAF: the window's ends are fixed */
#define RES_ADDR_MIN_FIXED   BIT(2)
#define RES_ADDR_MAX_FIXED   BIT(3)
#define RES_ADDR_IO_ENTIRE   0x3    /* I/O flags: _RNG, ISA and non-ISA */
#define RES_ADDR_MEM_RW	     BIT(0) /* memory flags: _RW; _MEM 0: not cacheable */
#define RES_IO_DECODE16	     BIT(0)
#define RES_MEM_RW	     BIT(0)
#define RES_MEM32_FIXED_LEN  9
#define RES_EXT_IRQ_LEN	     6 /* flags, count, one 32-bit interrupt */
#define RES_EXT_IRQ_CONSUMER BIT(0)
#define RES_EXT_IRQ_EDGE     BIT(1) /* clear: level */
#define ISA_IRQS	     16

/* "EISAID": three letters of 5 bits ('A' = 1), then 4 hex digits, the
 * 16-bit halves stored big-endian in a little-endian DWORD. */
#define EISAID_LEN	   7
#define EISAID_LETTER_BASE 0x40

void aml_init(struct aml *a, void *buf, size_t size)
{
	*a = (struct aml){.buf = buf, .size = size};
}

static void aml_byte(struct aml *a, uint8_t v)
{
	if (a->buf) {
		if (a->len >= a->size) {
			a->overflow = true;
			return;
		}
		a->buf[a->len] = v;
	}
	a->len++;
}

static void aml_bytes(struct aml *a, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		aml_byte(a, p[i]);
}

static void aml_le(struct aml *a, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

/* "Name Objects Encoding": [RootChar] NameSeg */
static void aml_namestring(struct aml *a, const char *name)
{
	size_t i = 0;

	if (name[0] == AML_ROOT_CHAR) {
		aml_byte(a, AML_ROOT_CHAR);
		name++;
	}
	for (; i < AML_NAMESEG_LEN && name[i]; i++)
		aml_byte(a, (uint8_t)name[i]);
	for (; i < AML_NAMESEG_LEN; i++)
		aml_byte(a, '_');
}

/* "Data Objects Encoding": the shortest ComputationalData form. */
static void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO_OP);
	} else if (v == 1) {
		aml_byte(a, AML_ONE_OP);
	} else if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= 0xffffffff) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

/* Opens a PkgLength-prefixed body at the current position. */
static void aml_open(struct aml *a)
{
	if (a->depth == AML_DEPTH_MAX) {
		a->overflow = true;
		return;
	}
	a->open[a->depth++] = a->len;
}

static unsigned pkglen_size(size_t body)
{
	if (body + 1 <= PKGLEN_1_MAX)
		return 1;
	if (body + 2 <= PKGLEN_2_MAX)
		return 2;
	if (body + 3 <= PKGLEN_3_MAX)
		return 3;
	return 4;
}

static void pkglen_write(uint8_t *p, size_t value, unsigned n)
{
	if (n == 1) {
		p[0] = (uint8_t)value;
		return;
	}
	p[0] = (uint8_t)(((n - 1) << PKGLEN_COUNT_SHIFT) |
			 (value & PKGLEN_LOW_NIBBLE));
	for (unsigned i = 1; i < n; i++)
		p[i] = (uint8_t)(value >> (4 + 8 * (i - 1)));
}

void aml_end(struct aml *a)
{
	size_t start, body;
	unsigned n;

	if (a->depth == 0) {
		a->overflow = true;
		return;
	}
	start = a->open[--a->depth];
	body = a->len - start;
	n = pkglen_size(body);
	if (a->buf && !a->overflow) {
		if (a->len + n > a->size) {
			a->overflow = true;
			return;
		}
		memmove(a->buf + start + n, a->buf + start, body);
		pkglen_write(a->buf + start, body + n, n);
	}
	a->len += n;
}

void aml_scope(struct aml *a, const char *name)
{
	aml_byte(a, AML_SCOPE_OP);
	aml_open(a);
	aml_namestring(a, name);
}

void aml_device(struct aml *a, const char *name)
{
	aml_byte(a, AML_EXT_OP);
	aml_byte(a, AML_EXT_DEVICE);
	aml_open(a);
	aml_namestring(a, name);
}

static void aml_name(struct aml *a, const char *name)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, name);
}

void aml_name_integer(struct aml *a, const char *name, uint64_t value)
{
	aml_name(a, name);
	aml_integer(a, value);
}

void aml_name_string(struct aml *a, const char *name, const char *s)
{
	aml_name(a, name);
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, (const uint8_t *)s, strlen(s) + 1);
}

void aml_name_eisaid(struct aml *a, const char *name, const char *id)
{
	aml_name(a, name);
	aml_byte(a, AML_DWORD_PREFIX);
	aml_le(a, aml_eisaid(id), 4);
}

void aml_name_package(struct aml *a, const char *name, const uint64_t *v,
		      unsigned n)
{
	aml_name(a, name);
	aml_byte(a, AML_PACKAGE_OP);
	aml_open(a);
	aml_byte(a, (uint8_t)n); /* NumElements */
	for (unsigned i = 0; i < n; i++)
		aml_integer(a, v[i]);
	aml_end(a);
}

/* Package (4) { address, pin, Zero, gsi }: a Source of Zero (the
 * integer, not a name) says the pin is wired to GSI `gsi` itself. */
void aml_name_prt(struct aml *a, const struct aml_prt_entry *e, unsigned n)
{
	aml_name(a, "_PRT");
	aml_byte(a, AML_PACKAGE_OP);
	aml_open(a);
	aml_byte(a, (uint8_t)n); /* NumElements */
	for (unsigned i = 0; i < n; i++) {
		const uint64_t v[] = {e[i].address, e[i].pin, 0, e[i].gsi};

		aml_byte(a, AML_PACKAGE_OP);
		aml_open(a);
		aml_byte(a, (uint8_t)ARRAY_SIZE(v));
		for (unsigned k = 0; k < ARRAY_SIZE(v); k++)
			aml_integer(a, v[k]);
		aml_end(a);
	}
	aml_end(a);
}

static void res_byte(struct aml_res *r, uint8_t v)
{
	if (r->len >= AML_RES_MAX) {
		r->overflow = true;
		return;
	}
	r->b[r->len++] = v;
}

static void res_le(struct aml_res *r, uint32_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		res_byte(r, (uint8_t)(v >> (8 * i)));
}

/* The End Tag's checksum byte 0 means "treat as correct". */
void aml_name_resources(struct aml *a, const char *name, struct aml_res *r)
{
	res_byte(r, RES_END_TAG);
	res_byte(r, 0);
	if (r->overflow)
		a->overflow = true;
	aml_name(a, name);
	aml_byte(a, AML_BUFFER_OP);
	aml_open(a);
	aml_integer(a, r->len); /* BufferSize */
	aml_bytes(a, r->b, r->len);
	aml_end(a);
}

void aml_res_init(struct aml_res *r)
{
	*r = (struct aml_res){.len = 0};
}

void aml_res_io(struct aml_res *r, uint16_t base, uint8_t len)
{
	res_byte(r, RES_IO);
	res_byte(r, RES_IO_DECODE16);
	res_le(r, base, 2); /* range minimum */
	res_le(r, base, 2); /* range maximum: fixed */
	res_byte(r, 1);	    /* alignment */
	res_byte(r, len);
}

void aml_res_irq(struct aml_res *r, unsigned irq)
{
	if (irq >= ISA_IRQS) {
		r->overflow = true;
		return;
	}
	res_byte(r, RES_IRQ_NO_FLAGS);
	res_le(r, 1u << irq, 2);
}

/* "Word Address Space Descriptor" / "DWord Address Space Descriptor":
 * type, flags, then granularity, minimum, maximum, translation offset
 * and length, each of `bytes`. */
static void res_address(struct aml_res *r, uint8_t type, uint8_t type_flags,
			uint32_t min, uint32_t max, unsigned bytes)
{
	bool dword = bytes == 4;

	res_byte(r, dword ? RES_DWORD_ADDR : RES_WORD_ADDR);
	res_le(r, dword ? RES_DWORD_ADDR_LEN : RES_WORD_ADDR_LEN, 2);
	res_byte(r, type);
	res_byte(r, RES_ADDR_MIN_FIXED | RES_ADDR_MAX_FIXED);
	res_byte(r, type_flags);
	res_le(r, 0, bytes); /* granularity: a fixed window */
	res_le(r, min, bytes);
	res_le(r, max, bytes);
	res_le(r, 0, bytes); /* no translation */
	res_le(r, max - min + 1, bytes);
}

void aml_res_word_bus(struct aml_res *r, uint16_t min, uint16_t max)
{
	res_address(r, RES_ADDR_BUS, 0, min, max, 2);
}

void aml_res_word_io(struct aml_res *r, uint16_t min, uint16_t max)
{
	res_address(r, RES_ADDR_IO, RES_ADDR_IO_ENTIRE, min, max, 2);
}

void aml_res_dword_mem(struct aml_res *r, uint32_t min, uint32_t max)
{
	res_address(r, RES_ADDR_MEMORY, RES_ADDR_MEM_RW, min, max, 4);
}

void aml_res_mem32_fixed(struct aml_res *r, uint32_t base, uint32_t len)
{
	res_byte(r, RES_MEM32_FIXED);
	res_le(r, RES_MEM32_FIXED_LEN, 2);
	res_byte(r, RES_MEM_RW);
	res_le(r, base, 4);
	res_le(r, len, 4);
}

void aml_res_interrupt(struct aml_res *r, uint32_t gsi, bool level)
{
	res_byte(r, RES_EXT_IRQ);
	res_le(r, RES_EXT_IRQ_LEN, 2);
	/* consumer, active high, exclusive, not wake capable */
	res_byte(r, RES_EXT_IRQ_CONSUMER | (level ? 0 : RES_EXT_IRQ_EDGE));
	res_byte(r, 1); /* interrupt table length */
	res_le(r, gsi, 4);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

uint32_t aml_eisaid(const char *id)
{
	uint32_t vendor = 0, product = 0;

	if (strlen(id) != EISAID_LEN)
		return 0;
	for (unsigned i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			return 0;
		vendor = vendor << 5 | (uint32_t)(id[i] - EISAID_LETTER_BASE);
	}
	for (unsigned i = 3; i < EISAID_LEN; i++) {
		int d = hex_digit(id[i]);

		if (d < 0)
			return 0;
		product = product << 4 | (uint32_t)d;
	}
	/* bytes: vendor high, vendor low, product high, product low */
	return (vendor >> 8) | (vendor & 0xff) << 8 | (product >> 8) << 16 |
	       (product & 0xff) << 24;
}
