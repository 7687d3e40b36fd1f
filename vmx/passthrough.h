/*
 * vmx/passthrough.h - a host PCI function given to one VM
 * (`passthrough = BB:DD.F`, docs/passthrough.md): behind the VM's
 * virtual host bridge (drivers/virt/vpci.h) with its configuration space
 * filtered (drivers/virt/pci_filter.h), its memory BARs mapped uncached
 * in the VM's EPT at the addresses the guest gives them, its INTx
 * polled and mirrored on a level line of the VM's interrupt
 * controllers, and, where a VT-d unit translates it, its DMA in a
 * domain of the VM's RAM (kernel/iommu.h).
 * vm_passthrough_add on the boot CPU while the VM is built; the
 * configuration accesses on the CPU of the VM's I/O exit;
 * vm_passthrough_poll from the boot CPU's scheduler loop.
 * PCI Local Bus Specification: "Configuration Mechanism #1", "Base
 * Addresses", "Status Register" (Interrupt Status).
 */
#ifndef VMX_PASSTHROUGH_H
#define VMX_PASSTHROUGH_H

#include "drivers/hw/pci_bdf.h"
#include "drivers/virt/pc_platform.h"
#include "drivers/virt/pci_filter.h"
#include "drivers/virt/vpci.h"

struct vm;
struct vm_config;

/* Where memory BARs start in the guest, as firmware would place them:
 * the memory window of the VM's PCI root bridge (its DSDT's _CRS). */
#define PT_BAR_WINDOW	  ((uint64_t)PC_PCI_MEM_BASE)
#define PT_BAR_WINDOW_END ((uint64_t)PC_PCI_MEM_END)
/* The guest interrupt line the device's INTx is mirrored on (level);
 * the DSDT's _PRT routes the function's pins there. */
#define PT_GSI PC_GSI_PCI

struct vm_passthrough {
	struct vm *vm;
	struct pci_bdf bdf;
	char name[PCI_BDF_TEXT_MAX];
	struct pci_filter filter;
	struct vpci vpci;
	uint64_t host_bar[PCI_BARS]; /* address bits, as the host has them */
	uint64_t mapped[PCI_BARS];   /* guest address mapped in the EPT; 0 */
	uint8_t host_irq;	     /* the host's interrupt line register */
	bool dma_remapped;	     /* VT-d translates it (kernel/iommu.h) */
	bool dma_assigned; /* it is in the VM's domain now (not stopped) */
	bool irq_level;	   /* what the guest's line shows now */
	uint64_t irq_asserts, polls, resamples;
};

/* The VM's passthrough device, if its configuration names one: the
 * bridge on its port bus (taking over the reset register at 0xcf9,
 * given as reset), the filter, the BARs placed and mapped. 0, or -1
 * with why in err. */
int vm_passthrough_add(struct vm *vm, const struct port_device *reset,
		       char *err, size_t n);

/* INTx: the device's Interrupt Status bit, mirrored on PT_GSI. */
void vm_passthrough_poll(struct vm *vm);

/* The guest EOIed the vector of its IOAPIC pin gsi (vintc_ops
 * resample, the VM's interrupt lock held): for PT_GSI of a VM with a
 * device, true with the device's INTx level now in *level, which the
 * line takes before the IOAPIC decides whether to deliver again. */
bool vm_passthrough_resample(struct vm *vm, unsigned gsi, bool *level);

/* The VM stopped: the device's DMA, decoding and INTx off, so it
 * touches no memory that is given out again; with VT-d its context
 * entry is cleared and its domain freed. */
void vm_passthrough_stop(struct vm *vm);

/* The monitor starts a stopped VM again: a remapped device gets its
 * domain back (vm_passthrough_stop took it). 0, or -1 with why in err
 * (the VM stays stopped). */
int vm_passthrough_restart(struct vm *vm, char *err, size_t n);

/* A VM with this configuration was refused after its device may have
 * been given a domain: the domain is taken back. */
void vm_passthrough_release(const struct vm_config *cfg);

/* Does VT-d remap this configuration's passthrough device? Then its RAM
 * need not be identity-mapped (unsafe_dma). */
bool vm_passthrough_remapped(const struct vm_config *cfg);

#endif
