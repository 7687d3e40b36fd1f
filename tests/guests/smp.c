/*
 * tests/guests/smp.c - proves a machine (or VM) with several CPUs works:
 * the BSP, started by the Multiboot loader, finds the CPUs in the ACPI
 * MADT (or, without one, CPUID), enables its local APIC, copies the
 * real-mode trampoline (smp_trampoline.S) below 1 MiB and starts each AP
 * with INIT, STARTUP, STARTUP. Each AP reaches 32-bit protected mode on
 * a stack of its own, takes a CPU number with LOCK XADD and says
 * "smp: cpu N up (apic id A)". Then every CPU adds 1 to one counter
 * ADDS_PER_CPU times with LOCK XADD (the total is exact only if the
 * memory is coherent and the instruction atomic across CPUs), and the
 * BSP sends IPIS_PER_AP fixed IPIs to each AP, which waits for them in
 * HLT with interrupts on: each must wake it and reach its handler.
 * Ends with HC_SHUTDOWN (or, bare, Bochs's shutdown port): 0 when every
 * check passed. Multiboot2 guest (docs/guests.md).
 * Runs on every CPU of the guest: the BSP from main, the APs from
 * smp_ap_main; 32-bit protected mode, paging off.
 * SDM Vol. 3A, "MP Initialization Protocol Algorithm for MP Systems",
 * "Local APIC Register Address Map", "Interrupt Command Register (ICR)",
 * "Issuing an End-of-Interrupt"; ACPI Specification, "Finding the RSDP
 * on IA-PC Systems", "Multiple APIC Description Table (MADT)", "Power
 * Management Timer".
 */
#include <stdarg.h>
#include "tests/guests/lib/guest.h"
#include "tests/guests/smp.h"
#include "lib/fmt.h"
#include "lib/string.h"

const char guest_name[] = "smp";

#define ADDS_PER_CPU	100000
#define IPIS_PER_AP	10
#define IPI_VECTOR	0x40
#define SPURIOUS_VECTOR 0xff
#define NO_CPU		0xff /* cpu_of_apic: no CPU has this APIC ID */
#define APIC_IDS	256  /* xAPIC IDs are 8 bits */

/* SDM Vol. 3A, "Local APIC Register Address Map" */
#define APIC_ID		    0x020
#define APIC_ID_SHIFT	    24
#define APIC_TPR	    0x080
#define APIC_EOI	    0x0b0
#define APIC_SVR	    0x0f0
#define APIC_SVR_ENABLE	    BIT(8)
#define APIC_ICR_LO	    0x300
#define APIC_ICR_HI	    0x310
#define APIC_ICR_DEST_SHIFT 24
/* SDM Vol. 3A, "Interrupt Command Register (ICR)" */
#define ICR_FIXED   (0u << 8)
#define ICR_INIT    (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_BUSY    BIT(12) /* delivery status: send pending */
#define ICR_ASSERT  BIT(14)
/* SDM Vol. 3A, "Local APIC Status and Location" */
#define MSR_APIC_BASE  0x1b
#define APIC_BASE_EXTD BIT(10) /* x2APIC mode */
#define APIC_BASE_EN   BIT(11)
#define APIC_BASE_ADDR 0xfffff000u
/* SDM Vol. 3A, "MP Initialization Protocol Algorithm for MP Systems" */
#define INIT_DELAY_US	 10000
#define STARTUP_DELAY_US 200
/* How long the BSP waits for what another CPU should do (timeouts only:
 * when all goes well the wait ends at once). */
#define AP_START_US    1000000
#define WORK_US	       10000000
#define IPI_US	       1000000
#define HALT_SETTLE_US 50 /* lets an AP reach HLT before its IPI */

/* ACPI Specification, "Root System Description Pointer (RSDP)",
 * "System Description Table Header", "Multiple APIC Description Table
 * (MADT)", "Fixed ACPI Description Table (FADT)" */
#define EBDA_SEGMENT_PTR 0x40e
#define BIOS_AREA	 0xe0000u
#define BIOS_AREA_END	 0x100000u
#define RSDP_V1_LEN	 20
#define RSDP_REVISION	 15
#define RSDP_RSDT	 16
#define RSDP_XSDT	 24
#define RSDP_V2_LEN	 36
#define SDT_LENGTH	 4
#define SDT_HEADER_LEN	 36
#define MADT_LAPIC_ADDR	 36
#define MADT_ENTRIES	 44
#define MADT_LAPIC	 0 /* type: processor local APIC */
#define MADT_X2APIC	 9 /* type: processor local x2APIC */
#define MADT_ENABLED	 BIT(0)
#define FADT_PM_TMR_BLK	 76
#define FADT_FLAGS	 112
#define FADT_TMR_VAL_EXT BIT(8) /* the PM timer has 32 bits, not 24 */
#define PM_TIMER_HZ	 3579545u
#define ASSUMED_TSC_MHZ	 4000u /* no PM timer: waits at least as long */
/* CPUID leaf 1 */
#define CPUID1_EDX_HTT	    BIT(28)
#define CPUID1_EBX_COUNT(b) (((b) >> 16) & 0xff)

/* The CPUs: cpu 0 is the BSP, APs number themselves 1, 2, ... */
static unsigned ncpus;		       /* found in the MADT or CPUID */
static uint8_t madt_ids[SMP_MAX_CPUS]; /* their APIC IDs */
static uint32_t apic_base;	       /* the local APIC's MMIO page */
static volatile uint32_t cpu_next;     /* the next CPU number */
static volatile uint32_t cpus_up;      /* CPUs that said they are up */
static volatile uint8_t cpu_of_apic[APIC_IDS];
static volatile uint8_t apic_of_cpu[SMP_MAX_CPUS];

/* The counter test */
static volatile uint32_t counter;
static volatile uint32_t work_go, work_done;
static volatile uint32_t interleaved[SMP_MAX_CPUS];

/* The IPI test */
static volatile uint32_t ipis[SMP_MAX_CPUS];	/* taken by each CPU */
static volatile uint32_t halting[SMP_MAX_CPUS]; /* AP waits in HLT */

/* The PM timer (or, without one, the TSC) times the waits. */
static uint16_t pm_timer_port;
static uint32_t pm_timer_mask;

static struct {
	uint16_t offset_lo, selector;
	uint8_t zero, type;
	uint16_t offset_hi;
} idt[256];

static struct {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};

extern const char smp_trampoline_start[], smp_trampoline_end[];
void smp_ap_main(void);

/* ---- atomics and the console lock */

static inline uint32_t xadd(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("lock xaddl %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
}

static volatile uint32_t console_lock;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One whole line at a time, whichever CPU prints. */
static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
		while (console_lock)
			__asm__ volatile("pause");
	for (const char *p = buf; *p; p++)
		serial_putc(*p);
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

/* ---- time */

/* Microseconds gone since the last call with the same *STATE (the
 * first call starts the count); call it more often than the PM timer
 * wraps (4.6 s for 24 bits). */
struct clock {
	uint64_t last, ticks;
};

static uint64_t clock_read(void)
{
	return pm_timer_port ? inl(pm_timer_port) & pm_timer_mask : rdtsc();
}

static void clock_start(struct clock *c)
{
	c->last = clock_read();
	c->ticks = 0;
}

static uint32_t clock_us(struct clock *c)
{
	uint64_t now = clock_read();

	if (pm_timer_port) {
		c->ticks += (now - c->last) & pm_timer_mask;
		c->last = now;
		return (uint32_t)(c->ticks * 1000000 / PM_TIMER_HZ);
	}
	c->ticks += now - c->last;
	c->last = now;
	return (uint32_t)(c->ticks / ASSUMED_TSC_MHZ);
}

static void delay_us(uint32_t us)
{
	struct clock c;

	clock_start(&c);
	while (clock_us(&c) < us)
		__asm__ volatile("pause");
}

/* Until *P reaches VALUE (true) or US microseconds have gone (false). */
static bool wait_for(volatile uint32_t *p, uint32_t value, uint32_t us)
{
	struct clock c;

	clock_start(&c);
	while (*p < value)
		if (clock_us(&c) >= us)
			return *p >= value;
	return true;
}

/* ---- the local APIC: plain MOVs (a hypervisor emulates those) */

static uint32_t apic_read(uint32_t reg)
{
	uint32_t v;

	__asm__ volatile("movl (%1), %0"
			 : "=r"(v)
			 : "r"(apic_base + reg)
			 : "memory");
	return v;
}

static void apic_write(uint32_t reg, uint32_t v)
{
	__asm__ volatile("movl %0, (%1)"
			 :
			 : "r"(v), "r"(apic_base + reg)
			 : "memory");
}

static unsigned apic_id(void)
{
	return apic_read(APIC_ID) >> APIC_ID_SHIFT;
}

/* Software-enable this CPU's APIC, accept every priority. */
static void apic_enable(void)
{
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

/* Send an IPI and wait until the APIC has sent it. */
static bool apic_ipi(unsigned dest, uint32_t icr)
{
	struct clock c;

	apic_write(APIC_ICR_HI, dest << APIC_ICR_DEST_SHIFT);
	apic_write(APIC_ICR_LO, icr);
	clock_start(&c);
	while (apic_read(APIC_ICR_LO) & ICR_BUSY)
		if (clock_us(&c) > IPI_US)
			return false;
	return true;
}

/* ---- interrupts: the library's exception gates, plus ours */

struct interrupt_frame;

__attribute__((interrupt)) static void ipi_handler(struct interrupt_frame *f)
{
	unsigned cpu = cpu_of_apic[apic_id()];

	(void)f;
	if (cpu < SMP_MAX_CPUS)
		ipis[cpu]++; /* only this CPU writes its count */
	apic_write(APIC_EOI, 0);
}

/* A spurious interrupt takes no EOI (SDM Vol. 3A, "Spurious
 * Interrupt"). */
__attribute__((interrupt)) static void
spurious_handler(struct interrupt_frame *f)
{
	(void)f;
}

static void idt_gate(unsigned vector, void (*fn)(struct interrupt_frame *))
{
	uint32_t a = (uint32_t)fn;

	idt[vector].offset_lo = (uint16_t)a;
	idt[vector].offset_hi = (uint16_t)(a >> 16);
	idt[vector].selector = SMP_CS;
	idt[vector].type = 0x8e; /* present, DPL 0, 32-bit interrupt gate */
}

static void idt_setup(void)
{
	idt_install(); /* the 32 exception gates, tests/guests/lib/idt.c */
	memcpy(idt, (const void *)idt_gate_address(0), 32 * sizeof(idt[0]));
	idt_gate(IPI_VECTOR, ipi_handler);
	idt_gate(SPURIOUS_VECTOR, spurious_handler);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* ---- how many CPUs: the ACPI MADT, else CPUID */

static bool sum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < len; i++)
		s += p[i];
	return s == 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static const uint8_t *scan_rsdp(uint32_t from, uint32_t to)
{
	for (uint32_t a = from; a < to; a += 16)
		if (memcmp((const void *)a, "RSD PTR ", 8) == 0 &&
		    sum_ok((const uint8_t *)a, RSDP_V1_LEN))
			return (const uint8_t *)a;
	return NULL;
}

/* The first KiB of the EBDA, then the BIOS area. */
static const uint8_t *find_rsdp(void)
{
	uint32_t ptr = EBDA_SEGMENT_PTR, ebda;
	const uint8_t *r = NULL;
	uint16_t segment;

	__asm__("" : "+r"(ptr)); /* an address gcc must not judge */
	segment = *(const volatile uint16_t *)ptr;
	ebda = (uint32_t)segment << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = scan_rsdp(ebda, ebda + 1024);
	return r ? r : scan_rsdp(BIOS_AREA, BIOS_AREA_END);
}

/* The table with signature SIG in the XSDT (ACPI 2.0+) or the RSDT. */
static const uint8_t *find_table(const uint8_t *rsdp, const char *sig)
{
	bool x = rsdp[RSDP_REVISION] >= 2 && le32(rsdp + RSDP_XSDT);
	const uint8_t *root =
		(const uint8_t *)le32(rsdp + (x ? RSDP_XSDT : RSDP_RSDT));
	uint32_t step = x ? 8 : 4, len = le32(root + SDT_LENGTH);

	if (!sum_ok(root, len))
		return NULL;
	for (uint32_t off = SDT_HEADER_LEN; off + step <= len; off += step) {
		const uint8_t *t = (const uint8_t *)le32(root + off);

		if (memcmp(t, sig, 4) == 0 && sum_ok(t, le32(t + SDT_LENGTH)))
			return t;
	}
	return NULL;
}

/* The enabled processors' APIC IDs, in the MADT's order. */
static unsigned madt_cpus(const uint8_t *madt)
{
	unsigned n = 0;
	uint32_t len = le32(madt + SDT_LENGTH);

	for (uint32_t off = MADT_ENTRIES; off + 2 <= len;
	     off += madt[off + 1]) {
		const uint8_t *e = madt + off;
		uint32_t id;

		if (e[1] < 2)
			break;
		if (e[0] == MADT_LAPIC && (le32(e + 4) & MADT_ENABLED))
			id = e[3];
		else if (e[0] == MADT_X2APIC && (le32(e + 8) & MADT_ENABLED))
			id = le32(e + 4);
		else
			continue;
		if (id >= APIC_IDS || n == SMP_MAX_CPUS) {
			say("smp: CPU with APIC ID %u left out\n", id);
			continue;
		}
		madt_ids[n++] = (uint8_t)id;
	}
	return n;
}

static void pm_timer_setup(const uint8_t *fadt)
{
	if (!fadt || !le32(fadt + FADT_PM_TMR_BLK))
		return;
	pm_timer_port = (uint16_t)le32(fadt + FADT_PM_TMR_BLK);
	pm_timer_mask = le32(fadt + FADT_FLAGS) & FADT_TMR_VAL_EXT ? 0xffffffff
								   : 0xffffff;
}

/* Without a MADT: CPUID.1:EBX[23:16], APIC IDs assumed 0, 1, ... */
static unsigned cpuid_cpus(void)
{
	uint32_t a, b, c, d;
	unsigned n;

	cpuid(1, &a, &b, &c, &d);
	n = d & CPUID1_EDX_HTT ? CPUID1_EBX_COUNT(b) : 1;
	n = MAX(1u, MIN(n, (unsigned)SMP_MAX_CPUS));
	for (unsigned i = 0; i < n; i++)
		madt_ids[i] = (uint8_t)i;
	return n;
}

static void find_cpus(void)
{
	const uint8_t *rsdp = find_rsdp(), *madt = NULL;

	if (rsdp) {
		madt = find_table(rsdp, "APIC");
		pm_timer_setup(find_table(rsdp, "FACP"));
	}
	ncpus = madt ? madt_cpus(madt) : 0;
	if (ncpus) {
		say("smp: ACPI %s at 0x%08x: MADT lists %u CPU(s), local APIC "
		    "at 0x%08x\n",
		    rsdp[RSDP_REVISION] >= 2 ? "2.0+" : "1.0", (uint32_t)rsdp,
		    ncpus, le32(madt + MADT_LAPIC_ADDR));
	} else {
		ncpus = cpuid_cpus();
		say("smp: no ACPI MADT: CPUID says %u CPU(s)\n", ncpus);
	}
	if (pm_timer_port)
		say("smp: waits timed by the PM timer at port 0x%x\n",
		    pm_timer_port);
	else
		say("smp: no PM timer: waits timed by the TSC, assumed at "
		    "%u MHz\n",
		    ASSUMED_TSC_MHZ);
}

/* ---- every CPU */

/* Take a CPU number and say so; the BSP is the first. */
static unsigned cpu_arrive(void)
{
	unsigned id = apic_id(), cpu = xadd(&cpu_next, 1);

	if (cpu >= SMP_MAX_CPUS || id >= APIC_IDS)
		return NO_CPU;
	apic_of_cpu[cpu] = (uint8_t)id;
	cpu_of_apic[id] = (uint8_t)cpu;
	say("smp: cpu %u up (apic id %u)\n", cpu, id);
	xadd(&cpus_up, 1);
	return cpu;
}

/* ADDS_PER_CPU locked additions; counts the interleavings: how often
 * another CPU's addition came between two of ours (the CPUs really ran
 * at the same time). */
static void count_up(unsigned cpu)
{
	uint32_t prev = xadd(&counter, 1), between = 0;

	for (unsigned i = 1; i < ADDS_PER_CPU; i++) {
		uint32_t v = xadd(&counter, 1);

		between += v != prev + 1;
		prev = v;
	}
	interleaved[cpu] = between;
}

static void ap_halt_forever(void)
{
	for (;;)
		__asm__ volatile("sti; hlt" ::: "memory");
}

/* An AP, from smp_trampoline.S, on its own stack. Interrupts stay off
 * until it waits for the BSP's IPIs; the STI; HLT pair cannot lose one
 * (an IPI that came before STI is taken right after it, and wakes the
 * HLT). It stays halted, interrupts on, until the BSP ends the guest. */
void smp_ap_main(void)
{
	unsigned cpu;

	__asm__ volatile("lidt %0" : : "m"(idtr));
	apic_enable();
	cpu = cpu_arrive();
	if (cpu == NO_CPU)
		ap_halt_forever();
	while (!work_go)
		__asm__ volatile("pause");
	count_up(cpu);
	xadd(&work_done, 1);
	halting[cpu] = 1;
	while (ipis[cpu] < IPIS_PER_AP)
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	ap_halt_forever();
}

/* ---- the BSP */

static void trampoline_install(void)
{
	memcpy((void *)SMP_TRAMPOLINE, smp_trampoline_start,
	       (size_t)(smp_trampoline_end - smp_trampoline_start));
}

/* INIT, 10 ms, STARTUP, 200 us, STARTUP, 200 us; then wait for it. */
static bool start_ap(unsigned id)
{
	uint32_t up = cpus_up, vector = SMP_TRAMPOLINE >> 12;

	if (!apic_ipi(id, ICR_INIT | ICR_ASSERT))
		return false;
	delay_us(INIT_DELAY_US);
	for (int i = 0; i < 2; i++) {
		if (!apic_ipi(id, ICR_STARTUP | ICR_ASSERT | vector))
			return false;
		delay_us(STARTUP_DELAY_US);
	}
	return wait_for(&cpus_up, up + 1, AP_START_US);
}

static bool start_aps(unsigned bsp_id)
{
	bool ok = true;

	for (unsigned i = 0; i < ncpus; i++) {
		if (madt_ids[i] == bsp_id)
			continue;
		if (!start_ap(madt_ids[i])) {
			say("smp: FAILED: the CPU with APIC ID %u did not "
			    "start\n",
			    madt_ids[i]);
			ok = false;
		}
	}
	return ok;
}

static bool counter_test(unsigned up, uint32_t *total)
{
	uint32_t between = 0;
	bool done;

	work_go = 1;
	count_up(0);
	done = wait_for(&work_done, up - 1, WORK_US);
	*total = counter;
	for (unsigned i = 0; i < up; i++)
		between += interleaved[i];
	say("smp: counter test: %u CPUs added %u each, interleaved %u "
	    "times\n",
	    up, ADDS_PER_CPU, between);
	if (!done)
		say("smp: FAILED: %u of %u APs finished adding\n", work_done,
		    up - 1);
	return done && *total == up * ADDS_PER_CPU;
}

/* Each AP in turn: IPIS_PER_AP IPIs, each sent once it halts and
 * counted by its handler before the next. */
static uint32_t ipi_test(unsigned up)
{
	uint32_t taken = 0;

	for (unsigned cpu = 1; cpu < up; cpu++) {
		if (!wait_for(&halting[cpu], 1, WORK_US)) {
			say("smp: FAILED: cpu %u never waited for IPIs\n", cpu);
			continue;
		}
		for (uint32_t k = 0; k < IPIS_PER_AP; k++) {
			delay_us(HALT_SETTLE_US);
			if (!apic_ipi(apic_of_cpu[cpu],
				      ICR_FIXED | ICR_ASSERT | IPI_VECTOR) ||
			    !wait_for(&ipis[cpu], k + 1, IPI_US)) {
				say("smp: FAILED: cpu %u took %u of %u IPIs\n",
				    cpu, ipis[cpu], IPIS_PER_AP);
				break;
			}
		}
		taken += ipis[cpu];
	}
	return taken;
}

static bool apic_bsp_setup(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_APIC_BASE));
	if (lo & APIC_BASE_EXTD) {
		say("smp: FAILED: the local APIC is in x2APIC mode; this "
		    "guest speaks xAPIC only\n");
		return false;
	}
	if (!(lo & APIC_BASE_EN)) {
		lo |= APIC_BASE_EN;
		__asm__ volatile("wrmsr"
				 :
				 : "a"(lo), "d"(hi), "c"(MSR_APIC_BASE));
	}
	apic_base = lo & APIC_BASE_ADDR;
	apic_enable();
	return true;
}

int main(uint32_t magic, uint32_t info)
{
	uint32_t total = 0, ipis_taken, ipis_sent;
	unsigned up;
	bool ok;

	(void)magic;
	(void)info;
	say("smp: starting\n");
	if (!hv_present())
		say("smp: no hypervisor (CPUID 0x40000000): running bare\n");
	memset((void *)cpu_of_apic, NO_CPU, sizeof(cpu_of_apic));
	idt_setup();
	find_cpus();
	if (!apic_bsp_setup())
		return 1;
	cpu_arrive();
	trampoline_install();
	ok = start_aps(apic_of_cpu[0]);
	up = cpus_up;
	ok &= counter_test(up, &total);
	ipis_sent = (up - 1) * IPIS_PER_AP;
	ipis_taken = ipi_test(up);
	ok &= ipis_taken == ipis_sent;
	say("smp: %u cpus up, counter %u (expected %u), ipis %u/%u\n", up,
	    total, up * ADDS_PER_CPU, ipis_taken, ipis_sent);
	if (up != ncpus)
		say("smp: FAILED: %u of %u CPUs came up\n", up, ncpus);
	else if (total != up * ADDS_PER_CPU)
		say("smp: FAILED: the counter is off by %d\n",
		    (int)(total - up * ADDS_PER_CPU));
	if (!ok || up != ncpus)
		return 1;
	say("smp: all checks passed\n");
	return 0;
}
