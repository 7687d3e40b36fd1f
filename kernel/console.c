/*
 * kernel/console.c - ring-buffered console with one drainer at a time.
 * Any context, any CPU. ring_lock guards the ring indices; drain_lock
 * makes one CPU the drainer. Lines are appended whole, so output from
 * different CPUs never interleaves mid-line.
 */
#include "kernel/console.h"
#include "lib/log.h"
#include "lib/spinlock.h"

#define CONSOLE_RING_SIZE (64 * 1024) /* a power of two */

static char ring[CONSOLE_RING_SIZE];
static uint64_t ring_head; /* next byte to write; guarded by ring_lock */
static uint64_t ring_tail; /* next byte to drain; guarded by ring_lock */
static struct spinlock ring_lock = SPINLOCK_INIT;
static struct spinlock drain_lock = SPINLOCK_INIT;
static console_sink_fn sinks[CONSOLE_SINKS_MAX];
static unsigned sink_count;

static void console_log_sink(const char *line, size_t len)
{
	console_write(line, len);
}

void console_init(void)
{
	log_set_sink(console_log_sink);
}

void console_add_sink(console_sink_fn sink)
{
	if (sink_count < CONSOLE_SINKS_MAX)
		sinks[sink_count++] = sink;
}

static void ring_append(const char *buf, size_t len)
{
	spin_lock(&ring_lock);
	for (size_t i = 0; i < len; i++) {
		if (ring_head - ring_tail == CONSOLE_RING_SIZE)
			ring_tail++; /* full: drop the oldest byte */
		ring[ring_head++ % CONSOLE_RING_SIZE] = buf[i];
	}
	spin_unlock(&ring_lock);
}

/* Take the next contiguous chunk of the ring, or 0 bytes when empty. */
static size_t ring_take(char *out, size_t max)
{
	size_t n = 0;

	spin_lock(&ring_lock);
	while (n < max && ring_tail != ring_head)
		out[n++] = ring[ring_tail++ % CONSOLE_RING_SIZE];
	spin_unlock(&ring_lock);
	return n;
}

static void console_drain(void)
{
	char chunk[128];
	size_t n;

	while ((n = ring_take(chunk, sizeof(chunk))) != 0)
		for (unsigned i = 0; i < sink_count; i++)
			sinks[i](chunk, n);
}

void console_write(const char *buf, size_t len)
{
	ring_append(buf, len);
	while (spin_trylock(&drain_lock)) {
		console_drain();
		spin_unlock(&drain_lock);
		/* A writer may have appended after our last take and seen
		 * drain_lock held: look once more. */
		if (__atomic_load_n(&ring_head, __ATOMIC_ACQUIRE) ==
		    __atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE))
			break;
	}
}

void console_append(const char *buf, size_t len)
{
	ring_append(buf, len);
}

void console_flush(void)
{
	spin_lock(&drain_lock);
	console_drain();
	spin_unlock(&drain_lock);
}
