/*
 * vmx/vmx_error.h - names for VM-instruction error numbers.
 * Pure logic; any context.
 * SDM Vol. 3C, "VM Instruction Error Numbers".
 */
#ifndef VMX_VMX_ERROR_H
#define VMX_VMX_ERROR_H

#include "lib/types.h"

/* "VM entry with invalid control field(s)" for 7, etc.; a generic text
 * for numbers the SDM does not define. */
const char *vmx_error_string(uint32_t error);

/* Names of basic exit reasons ("CPUID", "EPT violation", ...). */
const char *vmx_exit_reason_string(uint32_t reason);

#endif
