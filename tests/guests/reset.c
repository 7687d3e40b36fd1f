/*
 * tests/guests/reset.c - resets its machine the ways an OS does: "kbd"
 * on the command line writes 0xfe (pulse reset) to the keyboard
 * controller's port 0x64, otherwise 0x06 goes to the reset control
 * register 0xcf9 (the FADT's RESET_REG). Before that it counts its boots
 * in CMOS byte 0x40, which survives a reset: on the second boot it says
 * so and exits 0, which shows that on_crash = restart rebuilt it.
 * Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "reset";

#define RTC_INDEX     0x70
#define RTC_DATA      0x71
#define CMOS_COUNTER  0x40 /* a free byte of CMOS memory */
#define KBC_COMMAND   0x64
#define KBC_PULSE_RST 0xfe
#define RESET_PORT    0xcf9
#define RESET_HARD    0x06

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	uint8_t boots;
	bool kbd;

	if (mb2_view(magic, info, &v))
		return 1;
	kbd = cmdline_has(v.cmdline, "kbd");
	outb(RTC_INDEX, CMOS_COUNTER);
	boots = inb(RTC_DATA);
	gprintf("reset: boot %u\n", boots + 1);
	if (boots) {
		gprintf("reset: back after the reset, CMOS kept the count\n");
		return 0;
	}
	outb(RTC_INDEX, CMOS_COUNTER);
	outb(RTC_DATA, 1);
	if (kbd) {
		gprintf("reset: writing 0x%02x to port 0x%x\n", KBC_PULSE_RST,
			KBC_COMMAND);
		serial_flush();
		outb(KBC_COMMAND, KBC_PULSE_RST);
	} else {
		gprintf("reset: writing 0x%02x to port 0x%x\n", RESET_HARD,
			RESET_PORT);
		serial_flush();
		outb(RESET_PORT, RESET_HARD);
	}
	gprintf("reset: FAILED: still running after the reset\n");
	return 1;
}
