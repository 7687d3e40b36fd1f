/*
 * lib/types.h - fixed-width integers, booleans and typed addresses.
 * Freestanding; used by every layer and by the host unit tests.
 */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host-physical, guest-physical, guest-virtual and host-virtual addresses. */
typedef uint64_t hpa_t;
typedef uint64_t gpa_t;
typedef uint64_t gva_t;
typedef uint64_t hva_t;

#define BIT(n)		 (1ULL << (n))
#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))

#define PAGE_SIZE  4096ULL
#define PAGE_SHIFT 12
#define KIB	   1024ULL
#define MIB	   (1024ULL * KIB)
#define GIB	   (1024ULL * MIB)

#define UNUSED(x) ((void)(x))

#endif
