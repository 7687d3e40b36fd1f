/*
 * lib/hexdigit.h - the value of one hexadecimal digit, for the parsers
 * of text a configuration names (PCI bus:device.function, MAC
 * addresses). Pure logic, any context; host-tested in
 * tests/unit/test_hexdigit.c.
 * ISO C "Character handling": the digits 0-9 and the letters a-f, A-F
 * (as isxdigit), here without the C library the kernel does not have.
 */
#ifndef LIB_HEXDIGIT_H
#define LIB_HEXDIGIT_H

#define HEX_DIGIT_LETTER_BASE 10 /* the value of 'a' and 'A' */

/* 0 to 15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for any other char. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + HEX_DIGIT_LETTER_BASE;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + HEX_DIGIT_LETTER_BASE;
	return -1;
}

#endif
