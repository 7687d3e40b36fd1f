/*
 * vmx/vm_disk.h - a VM's disk (`disk = ...` in its configuration,
 * kernel/disk_spec.h): a boot module held in RAM, or an area of a host
 * disk (whole, an MBR partition or an extent) stored raw or as a thin
 * image, behind a virtio-blk device at the VM's first virtio-mmio
 * window (docs/virtio.md, docs/disk-formats.md).
 * vm_add_disks runs on the boot CPU while VMs are built, one after the
 * other; the areas of host disks that VMs have are kept there, so that
 * two VMs never get overlapping sectors to write unless both say
 * `shared`.
 */
#ifndef VMX_VM_DISK_H
#define VMX_VM_DISK_H

#include "vmx/vm.h"

/* The VM's disks (its `disk` lines, in order) on its MMIO bus: disk d
 * in virtio-mmio window PC_VIRTIO_DISK_WINDOW(d). 0 (also when the VM
 * has no disk), or -1 with err saying what is wrong and what would fix
 * it. */
int vm_add_disks(struct vm *vm, const struct vm_config *cfg,
		 const struct boot_info *bi, char *err, size_t n);

/* The virtio-mmio windows its disks use: bit k for window k. */
unsigned vm_disk_windows(const struct vm *vm);

/* The VM of cfg was refused after vm_add_disks: other VMs may have its
 * host-disk area. */
void vm_disk_release(const struct vm_config *cfg);

/* Answer the VM's disk requests the host disk has finished (any CPU;
 * the run loop calls it between slices). True while some are still on
 * the host disk. */
bool vm_disk_poll(struct vm *vm);

/* Wait until the VM's disk has no request on the host disk. */
void vm_disk_drain(struct vm *vm);

/* The machine's reset: the disk device is reset, and this waits until
 * no request of the VM's is on the host disk any more, so that no DMA
 * lands in the RAM that is about to be cleared. The disk keeps its
 * data, as a real one would. */
void vm_disk_reset(struct vm *vm);

/* "R requests (E failed), N notifications, A register accesses, I
 * interrupts": the disk's counts since the VM was built, into buf. */
void vm_disk_stats(const struct vm_disk *disk, char *buf, size_t n);

/* How the log names it: "disk" (the first), "disk 1", "disk 2", ... */
void vm_disk_label(const struct vm_disk *disk, char *buf, size_t n);

#endif
