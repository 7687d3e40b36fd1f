/*
 * boot/multiboot2/mb2_main.c - the C side of the GRUB entry: check the
 * magic, turn the Multiboot2 information into struct boot_info and enter
 * the kernel. Runs once on the boot CPU, interrupts off, 64-bit mode with
 * the first 4 GiB identity-mapped by entry.S.
 */
#define LOG_PREFIX "multiboot2: "
#include "boot/multiboot2/mb2.h"
#include "drivers/hw/uart.h"
#include "kernel/console.h"
#include "kernel/power.h"
#include "lib/log.h"

void kernel_main(const struct boot_info *bi);
void mb2_main(uint32_t magic, uint32_t info);

static struct boot_info mb2_boot_info;

void mb2_main(uint32_t magic, uint32_t info)
{
	char err[128];

	if (magic != MB2_BOOTLOADER_MAGIC || !info) {
		console_init();
		uart_init(UART_COM1);
		console_add_sink(uart_write);
		fatal("not started by a Multiboot2 loader (EAX 0x%x); "
		      "boot hv.elf with GRUB's multiboot2 command",
		      magic);
	}
	if (mb2_parse((const void *)(uintptr_t)info, MB2_INFO_MAX_SIZE,
		      &mb2_boot_info, err, sizeof(err))) {
		console_init();
		uart_init(UART_COM1);
		console_add_sink(uart_write);
		fatal("the Multiboot2 boot information is damaged: %s", err);
	}
	kernel_main(&mb2_boot_info);
}
