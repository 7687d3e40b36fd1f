/*
 * drivers/virt/virtio_mmio.c - the virtio-mmio register window
 * (version 2) in front of one virtio device.
 * Pure logic; runs in the VM exit of an access to the window, and on
 * the host in tests/unit/test_virtio_mmio.c.
 * virtio 1.1 spec: "MMIO Device Register Layout", "Driver Requirements:
 * MMIO Device Register Layout", "Device Status Field", "Device
 * Initialization", "Feature Bits", "Device Reset".
 *
 * The registers are 32 bits wide and must be accessed so (the spec:
 * "The driver MUST only use 32 bit wide and aligned reads and writes");
 * any other access to them reads 0, is dropped, and is counted. The
 * configuration space from offset 0x100 takes 1, 2, 4 and 8-byte
 * accesses.
 */
#define LOG_PREFIX ""
#include <stdarg.h>
#include "drivers/virt/virtio_mmio.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

void virtio_mmio_init(struct virtio_mmio *m,
		      const struct virtio_device_ops *ops, void *dev,
		      const char *name, gpa_t base, const struct guest_ram *ram)
{
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->dev = dev;
	str_copy(m->name, name, sizeof(m->name));
	m->base = base;
	m->ram = *ram;
	for (unsigned i = 0; i < VIRTIO_MMIO_QUEUES_MAX; i++)
		m->queues[i].index = i;
}

static uint64_t offered(const struct virtio_mmio *m)
{
	return m->ops->features(m->dev) | VIRTIO_F_VERSION_1;
}

/* The selected queue, or NULL when QueueSel names none. */
static struct virtq *selected(struct virtio_mmio *m)
{
	if (m->queue_sel >= m->ops->queue_count)
		return NULL;
	return &m->queues[m->queue_sel];
}

/* The line follows InterruptStatus ("Notifications": used buffer and
 * configuration change notifications, acknowledged by InterruptACK). */
static void irq_update(struct virtio_mmio *m)
{
	bool level = m->interrupt_status != 0;

	if (level == m->irq_level)
		return;
	m->irq_level = level;
	if (level)
		m->stats.interrupts++;
	if (m->irq)
		m->irq(m->irq_ctx, level);
}

void virtio_mmio_set_irq(struct virtio_mmio *m,
			 void (*irq)(void *irq_ctx, bool level), void *irq_ctx)
{
	m->irq = irq;
	m->irq_ctx = irq_ctx;
	m->irq_level = false;
	irq_update(m);
}

void virtio_mmio_set_reset_hook(struct virtio_mmio *m,
				void (*fn)(void *ctx,
					   const struct virtio_mmio *m),
				void *ctx)
{
	m->on_driver_reset = fn;
	m->reset_ctx = ctx;
}

void virtio_mmio_reset(struct virtio_mmio *m)
{
	m->status = 0;
	m->device_features_sel = m->driver_features_sel = 0;
	m->driver_features = m->features = 0;
	m->queue_sel = 0;
	m->interrupt_status = 0;
	m->broken[0] = '\0';
	for (unsigned i = 0; i < VIRTIO_MMIO_QUEUES_MAX; i++)
		virtq_reset(&m->queues[i]);
	if (m->ops->reset)
		m->ops->reset(m->dev);
	irq_update(m);
}

void virtio_mmio_fail(struct virtio_mmio *m, const char *fmt, ...)
{
	va_list ap;

	if (m->broken[0])
		return; /* said once; nothing runs until reset */
	va_start(ap, fmt);
	fmt_vsnprintf(m->broken, sizeof(m->broken), fmt, ap);
	va_end(ap);
	m->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	m->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	irq_update(m);
	pr_warn("%s: device needs reset: %s", m->name, m->broken);
}

void virtio_mmio_used(struct virtio_mmio *m, struct virtq *q, uint16_t old_used)
{
	if (virtq_wants_interrupt(q, old_used))
		m->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	irq_update(m);
}

/* ---- reads ---------------------------------------------------------- */

static uint32_t queue_reg(struct virtio_mmio *m, uint64_t offset)
{
	struct virtq *q = selected(m);

	if (!q)
		return 0;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return VIRTQ_SIZE_MAX;
	case VIRTIO_MMIO_QUEUE_NUM: return q->size;
	case VIRTIO_MMIO_QUEUE_READY: return q->enabled;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: return (uint32_t)q->desc_gpa;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: return (uint32_t)(q->desc_gpa >> 32);
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: return (uint32_t)q->avail_gpa;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return (uint32_t)(q->avail_gpa >> 32);
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: return (uint32_t)q->used_gpa;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return (uint32_t)(q->used_gpa >> 32);
	}
	return 0;
}

static uint32_t reg_read(struct virtio_mmio *m, uint64_t offset)
{
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID: return m->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR_HV;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return m->device_features_sel < 2
			       ? (uint32_t)(offered(m) >>
					    (32 * m->device_features_sel))
			       : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return m->interrupt_status;
	case VIRTIO_MMIO_STATUS: return m->status;
	case VIRTIO_MMIO_CONFIG_GENERATION: return m->config_generation;
	}
	return queue_reg(m, offset);
}

uint64_t virtio_mmio_read(struct virtio_mmio *m, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	m->stats.accesses++;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (m->ops->config_read && size <= sizeof(v))
			m->ops->config_read(
				m->dev, (uint32_t)(offset - VIRTIO_MMIO_CONFIG),
				&v, size);
		return v;
	}
	if (size != 4 || offset % 4) {
		m->bad_accesses++;
		return 0;
	}
	return reg_read(m, offset);
}

/* ---- writes --------------------------------------------------------- */

/* The low 32 bits of *field when `which` is `low`, else the high ones. */
static void set_half(uint64_t *field, uint64_t which, uint64_t low,
		     uint32_t value)
{
	if (which == low)
		*field = (*field & ~0xffffffffULL) | value;
	else
		*field = (*field & 0xffffffffULL) | ((uint64_t)value << 32);
}

static void queue_ready(struct virtio_mmio *m, struct virtq *q, uint32_t v)
{
	if (!v) {
		q->enabled = false;
		return;
	}
	if (q->enabled || m->broken[0])
		return;
	q->event_idx = m->features & VIRTIO_F_EVENT_IDX;
	q->indirect = m->features & VIRTIO_F_INDIRECT_DESC;
	if (!virtq_enable(q, &m->ram))
		virtio_mmio_fail(m, "queue %u: %s", q->index, q->error);
}

/* Registers of the selected queue: only while it is not enabled. */
static void queue_write(struct virtio_mmio *m, uint64_t offset, uint32_t v)
{
	struct virtq *q = selected(m);

	if (!q) {
		m->bad_accesses++;
		return;
	}
	if (offset == VIRTIO_MMIO_QUEUE_READY) {
		queue_ready(m, q, v);
		return;
	}
	if (q->enabled) {
		m->bad_accesses++;
		return;
	}
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->size = v > VIRTQ_SIZE_MAX ? 0 : (uint16_t)v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc_gpa, offset, VIRTIO_MMIO_QUEUE_DESC_LOW, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->avail_gpa, offset, VIRTIO_MMIO_QUEUE_DRIVER_LOW,
			 v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_half(&q->used_gpa, offset, VIRTIO_MMIO_QUEUE_DEVICE_LOW, v);
		break;
	default: m->bad_accesses++;
	}
}

/* FEATURES_OK: kept only when the driver took a subset of what was
 * offered, with VIRTIO_F_VERSION_1 ("Device Initialization"). */
static bool features_ok(struct virtio_mmio *m)
{
	uint64_t f = m->driver_features;

	if ((f & ~offered(m)) || !(f & VIRTIO_F_VERSION_1))
		return false;
	m->features = f;
	return true;
}

static void status_write(struct virtio_mmio *m, uint32_t v)
{
	uint32_t added = v & ~m->status;

	if (v == 0) {
		if (m->on_driver_reset)
			m->on_driver_reset(m->reset_ctx, m);
		virtio_mmio_reset(m);
		return;
	}
	v &= ~VIRTIO_STATUS_DEVICE_NEEDS_RESET; /* only the device sets it */
	if ((added & VIRTIO_STATUS_FEATURES_OK) && !features_ok(m))
		v &= ~VIRTIO_STATUS_FEATURES_OK;
	if ((added & VIRTIO_STATUS_DRIVER_OK) &&
	    !(v & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_mmio_fail(m, "DRIVER_OK set without FEATURES_OK");
		v &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	m->status = v | (m->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void notify(struct virtio_mmio *m, uint32_t index)
{
	struct virtq *q;

	m->stats.notifies++;
	if (index >= m->ops->queue_count ||
	    !(m->status & VIRTIO_STATUS_DRIVER_OK) || m->broken[0]) {
		m->bad_accesses++;
		return;
	}
	q = &m->queues[index];
	if (!q->enabled)
		return;
	m->ops->queue_notify(m->dev, m, q);
	if (q->broken)
		virtio_mmio_fail(m, "queue %u: %s", q->index, q->error);
}

static void reg_write(struct virtio_mmio *m, uint64_t offset, uint32_t v)
{
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->device_features_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->driver_features_sel = v;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (m->driver_features_sel < 2 &&
		    !(m->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&m->driver_features, m->driver_features_sel, 0,
				 v);
		return;
	case VIRTIO_MMIO_QUEUE_SEL: m->queue_sel = v; return;
	case VIRTIO_MMIO_QUEUE_NOTIFY: notify(m, v); return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		m->interrupt_status &= ~v;
		irq_update(m);
		return;
	case VIRTIO_MMIO_STATUS: status_write(m, v); return;
	}
	queue_write(m, offset, v);
}

void virtio_mmio_write(struct virtio_mmio *m, uint64_t offset, unsigned size,
		       uint64_t value)
{
	m->stats.accesses++;
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (m->ops->config_write && size <= sizeof(value))
			m->ops->config_write(
				m->dev, (uint32_t)(offset - VIRTIO_MMIO_CONFIG),
				&value, size);
		return;
	}
	if (size != 4 || offset % 4) {
		m->bad_accesses++;
		return;
	}
	reg_write(m, offset, (uint32_t)value);
}

/* ---- on the MMIO bus ------------------------------------------------ */

static uint64_t bus_read(void *opaque, uint64_t offset, unsigned size)
{
	return virtio_mmio_read(opaque, offset, size);
}

static void bus_write(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value)
{
	virtio_mmio_write(opaque, offset, size, value);
}

struct mmio_device virtio_mmio_device(struct virtio_mmio *m)
{
	return (struct mmio_device){
		.name = m->ops->name,
		.base = m->base,
		.size = VIRTIO_MMIO_SIZE,
		.read = bus_read,
		.write = bus_write,
		.opaque = m,
	};
}
