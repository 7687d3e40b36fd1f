/*
 * tests/fuzz/fuzz_decode.c - libFuzzer target for vmx/decode.c, built for
 * the host with clang -fsanitize=fuzzer,address,undefined.
 * Decodes arbitrary bytes in 16-, 32- and 64-bit mode; whenever they
 * decode, checks what the exit handler relies on: the length fits the
 * input and the 15-byte limit, sizes and register indexes are in range,
 * the same bytes cut to the decoded length decode the same, and applying
 * the result touches only the destination register.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmx/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz_decode: %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                             \
			abort();                                              \
		}                                                             \
	} while (0)

static bool power_of_two_to_8(unsigned v)
{
	return v == 1 || v == 2 || v == 4 || v == 8;
}

static void check_fields(const struct decoded *d, size_t size)
{
	CHECK(d->len >= 1 && d->len <= DECODE_MAX_LEN && d->len <= size);
	CHECK(power_of_two_to_8(d->size));
	CHECK(d->kind <= DECODE_STOS);
	CHECK(d->dir <= DECODE_DIR_RMW);
	CHECK(d->mem.base >= DECODE_REG_RIP && d->mem.base < 16);
	CHECK(d->mem.index >= DECODE_REG_NONE && d->mem.index < 16);
	CHECK(power_of_two_to_8(d->mem.scale));
	CHECK(d->mem.addr_size == 2 || d->mem.addr_size == 4 ||
	      d->mem.addr_size == 8);
	CHECK(d->mem.seg <= DECODE_SEG_GS);
	CHECK(d->mode == DECODE_MODE_64 || d->mem.base != DECODE_REG_RIP);
	if (d->has_reg) {
		CHECK(d->reg < 16);
		CHECK(power_of_two_to_8(d->reg_size));
		CHECK(!d->reg_high || (d->reg < 4 && d->reg_size == 1));
	}
	if (d->prefixes & DECODE_PFX_LOCK)
		CHECK(d->dir == DECODE_DIR_RMW);
}

/* The decoded length is the instruction: exactly those bytes decode the
 * same, one fewer is truncated. */
static void check_length(const uint8_t *data, const struct decoded *d)
{
	uint8_t *exact = malloc(d->len);
	struct decoded again;

	memcpy(exact, data, d->len);
	CHECK(decode_insn(exact, d->len, d->mode, &again) == DECODE_OK);
	CHECK(memcmp(&again, d, sizeof(again)) == 0);
	CHECK(decode_insn(exact, d->len - 1, d->mode, &again) ==
	      DECODE_TRUNCATED);
	free(exact);
}

/* Loads change only their destination register; stores change none. */
static void check_apply(const struct decoded *d, const uint8_t *data)
{
	struct decode_regs regs;
	uint64_t gpr[16], value = 0;

	for (unsigned i = 0; i < 16; i++)
		regs.gpr[i] = 0x0101010101010101ULL * (i + 1);
	regs.rip = 0xfffffffffffffff0ULL;
	(void)decode_effective_addr(d, &regs);
	memcpy(gpr, regs.gpr, sizeof(gpr));
	if (decode_emulate_read(d, 0x8081828384858687ULL, gpr)) {
		for (unsigned i = 0; i < 16; i++)
			CHECK(i == d->reg || gpr[i] == regs.gpr[i]);
	} else {
		CHECK(memcmp(gpr, regs.gpr, sizeof(gpr)) == 0);
	}
	if (decode_write_value(d, gpr, &value))
		CHECK(d->size == 8 || value < (1ULL << (8 * d->size)));
	CHECK(decode_string_advance(d, gpr, data[0] & 1) ==
	      (d->kind == DECODE_STOS));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum decode_mode modes[] = {DECODE_MODE_16, DECODE_MODE_32,
						 DECODE_MODE_64};

	for (unsigned m = 0; m < 3; m++) {
		struct decoded d;
		enum decode_status status =
			decode_insn(data, size, modes[m], &d);

		CHECK(status <= DECODE_NOT_MEMORY);
		CHECK(decode_status_name(status)[0] != '?');
		if (status != DECODE_OK)
			continue;
		CHECK(decode_kind_name(d.kind)[0] != '?');
		check_fields(&d, size);
		check_length(data, &d);
		check_apply(&d, data);
	}
	return 0;
}
