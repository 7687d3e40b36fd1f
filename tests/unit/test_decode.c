/*
 * tests/unit/test_decode.c - vmx/decode.c, the instruction decoder for
 * emulated memory accesses, on the host. The encodings come from GNU as
 * (`as --64`, `as --32`, `.code16`) and objdump; the few GNU as will not
 * write (a REX before a legacy prefix) follow SDM Vol. 2A, "REX Prefixes".
 * Every instruction is decoded from an exact-size heap block, so ASan
 * reports any read past the bytes given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "vmx/decode.h"

#define M16 DECODE_MODE_16
#define M32 DECODE_MODE_32
#define M64 DECODE_MODE_64
#define RD  DECODE_DIR_READ
#define WR  DECODE_DIR_WRITE
#define RMW DECODE_DIR_RMW
#define NO  DECODE_REG_NONE
#define RIP DECODE_REG_RIP
#define OPS DECODE_PFX_OPSIZE
#define ADS DECODE_PFX_ADDRSIZE
#define LCK DECODE_PFX_LOCK
#define SEG DECODE_PFX_SEG

/* The expected decoding of one encoding. */
struct enc {
	const char *text; /* the assembly it came from */
	enum decode_mode mode;
	const char *hex;
	uint8_t len;
	enum decode_kind kind;
	uint8_t size;
	enum decode_dir dir;
	bool has_reg;
	uint8_t reg, reg_size;
	bool high;
	bool has_imm;
	int64_t imm;
	enum decode_ext ext;
	int base, index;
	uint8_t scale;
	int64_t disp;
	uint8_t addr_size;
	enum decode_seg seg;
	uint8_t prefixes;
};

#define REG(r, sz) .has_reg = true, .reg = (r), .reg_size = (sz)
#define HIGH(r)	   REG(r, 1), .high = true
#define IMM(v)	   .has_imm = true, .imm = (v)
#define MEM(b, i, s, d, asz, sg)                              \
	.base = (b), .index = (i), .scale = (s), .disp = (d), \
	.addr_size = (asz), .seg = DECODE_SEG_##sg

/* clang-format off: one encoding a line */
static const struct enc table[] = {
	/* 64-bit mode: MOV */
	{"mov %eax,(%rbx)", M64, "89 03", 2, DECODE_MOV, 4, WR, REG(0, 4),
	 MEM(3, NO, 1, 0, 8, DS)},
	{"mov %rax,0x10(%rbx)", M64, "48 89 43 10", 4, DECODE_MOV, 8, WR,
	 REG(0, 8), MEM(3, NO, 1, 0x10, 8, DS)},
	{"mov %r9,(%rax)", M64, "4c 89 08", 3, DECODE_MOV, 8, WR, REG(9, 8),
	 MEM(0, NO, 1, 0, 8, DS)},
	{"mov %cl,(%rdx)", M64, "88 0a", 2, DECODE_MOV, 1, WR, REG(1, 1),
	 MEM(2, NO, 1, 0, 8, DS)},
	{"mov %ah,(%rdx)", M64, "88 22", 2, DECODE_MOV, 1, WR, HIGH(0),
	 MEM(2, NO, 1, 0, 8, DS)},
	{"mov %sil,(%rdx)", M64, "40 88 32", 3, DECODE_MOV, 1, WR, REG(6, 1),
	 MEM(2, NO, 1, 0, 8, DS)},
	{"mov %r8b,(%rdx)", M64, "44 88 02", 3, DECODE_MOV, 1, WR, REG(8, 1),
	 MEM(2, NO, 1, 0, 8, DS)},
	{"mov %ax,(%rdi)", M64, "66 89 07", 3, DECODE_MOV, 2, WR, REG(0, 2),
	 MEM(7, NO, 1, 0, 8, DS), .prefixes = OPS},
	{"mov (%rsi),%ecx", M64, "8b 0e", 2, DECODE_MOV, 4, RD, REG(1, 4),
	 MEM(6, NO, 1, 0, 8, DS)},
	{"mov (%rdx),%sil", M64, "40 8a 32", 3, DECODE_MOV, 1, RD, REG(6, 1),
	 MEM(2, NO, 1, 0, 8, DS)},
	{"mov (%rdi),%ax", M64, "66 8b 07", 3, DECODE_MOV, 2, RD, REG(0, 2),
	 MEM(7, NO, 1, 0, 8, DS), .prefixes = OPS},
	{"mov 0x12345678(%rip),%rdx", M64, "48 8b 15 78 56 34 12", 7,
	 DECODE_MOV, 8, RD, REG(2, 8), MEM(RIP, NO, 1, 0x12345678, 8, DS)},
	{"mov -0x10(%rip),%eax", M64, "8b 05 f0 ff ff ff", 6, DECODE_MOV, 4, RD,
	 REG(0, 4), MEM(RIP, NO, 1, -0x10, 8, DS)},
	{"mov (%rax,%rbx,4),%r10d", M64, "44 8b 14 98", 4, DECODE_MOV, 4, RD,
	 REG(10, 4), MEM(0, 3, 4, 0, 8, DS)},
	{"mov (%rax,%r12,1),%eax", M64, "42 8b 04 20", 4, DECODE_MOV, 4, RD,
	 REG(0, 4), MEM(0, 12, 1, 0, 8, DS)},
	{"mov 0x0(%r13,%rax,2),%cx", M64, "66 41 8b 4c 45 00", 6, DECODE_MOV, 2,
	 RD, REG(1, 2), MEM(13, 0, 2, 0, 8, DS), .prefixes = OPS},
	{"mov 0x80(%r12),%eax", M64, "41 8b 84 24 80 00 00 00", 8, DECODE_MOV,
	 4, RD, REG(0, 4), MEM(12, NO, 1, 0x80, 8, DS)},
	{"mov 0x0(%r13),%eax", M64, "41 8b 45 00", 4, DECODE_MOV, 4, RD,
	 REG(0, 4), MEM(13, NO, 1, 0, 8, DS)},
	{"mov (%rsp),%bh", M64, "8a 3c 24", 3, DECODE_MOV, 1, RD, HIGH(3),
	 MEM(4, NO, 1, 0, 8, SS)},
	{"mov 0x1000(,%r14,8),%ebx", M64, "42 8b 1c f5 00 10 00 00", 8,
	 DECODE_MOV, 4, RD, REG(3, 4), MEM(NO, 14, 8, 0x1000, 8, DS)},
	{"movb $0x80,(%rax)", M64, "c6 00 80", 3, DECODE_MOV, 1, WR, IMM(-0x80),
	 MEM(0, NO, 1, 0, 8, DS)},
	{"movw $0xbeef,0x2(%rax)", M64, "66 c7 40 02 ef be", 6, DECODE_MOV, 2,
	 WR, IMM((int16_t)0xbeef), MEM(0, NO, 1, 2, 8, DS), .prefixes = OPS},
	{"movl $0xdeadbeef,(%rax)", M64, "c7 00 ef be ad de", 6, DECODE_MOV, 4,
	 WR, IMM((int32_t)0xdeadbeef), MEM(0, NO, 1, 0, 8, DS)},
	{"movq $-2,(%rax)", M64, "48 c7 00 fe ff ff ff", 7, DECODE_MOV, 8, WR,
	 IMM(-2), MEM(0, NO, 1, 0, 8, DS)},
	{"movabs 0x1122334455667788,%al", M64, "a0 88 77 66 55 44 33 22 11", 9,
	 DECODE_MOV, 1, RD, REG(0, 1),
	 MEM(NO, NO, 1, 0x1122334455667788, 8, DS)},
	{"movabs 0x1122334455667788,%eax", M64, "a1 88 77 66 55 44 33 22 11", 9,
	 DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(NO, NO, 1, 0x1122334455667788, 8, DS)},
	{"movabs %rax,0x1122334455667788", M64, "48 a3 88 77 66 55 44 33 22 11",
	 10, DECODE_MOV, 8, WR, REG(0, 8),
	 MEM(NO, NO, 1, 0x1122334455667788, 8, DS)},
	{"addr32 mov 0x11223344,%eax", M64, "67 a1 44 33 22 11", 6, DECODE_MOV,
	 4, RD, REG(0, 4), MEM(NO, NO, 1, 0x11223344, 4, DS), .prefixes = ADS},
	{"movabs 0xffffffffffffff00,%al", M64, "a0 00 ff ff ff ff ff ff ff", 9,
	 DECODE_MOV, 1, RD, REG(0, 1),
	 MEM(NO, NO, 1, (int64_t)0xffffffffffffff00, 8, DS)},
	/* 64-bit mode: MOVZX, MOVSX, MOVSXD */
	{"movzbl (%rax),%ecx", M64, "0f b6 08", 3, DECODE_MOVZX, 1, RD,
	 REG(1, 4), .ext = DECODE_EXT_ZERO, MEM(0, NO, 1, 0, 8, DS)},
	{"movzwl (%rax),%r11d", M64, "44 0f b7 18", 4, DECODE_MOVZX, 2, RD,
	 REG(11, 4), .ext = DECODE_EXT_ZERO, MEM(0, NO, 1, 0, 8, DS)},
	{"movzbw (%rax),%dx", M64, "66 0f b6 10", 4, DECODE_MOVZX, 1, RD,
	 REG(2, 2), .ext = DECODE_EXT_ZERO, MEM(0, NO, 1, 0, 8, DS),
	 .prefixes = OPS},
	{"movzbq (%rax),%rdx", M64, "48 0f b6 10", 4, DECODE_MOVZX, 1, RD,
	 REG(2, 8), .ext = DECODE_EXT_ZERO, MEM(0, NO, 1, 0, 8, DS)},
	{"movsbl (%rcx),%eax", M64, "0f be 01", 3, DECODE_MOVSX, 1, RD,
	 REG(0, 4), .ext = DECODE_EXT_SIGN, MEM(1, NO, 1, 0, 8, DS)},
	{"movswq (%rcx),%r15", M64, "4c 0f bf 39", 4, DECODE_MOVSX, 2, RD,
	 REG(15, 8), .ext = DECODE_EXT_SIGN, MEM(1, NO, 1, 0, 8, DS)},
	{"movslq (%rcx),%rax", M64, "48 63 01", 3, DECODE_MOVSX, 4, RD,
	 REG(0, 8), .ext = DECODE_EXT_SIGN, MEM(1, NO, 1, 0, 8, DS)},
	/* 64-bit mode: ALU and TEST */
	{"andl $0xff00,(%rdi)", M64, "81 27 00 ff 00 00", 6, DECODE_AND, 4, RMW,
	 IMM(0xff00), MEM(7, NO, 1, 0, 8, DS)},
	{"orb $0x1,(%rdi)", M64, "80 0f 01", 3, DECODE_OR, 1, RMW, IMM(1),
	 MEM(7, NO, 1, 0, 8, DS)},
	{"xorl $0xffffffff,0x4(%rdi)", M64, "83 77 04 ff", 4, DECODE_XOR, 4,
	 RMW, IMM(-1), MEM(7, NO, 1, 4, 8, DS)},
	{"addq $0x10,(%rdi)", M64, "48 83 07 10", 4, DECODE_ADD, 8, RMW,
	 IMM(0x10), MEM(7, NO, 1, 0, 8, DS)},
	{"sub %eax,(%rdi)", M64, "29 07", 2, DECODE_SUB, 4, RMW, REG(0, 4),
	 MEM(7, NO, 1, 0, 8, DS)},
	{"cmp (%rdi),%eax", M64, "3b 07", 2, DECODE_CMP, 4, RD, REG(0, 4),
	 MEM(7, NO, 1, 0, 8, DS)},
	{"cmpb $0x7,(%rdi)", M64, "80 3f 07", 3, DECODE_CMP, 1, RD, IMM(7),
	 MEM(7, NO, 1, 0, 8, DS)},
	{"test %ecx,(%rdi)", M64, "85 0f", 2, DECODE_TEST, 4, RD, REG(1, 4),
	 MEM(7, NO, 1, 0, 8, DS)},
	{"testb $0x4,(%rdi)", M64, "f6 07 04", 3, DECODE_TEST, 1, RD, IMM(4),
	 MEM(7, NO, 1, 0, 8, DS)},
	{"testl $0x100,(%rdi)", M64, "f7 07 00 01 00 00", 6, DECODE_TEST, 4, RD,
	 IMM(0x100), MEM(7, NO, 1, 0, 8, DS)},
	{"lock orl $0x1,(%rdi)", M64, "f0 83 0f 01", 4, DECODE_OR, 4, RMW,
	 IMM(1), MEM(7, NO, 1, 0, 8, DS), .prefixes = LCK},
	{"lock add %rax,(%rdi)", M64, "f0 48 01 07", 4, DECODE_ADD, 8, RMW,
	 REG(0, 8), MEM(7, NO, 1, 0, 8, DS), .prefixes = LCK},
	{"xacquire lock addl $0x1,(%rax)", M64, "f2 f0 83 00 01", 5, DECODE_ADD,
	 4, RMW, IMM(1), MEM(0, NO, 1, 0, 8, DS),
	 .prefixes = LCK | DECODE_PFX_REPNE},
	{"lock addq $0xffffffffdeadbeef,%fs:0x12345678(%eax,%ecx,4)", M64,
	 "f0 64 67 48 81 84 88 78 56 34 12 ef be ad de", 15, DECODE_ADD, 8, RMW,
	 IMM((int32_t)0xdeadbeef), MEM(0, 1, 4, 0x12345678, 4, FS),
	 .prefixes = LCK | SEG | ADS},
	/* 64-bit mode: STOS */
	{"stos %al,%es:(%rdi)", M64, "aa", 1, DECODE_STOS, 1, WR, REG(0, 1),
	 MEM(7, NO, 1, 0, 8, ES)},
	{"stos %eax,%es:(%rdi)", M64, "ab", 1, DECODE_STOS, 4, WR, REG(0, 4),
	 MEM(7, NO, 1, 0, 8, ES)},
	{"stos %rax,%es:(%rdi)", M64, "48 ab", 2, DECODE_STOS, 8, WR, REG(0, 8),
	 MEM(7, NO, 1, 0, 8, ES)},
	/* 64-bit mode: segment, address-size, REP and REX prefixes */
	{"mov %fs:0x28,%rax", M64, "64 48 8b 04 25 28 00 00 00", 9, DECODE_MOV,
	 8, RD, REG(0, 8), MEM(NO, NO, 1, 0x28, 8, FS), .prefixes = SEG},
	{"mov %gs:(%rax),%eax", M64, "65 8b 00", 3, DECODE_MOV, 4, RD,
	 REG(0, 4), MEM(0, NO, 1, 0, 8, GS), .prefixes = SEG},
	{"es mov (%rax),%eax", M64, "26 8b 00", 3, DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(0, NO, 1, 0, 8, ES), .prefixes = SEG},
	{"cs mov (%rax),%eax", M64, "2e 8b 00", 3, DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(0, NO, 1, 0, 8, CS), .prefixes = SEG},
	{"ss mov (%rax),%eax", M64, "36 8b 00", 3, DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(0, NO, 1, 0, 8, SS), .prefixes = SEG},
	{"ds mov (%rax),%eax", M64, "3e 8b 00", 3, DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(0, NO, 1, 0, 8, DS), .prefixes = SEG},
	{"mov (%eax),%eax", M64, "67 8b 00", 3, DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(0, NO, 1, 0, 4, DS), .prefixes = ADS},
	{"mov 0x0(%ebp),%eax", M64, "67 8b 45 00", 4, DECODE_MOV, 4, RD,
	 REG(0, 4), MEM(5, NO, 1, 0, 4, SS), .prefixes = ADS},
	{"xrelease mov %eax,(%rax)", M64, "f3 89 00", 3, DECODE_MOV, 4, WR,
	 REG(0, 4), MEM(0, NO, 1, 0, 8, DS), .prefixes = DECODE_PFX_REP},
	{"REX.W before 66: REX ignored", M64, "48 66 89 07", 4, DECODE_MOV, 2,
	 WR, REG(0, 2), MEM(7, NO, 1, 0, 8, DS), .prefixes = OPS},
	{"66 then REX.W: REX.W wins", M64, "66 48 89 07", 4, DECODE_MOV, 8, WR,
	 REG(0, 8), MEM(7, NO, 1, 0, 8, DS), .prefixes = OPS},
	{"REX.R before 66: REX ignored, %ah", M64, "44 66 88 27", 4, DECODE_MOV,
	 1, WR, HIGH(0), MEM(7, NO, 1, 0, 8, DS), .prefixes = OPS},
	/* 32-bit protected mode */
	{"mov %eax,(%ebx)", M32, "89 03", 2, DECODE_MOV, 4, WR, REG(0, 4),
	 MEM(3, NO, 1, 0, 4, DS)},
	{"mov 0x10(%ebp),%ecx", M32, "8b 4d 10", 3, DECODE_MOV, 4, RD,
	 REG(1, 4), MEM(5, NO, 1, 0x10, 4, SS)},
	{"mov %ax,(%esi,%edi,2)", M32, "66 89 04 7e", 4, DECODE_MOV, 2, WR,
	 REG(0, 2), MEM(6, 7, 2, 0, 4, DS), .prefixes = OPS},
	{"mov %dh,0x12345678", M32, "88 35 78 56 34 12", 6, DECODE_MOV, 1, WR,
	 HIGH(2), MEM(NO, NO, 1, 0x12345678, 4, DS)},
	{"movl $0x12345678,-0x4(%ebp)", M32, "c7 45 fc 78 56 34 12", 7,
	 DECODE_MOV, 4, WR, IMM(0x12345678), MEM(5, NO, 1, -4, 4, SS)},
	{"mov 0x11223344,%eax", M32, "a1 44 33 22 11", 5, DECODE_MOV, 4, RD,
	 REG(0, 4), MEM(NO, NO, 1, 0x11223344, 4, DS)},
	{"mov %al,0x11223344", M32, "a2 44 33 22 11", 5, DECODE_MOV, 1, WR,
	 REG(0, 1), MEM(NO, NO, 1, 0x11223344, 4, DS)},
	{"mov (%bx,%si),%eax", M32, "67 8b 00", 3, DECODE_MOV, 4, RD, REG(0, 4),
	 MEM(3, 6, 1, 0, 2, DS), .prefixes = ADS},
	{"movzbl (%eax),%edx", M32, "0f b6 10", 3, DECODE_MOVZX, 1, RD,
	 REG(2, 4), .ext = DECODE_EXT_ZERO, MEM(0, NO, 1, 0, 4, DS)},
	{"movswl (%eax),%eax", M32, "0f bf 00", 3, DECODE_MOVSX, 2, RD,
	 REG(0, 4), .ext = DECODE_EXT_SIGN, MEM(0, NO, 1, 0, 4, DS)},
	{"andb $0xf,(%ecx)", M32, "80 21 0f", 3, DECODE_AND, 1, RMW, IMM(0xf),
	 MEM(1, NO, 1, 0, 4, DS)},
	{"cmpw $0x1234,(%ecx)", M32, "66 81 39 34 12", 5, DECODE_CMP, 2, RD,
	 IMM(0x1234), MEM(1, NO, 1, 0, 4, DS), .prefixes = OPS},
	{"stos %ax,%es:(%edi)", M32, "66 ab", 2, DECODE_STOS, 2, WR, REG(0, 2),
	 MEM(7, NO, 1, 0, 4, ES), .prefixes = OPS},
	{"lock xor %edx,%ss:(%eax)", M32, "36 f0 31 10", 4, DECODE_XOR, 4, RMW,
	 REG(2, 4), MEM(0, NO, 1, 0, 4, SS), .prefixes = SEG | LCK},
	/* 16-bit mode (real mode, or a 16-bit code segment) */
	{"mov %ax,(%bx)", M16, "89 07", 2, DECODE_MOV, 2, WR, REG(0, 2),
	 MEM(3, NO, 1, 0, 2, DS)},
	{"mov (%bp,%di),%cx", M16, "8b 0b", 2, DECODE_MOV, 2, RD, REG(1, 2),
	 MEM(5, 7, 1, 0, 2, SS)},
	{"mov 0x1234,%cx", M16, "8b 0e 34 12", 4, DECODE_MOV, 2, RD, REG(1, 2),
	 MEM(NO, NO, 1, 0x1234, 2, DS)},
	{"mov 0x1234,%al", M16, "a0 34 12", 3, DECODE_MOV, 1, RD, REG(0, 1),
	 MEM(NO, NO, 1, 0x1234, 2, DS)},
	{"mov 0x1234,%ax", M16, "a1 34 12", 3, DECODE_MOV, 2, RD, REG(0, 2),
	 MEM(NO, NO, 1, 0x1234, 2, DS)},
	{"mov %dl,0x10(%bx,%si)", M16, "88 50 10", 3, DECODE_MOV, 1, WR,
	 REG(2, 1), MEM(3, 6, 1, 0x10, 2, DS)},
	{"mov 0x100(%bp),%ax", M16, "8b 86 00 01", 4, DECODE_MOV, 2, RD,
	 REG(0, 2), MEM(5, NO, 1, 0x100, 2, SS)},
	{"movw $0xabcd,(%di)", M16, "c7 05 cd ab", 4, DECODE_MOV, 2, WR,
	 IMM((int16_t)0xabcd), MEM(7, NO, 1, 0, 2, DS)},
	{"mov %eax,(%bx)", M16, "66 89 07", 3, DECODE_MOV, 4, WR, REG(0, 4),
	 MEM(3, NO, 1, 0, 2, DS), .prefixes = OPS},
	{"mov (%eax),%ax", M16, "67 8b 00", 3, DECODE_MOV, 2, RD, REG(0, 2),
	 MEM(0, NO, 1, 0, 4, DS), .prefixes = ADS},
	{"mov (%ecx,%edx,4),%bx", M16, "67 8b 1c 91", 4, DECODE_MOV, 2, RD,
	 REG(3, 2), MEM(1, 2, 4, 0, 4, DS), .prefixes = ADS},
	{"orw $0x80,%es:(%si)", M16, "26 81 0c 80 00", 5, DECODE_OR, 2, RMW,
	 IMM(0x80), MEM(6, NO, 1, 0, 2, ES), .prefixes = SEG},
	{"movzbw (%bx),%ax", M16, "0f b6 07", 3, DECODE_MOVZX, 1, RD, REG(0, 2),
	 .ext = DECODE_EXT_ZERO, MEM(3, NO, 1, 0, 2, DS)},
	{"stos %al,%es:(%di)", M16, "aa", 1, DECODE_STOS, 1, WR, REG(0, 1),
	 MEM(7, NO, 1, 0, 2, ES)},
};
/* clang-format on */

/* "48 89 43 10" into an exact-size heap block of its n bytes. */
static uint8_t *hex_bytes(const char *hex, size_t *n)
{
	uint8_t *bytes = malloc(strlen(hex) / 3 + 1);
	unsigned v;
	int used;

	*n = 0;
	while (sscanf(hex, " %2x%n", &v, &used) == 1) {
		bytes[(*n)++] = v;
		hex += used;
	}
	return realloc(bytes, *n ? *n : 1);
}

/* bytes[0..n-1] copied to the end of an exact-size heap block. */
static enum decode_status decode_exact(const uint8_t *bytes, size_t n,
				       enum decode_mode mode, struct decoded *d)
{
	uint8_t *copy = malloc(n ? n : 1);
	enum decode_status status;

	memcpy(copy, bytes, n);
	status = decode_insn(copy, n, mode, d);
	free(copy);
	return status;
}

#define EXPECT_EQ(actual, expected)                                    \
	do {                                                           \
		if ((int64_t)(actual) != (int64_t)(expected))          \
			fail_msg("%s [%s]: " #actual                   \
				 " is %lld, expected %lld",            \
				 e->text, e->hex, (long long)(actual), \
				 (long long)(expected));               \
	} while (0)
#define EXPECT(field) EXPECT_EQ(d.field, e->field)

static void check_entry(const struct enc *e, const uint8_t *bytes, size_t n)
{
	struct decoded d;
	enum decode_status status = decode_exact(bytes, n, e->mode, &d);

	if (status != DECODE_OK)
		fail_msg("%s [%s]: %s", e->text, e->hex,
			 decode_status_name(status));
	EXPECT(len);
	EXPECT(kind);
	EXPECT(size);
	EXPECT(dir);
	EXPECT(has_reg);
	if (e->has_reg) {
		EXPECT(reg);
		EXPECT(reg_size);
		EXPECT_EQ(d.reg_high, e->high);
	}
	EXPECT(has_imm);
	if (e->has_imm)
		EXPECT(imm);
	EXPECT(ext);
	EXPECT_EQ(d.mem.base, e->base);
	EXPECT_EQ(d.mem.index, e->index);
	EXPECT_EQ(d.mem.scale, e->scale);
	EXPECT_EQ(d.mem.disp, e->disp);
	EXPECT_EQ(d.mem.addr_size, e->addr_size);
	EXPECT_EQ(d.mem.seg, e->seg);
	EXPECT(prefixes);
}

static void run_table(enum decode_mode mode)
{
	unsigned count = 0;

	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		const struct enc *e = &table[i];
		size_t n;
		uint8_t *bytes = hex_bytes(e->hex, &n);

		if (e->mode == mode) {
			assert_int_equal(n, e->len);
			check_entry(e, bytes, n);
			count++;
		}
		free(bytes);
	}
	assert_true(count >= 10);
}

static void test_table_64(void **state)
{
	run_table(M64);
}

static void test_table_32(void **state)
{
	run_table(M32);
}

static void test_table_16(void **state)
{
	run_table(M16);
}

/* Whatever follows an instruction is not part of it. */
static void test_trailing_bytes_ignored(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		const struct enc *e = &table[i];
		size_t n;
		uint8_t *bytes = hex_bytes(e->hex, &n);
		uint8_t longer[32];

		memcpy(longer, bytes, n);
		memset(longer + n, 0x66, sizeof(longer) - n);
		check_entry(e, longer, sizeof(longer));
		free(bytes);
	}
}

/* Every proper prefix of every encoding is truncated, and decoding it
 * reads nothing past its end (ASan). */
static void test_truncated(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		const struct enc *e = &table[i];
		size_t n;
		uint8_t *bytes = hex_bytes(e->hex, &n);
		struct decoded d;

		for (size_t k = 0; k < n; k++) {
			enum decode_status s =
				decode_exact(bytes, k, e->mode, &d);

			if (s != DECODE_TRUNCATED)
				fail_msg("%s [%s] cut to %zu bytes: %s",
					 e->text, e->hex, k,
					 decode_status_name(s));
		}
		free(bytes);
	}
}

/* SDM Vol. 2A, "Instruction Format": at most 15 bytes. */
static void test_length_limit(void **state)
{
	uint8_t bytes[20];
	struct decoded d;

	/* 13 operand-size prefixes + 89 07: 15 bytes, accepted. */
	memset(bytes, 0x66, 13);
	bytes[13] = 0x89, bytes[14] = 0x07;
	assert_int_equal(decode_exact(bytes, 15, M64, &d), DECODE_OK);
	assert_int_equal(d.len, 15);
	assert_int_equal(d.size, 2);
	/* 14 prefixes + 89 07: 16 bytes, however many bytes are given. */
	memset(bytes, 0x66, 14);
	bytes[14] = 0x89, bytes[15] = 0x07;
	assert_int_equal(decode_exact(bytes, 16, M64, &d), DECODE_TOO_LONG);
	assert_int_equal(decode_exact(bytes, 15, M64, &d), DECODE_TOO_LONG);
	assert_int_equal(decode_exact(bytes, 14, M64, &d), DECODE_TRUNCATED);
	/* The 15-byte LOCK ADD of the table with one more prefix. */
	static const uint8_t add16[] = {0x2e, 0xf0, 0x64, 0x67, 0x48, 0x81,
					0x84, 0x88, 0x78, 0x56, 0x34, 0x12,
					0xef, 0xbe, 0xad, 0xde};
	assert_int_equal(decode_exact(add16, sizeof(add16), M64, &d),
			 DECODE_TOO_LONG);
	assert_int_equal(decode_exact(add16 + 1, 15, M64, &d), DECODE_OK);
}

struct bad {
	const char *text;
	enum decode_mode mode;
	const char *hex;
	enum decode_status status;
	uint8_t opcode_len;
	uint8_t opcode[2];
};

/* clang-format off */
static const struct bad unsupported[] = {
	{"movups (%rax),%xmm0", M64, "0f 10 00", DECODE_UNSUPPORTED, 2, {0x0f, 0x10}},
	{"ud2", M64, "0f 0b", DECODE_UNSUPPORTED, 2, {0x0f, 0x0b}},
	{"incl (%rax)", M64, "ff 00", DECODE_UNSUPPORTED, 1, {0xff}},
	{"movsb", M64, "a4", DECODE_UNSUPPORTED, 1, {0xa4}},
	{"adcb $0x1,(%rax)", M64, "80 10 01", DECODE_UNSUPPORTED, 1, {0x80}},
	{"sbbl $0x1,(%rax)", M64, "83 18 01", DECODE_UNSUPPORTED, 1, {0x83}},
	{"notb (%rdi)", M64, "f6 17", DECODE_UNSUPPORTED, 1, {0xf6}},
	{"C6 /1 (not MOV)", M64, "c6 08 01", DECODE_UNSUPPORTED, 1, {0xc6}},
	{"vpbroadcastb (%rax),%xmm0", M64, "c4 e2 79 78 00", DECODE_UNSUPPORTED, 1, {0xc4}},
	{"movsxd without REX.W", M64, "63 00", DECODE_UNSUPPORTED, 1, {0x63}},
	{"rep stos %eax,%es:(%rdi)", M64, "f3 ab", DECODE_UNSUPPORTED, 1, {0xab}},
	{"repnz stos %al,%es:(%rdi)", M64, "f2 aa", DECODE_UNSUPPORTED, 1, {0xaa}},
	{"lock mov (#UD)", M64, "f0 89 00", DECODE_UNSUPPORTED, 1, {0x89}},
	{"lock cmp (#UD)", M64, "f0 39 07", DECODE_UNSUPPORTED, 1, {0x39}},
	{"lock test (#UD)", M64, "f0 85 07", DECODE_UNSUPPORTED, 1, {0x85}},
	{"inc %eax (32-bit: 40 is not REX)", M32, "40", DECODE_UNSUPPORTED, 1, {0x40}},
	{"dec %eax; mov (32-bit)", M32, "48 89 07", DECODE_UNSUPPORTED, 1, {0x48}},
	{"arpl %ax,(%eax)", M32, "63 00", DECODE_UNSUPPORTED, 1, {0x63}},
	{"rep stos %al,%es:(%di)", M16, "f3 aa", DECODE_UNSUPPORTED, 1, {0xaa}},
	{"mov %eax,%ebx", M64, "89 c3", DECODE_NOT_MEMORY, 1, {0x89}},
	{"movzbl %al,%eax", M64, "0f b6 c0", DECODE_NOT_MEMORY, 2, {0x0f, 0xb6}},
	{"movslq %eax,%rax", M64, "48 63 c0", DECODE_NOT_MEMORY, 1, {0x63}},
	{"add $0x1,%al", M32, "80 c0 01", DECODE_NOT_MEMORY, 1, {0x80}},
	{"mov $0x1,%al", M16, "c6 c0 01", DECODE_NOT_MEMORY, 1, {0xc6}},
};
/* clang-format on */

/* What we do not emulate is reported with its opcode bytes, never
 * guessed at. */
static void test_unsupported(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++) {
		const struct bad *b = &unsupported[i];
		size_t n;
		uint8_t *bytes = hex_bytes(b->hex, &n);
		struct decoded d;
		enum decode_status s = decode_exact(bytes, n, b->mode, &d);

		if (s != b->status)
			fail_msg("%s [%s]: %s, expected %s", b->text, b->hex,
				 decode_status_name(s),
				 decode_status_name(b->status));
		assert_int_equal(d.opcode_len, b->opcode_len);
		assert_memory_equal(d.opcode, b->opcode, b->opcode_len);
		free(bytes);
	}
}

/* Decode hex (known good) in mode. */
static struct decoded decode_hex(const char *hex, enum decode_mode mode)
{
	size_t n;
	uint8_t *bytes = hex_bytes(hex, &n);
	struct decoded d;

	assert_int_equal(decode_exact(bytes, n, mode, &d), DECODE_OK);
	free(bytes);
	return d;
}

static uint64_t ea(const char *hex, enum decode_mode mode,
		   const struct decode_regs *regs)
{
	struct decoded d = decode_hex(hex, mode);

	return decode_effective_addr(&d, regs);
}

static void test_effective_address(void **state)
{
	struct decode_regs r = {.rip = 0x1000};

	/* RIP-relative: from the end of the instruction. */
	assert_int_equal(ea("48 8b 15 78 56 34 12", M64, &r),
			 0x1000 + 7 + 0x12345678);
	assert_int_equal(ea("8b 05 f0 ff ff ff", M64, &r), 0x1000 + 6 - 0x10);
	/* ... and with an immediate after the displacement. */
	assert_int_equal(ea("c7 05 00 01 00 00 ef be ad de", M64, &r),
			 0x1000 + 10 + 0x100);
	/* EIP-relative under 67 wraps at 4 GiB. */
	r.rip = 0xfffffff0;
	assert_int_equal(ea("67 8b 05 10 00 00 00", M64, &r), 0x7);
	/* base + index * scale */
	r.gpr[0] = 0x1000, r.gpr[3] = 0x10;
	assert_int_equal(ea("44 8b 14 98", M64, &r), 0x1040);
	r.gpr[14] = 3;
	assert_int_equal(ea("42 8b 1c f5 00 10 00 00", M64, &r), 0x1018);
	/* 32-bit addressing in 64-bit mode ignores bits 63:32. */
	r.gpr[0] = 0x100000010ULL;
	assert_int_equal(ea("67 8b 00", M64, &r), 0x10);
	/* moffs */
	assert_int_equal(ea("a1 88 77 66 55 44 33 22 11", M64, &r),
			 0x1122334455667788ULL);
	/* 16-bit: BP + disp wraps at 64 KiB, bits above 15 ignored. */
	r.gpr[5] = 0xdead0000ff80ULL;
	assert_int_equal(ea("8b 86 00 01", M16, &r), 0x80);
	r.gpr[3] = 0xfffe, r.gpr[6] = 0x3;
	assert_int_equal(ea("88 50 10", M16, &r), 0x11);
	/* 32-bit: a negative displacement wraps at 4 GiB. */
	r.gpr[5] = 2;
	assert_int_equal(ea("c7 45 fc 78 56 34 12", M32, &r), 0xfffffffe);
	/* STOS: rDI */
	r.gpr[7] = 0x123456789ULL;
	assert_int_equal(ea("ab", M64, &r), 0x123456789ULL);
	assert_int_equal(ea("ab", M32, &r), 0x23456789);
	assert_int_equal(ea("aa", M16, &r), 0x6789);
}

/* Load value into a copy of gpr with the instruction hex; returns the
 * destination's new value. */
static uint64_t load(const char *hex, enum decode_mode mode, uint64_t value,
		     uint64_t *gpr)
{
	struct decoded d = decode_hex(hex, mode);

	assert_true(decode_emulate_read(&d, value, gpr));
	return gpr[d.reg];
}

/* SDM Vol. 1, "General-Purpose Registers in 64-Bit Mode". */
static void test_emulate_read(void **state)
{
	uint64_t gpr[16];

	memset(gpr, 0x11, sizeof(gpr));
	gpr[3] = 0x1122334455667788ULL;
	assert_int_equal(load("8a 3c 24", M64, 0xab, gpr),
			 0x112233445566ab88ULL);
	gpr[6] = ~0ULL;
	assert_int_equal(load("40 8a 32", M64, 0x1cd, gpr),
			 0xffffffffffffffcdULL);
	assert_int_equal(load("66 8b 07", M64, 0xbeef, gpr),
			 0x111111111111beefULL);
	gpr[1] = ~0ULL;
	assert_int_equal(load("8b 0e", M64, 0x12345678, gpr), 0x12345678);
	gpr[1] = 0xaaaaaaaa00000000ULL;
	assert_int_equal(load("8b 4d 10", M32, 1, gpr), 0xaaaaaaaa00000001ULL);
	assert_int_equal(
		load("48 8b 15 78 56 34 12", M64, 0x8000000000000001ULL, gpr),
		0x8000000000000001ULL);
	assert_int_equal(load("4c 0f bf 39", M64, 0x8001, gpr),
			 0xffffffffffff8001ULL);
	gpr[0] = ~0ULL;
	assert_int_equal(load("0f be 01", M64, 0x80, gpr), 0xffffff80);
	assert_int_equal(load("0f be 01", M64, 0x7f, gpr), 0x7f);
	assert_int_equal(load("48 0f b6 10", M64, 0x1ff, gpr), 0xff);
	assert_int_equal(load("48 63 01", M64, 0x80000000, gpr),
			 0xffffffff80000000ULL);
	gpr[2] = 0x123456789abcdef0ULL;
	assert_int_equal(load("66 0f b6 10", M64, 0xff, gpr),
			 0x123456789abc00ffULL);
	gpr[0] = 0x5555555555555555ULL;
	assert_int_equal(load("a0 34 12", M16, 0x99, gpr),
			 0x5555555555555599ULL);
	gpr[0] = 0x5555555555555555ULL;
	assert_int_equal(load("0f b6 07", M16, 0x99, gpr),
			 0x5555555555550099ULL);
}

/* Stores, ALU and CMP are not loads to a register. */
static void test_emulate_read_refuses(void **state)
{
	static const char *const not_loads[] = {
		"89 03", "3b 07", "81 27 00 ff 00 00",
		"85 0f", "ab",	  "c6 00 80"};
	uint64_t gpr[16] = {0}, before[16] = {0};

	for (size_t i = 0; i < ARRAY_SIZE(not_loads); i++) {
		struct decoded d = decode_hex(not_loads[i], M64);

		assert_false(decode_emulate_read(&d, 0x1234, gpr));
		assert_memory_equal(gpr, before, sizeof(gpr));
	}
}

static uint64_t store(const char *hex, enum decode_mode mode,
		      const uint64_t *gpr)
{
	struct decoded d = decode_hex(hex, mode);
	uint64_t value = 0xdeaddeaddeaddeadULL;

	assert_true(decode_write_value(&d, gpr, &value));
	return value;
}

static void test_write_value(void **state)
{
	uint64_t gpr[16] = {0};

	gpr[0] = 0xfedcba9876543210ULL;
	assert_int_equal(store("88 22", M64, gpr), 0x32);
	assert_int_equal(store("88 0a", M64, gpr), 0);
	assert_int_equal(store("48 89 43 10", M64, gpr), 0xfedcba9876543210ULL);
	assert_int_equal(store("66 89 07", M64, gpr), 0x3210);
	assert_int_equal(store("89 03", M64, gpr), 0x76543210);
	assert_int_equal(store("ab", M64, gpr), 0x76543210);
	assert_int_equal(store("48 ab", M64, gpr), 0xfedcba9876543210ULL);
	gpr[9] = 0x0102030405060708ULL;
	assert_int_equal(store("4c 89 08", M64, gpr), 0x0102030405060708ULL);
	assert_int_equal(store("c6 00 80", M64, gpr), 0x80);
	assert_int_equal(store("66 c7 40 02 ef be", M64, gpr), 0xbeef);
	assert_int_equal(store("c7 00 ef be ad de", M64, gpr), 0xdeadbeef);
	assert_int_equal(store("48 c7 00 fe ff ff ff", M64, gpr),
			 0xfffffffffffffffeULL);
	gpr[2] = 0xabcd;
	assert_int_equal(store("88 35 78 56 34 12", M32, gpr), 0xab);
	assert_int_equal(store("c7 05 cd ab", M16, gpr), 0xabcd);

	struct decoded d = decode_hex("8b 0e", M64);
	uint64_t value = 7;

	assert_false(decode_write_value(&d, gpr, &value));
	assert_int_equal(value, 7);
}

static void test_string_advance(void **state)
{
	uint64_t gpr[16] = {0};
	struct decoded d = decode_hex("ab", M64);

	gpr[7] = 0x1000;
	assert_true(decode_string_advance(&d, gpr, false));
	assert_int_equal(gpr[7], 0x1004);
	assert_true(decode_string_advance(&d, gpr, true));
	assert_true(decode_string_advance(&d, gpr, true));
	assert_int_equal(gpr[7], 0xffc);
	/* 16-bit addressing: DI wraps, the rest of RDI stays. */
	d = decode_hex("aa", M16);
	gpr[7] = 0x55550000;
	assert_true(decode_string_advance(&d, gpr, true));
	assert_int_equal(gpr[7], 0x5555ffff);
	/* 32-bit mode: EDI wraps at 4 GiB. */
	d = decode_hex("66 ab", M32);
	gpr[7] = 0x77777777fffffffeULL;
	assert_true(decode_string_advance(&d, gpr, false));
	assert_int_equal(gpr[7], 0x7777777700000000ULL);
	d = decode_hex("89 03", M64);
	assert_false(decode_string_advance(&d, gpr, false));
}

static void test_names(void **state)
{
	assert_string_equal(decode_status_name(DECODE_UNSUPPORTED),
			    "unsupported instruction");
	assert_string_equal(decode_kind_name(DECODE_MOVZX), "MOVZX");
	assert_string_equal(decode_kind_name(DECODE_STOS), "STOS");
	assert_string_equal(decode_kind_name((enum decode_kind)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_64),
		cmocka_unit_test(test_table_32),
		cmocka_unit_test(test_table_16),
		cmocka_unit_test(test_trailing_bytes_ignored),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_effective_address),
		cmocka_unit_test(test_emulate_read),
		cmocka_unit_test(test_emulate_read_refuses),
		cmocka_unit_test(test_write_value),
		cmocka_unit_test(test_string_advance),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
