/*
 * drivers/virt/ioapic.c - register model of the VM's I/O APIC and the
 * edge / level (Remote IRR) delivery logic. Pure logic; unit-tested on
 * the host.
 * Intel 82093AA I/O APIC data sheet, "Register Description",
 * "I/O Redirection Table Registers".
 */
#include "drivers/virt/ioapic.h"

#define IOAPIC_MAX_ENTRY_SHIFT 16

void ioapic_init(struct ioapic *io, uint8_t id, const struct ioapic_ops *ops)
{
	*io = (struct ioapic){.id = (uint32_t)(id & 0xf) << IOAPIC_ID_SHIFT,
			      .ops = *ops};
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redtbl[i] = IOREDTBL_MASKED;
}

static struct apic_msg ioapic_msg(uint64_t entry)
{
	return (struct apic_msg){
		.dest = (uint32_t)(entry >> IOREDTBL_DEST_SHIFT),
		.logical = entry & IOREDTBL_LOGICAL,
		.shorthand = APIC_DEST_NO_SHORTHAND,
		.delivery_mode =
			(uint8_t)((entry & IOREDTBL_DELIVERY_MODE) >> 8),
		.vector = (uint8_t)(entry & IOREDTBL_VECTOR),
		.level = true,
		.trigger_level = entry & IOREDTBL_LEVEL,
	};
}

/* Send pin's message if its state calls for it: unmasked, asserted,
 * and for a level pin no Remote IRR outstanding. */
static void ioapic_service(struct ioapic *io, unsigned pin)
{
	uint64_t *e = &io->redtbl[pin];
	struct apic_msg m;

	if (!io->line[pin] || (*e & IOREDTBL_MASKED))
		return;
	if (*e & IOREDTBL_LEVEL) {
		if (*e & IOREDTBL_REMOTE_IRR)
			return;
		*e |= IOREDTBL_REMOTE_IRR;
	}
	m = ioapic_msg(*e);
	io->deliveries++;
	if (io->ops.deliver)
		io->ops.deliver(io->ops.ctx, &m);
}

void ioapic_set_irq(struct ioapic *io, unsigned gsi, bool asserted)
{
	bool was;

	if (gsi >= IOAPIC_PINS)
		return;
	was = io->line[gsi];
	io->line[gsi] = asserted;
	if (io->redtbl[gsi] & IOREDTBL_LEVEL)
		ioapic_service(io, gsi);
	else if (asserted && !was)
		ioapic_service(io, gsi);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t *e = &io->redtbl[pin];

		if ((*e & IOREDTBL_VECTOR) != vector ||
		    !(*e & IOREDTBL_REMOTE_IRR))
			continue;
		*e &= ~IOREDTBL_REMOTE_IRR;
		/* the line's owner may sample it again (a polled source) */
		if (io->ops.eoi)
			io->ops.eoi(io->ops.ctx, pin);
		ioapic_service(io, pin);
	}
}

/* ---- indirect registers ----------------------------------------------- */

static uint32_t ioapic_reg_read(const struct ioapic *io, uint8_t reg)
{
	unsigned pin = (reg - IOAPIC_REG_REDTBL0) / 2;

	switch (reg) {
	case IOAPIC_REG_ID: return io->id;
	case IOAPIC_REG_VERSION:
		return IOAPIC_VERSION | (IOAPIC_PINS - 1)
						<< IOAPIC_MAX_ENTRY_SHIFT;
	case IOAPIC_REG_ARB: return io->id; /* arbitration ID = APIC ID */
	default: break;
	}
	if (reg < IOAPIC_REG_REDTBL0 || pin >= IOAPIC_PINS)
		return 0;
	return (uint32_t)(io->redtbl[pin] >> (reg & 1 ? 32 : 0));
}

/* A guest write keeps the read-only bits; an entry that becomes edge
 * loses its Remote IRR; an unmasked asserted level pin delivers. */
static void ioapic_write_entry(struct ioapic *io, unsigned pin, bool high,
			       uint32_t value)
{
	uint64_t *e = &io->redtbl[pin];
	uint64_t half = high ? 0xffffffff00000000ULL : 0xffffffffULL;
	uint64_t v = (uint64_t)value << (high ? 32 : 0);

	*e = (*e & ~(half & IOREDTBL_WRITABLE)) |
	     (v & half & IOREDTBL_WRITABLE);
	if (!(*e & IOREDTBL_LEVEL))
		*e &= ~IOREDTBL_REMOTE_IRR;
	if (*e & IOREDTBL_LEVEL)
		ioapic_service(io, pin);
}

static void ioapic_reg_write(struct ioapic *io, uint8_t reg, uint32_t value)
{
	unsigned pin = (reg - IOAPIC_REG_REDTBL0) / 2;

	if (reg == IOAPIC_REG_ID)
		io->id = value & IOAPIC_ID_MASK;
	else if (reg >= IOAPIC_REG_REDTBL0 && pin < IOAPIC_PINS)
		ioapic_write_entry(io, pin, reg & 1, value);
	else
		io->ignored_accesses++; /* version, arbitration: read-only */
}

/* ---- MMIO ------------------------------------------------------------- */

uint32_t ioapic_mmio_read(struct ioapic *io, uint32_t offset, unsigned size)
{
	if (offset == IOAPIC_IOREGSEL && (size == 1 || size == 2 || size == 4))
		return io->regsel;
	if (offset == IOAPIC_IOWIN && size == 4)
		return ioapic_reg_read(io, io->regsel);
	io->ignored_accesses++;
	return 0;
}

void ioapic_mmio_write(struct ioapic *io, uint32_t offset, unsigned size,
		       uint32_t value)
{
	if (offset == IOAPIC_IOREGSEL && (size == 1 || size == 2 || size == 4))
		io->regsel = (uint8_t)value;
	else if (offset == IOAPIC_IOWIN && size == 4)
		ioapic_reg_write(io, io->regsel, value);
	else if (offset == IOAPIC_EOI && size == 4)
		ioapic_eoi(io, (uint8_t)value);
	else
		io->ignored_accesses++;
}
