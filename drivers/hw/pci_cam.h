/*
 * drivers/hw/pci_cam.h - configuration mechanism #1: the host's PCI
 * configuration space through I/O ports 0xcf8 (address) and 0xcfc
 * (data).
 * Boot CPU at start-up (one address/data pair: callers must not race).
 * PCI Local Bus Specification, "Configuration Mechanism #1".
 */
#ifndef DRIVERS_HW_PCI_CAM_H
#define DRIVERS_HW_PCI_CAM_H

#include "drivers/hw/pci.h"

extern const struct pci_cfg_ops pci_cam_ops;

#endif
