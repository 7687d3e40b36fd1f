/*
 * kernel/disk_spec.c - parsing a VM's `disk` value into struct
 * disk_spec. Pure logic; see kernel/disk_spec.h.
 */
#include "kernel/disk_spec.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define WORD_MAX 4 /* SOURCE and at most three options */

struct word {
	const char *p;
	size_t n;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool word_is(struct word w, const char *s)
{
	return w.n == strlen(s) && memcmp(w.p, s, w.n) == 0;
}

/* Split at blanks; -1 when there are more than max words. */
static int split(const char *v, struct word *w, unsigned max, unsigned *count)
{
	unsigned n = 0;

	while (*v) {
		const char *s;

		while (is_blank(*v))
			v++;
		if (!*v)
			break;
		if (n == max)
			return -1;
		for (s = v; *v && !is_blank(*v); v++)
			;
		w[n++] = (struct word){s, (size_t)(v - s)};
	}
	*count = n;
	return 0;
}

/* Decimal digits at *p, no overflow; advances *p. */
static int take_number(const char **p, const char *end, uint64_t *out)
{
	uint64_t n = 0;
	const char *s = *p;

	if (s == end || !is_digit(*s))
		return -1;
	for (; s < end && is_digit(*s); s++) {
		uint64_t digit = (uint64_t)(*s - '0');

		if (n > (UINT64_MAX - digit) / 10)
			return -1;
		n = n * 10 + digit;
	}
	*p = s;
	*out = n;
	return 0;
}

/* Does [s, end) start with word? Then *s moves past it. */
static bool take_word(const char **s, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *s) < n || memcmp(*s, word, n))
		return false;
	*s += n;
	return true;
}

/* "ataN-master", "ataN-slave" (the IDE driver's names) or "ahciN-portP"
 * (the AHCI driver's) at the start of w: its length, or 0. */
static size_t host_name_len(struct word w)
{
	const char *end = w.p + w.n, *s = w.p;
	uint64_t n;

	if (take_word(&s, end, "ahci")) {
		if (take_number(&s, end, &n) || !take_word(&s, end, "-port") ||
		    take_number(&s, end, &n))
			return 0;
		return (size_t)(s - w.p);
	}
	if (!take_word(&s, end, "ata") || take_number(&s, end, &n))
		return 0;
	if (take_word(&s, end, "-master") || take_word(&s, end, "-slave"))
		return (size_t)(s - w.p);
	return 0;
}

/* ":pK" or "@F+C" after a host disk's name. */
static int parse_area(const char *s, const char *end, struct disk_spec *d,
		      char *why, size_t why_len)
{
	uint64_t k;

	if (s == end)
		return 0;
	if (end - s >= 2 && s[0] == ':' && s[1] == 'p') {
		s += 2;
		if (take_number(&s, end, &k) || s != end || k < 1 ||
		    k > DISK_SPEC_PART_MAX)
			return fmt_fail(why, why_len,
					"names no MBR primary partition "
					"(:p1 to :p%u)",
					DISK_SPEC_PART_MAX);
		d->area = DISK_PARTITION;
		d->partition = (unsigned)k;
		return 0;
	}
	if (s[0] == '@') {
		s++;
		if (take_number(&s, end, &d->first) || s == end || *s != '+')
			return fmt_fail(why, why_len,
					"has an extent that is not "
					"@FIRST+COUNT (in sectors)");
		s++;
		if (take_number(&s, end, &d->sectors) || s != end)
			return fmt_fail(why, why_len,
					"has an extent that is not "
					"@FIRST+COUNT (in sectors)");
		if (d->sectors == 0)
			return fmt_fail(why, why_len,
					"has an extent of 0 sectors");
		if (d->first > UINT64_MAX - d->sectors)
			return fmt_fail(why, why_len,
					"has an extent past any disk's end");
		d->area = DISK_EXTENT;
		return 0;
	}
	return fmt_fail(why, why_len,
			"has \"%.*s\" after the host disk's name; expected "
			":pK (a partition) or @FIRST+COUNT (an extent)",
			(int)MIN((size_t)(end - s), (size_t)24), s);
}

static int parse_source(struct word w, struct disk_spec *d, char *why,
			size_t why_len)
{
	size_t host = host_name_len(w);

	if (w.n >= BOOT_NAME_MAX)
		return fmt_fail(why, why_len,
				"names a source longer than %u characters",
				BOOT_NAME_MAX - 1);
	if (!host) {
		d->source = DISK_MODULE;
		memcpy(d->name, w.p, w.n);
		d->name[w.n] = '\0';
		return 0;
	}
	if (host >= DISK_SPEC_HOST_MAX)
		return fmt_fail(why, why_len, "names no host disk");
	d->source = DISK_HOST;
	memcpy(d->name, w.p, host);
	d->name[host] = '\0';
	return parse_area(w.p + host, w.p + w.n, d, why, why_len);
}

static int parse_option(struct word w, struct disk_spec *d, unsigned *seen,
			char *why, size_t why_len)
{
	static const char *const names[] = {"raw", "thin", "ro", "shared"};
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (word_is(w, names[i]))
			break;
	if (i == ARRAY_SIZE(names))
		return fmt_fail(why, why_len,
				"has option \"%.*s\"; the options are raw, "
				"thin, ro and shared",
				(int)MIN(w.n, (size_t)24), w.p);
	if (*seen & (BIT(i) | (i < 2 ? 3u : 0)))
		return fmt_fail(why, why_len,
				i < 2 ? "gives the format twice (raw or thin)"
				      : "gives option %s twice",
				names[i]);
	*seen |= BIT(i);
	d->thin |= i == 1;
	d->read_only |= i == 2;
	d->shared |= i == 3;
	return 0;
}

int disk_spec_parse(const char *value, struct disk_spec *d, char *why,
		    size_t why_len)
{
	struct word w[WORD_MAX];
	unsigned count, seen = 0;

	*d = (struct disk_spec){0};
	if (split(value, w, WORD_MAX, &count))
		return fmt_fail(why, why_len,
				"has more than a source and three options");
	if (count == 0)
		return fmt_fail(why, why_len, "is empty");
	if (parse_source(w[0], d, why, why_len))
		return -1;
	for (unsigned i = 1; i < count; i++)
		if (parse_option(w[i], d, &seen, why, why_len))
			return -1;
	if (d->thin && d->source == DISK_MODULE)
		return fmt_fail(why, why_len,
				"is a boot module with option thin; a thin "
				"image must be on a host disk (a module is "
				"a raw RAM image)");
	return 0;
}

void disk_spec_source(const struct disk_spec *d, char *buf, size_t len)
{
	switch (d->area) {
	case DISK_PARTITION:
		fmt_snprintf(buf, len, "%s:p%u", d->name, d->partition);
		return;
	case DISK_EXTENT:
		fmt_snprintf(buf, len, "%s@%llu+%llu", d->name,
			     (unsigned long long)d->first,
			     (unsigned long long)d->sectors);
		return;
	case DISK_WHOLE: break;
	}
	fmt_snprintf(buf, len, "%s", d->name);
}

bool disk_spec_same_host(const struct disk_spec *a, const struct disk_spec *b)
{
	return a->source == DISK_HOST && b->source == DISK_HOST &&
	       strcmp(a->name, b->name) == 0;
}
