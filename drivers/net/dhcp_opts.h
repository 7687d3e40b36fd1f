/*
 * drivers/net/dhcp_opts.h - walking the options of a DHCP message: the
 * one loop the NAT's DHCP server (nat_dhcp.c) and the uplink's DHCP
 * client (dhcp_client.c) share.
 * Pure logic, any context; the bytes are an outside or a guest's
 * message, so every length is checked.
 * RFC 2132 "BOOTP Extension/DHCP Option Field Format": pad, end, or
 * code, length, value.
 */
#ifndef DRIVERS_NET_DHCP_OPTS_H
#define DRIVERS_NET_DHCP_OPTS_H

#include "drivers/net/inet.h"

/* Call fn for each option of the message b[0..len) (from
 * DHCP_OPTIONS_OFF, up to the end option); false when an option runs
 * past the end of the message. */
static inline bool dhcp_options_each(const uint8_t *b, size_t len,
				     void (*fn)(void *ctx, uint8_t code,
						const uint8_t *v, uint8_t n),
				     void *ctx)
{
	size_t i = DHCP_OPTIONS_OFF;

	while (i < len && b[i] != DHCP_OPT_END) {
		if (b[i] == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return false;
		fn(ctx, b[i], b + i + 2, b[i + 1]);
		i += 2 + b[i + 1];
	}
	return true;
}

#endif
