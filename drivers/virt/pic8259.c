/*
 * drivers/virt/pic8259.c - register model of the master/slave 8259A
 * pair: initialization words, masks, priorities with rotation, EOI
 * variants, IRR/ISR/poll reads, edge/level inputs. Pure logic;
 * unit-tested on the host.
 * Intel 8259A data sheet, "Initialization Command Words (ICWs)",
 * "Operation Command Words (OCWs)", "Interrupt Sequence", "The Special
 * Mask Mode", "Poll Command"; Intel PIIX4 data sheet, "ELCR1/ELCR2".
 */
#include "drivers/virt/pic8259.h"

#define PORT_CMD  0
#define PORT_DATA 1

#define ICW1	       0x10 /* command port bit 4: start initialization */
#define ICW1_IC4       0x01
#define ICW1_SNGL      0x02
#define OCW3	       0x08 /* with bit 4 clear: OCW3, else OCW2 */
#define OCW3_RIS       0x01
#define OCW3_RR	       0x02
#define OCW3_POLL      0x04
#define OCW3_SMM       0x20
#define OCW3_ESMM      0x40
#define ICW4_AEOI      0x02
#define ICW4_SFNM      0x10
#define OCW2_CMD_SHIFT 5
#define OCW2_LEVEL     0x07
#define POLL_INTERRUPT 0x80
#define CASCADE_IRQ    2
#define SPURIOUS_IRQ   7
#define NO_PRIORITY    8
/* IRQ 0, 1, 2, 8, 13 are always edge (PIIX4 ELCR) */
#define ELCR_MASTER_BITS 0xf8
#define ELCR_SLAVE_BITS	 0xde

enum ocw2_command {
	OCW2_ROTATE_AEOI_CLEAR = 0,
	OCW2_NONSPECIFIC_EOI = 1,
	OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3,
	OCW2_ROTATE_AEOI_SET = 4,
	OCW2_ROTATE_NONSPECIFIC_EOI = 5,
	OCW2_SET_PRIORITY = 6,
	OCW2_ROTATE_SPECIFIC_EOI = 7,
};

/* ---- one chip --------------------------------------------------------- */

/* Priority rank (0 = highest) of the best IR in mask, or NO_PRIORITY. */
static unsigned chip_priority(const struct pic8259_chip *c, uint8_t mask)
{
	if (!mask)
		return NO_PRIORITY;
	for (unsigned rank = 0;; rank++)
		if (mask & (1u << ((rank + c->priority_add) & 7)))
			return rank;
}

/* The IR this chip would raise INTR for, or PIC8259_NONE. is_master:
 * in special fully nested mode the cascade input may interrupt itself. */
static int chip_irq(const struct pic8259_chip *c, bool is_master)
{
	uint8_t in_service = c->isr;
	unsigned want = chip_priority(c, c->irr & ~c->imr);

	if (want == NO_PRIORITY)
		return PIC8259_NONE;
	if (c->special_mask)
		in_service &= ~c->imr;
	if (is_master && c->special_fully_nested)
		in_service &= ~(1u << CASCADE_IRQ);
	if (want >= chip_priority(c, in_service))
		return PIC8259_NONE;
	return (int)((want + c->priority_add) & 7);
}

/* Edge: latched on a rising input. Level: IRR follows the input. */
static void chip_set_irq(struct pic8259_chip *c, unsigned ir, bool level)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->elcr & bit) {
		c->irr = level ? c->irr | bit : c->irr & ~bit;
	} else if (level && !(c->last_level & bit)) {
		c->irr |= bit;
	}
	c->last_level = level ? c->last_level | bit : c->last_level & ~bit;
}

static void chip_intack(struct pic8259_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	if (c->auto_eoi) {
		if (c->rotate_on_auto_eoi)
			c->priority_add = (uint8_t)((ir + 1) & 7);
	} else {
		c->isr |= bit;
	}
	if (!(c->elcr & bit))
		c->irr &= ~bit; /* a level input stays requested */
}

/* ICW1 resets the chip ("Initialization Command Words"): masks
 * cleared, IR7 lowest priority, special mask off, IRR read selected. */
static void chip_icw1(struct pic8259_chip *c, uint8_t value)
{
	c->irr &= c->elcr;
	c->isr = c->imr = 0;
	c->last_level = 0;
	c->priority_add = 0;
	c->auto_eoi = c->rotate_on_auto_eoi = false;
	c->read_isr = c->poll = c->special_mask = false;
	c->special_fully_nested = false;
	c->icw4_needed = value & ICW1_IC4;
	c->single = value & ICW1_SNGL;
	c->init_step = 2;
}

static void chip_eoi_irq(struct pic8259_chip *c, unsigned ir, bool rotate)
{
	c->isr &= (uint8_t) ~(1u << ir);
	if (rotate)
		c->priority_add = (uint8_t)((ir + 1) & 7);
}

static void chip_ocw2(struct pic8259_chip *c, uint8_t value)
{
	unsigned rank, ir = value & OCW2_LEVEL;

	switch ((enum ocw2_command)(value >> OCW2_CMD_SHIFT)) {
	case OCW2_ROTATE_AEOI_CLEAR: c->rotate_on_auto_eoi = false; break;
	case OCW2_ROTATE_AEOI_SET: c->rotate_on_auto_eoi = true; break;
	case OCW2_NONSPECIFIC_EOI:
	case OCW2_ROTATE_NONSPECIFIC_EOI:
		rank = chip_priority(c, c->isr);
		if (rank != NO_PRIORITY)
			chip_eoi_irq(c, (rank + c->priority_add) & 7,
				     value >> OCW2_CMD_SHIFT ==
					     OCW2_ROTATE_NONSPECIFIC_EOI);
		break;
	case OCW2_SPECIFIC_EOI: chip_eoi_irq(c, ir, false); break;
	case OCW2_ROTATE_SPECIFIC_EOI: chip_eoi_irq(c, ir, true); break;
	case OCW2_SET_PRIORITY:
		c->priority_add = (uint8_t)((ir + 1) & 7);
		break;
	case OCW2_NOP: break;
	}
}

static void chip_ocw3(struct pic8259_chip *c, uint8_t value)
{
	if (value & OCW3_POLL)
		c->poll = true;
	if (value & OCW3_RR)
		c->read_isr = value & OCW3_RIS;
	if (value & OCW3_ESMM)
		c->special_mask = value & OCW3_SMM;
}

static void chip_write_data(struct pic8259_chip *c, uint8_t value)
{
	switch (c->init_step) {
	case 2:
		c->base = value & 0xf8;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3: /* ICW3: the cascade wiring is fixed on a PC */
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = value & ICW4_AEOI;
		c->special_fully_nested = value & ICW4_SFNM;
		c->init_step = 0;
		break;
	default: c->imr = value; break; /* OCW1 */
	}
}

/* ---- the pair --------------------------------------------------------- */

/* The slave's INTR is the master's IR2 (level: it follows the slave);
 * raise is called when the master's INTR goes up. */
static void pic_update(struct pic8259 *p)
{
	struct pic8259_chip *m = &p->chip[0];
	bool slave = chip_irq(&p->chip[1], false) != PIC8259_NONE;
	bool was = p->output;

	m->irr = slave ? m->irr | (1u << CASCADE_IRQ)
		       : m->irr & ~(1u << CASCADE_IRQ);
	p->output = chip_irq(m, true) != PIC8259_NONE;
	if (p->output && !was && p->raise)
		p->raise(p->ctx);
}

void pic8259_set_irq(struct pic8259 *p, unsigned irq, bool level)
{
	if (irq >= PIC8259_IRQS || irq == CASCADE_IRQ)
		return;
	chip_set_irq(&p->chip[irq / 8], irq % 8, level);
	pic_update(p);
}

int pic8259_pending_vector(const struct pic8259 *p)
{
	int ir = chip_irq(&p->chip[0], true), ir2;

	if (ir == PIC8259_NONE)
		return PIC8259_NONE;
	if (ir != CASCADE_IRQ)
		return p->chip[0].base + ir;
	ir2 = chip_irq(&p->chip[1], false);
	return p->chip[1].base + (ir2 == PIC8259_NONE ? SPURIOUS_IRQ : ir2);
}

uint8_t pic8259_ack(struct pic8259 *p)
{
	struct pic8259_chip *m = &p->chip[0], *s = &p->chip[1];
	int ir = chip_irq(m, true), ir2;
	uint8_t vector;

	if (ir == PIC8259_NONE) {
		vector = m->base + SPURIOUS_IRQ; /* no ISR bit for spurious */
	} else if (ir != CASCADE_IRQ) {
		chip_intack(m, (unsigned)ir);
		vector = (uint8_t)(m->base + ir);
	} else {
		chip_intack(m, CASCADE_IRQ);
		ir2 = chip_irq(s, false);
		if (ir2 == PIC8259_NONE) {
			vector = s->base + SPURIOUS_IRQ;
		} else {
			chip_intack(s, (unsigned)ir2);
			vector = (uint8_t)(s->base + ir2);
		}
	}
	pic_update(p);
	return vector;
}

/* "Poll Command": the read acknowledges the highest request itself. */
static uint8_t pic_poll(struct pic8259 *p, unsigned which)
{
	struct pic8259_chip *c = &p->chip[which];
	int ir = chip_irq(c, which == 0);

	c->poll = false;
	if (ir == PIC8259_NONE)
		return 0;
	chip_intack(c, (unsigned)ir);
	if (which == 0 && ir == CASCADE_IRQ) {
		int ir2 = chip_irq(&p->chip[1], false);

		if (ir2 != PIC8259_NONE)
			chip_intack(&p->chip[1], (unsigned)ir2);
	}
	pic_update(p);
	return (uint8_t)(POLL_INTERRUPT | ir);
}

static uint32_t pic_read(struct pic8259 *p, unsigned which, uint16_t offset,
			 unsigned size)
{
	struct pic8259_chip *c = &p->chip[which];

	if (size != 1)
		p->ignored_accesses++;
	if (c->poll)
		return pic_poll(p, which);
	if (offset == PORT_DATA)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void pic_write(struct pic8259 *p, unsigned which, uint16_t offset,
		      unsigned size, uint32_t value)
{
	struct pic8259_chip *c = &p->chip[which];
	uint8_t v = (uint8_t)value;

	if (size != 1)
		p->ignored_accesses++;
	if (offset == PORT_DATA)
		chip_write_data(c, v);
	else if (v & ICW1)
		chip_icw1(c, v);
	else if (v & OCW3)
		chip_ocw3(c, v);
	else
		chip_ocw2(c, v);
	pic_update(p);
}

static uint32_t master_read(void *opaque, uint16_t offset, unsigned size)
{
	return pic_read(opaque, 0, offset, size);
}

static uint32_t slave_read(void *opaque, uint16_t offset, unsigned size)
{
	return pic_read(opaque, 1, offset, size);
}

static void master_write(void *opaque, uint16_t offset, unsigned size,
			 uint32_t value)
{
	pic_write(opaque, 0, offset, size, value);
}

static void slave_write(void *opaque, uint16_t offset, unsigned size,
			uint32_t value)
{
	pic_write(opaque, 1, offset, size, value);
}

static uint32_t elcr_read(void *opaque, uint16_t offset, unsigned size)
{
	struct pic8259 *p = opaque;

	return p->chip[offset & 1].elcr;
}

static void elcr_write(void *opaque, uint16_t offset, unsigned size,
		       uint32_t value)
{
	struct pic8259 *p = opaque;
	struct pic8259_chip *c = &p->chip[offset & 1];

	c->elcr = (uint8_t)value & c->elcr_writable;
	pic_update(p);
}

void pic8259_init(struct pic8259 *p, void (*raise)(void *ctx), void *ctx)
{
	*p = (struct pic8259){.raise = raise, .ctx = ctx};
	p->chip[0].elcr_writable = ELCR_MASTER_BITS;
	p->chip[1].elcr_writable = ELCR_SLAVE_BITS;
}

void pic8259_devices(struct pic8259 *p, struct port_device out[3])
{
	out[0] = (struct port_device){"pic-master", PIC8259_MASTER, 2,
				      master_read,  master_write,   p};
	out[1] = (struct port_device){"pic-slave", PIC8259_SLAVE, 2,
				      slave_read,  slave_write,	  p};
	out[2] = (struct port_device){"elcr",	 PIC8259_ELCR, 2,
				      elcr_read, elcr_write,   p};
}
