/*
 * vmx/msr_bitmap.c - the VM's MSR bitmap.
 * Pure logic; unit-tested on the host.
 * SDM Vol. 3C, "MSR-Bitmap Address": four 1 KiB bitmaps: reads of MSRs
 * 0-0x1fff, reads of 0xc0000000-0xc0001fff, then the same for writes.
 */
#include "arch/x86_64/regs.h"
#include "lib/string.h"
#include "vmx/msr_bitmap.h"

#define READ_LOW	 0
#define READ_HIGH	 1024
#define WRITE_LOW	 2048
#define WRITE_HIGH	 3072
#define HIGH_BASE	 0xc0000000u
#define RANGE		 0x2000u
#define MSR_SYSENTER_CS	 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

static const uint32_t passed_through[] = {
	MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, MSR_IA32_KERNEL_GS_BASE,
	MSR_SYSENTER_CS,  MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
	MSR_STAR,	  MSR_LSTAR,	    MSR_CSTAR,
	MSR_SFMASK,	  MSR_TSC_AUX,
};

/* Where msr's bit for a read or a write lies: byte in the page, bit in
 * the byte. -1 when no bitmap covers msr (then every access exits). */
static int bit_index(uint32_t msr, bool write, unsigned *byte, unsigned *bit)
{
	unsigned base;

	if (msr < RANGE)
		base = write ? WRITE_LOW : READ_LOW;
	else if (msr >= HIGH_BASE && msr - HIGH_BASE < RANGE)
		base = write ? WRITE_HIGH : READ_HIGH, msr -= HIGH_BASE;
	else
		return -1;
	*byte = base + msr / 8;
	*bit = msr % 8;
	return 0;
}

bool msr_bitmap_pass(uint8_t *bitmap, uint32_t msr)
{
	unsigned byte, bit;

	for (int w = 0; w < 2; w++) {
		if (bit_index(msr, w, &byte, &bit))
			return false;
		bitmap[byte] &= (uint8_t) ~(1u << bit);
	}
	return true;
}

bool msr_bitmap_exits(const uint8_t *bitmap, uint32_t msr, bool write)
{
	unsigned byte, bit;

	if (bit_index(msr, write, &byte, &bit))
		return true;
	return bitmap[byte] & (1u << bit);
}

void msr_bitmap_init(uint8_t *bitmap)
{
	memset(bitmap, 0xff, 4096);
	for (size_t i = 0; i < ARRAY_SIZE(passed_through); i++)
		msr_bitmap_pass(bitmap, passed_through[i]);
}
