/*
 * drivers/virt/acpi_pm.c - register model of the ACPI PM1a blocks, the
 * PM timer and the reset control register.
 * Pure logic, run in I/O exits; unit-tested on the host.
 * ACPI Specification, "PM1 Event Grouping", "PM1 Control Grouping",
 * "Power Management Timer"; Intel PCH datasheets, "Reset Control
 * Register (RST_CNT)".
 *
 * Accesses of any size are taken apart into bytes: the block is a row
 * of byte registers to a guest, and 16-bit registers written a byte at
 * a time behave as the whole write would (SLP_TYP and SLP_EN share the
 * high byte of PM1_CNT).
 */
#include "drivers/virt/acpi_pm.h"
#include "lib/math64.h"

#define NS_PER_S 1000000000ULL

/* Offsets in the block acpi_pm_device claims */
#define PM_STS	 0
#define PM_EN	 2
#define PM_CNT	 4
#define PM_TMR	 8
#define PM_LEN	 12
#define PM_BYTES 2 /* STS, EN and CNT are 16-bit */

#define PM1_EN_WRITABLE                                                    \
	(ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_SLPBTN | \
	 ACPI_PM1_RTC)
#define PM1_CNT_WRITABLE (ACPI_PM1_BM_RLD | ACPI_PM1_SLP_TYP_MASK)
#define RST_CNT_KEPT	 (ACPI_RST_CNT_SYS_RST | ACPI_RST_CNT_FULL_RST)

void acpi_pm_init(struct acpi_pm *pm, const struct acpi_pm_ops *ops,
		  uint8_t slp_typ_s5)
{
	*pm = (struct acpi_pm){.ops = *ops, .slp_typ_s5 = slp_typ_s5};
	acpi_pm_reset(pm);
}

void acpi_pm_reset(struct acpi_pm *pm)
{
	pm->sts = pm->en = 0;
	pm->cnt = ACPI_PM1_SCI_EN;
	pm->rst_cnt = 0;
	if (pm->sci && pm->ops.sci)
		pm->ops.sci(pm->ops.ctx, false);
	pm->sci = false;
}

uint32_t acpi_pm_timer(const struct acpi_pm *pm)
{
	uint64_t ns = pm->ops.now_ns ? pm->ops.now_ns(pm->ops.ctx) : 0;

	return (uint32_t)(mul_div_u64(ns, ACPI_PM_TIMER_HZ, NS_PER_S) &
			  ACPI_PM_TIMER_MASK);
}

/* The SCI is a level: asserted while an enabled event is pending. */
static void pm_update_sci(struct acpi_pm *pm)
{
	bool level = (pm->sts & pm->en & PM1_EN_WRITABLE) != 0;

	if (level == pm->sci)
		return;
	pm->sci = level;
	if (pm->ops.sci)
		pm->ops.sci(pm->ops.ctx, level);
}

void acpi_pm_power_button(struct acpi_pm *pm)
{
	pm->sts |= ACPI_PM1_PWRBTN;
	pm_update_sci(pm);
}

/* SLP_EN written: enter the sleep type, which here only S5 does. */
static void pm_sleep(struct acpi_pm *pm, uint8_t slp_typ)
{
	pm->last_slp_typ = slp_typ;
	if (slp_typ == pm->slp_typ_s5) {
		if (pm->ops.power_off)
			pm->ops.power_off(pm->ops.ctx);
	} else {
		pm->sleeps_ignored++;
	}
	pm->sts |= ACPI_PM1_WAK; /* awake again (or never asleep) */
}

static uint8_t byte_of(uint32_t v, unsigned i)
{
	return (uint8_t)(v >> (8 * i));
}

static uint8_t pm_read_byte(struct acpi_pm *pm, unsigned off, uint32_t tmr)
{
	switch (off) {
	case PM_STS:
	case PM_STS + 1: return byte_of(pm->sts, off - PM_STS);
	case PM_EN:
	case PM_EN + 1: return byte_of(pm->en, off - PM_EN);
	case PM_CNT:
	case PM_CNT + 1: return byte_of(pm->cnt, off - PM_CNT);
	case PM_TMR:
	case PM_TMR + 1:
	case PM_TMR + 2:
	case PM_TMR + 3: return byte_of(tmr, off - PM_TMR);
	default: return 0; /* reserved */
	}
}

/* Replace byte i of a 16-bit register. */
static uint16_t with_byte(uint16_t reg, unsigned i, uint8_t v)
{
	return (uint16_t)((reg & ~(0xffu << (8 * i))) | (uint16_t)v << (8 * i));
}

static void pm_write_cnt(struct acpi_pm *pm, unsigned i, uint8_t v)
{
	uint16_t w = with_byte(0, i, v);

	pm->cnt = (uint16_t)((pm->cnt &
			      ~(PM1_CNT_WRITABLE & with_byte(0, i, 0xff))) |
			     (w & PM1_CNT_WRITABLE) | ACPI_PM1_SCI_EN);
	if (w & ACPI_PM1_SLP_EN)
		pm_sleep(pm, (uint8_t)((pm->cnt & ACPI_PM1_SLP_TYP_MASK) >>
				       ACPI_PM1_SLP_TYP_SHIFT));
}

static void pm_write_byte(struct acpi_pm *pm, unsigned off, uint8_t v)
{
	switch (off) {
	case PM_STS:
	case PM_STS + 1:
		pm->sts &= (uint16_t)~with_byte(0, off - PM_STS, v);
		break;
	case PM_EN:
	case PM_EN + 1:
		pm->en = with_byte(pm->en, off - PM_EN, v) & PM1_EN_WRITABLE;
		break;
	case PM_CNT:
	case PM_CNT + 1: pm_write_cnt(pm, off - PM_CNT, v); break;
	default: break; /* the timer is read-only, the rest reserved */
	}
}

static uint32_t pm_read(void *opaque, uint16_t offset, unsigned size)
{
	struct acpi_pm *pm = opaque;
	uint32_t tmr = 0, value = 0;

	if (offset + size > PM_TMR)
		tmr = acpi_pm_timer(pm);
	for (unsigned i = 0; i < size && i < 4; i++)
		value |= (uint32_t)pm_read_byte(pm, offset + i, tmr) << (8 * i);
	return value;
}

static void pm_write(void *opaque, uint16_t offset, unsigned size,
		     uint32_t value)
{
	struct acpi_pm *pm = opaque;

	for (unsigned i = 0; i < size && i < 4; i++)
		pm_write_byte(pm, offset + i, byte_of(value, i));
	pm_update_sci(pm);
}

struct port_device acpi_pm_device(struct acpi_pm *pm, uint16_t base)
{
	return (struct port_device){.name = "acpi-pm",
				    .base = base,
				    .count = PM_LEN,
				    .read = pm_read,
				    .write = pm_write,
				    .opaque = pm};
}

/* RST_CNT: SYS_RST and FULL_RST say which reset, RST_CPU set does it.
 * Linux writes 0x02 then 0x06; the FADT's RESET_VALUE is 0x06. */
static uint32_t rst_read(void *opaque, uint16_t offset, unsigned size)
{
	struct acpi_pm *pm = opaque;

	return pm->rst_cnt;
}

static void rst_write(void *opaque, uint16_t offset, unsigned size,
		      uint32_t value)
{
	struct acpi_pm *pm = opaque;

	pm->rst_cnt = (uint8_t)value & RST_CNT_KEPT;
	if ((value & ACPI_RST_CNT_RST_CPU) && pm->ops.reset)
		pm->ops.reset(pm->ops.ctx, "reset control register 0xcf9");
}

struct port_device acpi_pm_reset_device(struct acpi_pm *pm, uint16_t port)
{
	return (struct port_device){.name = "reset-control",
				    .base = port,
				    .count = 1,
				    .read = rst_read,
				    .write = rst_write,
				    .opaque = pm};
}
