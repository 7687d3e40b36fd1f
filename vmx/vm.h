/*
 * vmx/vm.h - a virtual machine: its RAM, its EPT, its vCPUs, its port
 * bus and console, and why it stopped.
 * A VM is built on the boot CPU (vm_create); its vCPUs then run on any
 * CPU. `lock` guards state and stop_reason; counters are atomics. The
 * devices are used only by the VM's one vCPU (no lock yet), but for its
 * NIC, which other VMs' frames reach: the switch's lock guards it
 * (vmx/vm_net.c).
 */
#ifndef VMX_VM_H
#define VMX_VM_H

#include "drivers/block/ramdisk.h"
#include "drivers/block/raw.h"
#include "drivers/block/thin.h"
#include "drivers/virt/mmiobus.h"
#include "drivers/virt/acpi_pm.h"
#include "drivers/virt/i8042.h"
#include "drivers/virt/pit8254.h"
#include "drivers/virt/portbus.h"
#include "drivers/virt/pvpanic.h"
#include "drivers/virt/rtc_cmos.h"
#include "drivers/virt/uart8250.h"
#include "drivers/virt/vintc.h"
#include "drivers/virt/virtio_blk.h"
#include "drivers/virt/virtio_net.h"
#include "kernel/config.h"
#include "lib/spinlock.h"
#include "vmx/ept.h"
#include "vmx/vcpu.h"

#define VM_CONSOLE_LINE 160

struct vm_passthrough;

enum vm_state {
	VM_RUNNING,
	VM_STOPPED,
	VM_PAUSED, /* from the monitor (vmx/vm_control.c) */
};

/* Console input for the VM, waiting for room in its UART's receive
 * FIFO; only the boot CPU touches it (vmx/vm_control.c). */
#define VM_INPUT_BUF 256

struct vm_input {
	uint8_t buf[VM_INPUT_BUF];
	unsigned head, count;
	uint64_t dropped; /* bytes typed while buf was full */
};

/* A port device whose calls hold a lock: the 8259s, with the VM's
 * intc_lock (vmx/vcpu_intr.c). */
struct locked_port {
	struct port_device inner;
	struct spinlock *lock;
};

struct vm;

/* One disk of a VM: its backend and the virtio-blk device in front. */
struct vm_disk {
	union { /* each begins with its backend */
		struct blk_backend backend;
		struct ramdisk ram;    /* a boot module */
		struct raw_disk raw;   /* an area of a host disk */
		struct thin_disk thin; /* a thin image on one */
	} b;
	char name[BOOT_NAME_MAX + 48]; /* its source, as configured */
	struct vm *vm;
	unsigned window; /* its virtio-mmio window */
	struct virtio_blk blk;
};

struct vm_console {
	char line[VM_CONSOLE_LINE]; /* the line being assembled */
	unsigned len;
};

struct vm {
	unsigned id;
	char name[32];
	const struct vm_config *config;
	const struct boot_info *boot_info; /* its kernel and modules */
	unsigned restarts;		   /* by on_crash = restart */
	hpa_t ram;	   /* host-physical, contiguous, 2 MiB aligned */
	uint64_t ram_size; /* mapped at guest-physical 0 */
	/* unsafe_dma (docs/passthrough.md): guest-physical ident_from up
	 * to ram_size is the same host-physical memory (claimed at those
	 * addresses); ram then holds the kernel as loaded, copied there by
	 * vm_ident_sync. 0: none. */
	gpa_t ident_from;
	struct ept ept;
	hpa_t io_bitmap; /* two pages: ports 0-0x7fff, 0x8000-0xffff */
	/* With APIC virtualization (vmx_apicv, not turned off in its
	 * config): the page EPT maps at the local APIC's 0xFEE00000, whose
	 * guest accesses the CPU virtualizes (vmx/vcpu_intr.c); else 0. */
	hpa_t apic_access;
	hpa_t msr_bitmap;
	unsigned vcpu_count;
	struct vcpu *vcpus[VM_VCPUS_MAX];
	struct spinlock lock;
	volatile enum vm_state state;
	char stop_reason[160];
	int exit_code; /* from HC_SHUTDOWN */
	struct vm_console console;
	struct port_bus ports;
	struct uart8250 com1;
	struct mmio_bus mmio;	     /* device windows (docs/virtio.md) */
	struct guest_ram ram_access; /* how its devices reach its RAM */
	unsigned disk_count;	     /* `disk` lines (vmx/vm_disk.c) */
	struct vm_disk disks[VM_DISKS_MAX];
	bool has_nic;
	struct virtio_net nic; /* on the hypervisor's switch (vm_net.c) */
	struct vm_input input;
	/* `passthrough` (vmx/passthrough.c), or NULL */
	struct vm_passthrough *pt;
	/* the PC's legacy devices (docs/virtual-platform.md) */
	struct acpi_pm pm;
	struct i8042 kbc;
	struct rtc_cmos rtc;
	struct pit8254 pit;
	struct pvpanic pvpanic; /* the guest kernel says it panicked */
	/* its interrupt controllers (vmx/vcpu_intr.c, docs/interrupts.md):
	 * every call into them holds intc_lock */
	struct vintc intc;
	struct spinlock intc_lock;
	struct locked_port pic_ports[3];
	/* set by a device during an I/O exit that asked for a machine reset
	 * (how it asked); exit_io then resets or stops the VM */
	const char *reset_request;
	/* set by the pvpanic device during an I/O exit: the guest kernel
	 * panicked; exit_io then applies on_crash (vm_guest_panicked) */
	bool panic_request;
	uint64_t unhandled_mmio_writes;
	uint64_t overhead_bytes; /* hypervisor memory besides RAM and EPT */
};

/* Build a VM from a valid configuration: RAM, EPT, bitmaps, kernel
 * loaded, one vCPU per config. NULL with err on failure (the VM is
 * refused; others go on). */
struct vm *vm_create(unsigned id, const struct vm_config *cfg,
		     const struct boot_info *bi, char *err, size_t err_size);

/* on_crash = restart: rebuild the VM's RAM and its vCPU's registers as at
 * its first start, on the CPU running the vCPU (VMCS current). Returns
 * false when it should stop instead (VM_RESTARTS_MAX reached, or the
 * kernel no longer loads), with the VM stopped and the reason said. */
#define VM_RESTARTS_MAX 5
bool vm_restart(struct vcpu *v, const char *why);
/* Zeroed RAM, the kernel loaded again, the vCPU at its entry (VMCS
 * current on this CPU): 0, or -1 with why in err. vm_restart and the
 * monitor's reset/start (vmx/vm_control.c) use it. */
int vm_reload(struct vcpu *v, char *err, size_t err_size);

/* The guest reset its machine (reset register, keyboard controller) or
 * triple-faulted: restart it or stop it, as its on_crash setting says.
 * On the vCPU's CPU in an exit; true when it was restarted. */
bool vm_machine_reset(struct vcpu *v, const char *why);
/* The guest kernel said it panicked (pvpanic): one line naming the VM,
 * then restart it or stop it, as its on_crash setting says. On the
 * vCPU's CPU in an exit; true when it was restarted. */
bool vm_guest_panicked(struct vcpu *v);
/* on_crash restart of a VM with several vCPUs: every vCPU gets
 * VCPU_REQ_RESTART and does its part at its next slice (vm_reload). */

/* Stop the VM with a reason (first reason wins); any CPU. */
void vm_stop(struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Guest RAM as host memory; NULL unless [gpa, gpa+len) is all RAM. */
void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len);

/* The VM's console output: assembled into lines prefixed with its name. */
void vm_console_putc(struct vm *vm, char c);
void vm_console_flush(struct vm *vm);

#endif
