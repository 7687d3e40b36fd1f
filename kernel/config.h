/*
 * kernel/config.h - the configuration file, the boot module named
 * "hv.cfg" on both boot paths (GRUB module2 name, or the file the UEFI
 * loader read from \EFI\hv\hv.cfg): finding it, checking it is text,
 * parsing its [global] and [vm NAME] sections (kernel/config_parse.c)
 * and checking each VM against the machine (kernel/config_vm.c).
 * Runs once on the boot CPU; all of it is pure logic, also built into
 * the host unit tests. The format is described in docs/config.md.
 */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#include "drivers/hw/pci_bdf.h"
#include "kernel/boot_info.h"
#include "kernel/disk_spec.h"
#include "lib/log.h"
#include "lib/macaddr.h"

#define CONFIG_MODULE_NAME "hv.cfg"
#define CONFIG_SIZE_MAX	   (64 * 1024)

#define VMS_MAX		       16
#define VM_NAME_MAX	       32 /* 31 characters of [a-zA-Z0-9_-] */
#define VM_MODULES_MAX	       8
#define VM_CMDLINE_MAX	       256 /* 255 characters */
#define VM_VCPUS_MAX	       64
#define VM_CPU_WEIGHT_MAX      1000
#define CONFIG_ERROR_MAX       320 /* one message, with file:line */
#define CONFIG_LOADER_MODS_MAX (BOOT_MODULES_MAX - 1) /* one is hv.cfg */
#define CONFIG_DISK_NAME_MAX   16 /* "ahci0-port31" and the NUL */
/* `disk` lines per VM: with the NIC, the five virtio-mmio windows a VM
 * has (drivers/virt/pc_platform.h, PC_GSI_VIRTIO) */
#define VM_DISKS_MAX 4

struct config_text {
	const char *text; /* not NUL-terminated */
	size_t size;
};

enum on_crash {
	ON_CRASH_STOP,	  /* the VM stays stopped; the others go on */
	ON_CRASH_RESTART, /* the VM is built again from its configuration */
};

enum poweroff_policy {
	POWEROFF_WHEN_IDLE, /* power off once every VM has stopped */
	POWEROFF_NEVER,	    /* stay on (for the operator console) */
};

/* `uplink`: a host NIC joined to the VMs' switch (docs/networking.md). */
enum uplink_kind {
	UPLINK_NONE,  /* the VMs' switch has no way out (the default) */
	UPLINK_E1000, /* the first e1000 on PCI, or the one at `at` */
};

/* `uplink_mode`: how the VMs reach the outside through the uplink. */
enum uplink_mode {
	UPLINK_BRIDGED, /* their own MACs on the wire (the default) */
	UPLINK_NAT,	/* behind the hypervisor's one address (NAT) */
};

struct config_uplink {
	enum uplink_kind kind;
	bool by_address; /* `uplink = BB:DD.F`: at names the function */
	struct pci_bdf at;
	unsigned line; /* of the key, for messages at boot; 0: not set */
	enum uplink_mode mode;
	unsigned mode_line; /* of `uplink_mode`; 0: not set */
};

/* One [vm NAME] section. Filled with the defaults, then with its keys. */
struct vm_config {
	char name[VM_NAME_MAX];
	uint64_t memory;     /* bytes; a multiple of 4 KiB, at least 1 MiB */
	unsigned vcpus;	     /* 1 to VM_VCPUS_MAX */
	unsigned cpu_weight; /* CPU share relative to the other VMs */
	uint64_t cpu_mask;   /* pCPUs it may run on, when has_cpu_mask */
	bool has_cpu_mask;
	char kernel[BOOT_NAME_MAX]; /* boot module name */
	char cmdline[VM_CMDLINE_MAX];
	unsigned module_count;
	char modules[VM_MODULES_MAX][BOOT_NAME_MAX]; /* boot module names */
	/* `disk` lines, in order: the guest's vda, vdb, ... */
	unsigned disk_count;
	struct disk_spec disks[VM_DISKS_MAX];
	unsigned disk_lines[VM_DISKS_MAX]; /* where each is set */
	bool nic;		 /* `nic`: a virtio-net NIC on the vswitch */
	bool nic_mac_given;	 /* its MAC was written, not derived */
	struct mac_addr nic_mac; /* given, or mac_from_name(name) */
	unsigned nic_line;	 /* where `nic` is set */
	enum on_crash on_crash;
	/* `apic_virtualization = off`: the local APIC is trapped and
	 * emulated even when the CPU could virtualize it */
	bool apicv_off;
	uint64_t time_limit_us; /* stop it after this much run time; 0: none */
	/* `passthrough = BB:DD.F`: a host PCI function of its own
	 * (docs/passthrough.md); `unsafe_dma = yes` accepts it without DMA
	 * remapping, with the VM's RAM identity-mapped */
	bool has_passthrough;
	struct pci_bdf passthrough;
	unsigned passthrough_line;
	bool unsafe_dma;
	unsigned unsafe_dma_line;
	unsigned line;		      /* where its [vm NAME] line is */
	bool valid;		      /* false: refused, error says why */
	char error[CONFIG_ERROR_MAX]; /* the first problem found */
};

/* A `module = NAME PATH` line, which the UEFI loader reads (see
 * boot/efi/cfg_modules.c); the kernel checks it and keeps the name. */
struct config_loader_module {
	char name[BOOT_NAME_MAX];
	unsigned line;
};

struct hv_config {
	/* [global] */
	uint64_t time_slice_us; /* scheduler time slice; default 10 ms */
	enum log_level log_level;
	enum poweroff_policy poweroff;
	/* a host disk to self-test at boot (destructive), or "" */
	char disk_selftest[CONFIG_DISK_NAME_MAX];
	struct config_uplink uplink;
	unsigned loader_module_count;
	struct config_loader_module loader_modules[CONFIG_LOADER_MODS_MAX];
	/* [vm NAME] sections, in file order, valid or not */
	unsigned vm_count;
	struct vm_config vms[VMS_MAX];
	/* problems found: all of them, and those that belong to no VM
	 * (their settings keep the defaults) */
	unsigned errors;
	unsigned global_errors;
};

/* Called once per problem with the whole message ("hv.cfg:12: ..."). */
typedef void (*config_diag_fn)(void *ctx, unsigned line, const char *message);

/*
 * Check that a configuration file is plain text of a sane size: 0, or -1
 * with the reason (which byte, which line) in err. Pure logic.
 */
int config_check_text(const char *text, size_t size, char *err,
		      size_t err_size);

/* Find hv.cfg among the boot modules and check it: 0, or -1 with what is
 * wrong and how to fix it in err. */
int config_find(const struct boot_info *bi, struct config_text *out, char *err,
		size_t err_size);

/*
 * Parse SIZE bytes of TEXT (need not be terminated) into *cfg, naming
 * FILE in messages; diag (may be NULL) hears of every problem. A problem
 * in a [vm] section refuses that VM only (vm->valid false, vm->error the
 * first message); other problems leave the default in place. Returns
 * cfg->errors, 0 when the file is clean.
 */
int config_parse(const char *text, size_t size, const char *file,
		 struct hv_config *cfg, config_diag_fn diag, void *ctx);

/*
 * The checks that need the machine: the kernel, modules and disk are
 * boot modules (a disk of whole 512-byte sectors), the cpus exist (pcpus of them, numbered from 0), the vCPUs
 * fit on them, the memory fits in free_bytes. 0, or -1 with the reason
 * in err; a refused VM is marked invalid with the reason in vm->error.
 */
int config_check_vm(struct vm_config *vm, const struct boot_info *bi,
		    uint64_t free_bytes, unsigned pcpus, char *err, size_t n);

/* What the machine says about PCI passthrough, for
 * config_check_passthrough: the host's PCI functions, whether DMA
 * remapping (VT-d) is in use, and the functions the hypervisor drives
 * itself (with who uses them, for the message). */
#define CONFIG_PCI_HOST_MAX 64 /* PCI_DEVICES_MAX of drivers/hw/pci.h */
#define CONFIG_PCI_USED_MAX 4

struct config_pci_host {
	unsigned count;
	struct pci_bdf present[CONFIG_PCI_HOST_MAX];
	/* present[i]'s DMA can be given a VM's own VT-d domain */
	bool remapped[CONFIG_PCI_HOST_MAX];
	bool dma_remapping;	      /* some VT-d unit translates */
	const char *no_remapping_why; /* "no ACPI DMAR table", ... */
	unsigned used_count;
	struct {
		struct pci_bdf bdf;
		const char *user; /* "the hypervisor's IDE driver" */
	} used[CONFIG_PCI_USED_MAX];
};

/*
 * A VM's `passthrough` against the machine: the function exists, the
 * hypervisor does not drive it, and its DMA is remapped or the VM says
 * unsafe_dma = yes. 0 (also for a VM without passthrough), or -1 with
 * the reason ("hv.cfg:LINE: key 'passthrough': ...") in err and the VM
 * refused.
 */
int config_check_passthrough(struct vm_config *vm,
			     const struct config_pci_host *host, char *err,
			     size_t n);

/* One line for the log: "64 MiB, 1 vCPU, weight 1, kernel hello.elf,
 * cpus 0-1, time limit 5s" (the optional parts when set). */
void config_describe_vm(const struct vm_config *vm, char *buf, size_t n);

#endif
