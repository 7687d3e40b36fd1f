/*
 * drivers/virt/acpi_pm.h - the ACPI fixed hardware a VM's OS drives: the
 * PM1a event block (status, enable), the PM1a control block (sleep and
 * soft-off), the PM timer, and the reset control register at 0xcf9
 * that the FADT names as RESET_REG.
 * Pure logic, run in I/O exits on the vCPU's CPU; unit-tested on the
 * host with a fake clock.
 * ACPI Specification, "ACPI Hardware Specification": "PM1 Event
 * Grouping", "PM1 Control Grouping", "Power Management Timer", "Reset
 * Register"; Intel PCH datasheets, "Reset Control Register (RST_CNT)".
 *
 * What is modelled: PM1_STS (write 1 to clear) and PM1_EN, with the
 * power button's status (acpi_pm_power_button) raising the SCI when
 * enabled; PM1_CNT with SCI_EN always 1 (there is no SMM and no legacy
 * mode to leave); a write of SLP_EN with SLP_TYP = S5 calls power_off,
 * any other sleep type is counted in sleeps_ignored and the machine
 * "wakes" at once (WAK_STS set, so an OS waiting for it goes on); the
 * 24-bit PM timer at 3.579545 MHz from the creator's clock. Not
 * modelled: TMR_STS (the timer's overflow event), the RTC and sleep
 * button events, GPE blocks, bus-master status.
 */
#ifndef DRIVERS_VIRT_ACPI_PM_H
#define DRIVERS_VIRT_ACPI_PM_H

#include "drivers/virt/portbus.h"

#define ACPI_PM_TIMER_HZ   3579545
#define ACPI_PM_TIMER_MASK 0xffffff

/* PM1_STS / PM1_EN bits ("PM1 Status Registers", "PM1 Enable
 * Registers") */
#define ACPI_PM1_TMR	BIT(0)
#define ACPI_PM1_GBL	BIT(5)
#define ACPI_PM1_PWRBTN BIT(8)
#define ACPI_PM1_SLPBTN BIT(9)
#define ACPI_PM1_RTC	BIT(10)
#define ACPI_PM1_WAK	BIT(15) /* status only */
/* PM1_CNT bits ("PM1 Control Registers") */
#define ACPI_PM1_SCI_EN	       BIT(0)
#define ACPI_PM1_BM_RLD	       BIT(1)
#define ACPI_PM1_GBL_RLS       BIT(2)
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_TYP_MASK  (0x7 << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN	       BIT(13)
/* Reset control register bits */
#define ACPI_RST_CNT_SYS_RST  BIT(1)
#define ACPI_RST_CNT_RST_CPU  BIT(2) /* writing 1 resets */
#define ACPI_RST_CNT_FULL_RST BIT(3)

/* What the creator supplies; ctx is passed back. sci may be NULL while
 * no interrupt controller can take it; it is meant to drive IOAPIC pin
 * PC_IRQ_SCI (GSI 9, level, active high, as the MADT's interrupt source
 * override tells the guest): asserted while an enabled PM1 event is
 * pending, lowered again by the OS clearing its status or by
 * acpi_pm_reset (docs/virtual-platform.md). */
struct acpi_pm_ops {
	void (*power_off)(void *ctx); /* SLP_EN with SLP_TYP = S5 */
	void (*reset)(void *ctx, const char *how); /* RST_CPU written */
	void (*sci)(void *ctx, bool asserted);	   /* the SCI line's level */
	uint64_t (*now_ns)(void *ctx); /* a clock that never goes back */
	void *ctx;
};

struct acpi_pm {
	struct acpi_pm_ops ops;
	uint8_t slp_typ_s5;
	uint16_t sts, en, cnt;
	uint8_t rst_cnt;
	bool sci;		 /* the level last given to ops.sci */
	uint64_t sleeps_ignored; /* SLP_EN with a sleep type other than S5 */
	uint8_t last_slp_typ;
};

/* slp_typ_s5: the SLP_TYP value that means soft-off (the DSDT's \_S5). */
void acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_ops *ops,
		  uint8_t slp_typ_s5);
/* The registers as after a machine reset. */
void acpi_pm_reset(struct acpi_pm *pm);
/* The PM1a event, PM1a control and PM timer blocks, 12 ports from base:
 * PM1_STS at +0, PM1_EN at +2, PM1_CNT at +4, PM_TMR at +8. */
struct port_device acpi_pm_device(struct acpi_pm *pm, uint16_t base);
/* The reset control register, one port (0xcf9 on a PC). */
struct port_device acpi_pm_reset_device(struct acpi_pm *pm, uint16_t port);
/* Someone pressed the power button: PWRBTN_STS, and the SCI if the OS
 * enabled it (an ACPI OS then shuts down in order). */
void acpi_pm_power_button(struct acpi_pm *pm);
/* The PM timer's value now (24 bits). */
uint32_t acpi_pm_timer(const struct acpi_pm *pm);

#endif
