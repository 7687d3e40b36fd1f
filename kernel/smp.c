/*
 * kernel/smp.c - start every CPU the MADT lists, and stop them.
 * smp_start runs once on the boot CPU, interrupts off; each AP enters
 * smp_ap_main on its own stack. smp_stop_others runs on any CPU.
 * SDM Vol. 3A, "MP Initialization Protocol Algorithm" (INIT-SIPI-SIPI,
 * with the delays of "Typical AP Initialization Sequence").
 */
#define LOG_PREFIX "smp: "
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trampoline.h"
#include "arch/x86_64/trap.h"
#include "kernel/acpi.h"
#include "kernel/delay.h"
#include "kernel/memory.h"
#include "kernel/paging.h"
#include "kernel/smp.h"
#include "lib/log.h"
#include "lib/string.h"

#define INIT_DELAY_US	  10000
#define SIPI_DELAY_US	  200
#define AP_ONLINE_WAIT_US 100000  /* per AP, after the second SIPI */
#define AP_WORK_WAIT_US	  2000000 /* for every AP's smp_cpu_fn together */
#define LOW_MEMORY_END	  0x100000
#define LOW_PAGE_FLOOR	  0x1000 /* keep the real-mode IVT and BDA */
#define PERCPU_PAGES	  ((sizeof(struct percpu) + PAGE_SIZE - 1) / PAGE_SIZE)

static smp_cpu_fn cpu_fn;
static volatile smp_cpu_fn ap_work; /* set by smp_release_aps */
static volatile bool stopping;
static volatile unsigned cpus_done; /* CPUs that finished cpu_fn */

static void nmi_stop(struct trap_frame *f)
{
	if (!stopping) {
		pr_err("NMI on CPU%u at rip 0x%lx", this_cpu()->index,
		       (unsigned long)f->rip);
		return;
	}
	cpu_halt_forever();
}

static void __attribute__((noreturn)) smp_ap_main(uint64_t arg)
{
	struct percpu *cpu = (struct percpu *)arg;

	percpu_install(cpu);
	lapic_init();
	cpu->online = true;
	cpu_fn(cpu);
	__atomic_add_fetch(&cpus_done, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&ap_work, __ATOMIC_ACQUIRE))
		cpu_relax();
	if (cpu->vmx_on)
		ap_work(cpu);
	cpu_halt_forever();
}

static hpa_t trampoline_page(const struct boot_info *bi)
{
	if (bi->ap_trampoline)
		return bi->ap_trampoline;
	return pmm_find_space(bi->mmap, bi->mmap_count, NULL, 0, PAGE_SIZE,
			      LOW_PAGE_FLOOR, LOW_MEMORY_END);
}

static struct percpu *percpu_alloc(unsigned index, uint32_t apic_id)
{
	hpa_t pa = page_alloc_zeroed(PERCPU_PAGES);
	struct percpu *cpu;

	if (!pa)
		return NULL;
	cpu = phys_to_virt(pa);
	cpu->index = index;
	cpu->apic_id = apic_id;
	return cpu;
}

static bool wait_online(struct percpu *cpu, uint64_t us)
{
	for (uint64_t t = 0; t < us && !cpu->online; t += 100)
		delay_us(100);
	return cpu->online;
}

/* INIT-SIPI-SIPI one AP; true when it reached C. */
static bool start_ap(struct percpu *cpu, struct trampoline_args *args,
		     hpa_t page)
{
	hpa_t stack = page_alloc_zeroed(CPU_STACK_SIZE / PAGE_SIZE);
	uint32_t sipi = ICR_STARTUP | (uint32_t)(page >> PAGE_SHIFT);

	if (!stack)
		return false;
	args->cr3 = (uint32_t)kernel_cr3;
	args->stack_top = stack + CPU_STACK_SIZE;
	args->arg = (uint64_t)cpu;
	args->entry = (uint64_t)smp_ap_main;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_send_ipi(cpu->apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
	delay_us(INIT_DELAY_US);
	lapic_send_ipi(cpu->apic_id, sipi);
	if (wait_online(cpu, SIPI_DELAY_US))
		return true;
	lapic_send_ipi(cpu->apic_id, sipi);
	return wait_online(cpu, AP_ONLINE_WAIT_US);
}

static void start_aps(const struct boot_info *bi, uint32_t bsp_id)
{
	hpa_t page = trampoline_page(bi);
	struct trampoline_args *args;

	if (!page) {
		pr_warn("no free page below 1 MiB for the start-up code: "
			"only the boot CPU will run");
		return;
	}
	args = trampoline_install(page);
	for (unsigned i = 0; i < acpi.cpu_count; i++) {
		uint32_t id = acpi.apic_ids[i];
		struct percpu *cpu;

		if (id == bsp_id)
			continue;
		cpu = percpu_alloc(percpu_count, id);
		if (!cpu) {
			pr_warn("no memory to start the CPU with APIC ID %u",
				id);
			break;
		}
		if (!start_ap(cpu, args, page)) {
			pr_warn("the CPU with APIC ID %u did not start", id);
			continue;
		}
		percpu_table[percpu_count++] = cpu;
	}
}

static void wait_for_work(unsigned expected)
{
	for (uint64_t t = 0; t < AP_WORK_WAIT_US; t += 1000) {
		if (__atomic_load_n(&cpus_done, __ATOMIC_ACQUIRE) >= expected)
			return;
		delay_us(1000);
	}
	pr_warn("%u of %u CPUs finished starting",
		__atomic_load_n(&cpus_done, __ATOMIC_ACQUIRE), expected);
}

unsigned smp_start(const struct boot_info *bi, smp_cpu_fn fn)
{
	struct percpu *bsp = this_cpu();

	cpu_fn = fn;
	trap_set_handler(EXC_NMI, nmi_stop);
	lapic_init();
	bsp->apic_id = lapic_id();
	bsp->online = true;
	pr_info("boot CPU has APIC ID %u, %s mode", bsp->apic_id,
		lapic_x2apic() ? "x2APIC" : "xAPIC");
	fn(bsp);
	__atomic_add_fetch(&cpus_done, 1, __ATOMIC_RELEASE);
	if (acpi.cpu_count > 1)
		start_aps(bi, bsp->apic_id);
	wait_for_work(percpu_count);
	pr_info("%u of %u CPUs online", percpu_count,
		acpi.cpu_count ? acpi.cpu_count : 1);
	return percpu_count;
}

void smp_release_aps(smp_cpu_fn fn)
{
	__atomic_store_n(&ap_work, fn, __ATOMIC_RELEASE);
}

void smp_stop_others(void)
{
	unsigned self;

	if (percpu_count <= 1)
		return;
	self = this_cpu()->index;
	stopping = true;
	for (unsigned i = 0; i < percpu_count; i++)
		if (i != self && percpu_table[i]->online)
			lapic_send_ipi(percpu_table[i]->apic_id, ICR_NMI);
}
