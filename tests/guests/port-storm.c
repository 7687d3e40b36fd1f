/*
 * tests/guests/port-storm.c - many IN and OUT to ports no device claims
 * (byte, word and dword: reads must give all ones, as on a PC), then
 * REP INSB / REP OUTSB / REP INSD with a large count whose buffer runs
 * from 4 KiB below the end of RAM to far beyond it. The hypervisor must
 * keep the bytes within the VM's RAM (or stop this VM), never write past
 * it. Multiboot2 guest (docs/guests.md).
 */
#include "tests/guests/lib/guest.h"

const char guest_name[] = "port-storm";

#define FIRST_PORT 0x2000 /* 0x2000-0x20ff: nothing on a PC or in a VM */
#define NPORTS	   256
#define REP_COUNT  0x40000u /* 256 KiB: 252 KiB of it beyond RAM */
#define IN_RAM	   4096u

static unsigned single_ports(void)
{
	unsigned bad = 0;

	for (uint32_t p = FIRST_PORT; p < FIRST_PORT + NPORTS; p++) {
		outb(p, 0x5a);
		outw(p, 0xa55a);
		outl(p, 0xdeadbeef);
		bad += inb(p) != 0xff;
		bad += inw(p) != 0xffff;
		bad += inl(p) != 0xffffffff;
	}
	gprintf("port-storm: %u single IN/OUT, %u reads not all ones\n",
		NPORTS * 6, bad);
	return bad;
}

static unsigned rep_ins_outs(uint32_t buf)
{
	uint32_t n = REP_COUNT, dst = buf, src = buf;
	unsigned bad = 0;

	__asm__ volatile("cld; rep insb"
			 : "+D"(dst), "+c"(n)
			 : "d"(FIRST_PORT)
			 : "memory");
	gprintf("port-storm: rep insb of 0x%x bytes at 0x%08x done\n",
		REP_COUNT, buf);
	for (uint32_t a = buf; a < buf + IN_RAM; a++)
		bad += *(volatile uint8_t *)a != 0xff;
	n = REP_COUNT;
	__asm__ volatile("cld; rep outsb"
			 : "+S"(src), "+c"(n)
			 : "d"(FIRST_PORT)
			 : "memory");
	gprintf("port-storm: rep outsb of 0x%x bytes done\n", REP_COUNT);
	n = REP_COUNT / 4;
	dst = buf;
	__asm__ volatile("cld; rep insl"
			 : "+D"(dst), "+c"(n)
			 : "d"(FIRST_PORT)
			 : "memory");
	gprintf("port-storm: rep insl of 0x%x dwords done\n", REP_COUNT / 4);
	for (uint32_t a = buf; a < buf + IN_RAM; a += 4)
		bad += peek32(a) != 0xffffffff;
	gprintf("port-storm: %u bytes in RAM not all ones\n", bad);
	return bad;
}

int main(uint32_t magic, uint32_t info)
{
	struct mb2_view v;
	unsigned bad;

	gprintf("port-storm: starting\n");
	idt_install();
	if (mb2_view(magic, info, &v))
		return 1;
	bad = single_ports();
	bad += rep_ins_outs((uint32_t)v.ram_end - IN_RAM);
	if (bad) {
		gprintf("port-storm: FAILED\n");
		return 1;
	}
	gprintf("port-storm: done\n");
	return 0;
}
