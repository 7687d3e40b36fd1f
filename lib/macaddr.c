/*
 * lib/macaddr.c - parsing, printing and deriving MAC addresses.
 * Pure logic, any context (see lib/macaddr.h).
 * IEEE 802 "48-bit universal LAN MAC addresses"; the hash is FNV-1a
 * (Fowler, Noll, Vo), 64-bit variant.
 */
#include "lib/fmt.h"
#include "lib/hexdigit.h"
#include "lib/macaddr.h"
#include "lib/string.h"

#define FNV64_OFFSET_BASIS 0xcbf29ce484222325ULL
#define FNV64_PRIME	   0x100000001b3ULL

/* The first octet of a derived address: locally administered, unicast. */
#define MAC_DERIVED_FIRST MAC_LOCAL_BIT

bool mac_is_broadcast(const struct mac_addr *m)
{
	for (unsigned i = 0; i < MAC_ADDR_LEN; i++)
		if (m->b[i] != 0xff)
			return false;
	return true;
}

bool mac_is_zero(const struct mac_addr *m)
{
	for (unsigned i = 0; i < MAC_ADDR_LEN; i++)
		if (m->b[i])
			return false;
	return true;
}

bool mac_equal(const struct mac_addr *a, const struct mac_addr *b)
{
	return memcmp(a->b, b->b, MAC_ADDR_LEN) == 0;
}

/* "xx:xx:xx:xx:xx:xx" exactly: 0, or -1. */
static int parse_octets(const char *s, struct mac_addr *out)
{
	for (unsigned i = 0; i < MAC_ADDR_LEN; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0)
			return -1;
		out->b[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i + 1 < MAC_ADDR_LEN && *s++ != ':')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

int mac_parse(const char *s, struct mac_addr *out, const char **why)
{
	struct mac_addr m;

	if (parse_octets(s, &m)) {
		*why = "is not six two-digit hexadecimal octets separated by "
		       "':'";
		return -1;
	}
	if (mac_is_multicast(&m)) {
		*why = mac_is_broadcast(&m)
			       ? "is the broadcast address"
			       : "is a multicast address (low bit of the first "
				 "octet set)";
		return -1;
	}
	if (mac_is_zero(&m)) {
		*why = "is the all-zero address";
		return -1;
	}
	*out = m;
	return 0;
}

void mac_format(const struct mac_addr *m, char *buf, size_t size)
{
	fmt_snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0],
		     m->b[1], m->b[2], m->b[3], m->b[4], m->b[5]);
}

struct mac_addr mac_from_name(const char *name)
{
	uint64_t h = FNV64_OFFSET_BASIS;
	struct mac_addr m;

	for (const char *c = name; *c; c++) {
		h ^= (uint8_t)*c;
		h *= FNV64_PRIME;
	}
	m.b[0] = MAC_DERIVED_FIRST;
	for (unsigned i = 1; i < MAC_ADDR_LEN; i++)
		m.b[i] = (uint8_t)(h >> (8 * (i - 1)));
	return m;
}
