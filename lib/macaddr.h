/*
 * lib/macaddr.h - Ethernet MAC addresses: the kinds (unicast,
 * multicast, broadcast, locally administered), parsing the text form
 * "52:54:00:12:34:56" a configuration names, printing it, and deriving
 * a stable locally administered address from a VM's name.
 * Pure logic, any context: the configuration parser (kernel/) and the
 * virtual switch (drivers/net/) both use it, which is why it lives in
 * lib/ rather than in drivers/net/.
 * IEEE 802 "Overview and Architecture", "48-bit universal LAN MAC
 * addresses" (the I/G and U/L bits of the first octet).
 */
#ifndef LIB_MACADDR_H
#define LIB_MACADDR_H

#include "lib/types.h"

#define MAC_ADDR_LEN 6
#define MAC_STR_SIZE 18 /* "xx:xx:xx:xx:xx:xx" and its NUL */

/* The first octet's two low bits. */
#define MAC_GROUP_BIT BIT(0) /* I/G: multicast (and broadcast) */
#define MAC_LOCAL_BIT BIT(1) /* U/L: locally administered */

struct mac_addr {
	uint8_t b[MAC_ADDR_LEN];
};

static inline bool mac_is_multicast(const struct mac_addr *m)
{
	return m->b[0] & MAC_GROUP_BIT;
}

bool mac_is_broadcast(const struct mac_addr *m);
bool mac_is_zero(const struct mac_addr *m);
bool mac_equal(const struct mac_addr *a, const struct mac_addr *b);

/*
 * Six two-digit hexadecimal octets separated by ':' (either case), a
 * unicast address that is not all zeros. 0, or -1 with *why saying
 * what is wrong ("is not six hexadecimal octets separated by ':'",
 * "is a multicast address (low bit of the first octet set)", ...).
 */
int mac_parse(const char *s, struct mac_addr *out, const char **why);

/* "52:54:00:12:34:56" into buf (at least MAC_STR_SIZE bytes). */
void mac_format(const struct mac_addr *m, char *buf, size_t size);

/*
 * A locally administered unicast address from a name: 02 followed by
 * five octets of the name's 64-bit FNV-1a hash. The same name always
 * gives the same address, so a VM keeps its MAC across reboots of the
 * hypervisor; two names collide with a chance of 1 in 2^40.
 */
struct mac_addr mac_from_name(const char *name);

#endif
