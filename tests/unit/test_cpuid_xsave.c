/*
 * tests/unit/test_cpuid_xsave.c - the compacted XSAVE area's size a guest
 * reads in CPUID.(EAX=0DH,ECX=1):EBX (vmx/cpuid_xsave.c), over fake
 * per-component subleaves: Bochs' Skylake-X components, where Linux 6.1
 * checks the size against its own sum and turned XSAVE off when Bochs'
 * standard-form size came instead; alignment; components left out.
 */
#include "tests/unit/support.h"

#include "vmx/cpuid_xsave.h"

#define ALIGNED 2u /* subleaf ECX bit 1: starts on a 64-byte boundary */

/* CPUID.(EAX=0DH,ECX=i): EAX size, EBX standard-form offset, ECX flags */
static struct cpuid_regs components[64];
static unsigned queries;

static struct cpuid_regs fake_subleaf(uint32_t subleaf)
{
	queries++;
	assert_true(subleaf >= 2 && subleaf < 64);
	return components[subleaf];
}

static void set(unsigned i, uint32_t size, uint32_t offset, uint32_t flags)
{
	components[i] =
		(struct cpuid_regs){.eax = size, .ebx = offset, .ecx = flags};
}

/* What Bochs' corei7_skylake_x answers: AVX, AVX-512's opmask, ZMM_Hi256
 * and Hi16_ZMM, none aligned. */
static int skylake_x(void **state)
{
	for (unsigned i = 0; i < 64; i++)
		set(i, 0, 0, 0);
	set(2, 256, 576, 0);
	set(5, 64, 1088, 0);
	set(6, 512, 1152, 0);
	set(7, 1024, 1664, 0);
	queries = 0;
	return 0;
}

static void test_linux_xcr0_on_skylake_x(void **state)
{
	/* XCR0 = 0xe7, what Linux 6.1 enables there: 576 + 256 + 64 + 512
	 * + 1024 bytes, the sum Linux checks against; the standard form
	 * (Bochs' EBX) ends at 1664 + 1024 = 2688 */
	assert_int_equal(cpuid_xsave_compacted_size(0xe7, fake_subleaf), 2432);
	assert_int_equal(queries, 4);
}

static void test_legacy_only(void **state)
{
	/* x87 and SSE live in the legacy region: 512 + the 64-byte header */
	assert_int_equal(cpuid_xsave_compacted_size(0x1, fake_subleaf), 576);
	assert_int_equal(cpuid_xsave_compacted_size(0x3, fake_subleaf), 576);
	assert_int_equal(queries, 0);
}

static void test_only_enabled_components_count(void **state)
{
	/* AVX without AVX-512: 576 + 256, whatever else the CPU has */
	assert_int_equal(cpuid_xsave_compacted_size(0x7, fake_subleaf), 832);
	/* a component the CPU does not have (size 0) takes no room */
	assert_int_equal(cpuid_xsave_compacted_size(0x7 | BIT(3) | BIT(40),
						    fake_subleaf),
			 832);
}

static void test_aligned_components(void **state)
{
	/* PKRU (8 bytes) after Hi16_ZMM ends at 2440; an aligned 64-byte
	 * component then starts at 2496, and an aligned 8 KiB one at 2560 */
	set(9, 8, 2688, 0);
	set(17, 64, 2752, ALIGNED);
	set(18, 8192, 2816, ALIGNED | 4);
	assert_int_equal(
		cpuid_xsave_compacted_size(0xe7 | BIT(9), fake_subleaf), 2440);
	assert_int_equal(cpuid_xsave_compacted_size(0xe7 | BIT(9) | BIT(17),
						    fake_subleaf),
			 2560);
	assert_int_equal(
		cpuid_xsave_compacted_size(0xe7 | BIT(9) | BIT(17) | BIT(18),
					   fake_subleaf),
		10752);
	/* an aligned first component right after the header: 576 is
	 * already a multiple of 64 */
	set(2, 256, 576, ALIGNED);
	assert_int_equal(cpuid_xsave_compacted_size(0x7, fake_subleaf), 832);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_linux_xcr0_on_skylake_x, skylake_x),
		cmocka_unit_test_setup(test_legacy_only, skylake_x),
		cmocka_unit_test_setup(test_only_enabled_components_count,
				       skylake_x),
		cmocka_unit_test_setup(test_aligned_components, skylake_x),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
