/*
 * kernel/config_passthrough.c - a VM's `passthrough = BB:DD.F` against
 * the machine: the host has that PCI function, the hypervisor does not
 * drive it itself, and its DMA is either remapped (a VT-d unit
 * translates it, kernel/iommu.c) or accepted as unsafe
 * (`unsafe_dma = yes`). Pure logic over struct config_pci_host;
 * runs once on the boot CPU after the host's PCI scan, and in the host
 * unit tests (tests/unit/test_config.c). docs/passthrough.md.
 */
#include "kernel/config.h"
#include "lib/fmt.h"
#include "lib/string.h"

static bool bdf_equal(const struct pci_bdf *a, const struct pci_bdf *b)
{
	return a->segment == b->segment && pci_bdf_rid(a) == pci_bdf_rid(b);
}

static int pt_refuse(struct vm_config *vm, char *err, size_t n)
{
	vm->valid = false;
	str_copy(vm->error, err, sizeof(vm->error));
	return -1;
}

/* b's index in host->present, or -1. */
static int pt_present(const struct config_pci_host *host,
		      const struct pci_bdf *b)
{
	for (unsigned i = 0; i < host->count; i++)
		if (bdf_equal(&host->present[i], b))
			return (int)i;
	return -1;
}

static const char *pt_user(const struct config_pci_host *host,
			   const struct pci_bdf *b)
{
	for (unsigned i = 0; i < host->used_count; i++)
		if (bdf_equal(&host->used[i].bdf, b))
			return host->used[i].user;
	return NULL;
}

int config_check_passthrough(struct vm_config *vm,
			     const struct config_pci_host *host, char *err,
			     size_t n)
{
	char bdf[PCI_BDF_TEXT_MAX];
	const char *user;
	int k, at;

	if (n)
		err[0] = '\0';
	if (!vm->has_passthrough || !vm->valid)
		return 0;
	pci_bdf_format(&vm->passthrough, bdf, sizeof(bdf));
	k = fmt_snprintf(err, n,
			 "%s:%u: key 'passthrough': ", CONFIG_MODULE_NAME,
			 vm->passthrough_line);
	k = MIN(k, (int)n);
	at = pt_present(host, &vm->passthrough);
	if (at < 0) {
		fmt_snprintf(err + k, n - k,
			     "the host has no PCI function %s (the log's "
			     "\"pci:\" lines list those it has)",
			     bdf);
		return pt_refuse(vm, err, n);
	}
	user = pt_user(host, &vm->passthrough);
	if (user) {
		fmt_snprintf(err + k, n - k,
			     "%s is used by %s; it cannot also be given to "
			     "a VM",
			     bdf, user);
		return pt_refuse(vm, err, n);
	}
	if (!(host->dma_remapping && host->remapped[at]) && !vm->unsafe_dma) {
		fmt_snprintf(err + k, n - k,
			     "%s's DMA cannot be isolated (%s); add "
			     "unsafe_dma = yes to [vm %s] to accept that",
			     bdf,
			     host->dma_remapping
				     ? "no VT-d remapping unit can take it"
				     : host->no_remapping_why,
			     vm->name);
		return pt_refuse(vm, err, n);
	}
	err[0] = '\0';
	return 0;
}
