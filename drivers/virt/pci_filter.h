/*
 * drivers/virt/pci_filter.h - the configuration space a VM sees of a
 * real PCI function passed through to it (behind the VM's virtual host
 * bridge). Each byte of the 256-byte space is one of: read from the
 * device (IDs, class); written through to the device for chosen bits
 * only (command: decode, bus master, parity/SERR, INTx disable; status:
 * write-1-to-clear error bits); or virtual, kept in a shadow (BARs with
 * size probing, interrupt line, the capabilities list with only MSI and
 * MSI-X left in it, their control/address/data). Everything else reads 0
 * and ignores writes (expansion ROM, BIST, hidden capabilities, the
 * extended space).
 * Pure logic over struct pci_cfg_ops (the real device's configuration
 * space in the hypervisor, a fake device in tests/unit/test_pci_filter.c).
 * Runs on the CPU handling the VM's configuration-space exit, one caller
 * at a time per filter.
 * PCI Local Bus Specification: "Configuration Space Organization",
 * "Command Register", "Status Register", "Base Addresses", "Capabilities
 * List", "Message Signaled Interrupts".
 */
#ifndef DRIVERS_VIRT_PCI_FILTER_H
#define DRIVERS_VIRT_PCI_FILTER_H

#include "drivers/hw/pci_regs.h"

/* The real device's configuration space: size 1, 2 or 4, aligned. */
struct pci_cfg_ops {
	uint32_t (*read)(void *ctx, unsigned offset, unsigned size);
	void (*write)(void *ctx, unsigned offset, unsigned size,
		      uint32_t value);
	void *ctx;
};

/* What a guest write changed, for the VM's passthrough code: remap a
 * BAR in the EPT, program the real MSI/MSI-X with host vectors. */
enum pci_filter_change {
	PCI_FILTER_BAR,	    /* index: which BAR (the low one of a pair) */
	PCI_FILTER_COMMAND, /* decode or bus master may have changed */
	PCI_FILTER_MSI,
	PCI_FILTER_MSIX,
};

typedef void (*pci_filter_notify_fn)(void *ctx, enum pci_filter_change what,
				     unsigned index);

struct pci_bar {
	uint64_t size; /* 0: not implemented */
	bool io, is64, prefetch;
};

/* The guest's MSI settings (its vectors, not the host's). */
struct pci_msi_state {
	bool enabled;
	unsigned vectors; /* enabled: 1 << MME */
	uint64_t address;
	uint16_t data;
	uint32_t mask; /* per-vector mask bits, when maskable */
};

struct pci_msix_state {
	bool enabled, function_masked;
	unsigned table_size;
};

struct pci_filter {
	struct pci_cfg_ops dev;
	pci_filter_notify_fn notify;
	void *notify_ctx;
	/* Per byte: the guest's view is (device & rdev) | (shadow & ~rdev);
	 * a guest write sets the wmask bits of shadow, passes the wdev bits
	 * to the device (read-modify-write) and the w1c bits as written. */
	uint8_t shadow[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];
	uint8_t rdev[PCI_CFG_SIZE];
	uint8_t wdev[PCI_CFG_SIZE];
	uint8_t w1c[PCI_CFG_SIZE];
	struct pci_bar bars[PCI_BARS];
	uint8_t msi, msix; /* capability offsets; 0 when absent */
	uint8_t msi_len;
};

/*
 * Read the device and build the filter: probe every BAR's size (decode
 * off meanwhile, values restored), walk the capabilities, and leave the
 * device with bus mastering, MSI and MSI-X off until the guest turns
 * them on. BARs start unassigned in the guest's view (address 0): place
 * them with pci_filter_set_bar. notify may be NULL. 0, or -1 with the
 * reason in err: nothing answers, the function is a bridge (type 1
 * header), a 64-bit BAR has no upper half, a BAR type is reserved, or the
 * capabilities list is malformed.
 */
int pci_filter_init(struct pci_filter *f, const struct pci_cfg_ops *dev,
		    pci_filter_notify_fn notify, void *notify_ctx, char *err,
		    size_t err_size);

/* The guest's configuration accesses. offset < 4096; size 1, 2 or 4,
 * not crossing a dword. A bad access reads all ones and writes nothing;
 * the extended space (256 and up) reads 0. */
uint32_t pci_filter_read(struct pci_filter *f, unsigned offset, unsigned size);
void pci_filter_write(struct pci_filter *f, unsigned offset, unsigned size,
		      uint32_t value);

/* Where the guest put BAR bar (address bits only). */
uint64_t pci_filter_bar_addr(const struct pci_filter *f, unsigned bar);

/* Place BAR bar in the guest's view, as firmware would. */
void pci_filter_set_bar(struct pci_filter *f, unsigned bar, uint64_t addr);

void pci_filter_msi(const struct pci_filter *f, struct pci_msi_state *m);
void pci_filter_msix(const struct pci_filter *f, struct pci_msix_state *m);

#endif
