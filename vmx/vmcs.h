/*
 * vmx/vmcs.h - reading and writing the current VMCS, and making a VMCS
 * current. Runs in VMX root operation on the CPU that has the VMCS loaded.
 * SDM Vol. 3C, "VMREAD", "VMWRITE", "VMPTRLD", "VMCLEAR".
 *
 * The accessors check the field's width at compile time (KVM does the
 * same): vmcs_write32(VMCS_GUEST_RIP, ...) does not compile. A failing
 * VMREAD/VMWRITE is a hypervisor bug (a field this CPU lacks): it panics
 * with the decoded VM-instruction error.
 */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

#include "vmx/vmcs_fields.h"

/* A failed VMREAD/VMWRITE: panic with the decoded VM-instruction error. */
__attribute__((noreturn, cold)) void vmcs_access_failed(const char *insn,
							uint32_t field,
							const char *file,
							int line);

/* Inline: these run several times in every exit, and each is one
 * instruction when it succeeds. CF or ZF set means it failed (SDM Vol.
 * 3C, "Conventions"). */
static inline uint64_t vmcs_read_checked(uint32_t field, const char *file,
					 int line)
{
	uint64_t value;
	bool failed;

	__asm__ volatile("vmread %[f], %[v]"
			 : [v] "=r"(value), "=@ccbe"(failed)
			 : [f] "r"((uint64_t)field));
	if (__builtin_expect(failed, 0))
		vmcs_access_failed("VMREAD", field, file, line);
	return value;
}

static inline void vmcs_write_checked(uint32_t field, uint64_t value,
				      const char *file, int line)
{
	bool failed;

	__asm__ volatile("vmwrite %[v], %[f]"
			 : "=@ccbe"(failed)
			 : [f] "r"((uint64_t)field), [v] "rm"(value));
	if (__builtin_expect(failed, 0))
		vmcs_access_failed("VMWRITE", field, file, line);
}

#define VMCS_ACCESS(width, field, expr)                      \
	({                                                   \
		_Static_assert(VMCS_WIDTH(field) == (width), \
			       #field " has another width"); \
		expr;                                        \
	})

#define vmcs_read16(f)                \
	VMCS_ACCESS(VMCS_WIDTH_16, f, \
		    (uint16_t)vmcs_read_checked(f, __FILE__, __LINE__))
#define vmcs_read32(f)                \
	VMCS_ACCESS(VMCS_WIDTH_32, f, \
		    (uint32_t)vmcs_read_checked(f, __FILE__, __LINE__))
#define vmcs_read64(f) \
	VMCS_ACCESS(VMCS_WIDTH_64, f, vmcs_read_checked(f, __FILE__, __LINE__))
#define vmcs_readn(f)                      \
	VMCS_ACCESS(VMCS_WIDTH_NATURAL, f, \
		    vmcs_read_checked(f, __FILE__, __LINE__))

#define vmcs_write16(f, v)            \
	VMCS_ACCESS(VMCS_WIDTH_16, f, \
		    vmcs_write_checked(f, (uint16_t)(v), __FILE__, __LINE__))
#define vmcs_write32(f, v)            \
	VMCS_ACCESS(VMCS_WIDTH_32, f, \
		    vmcs_write_checked(f, (uint32_t)(v), __FILE__, __LINE__))
#define vmcs_write64(f, v)            \
	VMCS_ACCESS(VMCS_WIDTH_64, f, \
		    vmcs_write_checked(f, (v), __FILE__, __LINE__))
#define vmcs_writen(f, v)                  \
	VMCS_ACCESS(VMCS_WIDTH_NATURAL, f, \
		    vmcs_write_checked(f, (v), __FILE__, __LINE__))

/* VMCLEAR / VMPTRLD; false (and a message naming the error) on failure. */
bool vmcs_clear(hpa_t vmcs);
bool vmcs_load(hpa_t vmcs);

/* The VM-instruction error of the current VMCS, as a number and text. */
uint32_t vmcs_insn_error(void);

#endif
