/*
 * drivers/hw/pit.c - 8254 PIT channel 2 as a polled one-shot.
 * Boot CPU, interrupts off, during TSC calibration. Channel 2 is the one
 * whose gate software controls (through port 0x61) and whose output it
 * can read back there; channel 0 (the timer interrupt) is left alone.
 * Intel 8254 datasheet, "Control Word Format", "Mode 0 - Interrupt on
 * Terminal Count"; Intel I/O controller hub datasheets, "NMI Status and
 * Control Register" (port 61h).
 */
#include "arch/x86_64/cpu.h"
#include "drivers/hw/pit.h"

#define PIT_CH2_DATA 0x42
#define PIT_CONTROL  0x43

/* 8254 "Control Word Format": counter 2, LSB then MSB, mode 0, binary */
#define PIT_CW_SELECT_COUNTER2 (2u << 6)
#define PIT_CW_RW_LSB_MSB      (3u << 4)
#define PIT_CW_MODE0	       (0u << 1)

/* Port 61h, "NMI Status and Control Register" */
#define PORT_NMI_SC	    0x61
#define NMI_SC_TIM_CNT2_EN  BIT(0) /* gate of counter 2 */
#define NMI_SC_SPKR_DAT_EN  BIT(1) /* counter 2 output to the speaker */
#define NMI_SC_TMR2_OUT_STS BIT(5) /* counter 2 output, read-only */
#define NMI_SC_WRITABLE	    0x0f   /* bits 7:4 read as status */

static uint8_t saved_nmi_sc;

void pit_oneshot_start(uint16_t count)
{
	uint8_t v = inb(PORT_NMI_SC);

	saved_nmi_sc = v & NMI_SC_WRITABLE;
	v = (uint8_t)((v & NMI_SC_WRITABLE & ~NMI_SC_SPKR_DAT_EN) |
		      NMI_SC_TIM_CNT2_EN);
	outb(PORT_NMI_SC, v);
	/* Mode 0: writing the control word drives the output low; the count
	 * loads on the next input clock and counts down while the gate is
	 * high; the output goes high when it reaches zero. */
	outb(PIT_CONTROL,
	     PIT_CW_SELECT_COUNTER2 | PIT_CW_RW_LSB_MSB | PIT_CW_MODE0);
	outb(PIT_CH2_DATA, (uint8_t)count);
	outb(PIT_CH2_DATA, (uint8_t)(count >> 8));
}

bool pit_oneshot_done(void)
{
	return inb(PORT_NMI_SC) & NMI_SC_TMR2_OUT_STS;
}

void pit_oneshot_stop(void)
{
	outb(PORT_NMI_SC, saved_nmi_sc);
}
