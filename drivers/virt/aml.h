/*
 * drivers/virt/aml.h - a small writer of ACPI Machine Language: the
 * named objects, scopes, devices and resource templates a VM's DSDT
 * declares (no methods). It writes into a bounded buffer, or only
 * counts the bytes when given none, so a caller can size a table first.
 * Pure logic; runs when a VM's ACPI tables are built; unit-tested on
 * the host (tests/unit/test_aml.c) and, through the DSDT, by ACPICA's
 * own tools (tests/acpi/run).
 * ACPI Specification, "ACPI Machine Language (AML) Specification":
 * "Package Length Encoding", "Name Objects Encoding", "Data Objects
 * Encoding", "Named Objects Encoding"; "Resource Data Types for ACPI":
 * "I/O Port Descriptor", "IRQ Descriptor", "32-Bit Fixed Memory Range
 * Descriptor", "Word Address Space Descriptor", "DWord Address Space
 * Descriptor", "Extended Interrupt Descriptor", "End Tag"; "EISAID";
 * "Device Configuration": "_PRT (PCI Routing Table)".
 */
#ifndef DRIVERS_VIRT_AML_H
#define DRIVERS_VIRT_AML_H

#include "lib/types.h"

#define AML_DEPTH_MAX 8	  /* Scope/Device nesting */
#define AML_RES_MAX   128 /* bytes of one resource template */

/* Where the AML goes: buf (size bytes) or, with buf NULL, nowhere (len
 * counts what would be written). overflow is set once a write did not
 * fit; len is then meaningless. */
struct aml {
	uint8_t *buf;
	size_t size, len;
	bool overflow;
	size_t open[AML_DEPTH_MAX]; /* where each open scope's body starts */
	unsigned depth;
};

/* A resource template (the bytes of a _CRS buffer), built apart. */
struct aml_res {
	uint8_t b[AML_RES_MAX];
	size_t len;
	bool overflow;
};

void aml_init(struct aml *a, void *buf, size_t size);

/* Name (NAME, ...). A name is one NameSeg of up to 4 characters (padded
 * with '_'), optionally after '\' for the root: "\\_S5", "_HID". */
void aml_name_integer(struct aml *a, const char *name, uint64_t value);
void aml_name_string(struct aml *a, const char *name, const char *s);
/* Name (NAME, EisaId ("PNP0501")): the 7-character compressed ID. */
void aml_name_eisaid(struct aml *a, const char *name, const char *id);
/* Name (NAME, Package (n) { v[0], ... }) of integers. */
void aml_name_package(struct aml *a, const char *name, const uint64_t *v,
		      unsigned n);
/* One entry of a PCI routing table: the device's address (device <<
 * 16 | 0xffff: any function), its pin (0 = INTA# .. 3 = INTD#) and the
 * GSI the pin is wired to (no link device). */
struct aml_prt_entry {
	uint32_t address;
	uint8_t pin;
	uint32_t gsi;
};

/* Name (_PRT, Package (n) { Package (4) { address, pin, Zero, gsi },
 * ... }): the GSI form, which says level triggered, active low. */
void aml_name_prt(struct aml *a, const struct aml_prt_entry *e, unsigned n);

/* Name (NAME, ResourceTemplate () { ... }): r gets its End Tag here. */
void aml_name_resources(struct aml *a, const char *name, struct aml_res *r);

/* Scope (NAME) { and Device (NAME) {, each closed by aml_end. */
void aml_scope(struct aml *a, const char *name);
void aml_device(struct aml *a, const char *name);
void aml_end(struct aml *a);

/* Resource descriptors, appended to r. */
void aml_res_init(struct aml_res *r);
/* IO (Decode16, base, base, 1, len) */
void aml_res_io(struct aml_res *r, uint16_t base, uint8_t len);
/* IRQNoFlags () { irq } (ISA: edge, active high) */
void aml_res_irq(struct aml_res *r, unsigned irq);
/* Windows a bridge decodes for its children ("Address Space Resource
 * Descriptors", ResourceProducer, PosDecode, MinFixed, MaxFixed, no
 * translation), each [min, max] inclusive:
 * WordBusNumber (..., 0, min, max, 0, max - min + 1) */
void aml_res_word_bus(struct aml_res *r, uint16_t min, uint16_t max);
/* WordIO (..., EntireRange, 0, min, max, 0, max - min + 1) */
void aml_res_word_io(struct aml_res *r, uint16_t min, uint16_t max);
/* DWordMemory (..., NonCacheable, ReadWrite, 0, min, max, 0, len) */
void aml_res_dword_mem(struct aml_res *r, uint32_t min, uint32_t max);
/* Memory32Fixed (ReadWrite, base, len) */
void aml_res_mem32_fixed(struct aml_res *r, uint32_t base, uint32_t len);
/* Interrupt (ResourceConsumer, Level or Edge, ActiveHigh, Exclusive)
 * { gsi } */
void aml_res_interrupt(struct aml_res *r, uint32_t gsi, bool level);

/* EisaId's 32-bit value ("PNP0501" -> 0x0105d041), or 0 for a string
 * that is not 3 capitals and 4 hex digits. */
uint32_t aml_eisaid(const char *id);

#endif
