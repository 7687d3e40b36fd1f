/*
 * tests/fuzz/fuzz_platform.c - libFuzzer target for the port devices of
 * the virtual PC (drivers/virt/acpi_pm.c, i8042.c, rtc_cmos.c,
 * pit8254.c, uart8250.c, pvpanic.c) on one port bus, built for the host with clang
 * -fsanitize=fuzzer,address,undefined.
 * The input is a program of port accesses a guest could make (any port
 * near the devices, any size, any value, with the clock moving between
 * them); after each, the invariants an OS relies on must hold: SCI_EN
 * reads 1, the PM timer has 24 bits, the RTC says its time is valid and
 * never in an update, the SCI callback only ever reports changes, the
 * pvpanic port still says what it supports and reports a panic exactly
 * for each byte written with PANICKED set; at the end the 8042 still
 * passes its self-test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/virt/acpi_pm.h"
#include "drivers/virt/i8042.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/pit8254.h"
#include "drivers/virt/pvpanic.h"
#include "drivers/virt/rtc_cmos.h"
#include "drivers/virt/uart8250.h"
#include "lib/panic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* lib/math64.c panics on a division by zero: a finding here. */
void panic_at(const char *file, int line, const char *fmt, ...)
{
	fprintf(stderr, "fuzz_platform: panic at %s:%d\n", file, line);
	abort();
}

#define CHECK(cond)                                                   \
	do {                                                          \
		if (!(cond)) {                                        \
			fprintf(stderr, "fuzz_platform: %s:%d: %s\n", \
				__FILE__, __LINE__, #cond);           \
			abort();                                      \
		}                                                     \
	} while (0)

#define RECORD 8 /* port selector, port offset, flags, clock step, value */

static const uint16_t bases[] = {PC_PM_BASE,   PC_RESET_PORT, PC_I8042_DATA,
				 PC_I8042_CMD, PC_RTC_PORT,   UART8250_COM1,
				 PC_PIT_PORT,  PC_PORT61,     PC_PVPANIC_PORT};
#define NBASES (sizeof(bases) / sizeof(bases[0]))

static uint64_t now_ns;
static bool sci;
static uint64_t panics;

static void on_panicked(void *ctx)
{
	panics++;
}

static void on_power_off(void *ctx)
{
}

static void on_reset(void *ctx, const char *how)
{
	CHECK(how && how[0]);
}

static void on_sci(void *ctx, bool level)
{
	CHECK(level != sci);
	sci = level;
}

static void on_irq(void *ctx, bool level)
{
}

static uint64_t clock_ns(void *ctx)
{
	return now_ns;
}

static uint64_t clock_s(void *ctx)
{
	return now_ns / 1000000000ULL;
}

static void on_tx(void *ctx, char c)
{
}

static void on_irq0(void *ctx)
{
}

static uint8_t cmos(struct port_bus *bus, uint8_t reg)
{
	portbus_write(bus, PC_RTC_PORT, 1, reg);
	return (uint8_t)portbus_read(bus, PC_RTC_PORT + 1, 1);
}

static void check_invariants(struct port_bus *bus)
{
	CHECK(portbus_read(bus, PC_PM1A_CNT, 2) & ACPI_PM1_SCI_EN);
	CHECK(portbus_read(bus, PC_PM_TMR, 4) <= ACPI_PM_TIMER_MASK);
	CHECK(cmos(bus, 0x0d) == 0x80);
	CHECK(!(cmos(bus, 0x0a) & 0x80));
	CHECK(!(portbus_read(bus, PC_PORT61, 1) & 0xc0)); /* no NMI cause */
	CHECK(portbus_read(bus, PC_PVPANIC_PORT, 1) == PVPANIC_EVENTS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct port_bus bus;
	static struct acpi_pm pm;
	static struct i8042 kbc;
	static struct rtc_cmos rtc;
	static struct uart8250 uart;
	static struct pit8254 pit;
	static struct pvpanic pv;
	const struct pvpanic_ops pv_ops = {on_panicked, NULL, NULL};
	const struct pit8254_ops pit_ops = {clock_ns, on_irq0, NULL};
	const struct acpi_pm_ops pm_ops = {on_power_off, on_reset, on_sci,
					   clock_ns, NULL};
	const struct i8042_ops kbc_ops = {on_reset, on_irq, NULL};
	const struct rtc_cmos_ops rtc_ops = {clock_s, NULL};
	struct port_device d[9];
	uint64_t panics_due = 0;

	memset(&bus, 0, sizeof(bus));
	now_ns = 1795977005ULL * 1000000000ULL;
	sci = false;
	panics = 0;
	pvpanic_init(&pv, &pv_ops);
	acpi_pm_init(&pm, &pm_ops, PC_SLP_TYP_S5);
	i8042_init(&kbc, &kbc_ops);
	rtc_cmos_init(&rtc, &rtc_ops);
	uart8250_init(&uart, on_tx, NULL);
	pit8254_init(&pit, &pit_ops);
	d[0] = acpi_pm_device(&pm, PC_PM_BASE);
	d[1] = acpi_pm_reset_device(&pm, PC_RESET_PORT);
	d[2] = i8042_data_device(&kbc, PC_I8042_DATA);
	d[3] = i8042_cmd_device(&kbc, PC_I8042_CMD);
	d[4] = rtc_cmos_device(&rtc, PC_RTC_PORT);
	d[5] = uart8250_device(&uart, UART8250_COM1);
	d[6] = pit8254_device(&pit, PC_PIT_PORT);
	d[7] = pit8254_port61_device(&pit, PC_PORT61);
	d[8] = pvpanic_device(&pv, PC_PVPANIC_PORT);
	for (unsigned i = 0; i < 9; i++)
		CHECK(portbus_add(&bus, &d[i]) == 0);
	for (size_t off = 0; off + RECORD <= size; off += RECORD) {
		const uint8_t *r = data + off;
		uint16_t port =
			(uint16_t)(bases[r[0] % NBASES] + (int8_t)r[1] % 16);
		unsigned sz = 1u << (r[2] & 3) > 4 ? 4 : 1u << (r[2] & 3);
		uint32_t value;

		memcpy(&value, r + 4, 4);
		now_ns += (uint64_t)r[3] << (r[2] >> 4);
		if (r[2] & 4) {
			portbus_read(&bus, port, sz);
		} else {
			portbus_write(&bus, port, sz, value);
			panics_due += port == PC_PVPANIC_PORT && sz == 1 &&
				      (value & PVPANIC_PANICKED);
		}
		CHECK(panics == panics_due);
		pit8254_update(&pit);
		CHECK(pit8254_next_irq0_ns(&pit) > 0);
		check_invariants(&bus);
	}
	portbus_write(&bus, PC_I8042_CMD, 1, 0xaa);
	CHECK(portbus_read(&bus, PC_I8042_DATA, 1) == 0x55);
	return 0;
}
