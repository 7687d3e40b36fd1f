/*
 * boot/efi/report.c - the loader's messages: every line goes to the UEFI
 * console (ConOut); errors also go straight to COM1, so a serial log
 * shows them even where the firmware's console is not on the serial
 * port. Runs with boot services, boot CPU.
 * UEFI Specification, "Simple Text Output Protocol".
 */
#include <stdarg.h>
#include "arch/x86_64/cpu.h"
#include "boot/efi/loader.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define COM1	     0x3f8
#define COM1_LSR     (COM1 + 5)
#define LSR_THRE     0x20
#define COM1_SPIN    100000 /* polls before giving up on a missing UART */
#define MESSAGE_SIZE 256

/* Polls LSR.THRE before each byte: emulated UARTs drop early bytes. An
 * absent UART reads 0xff, which passes; a stuck one is given up on. */
static void com1_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_write("\r");
		for (int i = 0; i < COM1_SPIN; i++)
			if (inb(COM1_LSR) & LSR_THRE)
				break;
		outb(COM1, (uint8_t)*s);
	}
}

/* ConOut takes UCS-2 text and needs "\r\n" for a new line. */
static void conout_write(struct loader *ld, const char *s)
{
	CHAR16 buf[64];
	UINTN n = 0;

	for (; *s; s++) {
		if (n + 3 > ARRAY_SIZE(buf)) {
			buf[n] = 0;
			ld->st->ConOut->OutputString(ld->st->ConOut, buf);
			n = 0;
		}
		if (*s == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)*s;
	}
	buf[n] = 0;
	ld->st->ConOut->OutputString(ld->st->ConOut, buf);
}

static void format_line(char *line, const char *fmt, va_list ap)
{
	int n = fmt_snprintf(line, MESSAGE_SIZE, "%s: ", LOADER_NAME);

	fmt_vsnprintf(line + n, MESSAGE_SIZE - n - 1, fmt, ap);
	n += (int)strnlen(line + n, MESSAGE_SIZE - n - 1);
	line[n++] = '\n';
	line[n] = '\0';
}

void loader_say(struct loader *ld, const char *fmt, ...)
{
	char line[MESSAGE_SIZE + 1];
	va_list ap;

	va_start(ap, fmt);
	format_line(line, fmt, ap);
	va_end(ap);
	conout_write(ld, line);
}

EFI_STATUS loader_fail(struct loader *ld, EFI_STATUS status, const char *fmt,
		       ...)
{
	char line[MESSAGE_SIZE + 1];
	va_list ap;

	va_start(ap, fmt);
	format_line(line, fmt, ap);
	va_end(ap);
	conout_write(ld, line);
	com1_write(line);
	return status;
}

const char *loader_status_name(EFI_STATUS status)
{
	static const struct {
		EFI_STATUS status;
		const char *name;
	} names[] = {
		{EFI_SUCCESS, "EFI_SUCCESS"},
		{EFI_LOAD_ERROR, "EFI_LOAD_ERROR"},
		{EFI_INVALID_PARAMETER, "EFI_INVALID_PARAMETER"},
		{EFI_UNSUPPORTED, "EFI_UNSUPPORTED"},
		{EFI_BUFFER_TOO_SMALL, "EFI_BUFFER_TOO_SMALL"},
		{EFI_DEVICE_ERROR, "EFI_DEVICE_ERROR"},
		{EFI_OUT_OF_RESOURCES, "EFI_OUT_OF_RESOURCES"},
		{EFI_VOLUME_CORRUPTED, "EFI_VOLUME_CORRUPTED"},
		{EFI_NOT_FOUND, "EFI_NOT_FOUND"},
		{EFI_ACCESS_DENIED, "EFI_ACCESS_DENIED"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].status == status)
			return names[i].name;
	return "an EFI error";
}
