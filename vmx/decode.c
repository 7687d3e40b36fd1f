/*
 * vmx/decode.c - the x86 instruction decoder for emulated memory
 * accesses (MMIO, and guest-physical addresses with nothing behind them).
 * Pure logic; runs in VMX root from the EPT-violation handler, and on the
 * host in the unit tests and the fuzzer.
 * SDM Vol. 2A, "Instruction Format", "REX Prefixes", "RIP-Relative
 * Addressing", the tables "16-Bit Addressing Forms with the ModR/M Byte"
 * and "32-Bit Addressing Forms with the ModR/M Byte" / "... with the SIB
 * Byte"; Vol. 2D, "Opcode Map"; the MOV, MOVZX, MOVSX/MOVSXD, ADD, OR,
 * AND, SUB, XOR, CMP, TEST and STOS pages of the instruction reference.
 *
 * The CPU has already executed this instruction up to its memory access,
 * so an encoding the CPU would reject (LOCK on a non-RMW, more than 15
 * bytes) is not what exited: we report it rather than guess.
 */
#include "vmx/decode.h"

/* SDM Vol. 2A, "REX Prefixes" */
#define REX_B BIT(0)
#define REX_X BIT(1)
#define REX_R BIT(2)
#define REX_W BIT(3)

#define REG_RSP 4
#define REG_RBP 5
#define REG_RSI 6
#define REG_RDI 7
#define REG_RBX 3

/* How an opcode's operands are encoded. */
enum form {
	FORM_NONE,	 /* not supported */
	FORM_MR,	 /* r/m, reg (88 89, 00 01, 84 85, ...) */
	FORM_RM,	 /* reg, r/m (8A 8B, 02 03, ...) */
	FORM_MI,	 /* r/m, imm (C6 /0, C7 /0) */
	FORM_GROUP1,	 /* r/m, imm with the operation in ModR/M.reg */
	FORM_GROUP3,	 /* F6/F7: TEST r/m, imm is /0 */
	FORM_MOFFS_LOAD, /* AL/rAX, moffs */
	FORM_MOFFS_STORE,
	FORM_STOS,
};

/* Width of an immediate operand. */
enum imm_width {
	IMM_NONE,
	IMM_8,	/* one byte, sign-extended to the operand size */
	IMM_OP, /* 2 bytes for 16-bit operands, else 4 (sign-extended to 8) */
};

struct opcode {
	uint8_t form; /* enum form */
	uint8_t kind; /* enum decode_kind (group opcodes: from reg) */
	bool byte;    /* 8-bit operands */
	uint8_t imm;  /* enum imm_width */
};

#define ALU(op, k)                                            \
	[(op) + 0] = {FORM_MR, (k), true, IMM_NONE},          \
		[(op) + 1] = {FORM_MR, (k), false, IMM_NONE}, \
		[(op) + 2] = {FORM_RM, (k), true, IMM_NONE},  \
		[(op) + 3] = {FORM_RM, (k), false, IMM_NONE}

/* SDM Vol. 2D, "One-byte Opcode Map": the entries we emulate. */
static const struct opcode one_byte[256] = {
	ALU(0x00, DECODE_ADD),
	ALU(0x08, DECODE_OR),
	ALU(0x20, DECODE_AND),
	ALU(0x28, DECODE_SUB),
	ALU(0x30, DECODE_XOR),
	ALU(0x38, DECODE_CMP),
	[0x80] = {FORM_GROUP1, 0, true, IMM_8},
	[0x81] = {FORM_GROUP1, 0, false, IMM_OP},
	[0x83] = {FORM_GROUP1, 0, false, IMM_8},
	[0x84] = {FORM_MR, DECODE_TEST, true, IMM_NONE},
	[0x85] = {FORM_MR, DECODE_TEST, false, IMM_NONE},
	[0x88] = {FORM_MR, DECODE_MOV, true, IMM_NONE},
	[0x89] = {FORM_MR, DECODE_MOV, false, IMM_NONE},
	[0x8a] = {FORM_RM, DECODE_MOV, true, IMM_NONE},
	[0x8b] = {FORM_RM, DECODE_MOV, false, IMM_NONE},
	[0xa0] = {FORM_MOFFS_LOAD, DECODE_MOV, true, IMM_NONE},
	[0xa1] = {FORM_MOFFS_LOAD, DECODE_MOV, false, IMM_NONE},
	[0xa2] = {FORM_MOFFS_STORE, DECODE_MOV, true, IMM_NONE},
	[0xa3] = {FORM_MOFFS_STORE, DECODE_MOV, false, IMM_NONE},
	[0xaa] = {FORM_STOS, DECODE_STOS, true, IMM_NONE},
	[0xab] = {FORM_STOS, DECODE_STOS, false, IMM_NONE},
	[0xc6] = {FORM_MI, DECODE_MOV, true, IMM_8},
	[0xc7] = {FORM_MI, DECODE_MOV, false, IMM_OP},
	[0xf6] = {FORM_GROUP3, DECODE_TEST, true, IMM_8},
	[0xf7] = {FORM_GROUP3, DECODE_TEST, false, IMM_OP},
};

/* SDM Vol. 2D, "Opcodes Determined by Bits 5,4,3 of ModR/M Byte", group
 * 1 (80 81 83). ADC and SBB need RFLAGS.CF, which we do not model. */
static const int8_t group1_kind[8] = {DECODE_ADD, DECODE_OR,  -1,
				      -1,	  DECODE_AND, DECODE_SUB,
				      DECODE_XOR, DECODE_CMP};

/* The bytes of one instruction, read with bounds checks. */
struct cursor {
	const uint8_t *bytes;
	size_t n, pos;
	enum decode_status err;
};

static bool next_byte(struct cursor *c, uint8_t *b)
{
	if (c->pos >= DECODE_MAX_LEN) {
		c->err = DECODE_TOO_LONG;
		return false;
	}
	if (c->pos >= c->n) {
		c->err = DECODE_TRUNCATED;
		return false;
	}
	*b = c->bytes[c->pos++];
	return true;
}

/* A little-endian value of size bytes, sign-extended to 64 bits. */
static bool next_signed(struct cursor *c, unsigned size, int64_t *value)
{
	uint64_t v = 0;
	uint8_t b;

	for (unsigned i = 0; i < size; i++) {
		if (!next_byte(c, &b))
			return false;
		v |= (uint64_t)b << (8 * i);
	}
	if (size < 8 && (v & BIT(8 * size - 1)))
		v |= ~0ULL << (8 * size);
	*value = (int64_t)v;
	return true;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ULL : BIT(8 * size) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
	if (size < 8 && (v & BIT(8 * size - 1)))
		v |= ~0ULL << (8 * size);
	return v;
}

/* SDM Vol. 1, "Operand-Size and Address-Size Attributes", "Operand Size
 * and Address Size in 64-Bit Mode". */
static uint8_t operand_size(const struct decoded *d)
{
	bool opsize = d->prefixes & DECODE_PFX_OPSIZE;

	if (d->rex & REX_W)
		return 8;
	if (d->mode == DECODE_MODE_16)
		return opsize ? 4 : 2;
	return opsize ? 2 : 4;
}

static uint8_t address_size(const struct decoded *d)
{
	bool addrsize = d->prefixes & DECODE_PFX_ADDRSIZE;

	if (d->mode == DECODE_MODE_64)
		return addrsize ? 4 : 8;
	if (d->mode == DECODE_MODE_32)
		return addrsize ? 2 : 4;
	return addrsize ? 4 : 2;
}

/* Legacy prefixes and REX; stops with c->pos at the opcode. SDM Vol. 2A,
 * "Instruction Prefixes": a REX not right before the opcode is ignored. */
static bool parse_prefixes(struct cursor *c, struct decoded *d, uint8_t *op)
{
	static const int8_t seg_prefix[256] = {
		[0x26] = DECODE_SEG_ES + 1, [0x2e] = DECODE_SEG_CS + 1,
		[0x36] = DECODE_SEG_SS + 1, [0x3e] = DECODE_SEG_DS + 1,
		[0x64] = DECODE_SEG_FS + 1, [0x65] = DECODE_SEG_GS + 1};
	uint8_t b;

	for (;;) {
		if (!next_byte(c, &b))
			return false;
		if (d->mode == DECODE_MODE_64 && (b & 0xf0) == 0x40) {
			d->rex = b;
			continue;
		}
		if (b == 0x66)
			d->prefixes |= DECODE_PFX_OPSIZE;
		else if (b == 0x67)
			d->prefixes |= DECODE_PFX_ADDRSIZE;
		else if (b == 0xf0)
			d->prefixes |= DECODE_PFX_LOCK;
		else if (b == 0xf3)
			d->prefixes |= DECODE_PFX_REP;
		else if (b == 0xf2)
			d->prefixes |= DECODE_PFX_REPNE;
		else if (seg_prefix[b]) {
			d->prefixes |= DECODE_PFX_SEG;
			d->mem.seg = seg_prefix[b] - 1;
		} else {
			*op = b;
			return true;
		}
		d->rex = 0;
	}
}

/* The default segment unless overridden: SS for a BP or SP base. */
static void default_segment(struct decoded *d)
{
	if (d->prefixes & DECODE_PFX_SEG)
		return;
	bool stack = d->mem.base == REG_RSP || d->mem.base == REG_RBP;

	d->mem.seg = stack ? DECODE_SEG_SS : DECODE_SEG_DS;
}

/* SDM Vol. 2A, "16-Bit Addressing Forms with the ModR/M Byte". */
static bool modrm16(struct cursor *c, struct decoded *d, unsigned mod,
		    unsigned rm)
{
	static const int8_t base[8] = {REG_RBX, REG_RBX, REG_RBP, REG_RBP,
				       REG_RSI, REG_RDI, REG_RBP, REG_RBX};
	static const int8_t index[8] = {REG_RSI,	 REG_RDI,
					REG_RSI,	 REG_RDI,
					DECODE_REG_NONE, DECODE_REG_NONE,
					DECODE_REG_NONE, DECODE_REG_NONE};

	d->mem.base = base[rm];
	d->mem.index = index[rm];
	if (mod == 0 && rm == 6) {
		d->mem.base = DECODE_REG_NONE;
		return next_signed(c, 2, &d->mem.disp);
	}
	if (mod == 1)
		return next_signed(c, 1, &d->mem.disp);
	if (mod == 2)
		return next_signed(c, 2, &d->mem.disp);
	return true;
}

/* SDM Vol. 2A, "32-Bit Addressing Forms with the ModR/M Byte", "... with
 * the SIB Byte", "RIP-Relative Addressing"; REX.X and REX.B extend index
 * and base (SDM "REX Prefixes", special cases of R12 and R13). */
static bool modrm32(struct cursor *c, struct decoded *d, unsigned mod,
		    unsigned rm)
{
	unsigned rex_b = d->rex & REX_B ? 8 : 0;
	uint8_t sib;

	d->mem.base = rm | rex_b;
	if (rm == 4) {
		if (!next_byte(c, &sib))
			return false;
		unsigned index = ((sib >> 3) & 7) | (d->rex & REX_X ? 8 : 0);

		d->mem.scale = 1 << (sib >> 6);
		d->mem.index = index == REG_RSP ? DECODE_REG_NONE : (int)index;
		d->mem.base = (sib & 7) | rex_b;
		if ((sib & 7) == 5 && mod == 0) {
			d->mem.base = DECODE_REG_NONE;
			return next_signed(c, 4, &d->mem.disp);
		}
	} else if (rm == 5 && mod == 0) {
		d->mem.base = d->mode == DECODE_MODE_64 ? DECODE_REG_RIP
							: DECODE_REG_NONE;
		return next_signed(c, 4, &d->mem.disp);
	}
	if (mod == 1)
		return next_signed(c, 1, &d->mem.disp);
	if (mod == 2)
		return next_signed(c, 4, &d->mem.disp);
	return true;
}

/* The ModR/M byte and what follows it up to the immediate; *reg is the
 * 3-bit reg field (an opcode extension or a register without REX.R). */
static bool parse_modrm(struct cursor *c, struct decoded *d, unsigned *reg,
			bool *is_memory)
{
	uint8_t modrm;

	if (!next_byte(c, &modrm))
		return false;
	unsigned mod = modrm >> 6, rm = modrm & 7;

	*reg = (modrm >> 3) & 7;
	*is_memory = mod != 3;
	if (mod == 3)
		return true;
	d->mem.index = DECODE_REG_NONE;
	d->mem.scale = 1;
	d->mem.addr_size = address_size(d);
	bool ok = d->mem.addr_size == 2 ? modrm16(c, d, mod, rm)
					: modrm32(c, d, mod, rm);

	default_segment(d);
	return ok;
}

/* The register operand from a ModR/M reg field (or AL/rAX: 0), with the
 * byte-register rule: without REX, 4..7 are AH CH DH BH. */
static void set_reg(struct decoded *d, unsigned reg, unsigned size)
{
	d->has_reg = true;
	d->reg_size = size;
	if (size == 1 && !d->rex && reg >= 4) {
		d->reg = reg - 4;
		d->reg_high = true;
	} else {
		d->reg = reg;
	}
}

static bool parse_imm(struct cursor *c, struct decoded *d, unsigned width)
{
	if (width == IMM_NONE)
		return true;
	d->has_imm = true;
	if (width == IMM_8 || d->size == 1)
		return next_signed(c, 1, &d->imm);
	return next_signed(c, d->size == 2 ? 2 : 4, &d->imm);
}

/* Direction of a ModR/M form with the memory operand first. */
static enum decode_dir dest_memory_dir(enum decode_kind kind)
{
	if (kind == DECODE_MOV)
		return DECODE_DIR_WRITE;
	if (kind == DECODE_CMP || kind == DECODE_TEST)
		return DECODE_DIR_READ;
	return DECODE_DIR_RMW;
}

/* A moffs operand (A0-A3): an address of the address size, no ModR/M. */
static bool parse_moffs(struct cursor *c, struct decoded *d)
{
	d->mem.base = DECODE_REG_NONE;
	d->mem.index = DECODE_REG_NONE;
	d->mem.scale = 1;
	d->mem.addr_size = address_size(d);
	default_segment(d);
	if (!next_signed(c, d->mem.addr_size, &d->mem.disp))
		return false;
	d->mem.disp =
		(int64_t)((uint64_t)d->mem.disp & size_mask(d->mem.addr_size));
	return true;
}

/* STOS: stores AL/rAX at ES:rDI (no segment override applies). */
static enum decode_status decode_stos(struct decoded *d)
{
	if (d->prefixes & (DECODE_PFX_REP | DECODE_PFX_REPNE))
		return DECODE_UNSUPPORTED; /* one exit per iteration: later */
	d->dir = DECODE_DIR_WRITE;
	set_reg(d, 0, d->size);
	d->mem.base = REG_RDI;
	d->mem.index = DECODE_REG_NONE;
	d->mem.scale = 1;
	d->mem.addr_size = address_size(d);
	d->mem.seg = DECODE_SEG_ES;
	return DECODE_OK;
}

/* A one-byte opcode with a ModR/M byte. */
static enum decode_status decode_modrm_form(struct cursor *c, struct decoded *d,
					    const struct opcode *op)
{
	unsigned reg;
	bool is_memory;

	if (!parse_modrm(c, d, &reg, &is_memory))
		return c->err;
	if (op->form == FORM_GROUP1) {
		if (group1_kind[reg] < 0)
			return DECODE_UNSUPPORTED;
		d->kind = group1_kind[reg];
	} else if ((op->form == FORM_MI && reg != 0) ||
		   (op->form == FORM_GROUP3 && reg != 0)) {
		return DECODE_UNSUPPORTED;
	}
	if (!is_memory)
		return DECODE_NOT_MEMORY;
	if (op->form == FORM_MR || op->form == FORM_RM)
		set_reg(d, reg | (d->rex & REX_R ? 8 : 0), d->size);
	d->dir = op->form == FORM_RM ? DECODE_DIR_READ
				     : dest_memory_dir(d->kind);
	if (!parse_imm(c, d, op->imm))
		return c->err;
	return DECODE_OK;
}

static enum decode_status decode_one_byte(struct cursor *c, struct decoded *d,
					  uint8_t opcode)
{
	const struct opcode *op = &one_byte[opcode];

	if (op->form == FORM_NONE)
		return DECODE_UNSUPPORTED;
	d->kind = op->kind;
	d->size = op->byte ? 1 : operand_size(d);
	switch (op->form) {
	case FORM_MOFFS_LOAD:
	case FORM_MOFFS_STORE:
		d->dir = op->form == FORM_MOFFS_LOAD ? DECODE_DIR_READ
						     : DECODE_DIR_WRITE;
		set_reg(d, 0, d->size);
		return parse_moffs(c, d) ? DECODE_OK : c->err;
	case FORM_STOS: return decode_stos(d);
	default: return decode_modrm_form(c, d, op);
	}
}

/* MOVZX, MOVSX (0F B6 B7 BE BF) and MOVSXD (63 with REX.W): a load of
 * src_size bytes, extended to the operand size. */
static enum decode_status decode_extend(struct cursor *c, struct decoded *d,
					unsigned src_size, enum decode_ext ext)
{
	unsigned reg;
	bool is_memory;

	if (!parse_modrm(c, d, &reg, &is_memory))
		return c->err;
	if (!is_memory)
		return DECODE_NOT_MEMORY;
	d->kind = ext == DECODE_EXT_ZERO ? DECODE_MOVZX : DECODE_MOVSX;
	d->ext = ext;
	d->dir = DECODE_DIR_READ;
	d->size = src_size;
	set_reg(d, reg | (d->rex & REX_R ? 8 : 0), operand_size(d));
	return DECODE_OK;
}

static enum decode_status decode_opcode(struct cursor *c, struct decoded *d,
					uint8_t opcode)
{
	uint8_t op2;

	d->opcode[0] = opcode;
	d->opcode_len = 1;
	if (opcode == 0x63) {
		if (d->mode != DECODE_MODE_64 || !(d->rex & REX_W))
			return DECODE_UNSUPPORTED; /* ARPL; MOVSXD r16/r32 */
		return decode_extend(c, d, 4, DECODE_EXT_SIGN);
	}
	if (opcode != 0x0f)
		return decode_one_byte(c, d, opcode);
	if (!next_byte(c, &op2))
		return c->err;
	d->opcode[1] = op2;
	d->opcode_len = 2;
	switch (op2) {
	case 0xb6: return decode_extend(c, d, 1, DECODE_EXT_ZERO);
	case 0xb7: return decode_extend(c, d, 2, DECODE_EXT_ZERO);
	case 0xbe: return decode_extend(c, d, 1, DECODE_EXT_SIGN);
	case 0xbf: return decode_extend(c, d, 2, DECODE_EXT_SIGN);
	default: return DECODE_UNSUPPORTED;
	}
}

enum decode_status decode_insn(const uint8_t *bytes, size_t n,
			       enum decode_mode mode, struct decoded *d)
{
	struct cursor c = {.bytes = bytes, .n = n};
	enum decode_status status;
	uint8_t opcode;

	*d = (struct decoded){.mode = mode};
	d->mem.base = d->mem.index = DECODE_REG_NONE;
	if (!parse_prefixes(&c, d, &opcode))
		status = c.err;
	else
		status = decode_opcode(&c, d, opcode);
	/* LOCK is #UD except on a read-modify-write of memory. */
	if (status == DECODE_OK && (d->prefixes & DECODE_PFX_LOCK) &&
	    d->dir != DECODE_DIR_RMW)
		status = DECODE_UNSUPPORTED;
	d->len = c.pos;
	return status;
}

uint64_t decode_effective_addr(const struct decoded *d,
			       const struct decode_regs *regs)
{
	const struct decode_mem *m = &d->mem;
	uint64_t ea = (uint64_t)m->disp;

	if (m->base == DECODE_REG_RIP)
		ea += regs->rip + d->len;
	else if (m->base >= 0)
		ea += regs->gpr[m->base];
	if (m->index >= 0)
		ea += regs->gpr[m->index] * m->scale;
	return ea & size_mask(m->addr_size);
}

/* Write v to a register of the given width as the CPU does: 8- and
 * 16-bit writes keep the other bits, 32-bit writes zero bits 63:32 in
 * 64-bit mode (SDM Vol. 1, "General-Purpose Registers in 64-Bit Mode"). */
static void write_reg(enum decode_mode mode, uint64_t *r, unsigned size,
		      bool high, uint64_t v)
{
	if (size == 1 && high)
		*r = (*r & ~0xff00ULL) | (v & 0xff) << 8;
	else if (size == 4 && mode == DECODE_MODE_64)
		*r = v & 0xffffffffu;
	else
		*r = (*r & ~size_mask(size)) | (v & size_mask(size));
}

bool decode_emulate_read(const struct decoded *d, uint64_t value, uint64_t *gpr)
{
	bool load = d->kind == DECODE_MOV || d->kind == DECODE_MOVZX ||
		    d->kind == DECODE_MOVSX;

	if (!load || d->dir != DECODE_DIR_READ || !d->has_reg)
		return false;
	value &= size_mask(d->size);
	if (d->ext == DECODE_EXT_SIGN)
		value = sign_extend(value, d->size);
	write_reg(d->mode, &gpr[d->reg], d->reg_size, d->reg_high, value);
	return true;
}

bool decode_write_value(const struct decoded *d, const uint64_t *gpr,
			uint64_t *value)
{
	if (d->dir != DECODE_DIR_WRITE)
		return false;
	if (d->has_imm)
		*value = (uint64_t)d->imm;
	else if (d->reg_high)
		*value = gpr[d->reg] >> 8;
	else
		*value = gpr[d->reg];
	*value &= size_mask(d->size);
	return true;
}

bool decode_string_advance(const struct decoded *d, uint64_t *gpr, bool df)
{
	if (d->kind != DECODE_STOS)
		return false;
	uint64_t rdi = gpr[REG_RDI];
	uint64_t next = df ? rdi - d->size : rdi + d->size;

	write_reg(d->mode, &gpr[REG_RDI], d->mem.addr_size, false, next);
	return true;
}

const char *decode_status_name(enum decode_status status)
{
	static const char *const names[] = {
		[DECODE_OK] = "ok",
		[DECODE_TRUNCATED] = "truncated",
		[DECODE_TOO_LONG] = "longer than 15 bytes",
		[DECODE_UNSUPPORTED] = "unsupported instruction",
		[DECODE_NOT_MEMORY] = "no memory operand",
	};

	return (size_t)status < ARRAY_SIZE(names) ? names[status] : "?";
}

const char *decode_kind_name(enum decode_kind kind)
{
	static const char *const names[] = {
		[DECODE_MOV] = "MOV",	  [DECODE_MOVZX] = "MOVZX",
		[DECODE_MOVSX] = "MOVSX", [DECODE_ADD] = "ADD",
		[DECODE_OR] = "OR",	  [DECODE_AND] = "AND",
		[DECODE_SUB] = "SUB",	  [DECODE_XOR] = "XOR",
		[DECODE_CMP] = "CMP",	  [DECODE_TEST] = "TEST",
		[DECODE_STOS] = "STOS",
	};

	return (size_t)kind < ARRAY_SIZE(names) ? names[kind] : "?";
}
