/*
 * drivers/virt/i8042.c - register model of the 8042 keyboard controller
 * with no keyboard or mouse attached.
 * Pure logic, run in I/O exits; unit-tested on the host.
 * IBM PC/AT Technical Reference, "Keyboard Controller".
 */
#include "drivers/virt/i8042.h"

/* Status register */
#define STS_OBF	    BIT(0) /* output buffer full: data for the CPU */
#define STS_IBF	    BIT(1) /* never set: we take every byte at once */
#define STS_SYS	    BIT(2) /* the command byte's system flag */
#define STS_CMD	    BIT(3) /* the last byte written was a command */
#define STS_UNLOCK  BIT(4) /* keyboard not inhibited */
#define STS_AUXDATA BIT(5)
#define STS_TIMEOUT BIT(6)

/* Command byte */
#define CTR_KBDINT  BIT(0)
#define CTR_AUXINT  BIT(1)
#define CTR_SYSFLAG BIT(2)
#define CTR_KBDDIS  BIT(4)
#define CTR_AUXDIS  BIT(5)
#define CTR_XLATE   BIT(6)
#define CTR_DEFAULT (CTR_KBDINT | CTR_SYSFLAG | CTR_AUXDIS | CTR_XLATE)

/* Output port */
#define OUT_RESET_LINE BIT(0) /* 0 holds the CPU in reset */
#define OUT_A20	       BIT(1)

/* Commands */
#define CMD_READ_CTR	 0x20
#define CMD_WRITE_CTR	 0x60
#define CMD_AUX_DISABLE	 0xa7
#define CMD_AUX_ENABLE	 0xa8
#define CMD_AUX_TEST	 0xa9
#define CMD_SELF_TEST	 0xaa
#define CMD_KBD_TEST	 0xab
#define CMD_KBD_DISABLE	 0xad
#define CMD_KBD_ENABLE	 0xae
#define CMD_READ_INPUT	 0xc0
#define CMD_READ_OUTPUT	 0xd0
#define CMD_WRITE_OUTPUT 0xd1
#define CMD_KBD_LOOP	 0xd2
#define CMD_AUX_LOOP	 0xd3
#define CMD_AUX_SEND	 0xd4
#define CMD_READ_TEST	 0xe0
#define CMD_PULSE	 0xf0 /* 0xf0-0xff: low nibble 0 bits pulse */
#define CMD_PULSE_MASK	 0xf0
#define SELF_TEST_OK	 0x55
#define PORT_TEST_OK	 0x00
#define PORT_CLOCK_LOW	 0x01
#define DEVICE_NO_ANSWER 0xfe

void i8042_init(struct i8042 *k, const struct i8042_ops *ops)
{
	*k = (struct i8042){.ops = *ops};
	i8042_reset(k);
}

static void i8042_update_irq(struct i8042 *k)
{
	bool level = (k->status & STS_OBF) && !(k->status & STS_AUXDATA) &&
		     (k->ctr & CTR_KBDINT);

	if (level == k->irq)
		return;
	k->irq = level;
	if (k->ops.irq)
		k->ops.irq(k->ops.ctx, level);
}

void i8042_reset(struct i8042 *k)
{
	k->ctr = CTR_DEFAULT;
	k->status = STS_UNLOCK;
	k->out = 0;
	k->pending = 0;
	k->output_port = OUT_RESET_LINE | OUT_A20;
	i8042_update_irq(k);
}

/* A byte for the CPU, with its status flags (AUXDATA, TIMEOUT). */
static void i8042_output(struct i8042 *k, uint8_t byte, uint8_t flags)
{
	k->out = byte;
	k->status = (uint8_t)((k->status & ~(STS_AUXDATA | STS_TIMEOUT)) |
			      STS_OBF | flags);
	i8042_update_irq(k);
}

static void i8042_pulse_reset(struct i8042 *k, const char *how)
{
	if (k->ops.reset)
		k->ops.reset(k->ops.ctx, how);
}

/* A command with no data byte after it. */
static void i8042_command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_CTR: i8042_output(k, k->ctr, 0); break;
	case CMD_AUX_DISABLE: k->ctr |= CTR_AUXDIS; break;
	case CMD_AUX_ENABLE: k->ctr &= (uint8_t)~CTR_AUXDIS; break;
	case CMD_AUX_TEST: i8042_output(k, PORT_CLOCK_LOW, 0); break;
	case CMD_SELF_TEST: i8042_output(k, SELF_TEST_OK, 0); break;
	case CMD_KBD_TEST: i8042_output(k, PORT_TEST_OK, 0); break;
	case CMD_KBD_DISABLE: k->ctr |= CTR_KBDDIS; break;
	case CMD_KBD_ENABLE: k->ctr &= (uint8_t)~CTR_KBDDIS; break;
	case CMD_READ_INPUT:
	case CMD_READ_TEST: i8042_output(k, 0, 0); break;
	case CMD_READ_OUTPUT: i8042_output(k, k->output_port, 0); break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPUT:
	case CMD_KBD_LOOP:
	case CMD_AUX_LOOP:
	case CMD_AUX_SEND: k->pending = cmd; break;
	default:
		if ((cmd & CMD_PULSE_MASK) == CMD_PULSE) {
			if (!(cmd & OUT_RESET_LINE))
				i8042_pulse_reset(
					k, "keyboard controller command 0xfe");
			break;
		}
		k->unknown_commands++;
		break;
	}
}

/* A data byte: the argument of a pending command, or for the keyboard. */
static void i8042_data(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		k->ctr = v;
		k->status = (uint8_t)((k->status & ~STS_SYS) |
				      (v & CTR_SYSFLAG ? STS_SYS : 0));
		i8042_update_irq(k);
		break;
	case CMD_WRITE_OUTPUT:
		k->output_port = v;
		if (!(v & OUT_RESET_LINE))
			i8042_pulse_reset(k, "keyboard controller output port");
		break;
	case CMD_KBD_LOOP:
	case CMD_AUX_LOOP: i8042_output(k, v, 0); break;
	case CMD_AUX_SEND: /* to the mouse: not there */
		i8042_output(k, DEVICE_NO_ANSWER, STS_AUXDATA | STS_TIMEOUT);
		break;
	default: /* to the keyboard: not there */
		i8042_output(k, DEVICE_NO_ANSWER, STS_TIMEOUT);
		break;
	}
}

static uint32_t data_read(void *opaque, uint16_t offset, unsigned size)
{
	struct i8042 *k = opaque;

	k->status &= (uint8_t)~STS_OBF; /* the byte stays readable */
	i8042_update_irq(k);
	return k->out;
}

static void data_write(void *opaque, uint16_t offset, unsigned size,
		       uint32_t value)
{
	struct i8042 *k = opaque;

	k->status &= (uint8_t)~STS_CMD;
	i8042_data(k, (uint8_t)value);
}

static uint32_t cmd_read(void *opaque, uint16_t offset, unsigned size)
{
	struct i8042 *k = opaque;

	return k->status | (k->ctr & CTR_SYSFLAG ? STS_SYS : 0);
}

static void cmd_write(void *opaque, uint16_t offset, unsigned size,
		      uint32_t value)
{
	struct i8042 *k = opaque;

	k->status |= STS_CMD;
	k->pending = 0; /* a new command cancels one waiting for data */
	i8042_command(k, (uint8_t)value);
}

struct port_device i8042_data_device(struct i8042 *k, uint16_t port)
{
	return (struct port_device){.name = "i8042-data",
				    .base = port,
				    .count = 1,
				    .read = data_read,
				    .write = data_write,
				    .opaque = k};
}

struct port_device i8042_cmd_device(struct i8042 *k, uint16_t port)
{
	return (struct port_device){.name = "i8042-cmd",
				    .base = port,
				    .count = 1,
				    .read = cmd_read,
				    .write = cmd_write,
				    .opaque = k};
}
