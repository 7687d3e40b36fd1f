/*
 * drivers/virt/uart8250.c - register model of the guest's 16550 UART.
 * Pure logic, run in I/O exits (and in the boot CPU's input polling for
 * uart8250_rx_push); unit-tested on the host.
 * PC16550D data sheet, "Registers" (offsets with DLAB = LCR bit 7),
 * "Interrupt Identification Register", "Line Status Register".
 */
#include "drivers/virt/uart8250.h"

#define REG_DATA	 0 /* RBR/THR, or DLL with DLAB */
#define REG_IER		 1 /* or DLM with DLAB */
#define REG_IIR		 2 /* read; FCR on write */
#define REG_LCR		 3
#define REG_MCR		 4
#define REG_LSR		 5
#define REG_MSR		 6
#define REG_SCR		 7
#define LCR_DLAB	 0x80
#define IER_RX_DATA	 0x01 /* ERBFI: received data available */
#define IER_THR_EMPTY	 0x02 /* ETBEI */
#define IER_LINE_STATUS	 0x04 /* ELSI: overrun and other errors */
#define IER_MASK	 0x0f
#define IIR_NO_INTERRUPT 0x01
#define IIR_THR_EMPTY	 0x02
#define IIR_RX_DATA	 0x04
#define IIR_LINE_STATUS	 0x06
#define IIR_FIFO_ENABLED 0xc0
#define FCR_CLEAR_RX	 0x02
#define LSR_DR		 0x01
#define LSR_OE		 0x02
#define LSR_THRE	 0x20
#define LSR_TEMT	 0x40
#define MSR_CTS_DSR_DCD	 0xb0
#define MCR_DTR		 0x01
#define MCR_RTS		 0x02
#define MCR_OUT1	 0x04
#define MCR_OUT2	 0x08 /* on a PC: connects the interrupt line */
#define MCR_LOOP	 0x10
#define MCR_MASK	 0x1f

void uart8250_init(struct uart8250 *u, void (*tx)(void *ctx, char c), void *ctx)
{
	*u = (struct uart8250){.tx = tx, .ctx = ctx};
}

void uart8250_set_irq(struct uart8250 *u, void (*irq)(void *, bool),
		      void *irq_ctx)
{
	u->irq = irq;
	u->irq_ctx = irq_ctx;
}

/* The highest-priority interrupt pending, as IIR encodes it. */
static uint8_t uart_pending(const struct uart8250 *u)
{
	if ((u->ier & IER_LINE_STATUS) && u->overrun)
		return IIR_LINE_STATUS;
	if ((u->ier & IER_RX_DATA) && u->rx_count)
		return IIR_RX_DATA;
	if ((u->ier & IER_THR_EMPTY) && u->thre_pending)
		return IIR_THR_EMPTY;
	return IIR_NO_INTERRUPT;
}

/* Tell the interrupt line when its level changes (u->lock held). */
static void uart_update_irq(struct uart8250 *u)
{
	bool level = uart_pending(u) != IIR_NO_INTERRUPT && (u->mcr & MCR_OUT2);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->irq)
		u->irq(u->irq_ctx, level);
}

void uart8250_reset(struct uart8250 *u)
{
	spin_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->dll = u->dlm = 0;
	u->rx_head = u->rx_count = 0;
	u->overrun = u->thre_pending = false;
	uart_update_irq(u);
	spin_unlock(&u->lock);
}

static bool rx_push_locked(struct uart8250 *u, uint8_t byte)
{
	if (u->rx_count == UART8250_FIFO_SIZE) {
		u->overrun = true;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count++) % UART8250_FIFO_SIZE] = byte;
	return true;
}

bool uart8250_rx_push(struct uart8250 *u, uint8_t byte)
{
	bool ok;

	spin_lock(&u->lock);
	ok = rx_push_locked(u, byte);
	uart_update_irq(u);
	spin_unlock(&u->lock);
	return ok;
}

unsigned uart8250_rx_room(struct uart8250 *u)
{
	unsigned room;

	spin_lock(&u->lock);
	room = UART8250_FIFO_SIZE - u->rx_count;
	spin_unlock(&u->lock);
	return room;
}

/* RBR: the oldest byte received, 0 when there is none. */
static uint8_t rx_pop(struct uart8250 *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART8250_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

/* Outside loopback a terminal is attached (CTS, DSR, DCD). In loopback
 * the modem outputs feed the inputs: CTS = RTS, DSR = DTR, RI = OUT1,
 * DCD = OUT2; probes (Xen's, Linux's off COM1-4) check MSR for this.
 * The delta bits stay 0: there is no modem-status interrupt. */
static uint8_t uart_msr(const struct uart8250 *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_CTS_DSR_DCD;
	return (uint8_t)((m & MCR_RTS) << 3 | (m & MCR_DTR) << 5 |
			 (m & MCR_OUT1) << 4 | (m & MCR_OUT2) << 4);
}

/* Reading LSR reports and clears the overrun. */
static uint8_t uart_lsr(struct uart8250 *u)
{
	uint8_t lsr = LSR_THRE | LSR_TEMT;

	if (u->rx_count)
		lsr |= LSR_DR;
	if (u->overrun)
		lsr |= LSR_OE;
	u->overrun = false;
	return lsr;
}

/* Reading IIR while it reports THR empty acknowledges that interrupt. */
static uint8_t uart_iir(struct uart8250 *u)
{
	uint8_t id = uart_pending(u);

	if (id == IIR_THR_EMPTY)
		u->thre_pending = false;
	return id | IIR_FIFO_ENABLED;
}

static uint8_t uart_read_locked(struct uart8250 *u, uint16_t offset)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_DATA: return dlab ? u->dll : rx_pop(u);
	case REG_IER: return dlab ? u->dlm : u->ier;
	case REG_IIR: return uart_iir(u);
	case REG_LCR: return u->lcr;
	case REG_MCR: return u->mcr;
	case REG_LSR: return uart_lsr(u);
	case REG_MSR: return uart_msr(u);
	default: return u->scr;
	}
}

static __attribute__((noinline)) uint8_t uart_read_slow(struct uart8250 *u,
							uint16_t offset)
{
	uint8_t v;

	spin_lock(&u->lock);
	v = uart_read_locked(u, offset);
	uart_update_irq(u);
	spin_unlock(&u->lock);
	return v;
}

static uint32_t uart_read(void *opaque, uint16_t offset, unsigned size)
{
	struct uart8250 *u = opaque;

	/* The read every guest makes before each byte it sends: with
	 * nothing received and no overrun it changes nothing, so it takes
	 * no lock (a byte pushed meanwhile is seen at the next read, as if
	 * it had arrived a moment later). */
	if (offset == REG_LSR &&
	    !__atomic_load_n(&u->rx_count, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&u->overrun, __ATOMIC_RELAXED))
		return LSR_THRE | LSR_TEMT;
	return uart_read_slow(u, offset);
}

/* THR: the byte leaves at once (to tx, or in loopback to our own
 * receiver), so THR is empty again and, with ETBEI, says so. Returns
 * whether the byte goes to tx. */
static bool uart_thr(struct uart8250 *u, uint8_t v)
{
	u->thre_pending = true;
	if (u->mcr & MCR_LOOP) {
		rx_push_locked(u, v);
		return false;
	}
	return u->tx != NULL;
}

static void uart_ier(struct uart8250 *u, uint8_t v)
{
	/* Enabling ETBEI with THR empty raises the interrupt at once. */
	if ((v & IER_THR_EMPTY) && !(u->ier & IER_THR_EMPTY))
		u->thre_pending = true;
	u->ier = v & IER_MASK;
}

/* Returns whether v goes to tx (done by the caller, unlocked). */
static bool uart_write_locked(struct uart8250 *u, uint16_t offset, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (offset) {
	case REG_DATA:
		if (!dlab)
			return uart_thr(u, v);
		u->dll = v;
		break;
	case REG_IER:
		if (dlab)
			u->dlm = v;
		else
			uart_ier(u, v);
		break;
	case REG_IIR: /* FCR: the FIFOs are always on; clear on request */
		if (v & FCR_CLEAR_RX)
			u->rx_head = u->rx_count = 0;
		break;
	case REG_LCR: u->lcr = v; break;
	case REG_MCR: u->mcr = v & MCR_MASK; break;
	case REG_SCR: u->scr = v; break;
	default: break; /* LSR, MSR: read-only */
	}
	return false;
}

static void uart_write(void *opaque, uint16_t offset, unsigned size,
		       uint32_t value)
{
	struct uart8250 *u = opaque;
	bool send;

	spin_lock(&u->lock);
	send = uart_write_locked(u, offset, (uint8_t)value);
	uart_update_irq(u);
	spin_unlock(&u->lock);
	if (send)
		u->tx(u->ctx, (char)value);
}

struct port_device uart8250_device(struct uart8250 *u, uint16_t base)
{
	return (struct port_device){.name = "uart8250",
				    .base = base,
				    .count = 8,
				    .read = uart_read,
				    .write = uart_write,
				    .opaque = u};
}
