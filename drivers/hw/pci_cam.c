/*
 * drivers/hw/pci_cam.c - configuration mechanism #1 (ports 0xcf8 and
 * 0xcfc): the hardware half of drivers/hw/pci.c.
 * Boot CPU at start-up.
 * PCI Local Bus Specification, "Configuration Mechanism #1".
 */
#include "arch/x86_64/cpu.h"
#include "drivers/hw/pci_cam.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA	   0xcfc
#define PCI_CONFIG_ENABLE  BIT(31)

/* Enable bit, bus, device, function (bdf << 8), dword-aligned offset. */
static uint32_t cam_address(uint16_t bdf, uint16_t offset)
{
	return (uint32_t)PCI_CONFIG_ENABLE | ((uint32_t)bdf << 8) |
	       (offset & 0xfc);
}

static uint32_t cam_read32(void *ctx, uint16_t bdf, uint16_t offset)
{
	outl(PCI_CONFIG_ADDRESS, cam_address(bdf, offset));
	return inl(PCI_CONFIG_DATA);
}

static void cam_write32(void *ctx, uint16_t bdf, uint16_t offset,
			uint32_t value)
{
	outl(PCI_CONFIG_ADDRESS, cam_address(bdf, offset));
	outl(PCI_CONFIG_DATA, value);
}

const struct pci_cfg_ops pci_cam_ops = {
	.read32 = cam_read32,
	.write32 = cam_write32,
};
