/*
 * tests/unit/test_acpi_pm.c - drivers/virt/acpi_pm.c on the host, driven
 * through the VM's port bus at the PC's ports (0x600, 0xcf9) as a guest
 * drives it, with a fake clock and counting callbacks.
 * ACPI Specification, "PM1 Event Grouping", "PM1 Control Grouping",
 * "Power Management Timer"; Intel PCH datasheets, "Reset Control
 * Register (RST_CNT)".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "drivers/virt/acpi_pm.h"
#include "drivers/virt/pc_platform.h"

static struct port_bus bus;
static struct acpi_pm pm;
static uint64_t now;
static unsigned power_offs, resets, sci_changes;
static bool sci_level;
static char reset_how[64];

static void fake_power_off(void *ctx)
{
	assert_ptr_equal(ctx, &bus);
	power_offs++;
}

static void fake_reset(void *ctx, const char *how)
{
	resets++;
	strncpy(reset_how, how, sizeof(reset_how) - 1);
}

static void fake_sci(void *ctx, bool level)
{
	assert_true(level != sci_level); /* only changes are reported */
	sci_level = level;
	sci_changes++;
}

static uint64_t fake_now(void *ctx)
{
	return now;
}

static int setup(void **state)
{
	const struct acpi_pm_ops ops = {fake_power_off, fake_reset, fake_sci,
					fake_now, &bus};
	struct port_device d;

	memset(&bus, 0, sizeof(bus));
	now = 0;
	power_offs = resets = sci_changes = 0;
	sci_level = false;
	reset_how[0] = '\0';
	acpi_pm_init(&pm, &ops, PC_SLP_TYP_S5);
	d = acpi_pm_device(&pm, PC_PM_BASE);
	assert_int_equal(portbus_add(&bus, &d), 0);
	d = acpi_pm_reset_device(&pm, PC_RESET_PORT);
	assert_int_equal(portbus_add(&bus, &d), 0);
	return 0;
}

static uint32_t in(uint16_t port, unsigned size)
{
	return portbus_read(&bus, port, size);
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	portbus_write(&bus, port, size, v);
}

#define SLP(typ) ((typ) << ACPI_PM1_SLP_TYP_SHIFT)

static void test_sci_en_reads_one(void **state)
{
	assert_int_equal(in(PC_PM1A_CNT, 2) & ACPI_PM1_SCI_EN, 1);
	out(PC_PM1A_CNT, 2, 0); /* the OS cannot leave ACPI mode */
	assert_int_equal(in(PC_PM1A_CNT, 2) & ACPI_PM1_SCI_EN, 1);
	out(PC_PM1A_CNT, 2, SLP(3) | ACPI_PM1_BM_RLD);
	assert_int_equal(in(PC_PM1A_CNT, 2),
			 SLP(3) | ACPI_PM1_BM_RLD | ACPI_PM1_SCI_EN);
	assert_int_equal(in(PC_PM1A_CNT, 1), ACPI_PM1_BM_RLD | ACPI_PM1_SCI_EN);
	assert_int_equal(in(PC_PM1A_CNT + 1, 1), SLP(3) >> 8);
}

/* What Linux does for poweroff: SLP_TYP first, then SLP_TYP | SLP_EN. */
static void test_s5_powers_off(void **state)
{
	out(PC_PM1A_CNT, 2, SLP(PC_SLP_TYP_S5));
	assert_int_equal(power_offs, 0);
	out(PC_PM1A_CNT, 2, SLP(PC_SLP_TYP_S5) | ACPI_PM1_SLP_EN);
	assert_int_equal(power_offs, 1);
	assert_int_equal(pm.sleeps_ignored, 0);
	/* SLP_EN is write-only: it reads 0 */
	assert_int_equal(in(PC_PM1A_CNT, 2) & ACPI_PM1_SLP_EN, 0);
	/* the same as one byte write of the high half */
	out(PC_PM1A_CNT + 1, 1, (SLP(PC_SLP_TYP_S5) | ACPI_PM1_SLP_EN) >> 8);
	assert_int_equal(power_offs, 2);
	/* and as a dword write over the control block */
	out(PC_PM1A_CNT, 4, SLP(PC_SLP_TYP_S5) | ACPI_PM1_SLP_EN);
	assert_int_equal(power_offs, 3);
}

static void test_other_sleep_types_ignored(void **state)
{
	for (unsigned typ = 0; typ < 8; typ++) {
		if (typ == PC_SLP_TYP_S5)
			continue;
		out(PC_PM1A_CNT, 2, SLP(typ) | ACPI_PM1_SLP_EN);
		assert_int_equal(pm.last_slp_typ, typ);
	}
	assert_int_equal(power_offs, 0);
	assert_int_equal(pm.sleeps_ignored, 7);
	/* the machine is awake at once: WAK_STS, cleared by writing 1 */
	assert_true(in(PC_PM1A_EVT, 2) & ACPI_PM1_WAK);
	out(PC_PM1A_EVT, 2, ACPI_PM1_WAK);
	assert_false(in(PC_PM1A_EVT, 2) & ACPI_PM1_WAK);
	/* SLP_TYP without SLP_EN does nothing */
	out(PC_PM1A_CNT, 2, SLP(1));
	assert_int_equal(pm.sleeps_ignored, 7);
}

/* Status is write-1-to-clear; the SCI follows status AND enable. */
static void test_status_enable_sci(void **state)
{
	acpi_pm_power_button(&pm);
	assert_int_equal(in(PC_PM1A_EVT, 2), ACPI_PM1_PWRBTN);
	assert_false(sci_level); /* not enabled yet */
	out(PC_PM1A_EVT + 2, 2, ACPI_PM1_PWRBTN);
	assert_int_equal(in(PC_PM1A_EVT + 2, 2), ACPI_PM1_PWRBTN);
	assert_true(sci_level);
	out(PC_PM1A_EVT, 2, 0); /* writing 0 clears nothing */
	assert_true(sci_level);
	out(PC_PM1A_EVT, 2, ACPI_PM1_TMR); /* another bit: still pending */
	assert_true(sci_level);
	out(PC_PM1A_EVT, 2, ACPI_PM1_PWRBTN);
	assert_false(sci_level);
	assert_int_equal(in(PC_PM1A_EVT, 2), 0);
	assert_int_equal(sci_changes, 2);
	/* a dword at PM1_STS reaches PM1_EN in its upper half */
	out(PC_PM1A_EVT, 4, 0);
	assert_int_equal(in(PC_PM1A_EVT, 4), 0);
	acpi_pm_power_button(&pm);
	out(PC_PM1A_EVT, 4, (uint32_t)ACPI_PM1_PWRBTN << 16);
	assert_true(sci_level);
	assert_int_equal(in(PC_PM1A_EVT, 4),
			 ACPI_PM1_PWRBTN | (uint32_t)ACPI_PM1_PWRBTN << 16);
	/* bits with no event behind them do not stick in PM1_EN */
	out(PC_PM1A_EVT + 2, 2, 0xffff);
	assert_int_equal(in(PC_PM1A_EVT + 2, 2) & ~0x0721u, 0);
	acpi_pm_reset(&pm);
	assert_false(sci_level);
}

/* 3.579545 MHz, 24 bits, from the creator's clock. */
static void test_pm_timer(void **state)
{
	now = 0;
	assert_int_equal(in(PC_PM_TMR, 4), 0);
	now = 1000000000ULL; /* 1 s */
	assert_int_equal(in(PC_PM_TMR, 4), ACPI_PM_TIMER_HZ);
	now = 1000; /* 1 us: 3 ticks */
	assert_int_equal(in(PC_PM_TMR, 4), 3);
	/* wraps at 2^24 ticks (4.687 s) */
	now = 5000000000ULL;
	assert_int_equal(in(PC_PM_TMR, 4),
			 (uint32_t)(5ULL * ACPI_PM_TIMER_HZ) & 0xffffff);
	assert_int_equal(in(PC_PM_TMR, 4) >> 24, 0);
	/* a day of uptime does not overflow the arithmetic */
	now = 86400ULL * 1000000000ULL;
	assert_int_equal(in(PC_PM_TMR, 4),
			 (uint32_t)(86400ULL * ACPI_PM_TIMER_HZ) & 0xffffff);
	/* byte and word reads see the same counter */
	now = 1000000000ULL;
	assert_int_equal(in(PC_PM_TMR, 1), ACPI_PM_TIMER_HZ & 0xff);
	assert_int_equal(in(PC_PM_TMR + 2, 2), ACPI_PM_TIMER_HZ >> 16);
	out(PC_PM_TMR, 4, 0); /* read-only */
	assert_int_equal(in(PC_PM_TMR, 4), ACPI_PM_TIMER_HZ);
}

/*
 * What ACPICA (Linux's ACPI core) does with the block from start-up to
 * power-off, in its own access sizes: clear every fixed status
 * (acpi_hw_clear_acpi_status), enable the global lock and power button
 * events and read them back (an enable bit that does not stick is
 * "No response from Global Lock hardware"), then acpi_hw_legacy_sleep:
 * clear WAK_STS, write SLP_TYP alone, then SLP_TYP | SLP_EN.
 */
#define ALL_FIXED_STATUS                                          \
	(ACPI_PM1_TMR | BIT(4) | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
	 ACPI_PM1_SLPBTN | ACPI_PM1_RTC | ACPI_PM1_WAK)

static void test_acpica_start_and_power_off(void **state)
{
	uint16_t cnt;

	assert_int_equal(in(PC_PM1A_CNT, 2) & ACPI_PM1_SCI_EN, 1); /* ACPI */
	out(PC_PM1A_EVT, 2, ALL_FIXED_STATUS);
	out(PC_PM1A_EVT + 2, 2, 0);
	out(PC_PM1A_EVT + 2, 2, in(PC_PM1A_EVT + 2, 2) | ACPI_PM1_GBL);
	assert_true(in(PC_PM1A_EVT + 2, 2) & ACPI_PM1_GBL);
	out(PC_PM1A_EVT + 2, 2, in(PC_PM1A_EVT + 2, 2) | ACPI_PM1_PWRBTN);
	assert_int_equal(in(PC_PM1A_EVT + 2, 2),
			 ACPI_PM1_GBL | ACPI_PM1_PWRBTN);
	assert_false(sci_level); /* nothing pending */
	/* acpi_hw_legacy_sleep (S5) */
	out(PC_PM1A_EVT, 2, ACPI_PM1_WAK);
	out(PC_PM1A_EVT, 2, ALL_FIXED_STATUS);
	cnt = (uint16_t)in(PC_PM1A_CNT, 2);
	cnt &= (uint16_t) ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN);
	cnt |= SLP(PC_SLP_TYP_S5);
	out(PC_PM1A_CNT, 2, cnt);
	assert_int_equal(power_offs, 0);
	out(PC_PM1A_CNT, 2, cnt | ACPI_PM1_SLP_EN);
	assert_int_equal(power_offs, 1);
	assert_int_equal(resets, 0);
	assert_int_equal(sci_changes, 0);
}

static void test_reset_register(void **state)
{
	assert_int_equal(in(PC_RESET_PORT, 1), 0);
	out(PC_RESET_PORT, 1, ACPI_RST_CNT_SYS_RST); /* Linux: 0x02 first */
	assert_int_equal(resets, 0);
	assert_int_equal(in(PC_RESET_PORT, 1), ACPI_RST_CNT_SYS_RST);
	out(PC_RESET_PORT, 1, PC_RESET_VALUE); /* then 0x06 */
	assert_int_equal(resets, 1);
	assert_non_null(strstr(reset_how, "0xcf9"));
	out(PC_RESET_PORT, 1, 0x0e); /* full reset */
	assert_int_equal(resets, 2);
	assert_int_equal(in(PC_RESET_PORT, 1), 0x0a); /* RST_CPU reads 0 */
	out(PC_RESET_PORT, 1, 0x0a);
	assert_int_equal(resets, 2);
	/* the PCI configuration ports around it stay unclaimed */
	assert_int_equal(in(0xcf8, 4), 0xffffffff);
	out(0xcf8, 4, 0x80000000);
	assert_int_equal(resets, 2);
}

/* Anything a guest can do to the block: no crash, no callback. */
static void test_every_access(void **state)
{
	for (unsigned port = PC_PM_BASE - 4; port < PC_PM_BASE + 16; port++)
		for (unsigned size = 1; size <= 4; size *= 2) {
			in((uint16_t)port, size);
			if (port == PC_PM1A_CNT || port == PC_PM1A_CNT + 1)
				continue; /* 0xff... there would set SLP_EN */
			out((uint16_t)port, size, 0xffffffff);
		}
	assert_int_equal(power_offs, 0);
	assert_int_equal(resets, 0);
	/* odd sizes straight to the device: bytes beyond 4 are ignored */
	struct port_device d = acpi_pm_device(&pm, PC_PM_BASE);
	d.read(d.opaque, 10, 4);
	d.write(d.opaque, 11, 8, 0);
	assert_int_equal(in(PC_PM1A_CNT, 2) & ACPI_PM1_SCI_EN, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sci_en_reads_one, setup),
		cmocka_unit_test_setup(test_s5_powers_off, setup),
		cmocka_unit_test_setup(test_other_sleep_types_ignored, setup),
		cmocka_unit_test_setup(test_status_enable_sci, setup),
		cmocka_unit_test_setup(test_pm_timer, setup),
		cmocka_unit_test_setup(test_acpica_start_and_power_off, setup),
		cmocka_unit_test_setup(test_reset_register, setup),
		cmocka_unit_test_setup(test_every_access, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
