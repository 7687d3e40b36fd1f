/*
 * arch/x86_64/trampoline.c - install the AP start-up trampoline.
 * Runs on the boot CPU while it starts the others, interrupts off.
 */
#include "arch/x86_64/trampoline.h"
#include "lib/string.h"

extern const uint8_t trampoline_start[], trampoline_end[], trampoline_args[],
	trampoline_gdt[], trampoline_gdt_ptr[], trampoline_far32[],
	trampoline_far64[], trampoline_32[], trampoline_64[];

/* Offset of a trampoline label from its start. */
static size_t off(const uint8_t *label)
{
	return (size_t)(label - trampoline_start);
}

static void patch32(uint8_t *copy, size_t at, uint32_t value)
{
	memcpy(copy + at, &value, sizeof(value));
}

struct trampoline_args *trampoline_install(hpa_t page)
{
	uint8_t *copy = (uint8_t *)(uintptr_t)page;
	uint32_t base = (uint32_t)page;

	memcpy(copy, trampoline_start, off(trampoline_end));
	patch32(copy, off(trampoline_gdt_ptr) + 2, base + off(trampoline_gdt));
	patch32(copy, off(trampoline_far32), base + off(trampoline_32));
	patch32(copy, off(trampoline_far64), base + off(trampoline_64));
	return (struct trampoline_args *)(copy + off(trampoline_args));
}
