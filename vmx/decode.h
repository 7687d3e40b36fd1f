/*
 * vmx/decode.h - decode the x86 instruction whose memory access caused
 * an EPT violation (MMIO, or a guest-physical address with nothing
 * behind it), so the exit handler can emulate that one access.
 * Pure logic: runs in VMX root from the EPT-violation handler, and on
 * the host in the unit tests and the fuzzer.
 * SDM Vol. 2A, "Instruction Format" ("Instruction Prefixes", "ModR/M and
 * SIB Bytes", "Displacement and Immediate Bytes"), "REX Prefixes",
 * "RIP-Relative Addressing"; the opcode map (Vol. 2D, "Opcode Map").
 *
 * Supported (each with a memory operand; a register-only form is
 * DECODE_NOT_MEMORY): MOV 88/89/8A/8B, MOV C6 /0, C7 /0, MOV A0-A3
 * (moffs), MOVZX 0F B6/B7, MOVSX 0F BE/BF, MOVSXD 63 with REX.W (64-bit
 * mode), ADD/OR/AND/SUB/XOR/CMP 00-03/08-0B/20-23/28-2B/30-33/38-3B,
 * 80/81/83 with /0 /1 /4 /5 /6 /7, TEST 84/85 and F6 /0, F7 /0, STOS
 * AA/AB without REP. Everything else is DECODE_UNSUPPORTED: the caller
 * stops the VM and prints the opcode bytes; we never guess.
 */
#ifndef VMX_DECODE_H
#define VMX_DECODE_H

#include "lib/types.h"

/* The longest x86 instruction (SDM Vol. 2A, "Instruction Format"). */
#define DECODE_MAX_LEN 15

/* The CPU mode that gives default operand and address sizes: 16-bit
 * (real mode, or a 16-bit code segment), 32-bit (CS.D = 1), 64-bit. */
enum decode_mode { DECODE_MODE_16, DECODE_MODE_32, DECODE_MODE_64 };

enum decode_status {
	DECODE_OK = 0,
	DECODE_TRUNCATED,   /* needs more bytes than were given */
	DECODE_TOO_LONG,    /* longer than 15 bytes (the CPU: #GP) */
	DECODE_UNSUPPORTED, /* an instruction we do not emulate */
	DECODE_NOT_MEMORY,  /* a supported opcode, register operands only */
};

enum decode_kind {
	DECODE_MOV,
	DECODE_MOVZX,
	DECODE_MOVSX, /* and MOVSXD */
	DECODE_ADD,
	DECODE_OR,
	DECODE_AND,
	DECODE_SUB,
	DECODE_XOR,
	DECODE_CMP,
	DECODE_TEST,
	DECODE_STOS,
};

/* What the instruction does to the memory operand. */
enum decode_dir {
	DECODE_DIR_READ,  /* loads (MOV r,m; MOVZX; ALU r,m; CMP; TEST) */
	DECODE_DIR_WRITE, /* stores (MOV m,r; MOV m,imm; STOS) */
	DECODE_DIR_RMW,	  /* reads, computes, writes back (ALU m,r/imm) */
};

/* How a loaded value reaches a wider register. */
enum decode_ext { DECODE_EXT_NONE, DECODE_EXT_ZERO, DECODE_EXT_SIGN };

/* Segment registers in their hardware encoding order, as in the reg
 * field of MOV to/from Sreg (SDM Vol. 2B, "MOV"): ES CS SS DS FS GS. */
enum decode_seg {
	DECODE_SEG_ES,
	DECODE_SEG_CS,
	DECODE_SEG_SS,
	DECODE_SEG_DS,
	DECODE_SEG_FS,
	DECODE_SEG_GS,
};

/* General-purpose registers in encoding order: RAX RCX RDX RBX RSP RBP
 * RSI RDI R8..R15; plus the two pseudo-bases of a memory operand. */
#define DECODE_REG_NONE (-1)
#define DECODE_REG_RIP	(-2)

/* Prefixes seen (bits of struct decoded.prefixes). */
#define DECODE_PFX_OPSIZE   BIT(0) /* 66 */
#define DECODE_PFX_ADDRSIZE BIT(1) /* 67 */
#define DECODE_PFX_LOCK	    BIT(2) /* F0 */
#define DECODE_PFX_REP	    BIT(3) /* F3 (REP/REPE, or XRELEASE) */
#define DECODE_PFX_REPNE    BIT(4) /* F2 (REPNE, or XACQUIRE) */
#define DECODE_PFX_SEG	    BIT(5) /* a segment override, in mem.seg */

/* The memory operand: effective address = base + index * scale + disp,
 * truncated to addr_size bytes; linear = that + the segment's base. */
struct decode_mem {
	int base;	     /* a GPR, DECODE_REG_NONE or DECODE_REG_RIP */
	int index;	     /* a GPR or DECODE_REG_NONE */
	uint8_t scale;	     /* 1, 2, 4, 8 */
	uint8_t addr_size;   /* 2, 4, 8 */
	int64_t disp;	     /* sign-extended; a moffs is here, zero-extended */
	enum decode_seg seg; /* the override, else DS, or SS for BP/SP bases
				(in 64-bit mode only FS and GS have a base) */
};

struct decoded {
	enum decode_mode mode;
	uint8_t len; /* bytes, prefixes to immediate */
	enum decode_kind kind;
	enum decode_dir dir;
	uint8_t size;	     /* bytes of the memory access: 1, 2, 4, 8 */
	bool has_reg;	     /* a register operand */
	uint8_t reg;	     /* its GPR index (0..15) */
	uint8_t reg_size;    /* its width in bytes */
	bool reg_high;	     /* AH, CH, DH, BH: bits 15:8 of GPR reg */
	bool has_imm;	     /* an immediate operand */
	int64_t imm;	     /* sign-extended to 64 bits as the instruction
				extends it; its low `size` bytes are used */
	enum decode_ext ext; /* MOVZX, MOVSX(D) */
	struct decode_mem mem;
	uint8_t prefixes;  /* DECODE_PFX_* */
	uint8_t rex;	   /* the REX byte in effect (64-bit mode), or 0 */
	uint8_t opcode[2]; /* the opcode bytes, also for DECODE_UNSUPPORTED */
	uint8_t opcode_len;
};

/* The registers an effective address can use. */
struct decode_regs {
	uint64_t gpr[16];
	uint64_t rip; /* of the decoded instruction */
};

/* Decode the instruction in bytes[0..n-1]; reads no byte past n. */
enum decode_status decode_insn(const uint8_t *bytes, size_t n,
			       enum decode_mode mode, struct decoded *d);

/* The offset within mem.seg the instruction accesses. */
uint64_t decode_effective_addr(const struct decoded *d,
			       const struct decode_regs *regs);

/* A load (MOV, MOVZX, MOVSX to a register): write value, as read from
 * the device (its low d->size bytes), into the destination register as
 * the CPU would. False when d is not such a load. */
bool decode_emulate_read(const struct decoded *d, uint64_t value,
			 uint64_t *gpr);

/* A store (MOV from a register or an immediate, STOS): the value the
 * instruction writes, in its low d->size bytes. False when d is not a
 * store. */
bool decode_write_value(const struct decoded *d, const uint64_t *gpr,
			uint64_t *value);

/* STOS: step rDI (of the address size) by d->size, down when
 * RFLAGS.DF. False when d is not STOS. */
bool decode_string_advance(const struct decoded *d, uint64_t *gpr, bool df);

/* "ok", "truncated", ... and "MOV", "MOVZX", ... for messages. */
const char *decode_status_name(enum decode_status status);
const char *decode_kind_name(enum decode_kind kind);

#endif
