/*
 * vmx/vm_disk.h - a VM's disk (`disk = ...` in its configuration,
 * kernel/disk_spec.h): a boot module held in RAM, or an area of a host
 * disk (whole, an MBR partition or an extent) stored raw or as a thin
 * image, behind a virtio-blk device at the VM's first virtio-mmio
 * window (docs/virtio.md, docs/disk-formats.md).
 * vm_add_disk runs on the boot CPU while VMs are built, one after the
 * other; the areas of host disks that VMs have are kept there, so that
 * two VMs never get overlapping sectors to write unless both say
 * `shared`.
 */
#ifndef VMX_VM_DISK_H
#define VMX_VM_DISK_H

#include "vmx/vm.h"

/* The disk's device on the VM's MMIO bus. 0 (also when the VM has no
 * disk), or -1 with err saying what is wrong and what would fix it. */
int vm_add_disk(struct vm *vm, const struct vm_config *cfg,
		const struct boot_info *bi, char *err, size_t n);

/* The VM of cfg was refused after vm_add_disk: other VMs may have its
 * host-disk area. */
void vm_disk_release(const struct vm_config *cfg);

/* "R requests (E failed), N notifications, A register accesses, I
 * interrupts": the disk's counts since the VM was built, into buf. */
void vm_disk_stats(const struct vm *vm, char *buf, size_t n);

#endif
