/*
 * lib/fmt.c - printf-style formatting into a bounded buffer.
 * Any context; no allocation, no locks. Built for the kernel and the host.
 */
#include "lib/fmt.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* characters the full output has so far */
};

struct spec {
	bool left; /* '-' flag */
	bool zero; /* '0' flag */
	int width;
	int precision; /* -1: none */
	int length; /* 0 int, 1 long, 2 long long, 3 size_t, -1 short, -2 char */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void out_str(struct out *o, const struct spec *s, const char *str)
{
	int n = 0;

	if (!str)
		str = "(null)";
	/* With a precision, str need not be terminated: never read a byte
	 * past it (C11 7.21.6.1, the s conversion). */
	while ((s->precision < 0 || n < s->precision) && str[n])
		n++;
	if (!s->left)
		out_pad(o, ' ', s->width - n);
	for (int i = 0; i < n; i++)
		out_char(o, str[i]);
	if (s->left)
		out_pad(o, ' ', s->width - n);
}

static void out_num(struct out *o, const struct spec *s, uint64_t v,
		    unsigned base, bool upper, bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int total = n + (negative ? 1 : 0);

	if (s->left) {
		if (negative)
			out_char(o, '-');
		while (n)
			out_char(o, tmp[--n]);
		out_pad(o, ' ', s->width - total);
		return;
	}
	if (s->zero) {
		if (negative)
			out_char(o, '-');
		out_pad(o, '0', s->width - total);
	} else {
		out_pad(o, ' ', s->width - total);
		if (negative)
			out_char(o, '-');
	}
	while (n)
		out_char(o, tmp[--n]);
}

static const char *parse_spec(const char *p, struct spec *s, va_list *ap)
{
	*s = (struct spec){.precision = -1};
	for (;; p++) {
		if (*p == '-')
			s->left = true;
		else if (*p == '0')
			s->zero = true;
		else
			break;
	}
	if (*p == '*') {
		s->width = va_arg(*ap, int);
		p++;
	}
	while (*p >= '0' && *p <= '9')
		s->width = s->width * 10 + (*p++ - '0');
	if (*p == '.') {
		p++;
		s->precision = 0;
		if (*p == '*') {
			s->precision = va_arg(*ap, int);
			p++;
		}
		while (*p >= '0' && *p <= '9')
			s->precision = s->precision * 10 + (*p++ - '0');
	}
	for (;; p++) {
		if (*p == 'l')
			s->length = s->length == 1 ? 2 : 1;
		else if (*p == 'z')
			s->length = 3;
		else if (*p == 'h')
			s->length = s->length == -1 ? -2 : -1;
		else
			break;
	}
	return p;
}

static uint64_t arg_unsigned(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	case 3: return va_arg(*ap, size_t);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(const struct spec *s, va_list *ap)
{
	switch (s->length) {
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	case 3: return (int64_t)va_arg(*ap, size_t);
	case -1: return (short)va_arg(*ap, int);
	case -2: return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

static void out_conversion(struct out *o, struct spec *s, char conv,
			   va_list *ap)
{
	int64_t sv;

	switch (conv) {
	case 'd':
	case 'i':
		sv = arg_signed(s, ap);
		out_num(o, s, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, 10, false,
			sv < 0);
		break;
	case 'u': out_num(o, s, arg_unsigned(s, ap), 10, false, false); break;
	case 'x':
	case 'X':
		out_num(o, s, arg_unsigned(s, ap), 16, conv == 'X', false);
		break;
	case 'p':
		out_char(o, '0');
		out_char(o, 'x');
		s->length = 1;
		out_num(o, s, arg_unsigned(s, ap), 16, false, false);
		break;
	case 's': out_str(o, s, va_arg(*ap, const char *)); break;
	case 'c':
		out_pad(o, ' ', s->left ? 0 : s->width - 1);
		out_char(o, (char)va_arg(*ap, int));
		out_pad(o, ' ', s->left ? s->width - 1 : 0);
		break;
	case '%': out_char(o, '%'); break;
	default: /* unknown conversion: print it as it stands */
		out_char(o, '%');
		if (conv)
			out_char(o, conv);
		break;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size};
	struct spec s;
	va_list args;

	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_char(&o, *p);
			continue;
		}
		p = parse_spec(p + 1, &s, &args);
		out_conversion(&o, &s, *p, &args);
		if (!*p)
			break;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int fmt_fail(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return -1;
}
