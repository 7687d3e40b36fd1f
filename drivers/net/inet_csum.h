/*
 * drivers/net/inet_csum.h - the Internet checksum: the one's-complement
 * sum of 16-bit words that IPv4, ICMP, UDP and TCP carry, computed over
 * bytes and updated in place when a field changes.
 * Pure logic, any context; used by the NAT (drivers/net/nat*.c).
 * RFC 1071 "Computing the Internet Checksum", RFC 1624 "Computation of
 * the Internet Checksum via Incremental Update".
 */
#ifndef DRIVERS_NET_INET_CSUM_H
#define DRIVERS_NET_INET_CSUM_H

#include "lib/types.h"

/* Add len bytes (big-endian words, an odd last byte padded with zero)
 * to a running 32-bit sum; start with 0. */
uint32_t inet_csum_add(uint32_t sum, const uint8_t *p, size_t len);

/* Fold a running sum to 16 bits and complement it: the value to store
 * in a checksum field (or, over data that includes its checksum, 0
 * when the checksum is right). */
uint16_t inet_csum_fold(uint32_t sum);

/* The checksum of len bytes: inet_csum_fold(inet_csum_add(0, p, len)). */
uint16_t inet_csum(const uint8_t *p, size_t len);

/* A checksum field's new value after a 16-bit word it covers changed
 * from old to new (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')). */
uint16_t inet_csum_update16(uint16_t csum, uint16_t old, uint16_t new);

/* The same for a 32-bit field (an IPv4 address): two words. */
uint16_t inet_csum_update32(uint16_t csum, uint32_t old, uint32_t new);

/*
 * An updated checksum that came out 0 over len bytes at p (which hold
 * the field, as 0): 0xffff instead when every byte is zero. The
 * update's one's-complement sum cannot tell +0 (all bytes zero, whose
 * checksum is 0xffff) from -0 (checksum 0); only an all-zero message
 * is the first. An IPv4 header and a TCP or UDP pseudo header never
 * are; an ICMP echo reply with identifier, sequence and data all zero
 * is.
 */
uint16_t inet_csum_settle(uint16_t csum, const uint8_t *p, size_t len);

#endif
