/*
 * tests/guests/pci-probe.c - finds PCI devices the way an OS does
 * without ACPI: configuration mechanism #1 (0xcf8/0xcfc) over bus 0,
 * one line per function found. On an Intel 8254x NIC (the e1000 a VM
 * gets with `passthrough`, docs/passthrough.md) it then does what a
 * driver does first: reads BAR0 where firmware placed it, sizes it
 * (all ones, read back), moves it to PROBE_BAR_ADDR, turns memory
 * decoding on, and reads the device's STATUS register and its MAC
 * address from the receive-address registers RAL0/RAH0 through the
 * mapping, and through the EEPROM read register (EERD). Prints FAILED
 * on anything inconsistent; returns 0 otherwise, also when there is no
 * PCI at all (a VM without passthrough). Multiboot2 guest
 * (docs/guests.md), paging off: BARs are reached at their physical
 * address.
 * PCI Local Bus Specification, "Configuration Mechanism #1", "Base
 * Addresses"; Intel PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual (8254x), "General Register Descriptions"
 * (STATUS, EERD, RAL/RAH).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "pci-probe";

#define CFG_ADDRESS    0xcf8
#define CFG_DATA       0xcfc
#define CFG_ENABLE     0x80000000u
#define PCI_COMMAND    0x04
#define PCI_CMD_MEMORY 0x2
#define PCI_CLASS      0x08
#define PCI_BAR0       0x10
#define PCI_INT_LINE   0x3c
#define BAR_MEM_FLAGS  0xfu
#define VENDOR_NONE    0xffff
#define VENDOR_INTEL   0x8086
#define CLASS_NETWORK  0x02
#define PROBE_BAR_ADDR 0xe1000000u

/* 8254x registers, offsets in BAR0 */
#define E1000_STATUS	   0x0008
#define E1000_STATUS_LU	   0x2 /* link up */
#define E1000_EERD	   0x0014
#define E1000_EERD_START   0x1
#define E1000_EERD_DONE	   0x10
#define E1000_EERD_ADDR(a) ((uint32_t)(a) << 8)
#define E1000_EERD_DATA(v) ((v) >> 16)
#define E1000_RAL0	   0x5400
#define E1000_RAH0	   0x5404
#define E1000_RAH_AV	   0x80000000u /* address valid */
#define E1000_ICR	   0x00c0      /* interrupt cause, clear on read */
#define E1000_ICS	   0x00c8      /* interrupt cause set */
#define E1000_IMS	   0x00d0      /* interrupt mask set */
#define E1000_IMC	   0x00d8      /* interrupt mask clear */
#define E1000_INT_TXDW	   0x1	       /* transmit descriptor written back */
#define PCI_STATUS_INTX	   0x8	       /* config offset 6: Interrupt Status */
#define PIC2_CMD	   0xa0
#define OCW3_READ_IRR	   0x0a
#define EERD_TRIES	   100000
#define INTX_TICKS	   50000000ull /* the hypervisor polls the line */
#define ELCR2		   0x4d1 /* PIIX: IRQ 8-15 edge (0) or level (1) */

static uint32_t cfg_read(unsigned dev, unsigned reg)
{
	outl(CFG_ADDRESS, CFG_ENABLE | dev << 11 | (reg & 0xfc));
	return inl(CFG_DATA);
}

static void cfg_write(unsigned dev, unsigned reg, uint32_t v)
{
	outl(CFG_ADDRESS, CFG_ENABLE | dev << 11 | (reg & 0xfc));
	outl(CFG_DATA, v);
}

/* One EEPROM word through EERD, or -1 when the read never finishes. */
static long eeprom_word(uint32_t bar, unsigned word)
{
	poke32(bar + E1000_EERD, E1000_EERD_ADDR(word) | E1000_EERD_START);
	for (unsigned i = 0; i < EERD_TRIES; i++) {
		uint32_t v = peek32(bar + E1000_EERD);

		if (v & E1000_EERD_DONE)
			return E1000_EERD_DATA(v);
	}
	return -1;
}

static void print_mac(const char *from, const uint8_t *m)
{
	gprintf("pci-probe: MAC from %s: %02x:%02x:%02x:%02x:%02x:%02x\n", from,
		m[0], m[1], m[2], m[3], m[4], m[5]);
}

static bool intx_status(unsigned dev)
{
	return cfg_read(dev, PCI_COMMAND) >> 16 & PCI_STATUS_INTX;
}

/* Is the VM's own line `irq` (8-15) requested at its slave 8259? Its
 * Interrupt Request Register, read with OCW3; masked lines show too. */
static bool vpic_requested(unsigned irq)
{
	outb(PIC2_CMD, OCW3_READ_IRR);
	return inb(PIC2_CMD) & 1u << (irq - 8);
}

/* An interrupt the device raises on request (ICS): its INTx shows in
 * the Interrupt Status bit until ICR is read. */
static void probe_intx(unsigned dev, uint32_t bar, unsigned line)
{
	bool status = false, line_up = false, line_down = false;
	uint32_t icr;

	uint64_t t;

	if (line < 8 || line > 15) {
		gprintf("pci-probe: FAILED: interrupt line %u is not on the "
			"slave 8259\n",
			line);
		return;
	}
	outb(ELCR2, inb(ELCR2) | 1u << (line - 8)); /* PCI INTx: level */
	peek32(bar + E1000_ICR);
	poke32(bar + E1000_IMS, E1000_INT_TXDW);
	poke32(bar + E1000_ICS, E1000_INT_TXDW);
	for (t = rdtsc(); rdtsc() - t < INTX_TICKS && !line_up;) {
		status |= intx_status(dev);
		line_up = vpic_requested(line);
	}
	icr = peek32(bar + E1000_ICR);
	for (t = rdtsc(); rdtsc() - t < INTX_TICKS && !line_down;)
		line_down = !vpic_requested(line);
	poke32(bar + E1000_IMC, ~0u);
	gprintf("pci-probe: ICR 0x%08x after ICS; Interrupt Status bit %s\n",
		icr, status ? "set" : "never set");
	gprintf("pci-probe: its IRQ %u %s requested at the 8259, %s after "
		"reading ICR\n",
		line, line_up ? "was" : "was NOT",
		line_down ? "clear" : "still set");
}

/* What a driver does first with the NIC at device dev. */
static int probe_e1000(unsigned dev)
{
	uint32_t placed = cfg_read(dev, PCI_BAR0), size, bar, ral, rah;
	uint8_t ra[6], ee[6];
	bool ee_ok = true;

	gprintf("pci-probe: BAR0 at 0x%08x as placed, interrupt line %u\n",
		placed & ~BAR_MEM_FLAGS, cfg_read(dev, PCI_INT_LINE) & 0xff);
	cfg_write(dev, PCI_BAR0, 0xffffffffu);
	size = ~(cfg_read(dev, PCI_BAR0) & ~BAR_MEM_FLAGS) + 1;
	cfg_write(dev, PCI_BAR0, PROBE_BAR_ADDR);
	bar = cfg_read(dev, PCI_BAR0) & ~BAR_MEM_FLAGS;
	gprintf("pci-probe: BAR0 is %u KiB, moved to 0x%08x\n", size / 1024,
		bar);
	if (bar != PROBE_BAR_ADDR) {
		gprintf("pci-probe: FAILED: BAR0 reads 0x%08x after writing "
			"0x%08x\n",
			bar, PROBE_BAR_ADDR);
		return 1;
	}
	cfg_write(dev, PCI_COMMAND,
		  cfg_read(dev, PCI_COMMAND) | PCI_CMD_MEMORY);
	gprintf("pci-probe: STATUS 0x%08x (link %s)\n",
		peek32(bar + E1000_STATUS),
		peek32(bar + E1000_STATUS) & E1000_STATUS_LU ? "up" : "down");
	ral = peek32(bar + E1000_RAL0);
	rah = peek32(bar + E1000_RAH0);
	for (unsigned i = 0; i < 4; i++)
		ra[i] = (uint8_t)(ral >> (8 * i));
	ra[4] = (uint8_t)rah, ra[5] = (uint8_t)(rah >> 8);
	if (rah & E1000_RAH_AV)
		print_mac("RAL0/RAH0", ra);
	else
		gprintf("pci-probe: RAL0/RAH0 not valid yet (a driver writes "
			"them from the EEPROM)\n");
	for (unsigned w = 0; w < 3; w++) {
		long v = eeprom_word(bar, w);

		ee_ok &= v >= 0;
		ee[2 * w] = (uint8_t)v, ee[2 * w + 1] = (uint8_t)(v >> 8);
	}
	if (!ee_ok) {
		gprintf("pci-probe: FAILED: the EEPROM read never finished\n");
		return 1;
	}
	print_mac("EEPROM", ee);
	if (!(rah & E1000_RAH_AV)) { /* as a driver does */
		poke32(bar + E1000_RAL0, ee[0] | ee[1] << 8 | ee[2] << 16 |
						 (uint32_t)ee[3] << 24);
		poke32(bar + E1000_RAH0, ee[4] | ee[5] << 8 | E1000_RAH_AV);
		ral = peek32(bar + E1000_RAL0);
		rah = peek32(bar + E1000_RAH0);
		for (unsigned i = 0; i < 4; i++)
			ra[i] = (uint8_t)(ral >> (8 * i));
		ra[4] = (uint8_t)rah, ra[5] = (uint8_t)(rah >> 8);
		print_mac("RAL0/RAH0 written and read back", ra);
	}
	for (unsigned i = 0; i < 6; i++)
		if (ra[i] != ee[i] || !(rah & E1000_RAH_AV)) {
			gprintf("pci-probe: FAILED: RAL0/RAH0 and the EEPROM "
				"disagree\n");
			return 1;
		}
	probe_intx(dev, bar, cfg_read(dev, PCI_INT_LINE) & 0xff);
	return 0;
}

int main(uint32_t magic, uint32_t info)
{
	unsigned found = 0, nic = 0;

	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read(dev, 0), class;

		if ((id & 0xffff) == VENDOR_NONE)
			continue;
		class = cfg_read(dev, PCI_CLASS) >> 16;
		gprintf("pci-probe: 00:%02x.0 %04x:%04x class %02x.%02x\n", dev,
			id & 0xffff, id >> 16, class >> 8, class & 0xff);
		found++;
		if ((id & 0xffff) == VENDOR_INTEL &&
		    class >> 8 == CLASS_NETWORK)
			nic = dev;
	}
	gprintf("pci-probe: %u PCI function%s on bus 0\n", found,
		found == 1 ? "" : "s");
	if (!nic) {
		gprintf("pci-probe: no network device\n");
		return 0;
	}
	if (probe_e1000(nic))
		return 1;
	gprintf("pci-probe: done\n");
	return 0;
}
