/*
 * drivers/virt/pit8254.c - register model of the 8254 PIT and port 61h.
 * Pure logic, run in I/O exits; unit-tested on the host.
 * Intel 8254 data sheet, "Control Word Format", "Read-Back Command",
 * "Mode 0", "Mode 2", "Mode 3"; "NMI Status and Control Register".
 *
 * Nothing ticks: every read computes the counter from the time since
 * it was loaded, ticks = elapsed ns * 1193182 / 10^9.
 */
#include "drivers/virt/pit8254.h"
#include "lib/math64.h"

#define NS_PER_S	  1000000000ULL
#define PORT_CONTROL	  3
#define CW_CHANNEL_SHIFT  6
#define CW_READBACK	  3 /* channel field 3: read-back command */
#define CW_RW_SHIFT	  4
#define CW_RW_MASK	  0x3
#define CW_RW_LATCH	  0
#define CW_RW_LSB	  1
#define CW_RW_MSB	  2
#define CW_RW_BOTH	  3
#define CW_MODE_SHIFT	  1
#define CW_MODE_MASK	  0x7
#define RB_NO_COUNT	  BIT(5)
#define RB_NO_STATUS	  BIT(4)
#define RB_CHANNELS_SHIFT 1
#define ST_OUTPUT	  BIT(7)
#define ST_NULL_COUNT	  BIT(6)
#define MODE_RATE	  2
#define MODE_SQUARE	  3
#define MODE_RATE_ALIAS	  6 /* modes 6 and 7 are 2 and 3 */
#define COUNT_MAX	  65536

/* Port 61h */
#define P61_GATE2    BIT(0)
#define P61_WRITABLE 0x0f
#define P61_REFRESH  BIT(4)
#define P61_OUT2     BIT(5)
#define REFRESH_NS   15000

void pit8254_init(struct pit8254 *p, const struct pit8254_ops *ops)
{
	*p = (struct pit8254){.ops = *ops};
	for (unsigned i = 0; i < PIT8254_CHANNELS; i++) {
		p->ch[i].rw = CW_RW_BOTH;
		p->ch[i].reload = COUNT_MAX;
		p->ch[i].gate = i != 2; /* channel 2's gate is port 61h */
	}
}

static uint64_t pit_now(const struct pit8254 *p)
{
	return p->ops.now_ns ? p->ops.now_ns(p->ops.ctx) : 0;
}

/* Input clock ticks the counter has seen since it was loaded. */
static uint64_t pit_ticks(const struct pit8254 *p,
			  const struct pit8254_channel *c)
{
	uint64_t now = pit_now(p);

	if (!c->counting)
		return 0;
	if (!c->gate)
		return c->paused_ticks;
	return c->paused_ticks +
	       mul_div_u64(now > c->start_ns ? now - c->start_ns : 0,
			   PIT8254_HZ, NS_PER_S);
}

static bool periodic(uint8_t mode)
{
	return mode == MODE_RATE || mode == MODE_SQUARE;
}

static uint16_t pit_count(const struct pit8254 *p,
			  const struct pit8254_channel *c)
{
	uint64_t t = pit_ticks(p, c), half;

	if (!c->counting)
		return (uint16_t)c->reload;
	switch (c->mode) {
	case MODE_RATE: return (uint16_t)(c->reload - t % c->reload);
	case MODE_SQUARE:
		half = (c->reload + 1) / 2;
		return (uint16_t)((c->reload - 2 * (t % half)) & ~1u);
	default: return (uint16_t)(c->reload - t); /* wraps after 0 */
	}
}

static bool pit_output(const struct pit8254 *p, const struct pit8254_channel *c)
{
	uint64_t t = pit_ticks(p, c);

	if (!c->counting)
		return c->mode != 0; /* mode 0: low once programmed */
	switch (c->mode) {
	case MODE_RATE: return t % c->reload != c->reload - 1;
	case MODE_SQUARE: return t % c->reload < (c->reload + 1) / 2;
	default: return t >= c->reload;
	}
}

static void pit_set_gate(struct pit8254 *p, struct pit8254_channel *c,
			 bool gate)
{
	if (gate == c->gate)
		return;
	if (!gate) {
		c->paused_ticks = pit_ticks(p, c);
	} else {
		if (periodic(c->mode))
			c->paused_ticks = 0; /* a rising gate reloads */
		c->start_ns = pit_now(p);
	}
	c->gate = gate;
}

static void pit_load(struct pit8254 *p, struct pit8254_channel *c,
		     uint16_t count)
{
	c->reload = count ? count : COUNT_MAX;
	if (periodic(c->mode) && c->reload == 1)
		c->reload = 2; /* 1 is illegal in modes 2 and 3 */
	c->counting = true;
	c->null_count = false;
	c->paused_ticks = 0;
	c->start_ns = pit_now(p);
}

static void pit_write_count(struct pit8254 *p, struct pit8254_channel *c,
			    uint8_t v)
{
	switch (c->rw) {
	case CW_RW_LSB: pit_load(p, c, v); break;
	case CW_RW_MSB: pit_load(p, c, (uint16_t)(v << 8)); break;
	default:
		if (!c->write_msb) {
			c->pending = v;
			c->write_msb = true;
			if (c->mode == 0)
				c->counting = false; /* stops until the MSB */
		} else {
			c->write_msb = false;
			pit_load(p, c, (uint16_t)(c->pending | v << 8));
		}
		break;
	}
}

static void pit_latch_count(struct pit8254 *p, struct pit8254_channel *c)
{
	if (c->latched)
		return; /* the first latch holds until read */
	c->latch = pit_count(p, c);
	c->latched = true;
	c->latch_msb = false;
}

static void pit_latch_status(struct pit8254 *p, struct pit8254_channel *c)
{
	if (c->status_latched)
		return;
	c->status = (uint8_t)((pit_output(p, c) ? ST_OUTPUT : 0) |
			      (c->null_count ? ST_NULL_COUNT : 0) |
			      c->rw << CW_RW_SHIFT | c->mode << CW_MODE_SHIFT);
	c->status_latched = true;
}

static void pit_readback(struct pit8254 *p, uint8_t v)
{
	for (unsigned i = 0; i < PIT8254_CHANNELS; i++) {
		if (!(v & BIT(RB_CHANNELS_SHIFT + i)))
			continue;
		if (!(v & RB_NO_STATUS))
			pit_latch_status(p, &p->ch[i]);
		if (!(v & RB_NO_COUNT))
			pit_latch_count(p, &p->ch[i]);
	}
}

static void pit_control(struct pit8254 *p, uint8_t v)
{
	unsigned channel = v >> CW_CHANNEL_SHIFT;
	unsigned rw = (v >> CW_RW_SHIFT) & CW_RW_MASK;
	struct pit8254_channel *c;

	if (channel == CW_READBACK) {
		pit_readback(p, v);
		return;
	}
	c = &p->ch[channel];
	if (rw == CW_RW_LATCH) {
		pit_latch_count(p, c);
		return;
	}
	c->rw = (uint8_t)rw;
	c->mode = (v >> CW_MODE_SHIFT) & CW_MODE_MASK;
	if (c->mode >= MODE_RATE_ALIAS)
		c->mode -= 4;
	c->write_msb = c->read_msb = false;
	c->latched = c->status_latched = false;
	c->counting = false; /* waits for a count */
	c->null_count = true;
	if (channel == 0)
		p->irq0_edges = 0;
}

static uint8_t pit_read_channel(struct pit8254 *p, struct pit8254_channel *c)
{
	uint16_t v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched) {
		v = c->latch;
		msb = c->rw == CW_RW_MSB ||
		      (c->rw == CW_RW_BOTH && c->latch_msb);
		if (c->rw == CW_RW_BOTH && !c->latch_msb)
			c->latch_msb = true;
		else
			c->latched = false;
	} else {
		v = pit_count(p, c);
		msb = c->rw == CW_RW_MSB ||
		      (c->rw == CW_RW_BOTH && c->read_msb);
		if (c->rw == CW_RW_BOTH)
			c->read_msb = !c->read_msb;
	}
	return (uint8_t)(msb ? v >> 8 : v);
}

static uint32_t pit_read(void *opaque, uint16_t offset, unsigned size)
{
	struct pit8254 *p = opaque;

	if (offset >= PORT_CONTROL)
		return 0xff; /* the control word is write-only */
	return pit_read_channel(p, &p->ch[offset]);
}

static void pit_write(void *opaque, uint16_t offset, unsigned size,
		      uint32_t value)
{
	struct pit8254 *p = opaque;

	if (offset >= PORT_CONTROL)
		pit_control(p, (uint8_t)value);
	else
		pit_write_count(p, &p->ch[offset], (uint8_t)value);
}

static uint32_t p61_read(void *opaque, uint16_t offset, unsigned size)
{
	struct pit8254 *p = opaque;
	bool refresh = (pit_now(p) / REFRESH_NS) & 1;

	return p->port61 | (refresh ? P61_REFRESH : 0) |
	       (pit_output(p, &p->ch[2]) ? P61_OUT2 : 0);
}

static void p61_write(void *opaque, uint16_t offset, unsigned size,
		      uint32_t value)
{
	struct pit8254 *p = opaque;

	p->port61 = (uint8_t)value & P61_WRITABLE;
	pit_set_gate(p, &p->ch[2], value & P61_GATE2);
}

/* Channel 0's rising edges so far: one per period in modes 2 and 3,
 * one at terminal count in mode 0. */
static uint64_t pit_edges(struct pit8254 *p)
{
	struct pit8254_channel *c = &p->ch[0];
	uint64_t t = pit_ticks(p, c);

	if (!c->counting)
		return 0;
	if (periodic(c->mode))
		return t / c->reload;
	return t >= c->reload ? 1 : 0;
}

void pit8254_update(struct pit8254 *p)
{
	uint64_t edges = pit_edges(p);

	if (edges <= p->irq0_edges)
		return;
	p->irq0_edges = edges;
	if (p->ops.irq0)
		p->ops.irq0(p->ops.ctx);
}

uint64_t pit8254_next_irq0_ns(struct pit8254 *p)
{
	struct pit8254_channel *c = &p->ch[0];
	uint64_t t = pit_ticks(p, c), next;

	if (!c->counting || (!periodic(c->mode) && t >= c->reload))
		return UINT64_MAX;
	next = periodic(c->mode) ? (t / c->reload + 1) * c->reload : c->reload;
	return mul_div_u64_ceil(next - t, NS_PER_S, PIT8254_HZ);
}

struct port_device pit8254_device(struct pit8254 *p, uint16_t base)
{
	return (struct port_device){.name = "pit8254",
				    .base = base,
				    .count = 4,
				    .read = pit_read,
				    .write = pit_write,
				    .opaque = p};
}

struct port_device pit8254_port61_device(struct pit8254 *p, uint16_t port)
{
	return (struct port_device){.name = "port61",
				    .base = port,
				    .count = 1,
				    .read = p61_read,
				    .write = p61_write,
				    .opaque = p};
}
