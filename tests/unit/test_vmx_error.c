/*
 * tests/unit/test_vmx_error.c - vmx/vmx_error.c (VM-instruction errors
 * and exit reasons as text), on the host. The expected texts are the
 * SDM's, typed here again, so a shifted or missing table entry shows.
 * SDM Vol. 3C, "VM Instruction Error Numbers"; Appendix "VMX Basic Exit
 * Reasons".
 */
#include <string.h>
#include "tests/unit/support.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_error.h"

#define UNKNOWN_ERROR  "unknown VM-instruction error"
#define UNKNOWN_REASON "unknown exit reason"

/* Every number the SDM defines, 1 to 28 (14, 21 and 27 are not used). */
static const struct {
	uint32_t error;
	const char *text;
} sdm_errors[] = {
	{1, "VMCALL executed in VMX root operation"},
	{2, "VMCLEAR with invalid physical address"},
	{3, "VMCLEAR with VMXON pointer"},
	{4, "VMLAUNCH with non-clear VMCS"},
	{5, "VMRESUME with non-launched VMCS"},
	{6, "VMRESUME after VMXOFF"},
	{7, "VM entry with invalid control field(s)"},
	{8, "VM entry with invalid host-state field(s)"},
	{9, "VMPTRLD with invalid physical address"},
	{10, "VMPTRLD with VMXON pointer"},
	{11, "VMPTRLD with incorrect VMCS revision identifier"},
	{12, "VMREAD/VMWRITE from/to unsupported VMCS component"},
	{13, "VMWRITE to read-only VMCS component"},
	{15, "VMXON executed in VMX root operation"},
	{16, "VM entry with invalid executive-VMCS pointer"},
	{17, "VM entry with non-launched executive VMCS"},
	{18, "VM entry with executive-VMCS pointer not VMXON pointer"},
	{19, "VMCALL with non-clear VMCS"},
	{20, "VMCALL with invalid VM-exit control fields"},
	{22, "VMCALL with incorrect MSEG revision identifier"},
	{23, "VMXOFF under dual-monitor treatment of SMIs and SMM"},
	{24, "VMCALL with invalid SMM-monitor features"},
	{25, "VM entry with invalid VM-execution control fields in executive "
	     "VMCS"},
	{26, "VM entry with events blocked by MOV SS"},
	{28, "invalid operand to INVEPT/INVVPID"},
};

static void test_every_sdm_error_named(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(sdm_errors); i++)
		assert_string_equal(vmx_error_string(sdm_errors[i].error),
				    sdm_errors[i].text);
}

/* The numbers in 1-28 the SDM leaves out, 0 (no error) and beyond. */
static void test_unknown_errors_generic(void **state)
{
	static const uint32_t unknown[] = {0, 14, 21, 27, 29, 1000, UINT32_MAX};

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_string_equal(vmx_error_string(unknown[i]),
				    UNKNOWN_ERROR);
}

/* 1 to 28: a number has a text of its own exactly when the SDM
 * defines it, and no two share one. */
static void test_errors_1_to_28(void **state)
{
	unsigned named = 0;

	for (uint32_t e = 1; e <= 28; e++) {
		const char *s = vmx_error_string(e);

		assert_non_null(s);
		if (strcmp(s, UNKNOWN_ERROR) == 0)
			continue;
		named++;
		for (uint32_t f = 1; f < e; f++)
			assert_string_not_equal(vmx_error_string(f), s);
	}
	assert_int_equal(named, ARRAY_SIZE(sdm_errors));
}

static void test_exit_reason_sample(void **state)
{
	assert_string_equal(vmx_exit_reason_string(0), "exception or NMI");
	assert_string_equal(vmx_exit_reason_string(1), "external interrupt");
	assert_string_equal(vmx_exit_reason_string(2), "triple fault");
	assert_string_equal(vmx_exit_reason_string(10), "CPUID");
	assert_string_equal(vmx_exit_reason_string(12), "HLT");
	assert_string_equal(vmx_exit_reason_string(18), "VMCALL");
	assert_string_equal(vmx_exit_reason_string(28),
			    "control-register access");
	assert_string_equal(vmx_exit_reason_string(30), "I/O instruction");
	assert_string_equal(vmx_exit_reason_string(31), "RDMSR");
	assert_string_equal(vmx_exit_reason_string(32), "WRMSR");
	assert_string_equal(vmx_exit_reason_string(33),
			    "VM entry failure: invalid guest state");
	assert_string_equal(vmx_exit_reason_string(48), "EPT violation");
	assert_string_equal(vmx_exit_reason_string(49), "EPT misconfiguration");
	assert_string_equal(vmx_exit_reason_string(52), "VMX-preemption timer");
	assert_string_equal(vmx_exit_reason_string(55), "XSETBV");
	assert_string_equal(vmx_exit_reason_string(64), "XRSTORS");
}

/* Numbers the SDM skips (35, 38, 42), past the table, and a raw exit
 * reason with the entry-failure bit still set (callers pass bits
 * 15:0). */
static void test_exit_reason_unknown(void **state)
{
	static const uint32_t unknown[] = {
		35, 38, 42, EXIT_REASON_COUNT, 65, 1000, UINT32_MAX, 0x80000021,
	};

	assert_int_equal(EXIT_REASON_COUNT, 65);
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_string_equal(vmx_exit_reason_string(unknown[i]),
				    UNKNOWN_REASON);
}

/* Every reason the header names has a text. */
static void test_every_named_reason_has_text(void **state)
{
	unsigned named = 0;

	for (uint32_t r = 0; r < EXIT_REASON_COUNT; r++)
		if (strcmp(vmx_exit_reason_string(r), UNKNOWN_REASON) != 0)
			named++;
	/* 0-64 less the three unused numbers. */
	assert_int_equal(named, EXIT_REASON_COUNT - 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sdm_error_named),
		cmocka_unit_test(test_unknown_errors_generic),
		cmocka_unit_test(test_errors_1_to_28),
		cmocka_unit_test(test_exit_reason_sample),
		cmocka_unit_test(test_exit_reason_unknown),
		cmocka_unit_test(test_every_named_reason_has_text),
	};
	return cmocka_run_group_tests_name("vmx_error", tests, NULL, NULL);
}
