/*
 * tests/unit/test_config.c - kernel/config_parse.c (hv.cfg into struct
 * hv_config, with its messages) and kernel/config_vm.c (a VM against the
 * machine, and its log line), on the host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/support.h"
#include "kernel/config.h"

static struct hv_config cfg;
static char diags[16384]; /* every message, one a line */
static unsigned diag_count;
static char first_diag[CONFIG_ERROR_MAX];

/* Every message must start with the file and the line it was given. */
static void capture(void *ctx, unsigned line, const char *msg)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s:%u: ", (const char *)ctx, line);
	assert_memory_equal(msg, prefix, strlen(prefix));
	if (diag_count++ == 0)
		snprintf(first_diag, sizeof(first_diag), "%s", msg);
	strncat(diags, msg, sizeof(diags) - strlen(diags) - 2);
	strcat(diags, "\n");
}

/* Parses a copy of text that holds no terminator, so that ASan reports
 * any read past its end. */
static int parse_as(const char *file, const char *text)
{
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	int r;

	memcpy(copy, text, n);
	diags[0] = first_diag[0] = '\0';
	diag_count = 0;
	r = config_parse(copy, n, file, &cfg, capture, (void *)file);
	free(copy);
	assert_int_equal(r, cfg.errors);
	assert_int_equal(diag_count, cfg.errors);
	return r;
}

static int parse(const char *text)
{
	return parse_as("hv.cfg", text);
}

#define assert_diag(fragment)                                            \
	do {                                                             \
		if (!strstr(diags, fragment))                            \
			fail_msg("no message has \"%s\"; messages:\n%s", \
				 fragment, diags);                       \
	} while (0)

static void test_full_file(void **state)
{
	assert_int_equal(
		parse("# the whole set of keys\n"
		      "module = hello.elf guests/hello.elf\n"
		      "[global]\n"
		      "time_slice = 5ms\n"
		      "log_level = debug\n"
		      "poweroff = never\n"
		      "disk_selftest = ata12-slave\n"
		      "uplink = 00:1f.3\n"
		      "module = initrd guests/initrd.cpio # the loader's\n"
		      "\n"
		      "[vm web]\n"
		      "memory = 128M\n"
		      "vcpus = 2\n"
		      "cpu_weight = 300\n"
		      "cpus = 0,2-3\n"
		      "kernel = hello.elf\n"
		      "cmdline = console=ttyS0 quiet\n"
		      "modules = initrd, disk.img\n"
		      "on_crash = restart\n"
		      "apic_virtualization = off\n"
		      "time_limit = 90s\n"),
		0);
	assert_int_equal(cfg.time_slice_us, 5000);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.poweroff, POWEROFF_NEVER);
	assert_string_equal(cfg.disk_selftest, "ata12-slave");
	assert_int_equal(cfg.uplink.kind, UPLINK_E1000);
	assert_true(cfg.uplink.by_address);
	assert_int_equal(cfg.uplink.at.dev, 0x1f);
	assert_int_equal(cfg.uplink.at.fn, 3);
	assert_int_equal(cfg.uplink.line, 8);
	assert_int_equal(cfg.loader_module_count, 2);
	assert_string_equal(cfg.loader_modules[0].name, "hello.elf");
	assert_int_equal(cfg.loader_modules[0].line, 2);
	assert_string_equal(cfg.loader_modules[1].name, "initrd");
	assert_int_equal(cfg.vm_count, 1);

	const struct vm_config *vm = &cfg.vms[0];

	assert_true(vm->valid);
	assert_string_equal(vm->name, "web");
	assert_int_equal(vm->line, 11);
	assert_int_equal(vm->memory, 128 * 1024 * 1024);
	assert_int_equal(vm->vcpus, 2);
	assert_int_equal(vm->cpu_weight, 300);
	assert_true(vm->has_cpu_mask);
	assert_int_equal(vm->cpu_mask, 0xd);
	assert_string_equal(vm->kernel, "hello.elf");
	assert_string_equal(vm->cmdline, "console=ttyS0 quiet");
	assert_int_equal(vm->module_count, 2);
	assert_string_equal(vm->modules[0], "initrd");
	assert_string_equal(vm->modules[1], "disk.img");
	assert_int_equal(vm->on_crash, ON_CRASH_RESTART);
	assert_true(vm->apicv_off);
	assert_int_equal(vm->time_limit_us, 90000000);
	assert_int_equal(cfg.global_errors, 0);
}

static void test_defaults(void **state)
{
	assert_int_equal(parse(""), 0);
	assert_int_equal(cfg.vm_count, 0);
	assert_int_equal(cfg.time_slice_us, 10000);
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_int_equal(cfg.poweroff, POWEROFF_WHEN_IDLE);
	assert_int_equal(cfg.loader_module_count, 0);
	assert_int_equal(cfg.uplink.kind, UPLINK_NONE);

	/* the first e1000 found; none again switches it off */
	assert_int_equal(parse("[global]\nuplink = e1000\n"), 0);
	assert_int_equal(cfg.uplink.kind, UPLINK_E1000);
	assert_false(cfg.uplink.by_address);
	assert_int_equal(cfg.uplink.line, 2);
	assert_int_equal(parse("[global]\nuplink = none\n"), 0);
	assert_int_equal(cfg.uplink.kind, UPLINK_NONE);
	assert_int_equal(cfg.uplink.mode, UPLINK_BRIDGED);

	assert_int_equal(parse("[vm a]\nkernel = k\n"), 0);
	assert_int_equal(cfg.vm_count, 1);
	assert_true(cfg.vms[0].valid);
	assert_int_equal(cfg.vms[0].memory, 64 * 1024 * 1024);
	assert_int_equal(cfg.vms[0].vcpus, 1);
	assert_int_equal(cfg.vms[0].cpu_weight, 1);
	assert_false(cfg.vms[0].has_cpu_mask);
	assert_string_equal(cfg.vms[0].cmdline, "");
	assert_int_equal(cfg.vms[0].module_count, 0);
	assert_int_equal(cfg.vms[0].on_crash, ON_CRASH_STOP);
	assert_false(cfg.vms[0].apicv_off);
	assert_int_equal(cfg.vms[0].time_limit_us, 0);
}

enum effect {
	IN_VM,	   /* after "[vm web]\nkernel = k.elf\n": refuses web */
	IN_GLOBAL, /* after "[global]\n": a global error */
	AT_TOP,	   /* the first line of the file: a global error */
};

struct bad_line {
	enum effect where;
	const char *line;
	const char *message; /* expected after "hv.cfg:N: " */
};

#define LONG64 \
	"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"

static const struct bad_line bad_lines[] = {
	{IN_VM, "memroy = 64M",
	 "unknown key 'memroy' in [vm web]; accepted keys: memory, vcpus, "
	 "cpu_weight, cpus, kernel, cmdline, modules, disk, nic, on_crash, "
	 "apic_virtualization, time_limit"},
	{IN_VM, "apic_virtualization = maybe",
	 "key 'apic_virtualization': \"maybe\" is not accepted; expected on "
	 "(the CPU's APIC virtualization when it has it) or off (every "
	 "local APIC access exits and is emulated)"},
	{IN_VM, "nic = maybe",
	 "key 'nic': \"maybe\" is not six two-digit hexadecimal octets "
	 "separated by ':'; expected yes (a MAC derived from the VM's name), "
	 "no, or a unicast MAC address such as 52:54:00:12:34:56"},
	{IN_VM, "nic = 01:00:5e:00:00:01",
	 "key 'nic': \"01:00:5e:00:00:01\" is a multicast address (low bit "
	 "of the first octet set)"},
	{IN_VM, "nic = ff:ff:ff:ff:ff:ff",
	 "key 'nic': \"ff:ff:ff:ff:ff:ff\" is the broadcast address"},
	{IN_VM, "nic = 52:54:00:12:34",
	 "key 'nic': \"52:54:00:12:34\" is not six two-digit hexadecimal "
	 "octets"},
	{IN_VM, "nic = 52:54:00:12:34:5z",
	 "key 'nic': \"52:54:00:12:34:5z\" is not six"},
	{IN_VM, "nic = 00:00:00:00:00:00",
	 "key 'nic': \"00:00:00:00:00:00\" is the all-zero address"},
	{IN_VM, "vcpus = abc",
	 "key 'vcpus': \"abc\" is not a number; expected 1 to 64"},
	{IN_VM, "vcpus = 0",
	 "key 'vcpus': \"0\" is out of range; expected 1 "
	 "to 64"},
	{IN_VM, "vcpus = 65", "key 'vcpus': \"65\" is out of range"},
	{IN_VM, "vcpus = -1", "key 'vcpus': \"-1\" is not a number"},
	{IN_VM, "vcpus = 99999999999999999999999",
	 "key 'vcpus': \"99999999999999999999999\" is out of range"},
	{IN_VM, "vcpus = 2 # two",
	 "key 'vcpus': \"2 # two\" is not a number; expected 1 to 64 (a "
	 "comment must be on its own line)"},
	{IN_VM, "cpu_weight = 1001",
	 "key 'cpu_weight': \"1001\" is out of range; expected 1 to 1000"},
	{IN_VM, "memory = 0",
	 "key 'memory': \"0\" is less than 1M; expected a size such as 64M "
	 "(bytes, or K, M, G), at least 1M, a multiple of 4K"},
	{IN_VM, "memory = 4095", "key 'memory': \"4095\" is less than 1M"},
	{IN_VM, "memory = 1052671",
	 "key 'memory': \"1052671\" is not a multiple of 4K"},
	{IN_VM, "memory = 99999999999G",
	 "key 'memory': \"99999999999G\" is too large"},
	{IN_VM, "memory = 18446744073709551616",
	 "key 'memory': \"18446744073709551616\" is too large"},
	{IN_VM, "memory = 64X", "key 'memory': \"64X\" is not a size"},
	{IN_VM, "memory = 64MB", "key 'memory': \"64MB\" is not a size"},
	{IN_VM, "memory = M", "key 'memory': \"M\" is not a size"},
	{IN_VM,
	 "memory =", "key 'memory' has no value; expected a size such as 64M"},
	{IN_VM, "cpus = 3-1",
	 "key 'cpus': \"3-1\" is a reversed range; expected pCPU numbers 0 to "
	 "63 such as 0,2-3"},
	{IN_VM, "cpus = 0,64", "key 'cpus': \"64\" names a pCPU above 63"},
	{IN_VM, "cpus = 0,,2", "key 'cpus': \"0,,2\" has an empty entry"},
	{IN_VM, "cpus = 1,", "key 'cpus': \"1,\" has an empty entry"},
	{IN_VM, "cpus = 0-",
	 "key 'cpus': \"0-\" is not a pCPU number or range"},
	{IN_VM, "cpus = a", "key 'cpus': \"a\" is not a pCPU number or range"},
	{IN_VM, "kernel = other.elf", "key 'kernel' is already set on line 2"},
	{IN_VM, "on_crash = reboot",
	 "key 'on_crash': \"reboot\" is not accepted; expected stop or "
	 "restart"},
	{IN_VM, "time_limit = 5",
	 "key 'time_limit': \"5\" has no unit; expected 1ms to 1h such as 5s "
	 "(units us, ms, s)"},
	{IN_VM, "time_limit = 2h",
	 "key 'time_limit': \"2h\" is not a duration"},
	{IN_VM, "time_limit = 3601s",
	 "key 'time_limit': \"3601s\" is out of range"},
	{IN_VM, "time_limit = 999us",
	 "key 'time_limit': \"999us\" is out of range"},
	{IN_VM, "time_limit = 99999999999999999999s",
	 "key 'time_limit': \"99999999999999999999s\" is out of range"},
	{IN_VM, "modules = a, b, a", "key 'modules': \"a\" is listed twice"},
	{IN_VM, "modules = m1,m2,m3,m4,m5,m6,m7,m8,m9",
	 "key 'modules': \"m9\" is one module too many; expected up to 8 boot "
	 "module names separated by commas"},
	{IN_VM, "modules = initrd disk.img",
	 "key 'modules': \"initrd disk.img\" is not one module name"},
	{IN_VM, "cmdline = \"quiet",
	 "key 'cmdline': \"\"quiet\" has no closing quote"},
	{IN_VM, "module = a a.elf",
	 "key 'module' in [vm web]: module lines go at the top or in "
	 "[global]"},
	{IN_VM, "just some words", "line is not a [section] or key = value"},
	{IN_VM, "= 5", "line is not a [section] or key = value"},
	{IN_VM, "mem ory = 5", "line is not a [section] or key = value"},
	{IN_GLOBAL, "time_slice = 10",
	 "key 'time_slice': \"10\" has no unit; expected 100us to 1s such as "
	 "10ms (units us, ms, s)"},
	{IN_GLOBAL, "time_slice = 2s",
	 "key 'time_slice': \"2s\" is out of range"},
	{IN_GLOBAL, "time_slice = 99us",
	 "key 'time_slice': \"99us\" is out of range"},
	{IN_GLOBAL, "log_level = verbose",
	 "key 'log_level': \"verbose\" is not accepted; expected error, warn, "
	 "info or debug"},
	{IN_GLOBAL, "poweroff = yes",
	 "key 'poweroff': \"yes\" is not accepted; expected when-idle or "
	 "never"},
	{IN_GLOBAL, "timeslice = 1ms",
	 "unknown key 'timeslice' in [global]; accepted keys: time_slice, "
	 "log_level, poweroff, disk_selftest, uplink, uplink_mode, module"},
	{IN_GLOBAL, "uplink = eth0",
	 "key 'uplink': \"eth0\" is neither a NIC model nor a PCI address; "
	 "expected none, e1000 (the first Intel e1000 on PCI) or the PCI "
	 "address of one such as 00:03.0"},
	{IN_GLOBAL, "uplink_mode = routed",
	 "key 'uplink_mode': \"routed\" is not an uplink mode; expected "
	 "bridged (the VMs' own MACs on the wire) or nat (the VMs behind the "
	 "hypervisor's one address)"},
	{IN_GLOBAL, "uplink = 00:32.0",
	 "key 'uplink': \"00:32.0\" is neither a NIC model nor a PCI "
	 "address"},
	{IN_GLOBAL, "disk_selftest = sda",
	 "key 'disk_selftest': \"sda\" is not a host disk name; expected a "
	 "host disk such as ata1-master or ahci0-port1 (its data is "
	 "overwritten)"},
	{IN_GLOBAL, "disk_selftest = ahci0-port",
	 "key 'disk_selftest': \"ahci0-port\" is not a host disk name"},
	{IN_GLOBAL, "disk_selftest = ahci-port1",
	 "key 'disk_selftest': \"ahci-port1\" is not a host disk name"},
	{IN_GLOBAL, "disk_selftest = ahci0-port1:p1",
	 "key 'disk_selftest': \"ahci0-port1:p1\" is not a host disk name"},
	{IN_GLOBAL, "disk_selftest = ata-master",
	 "key 'disk_selftest': \"ata-master\" is not a host disk name"},
	{IN_GLOBAL, "disk_selftest = ata1-primary",
	 "key 'disk_selftest': \"ata1-primary\" is not a host disk name"},
	{IN_GLOBAL, "log_level = ",
	 "key 'log_level' has no value; expected error, warn, info or debug"},
	{IN_GLOBAL, "module = onlyname",
	 "key 'module': expected module = NAME PATH such as module = "
	 "hello.elf guests/hello.elf"},
	{IN_GLOBAL, "module = g g.elf extra", "key 'module': expected module"},
	{IN_GLOBAL, "module = g /abs/g.elf",
	 "key 'module': path /abs/g.elf must be relative to \\EFI\\hv\\"},
	{IN_GLOBAL, "module = hv.cfg x.cfg",
	 "key 'module': the name hv.cfg is taken by the configuration itself"},
	{IN_GLOBAL, "module = " LONG64 " x",
	 "key 'module': the name is longer than 63 characters"},
	{IN_GLOBAL, "[global]",
	 "[global] already appeared on line 1; put all global keys there"},
	{IN_GLOBAL, "[frobnicate]",
	 "section [frobnicate] is not [global] or [vm NAME]"},
	{IN_GLOBAL, "[VM web]",
	 "section [VM web] is not [global] or [vm NAME]"},
	{IN_GLOBAL, "[vm]",
	 "VM name '': expected 1 to 31 letters, digits, '_' or '-'"},
	{IN_GLOBAL, "[vm bad!name]", "VM name 'bad!name': expected 1 to 31"},
	{IN_GLOBAL, "[vm two words]", "VM name 'two words': expected 1 to 31"},
	{IN_GLOBAL, "[vm abcdefghijabcdefghijabcdefghij12]",
	 "VM name 'abcdefghijabcdefghijabcdefghij12': expected 1 to 31"},
	{IN_GLOBAL, "[vm web] # the web server",
	 "a section header must end with ']' (and comments must be on their "
	 "own line)"},
	{AT_TOP, "memory = 64M",
	 "key 'memory' comes before any section; put it under [global] or "
	 "[vm NAME]"},
	{AT_TOP, "[vm a", "a section header must end with ']'"},
};

static void check_bad_line(const struct bad_line *b)
{
	static const char *const prefix[] = {
		[IN_VM] = "[vm web]\nkernel = k.elf\n",
		[IN_GLOBAL] = "[global]\n",
		[AT_TOP] = "",
	};
	char text[512], expected[CONFIG_ERROR_MAX];
	unsigned line = b->where == IN_VM ? 3 : b->where == IN_GLOBAL ? 2 : 1;
	const struct vm_config *ok;

	snprintf(text, sizeof(text), "%s%s\n[vm ok]\nkernel = k.elf\n",
		 prefix[b->where], b->line);
	snprintf(expected, sizeof(expected), "hv.cfg:%u: %s", line, b->message);
	assert_int_equal(parse(text), 1);
	if (strncmp(first_diag, expected, strlen(expected)) != 0)
		fail_msg("line \"%s\":\n  got      %s\n  expected %s...",
			 b->line, first_diag, expected);
	ok = &cfg.vms[cfg.vm_count - 1];
	assert_string_equal(ok->name, "ok");
	assert_true(ok->valid);
	if (b->where == IN_VM) {
		assert_int_equal(cfg.vm_count, 2);
		assert_false(cfg.vms[0].valid);
		assert_string_equal(cfg.vms[0].error, first_diag);
		assert_int_equal(cfg.global_errors, 0);
	} else {
		assert_int_equal(cfg.global_errors, 1);
	}
}

static void test_malformed_lines(void **state)
{
	assert_true(ARRAY_SIZE(bad_lines) >= 30);
	for (size_t i = 0; i < ARRAY_SIZE(bad_lines); i++)
		check_bad_line(&bad_lines[i]);
}

/* A bad value leaves the default (or the earlier value) in place. */
/* uplink_mode: bridged by default; nat in either order with uplink;
 * nat without an uplink is an error naming uplink_mode's line. */
static void test_uplink_mode(void **state)
{
	assert_int_equal(parse("[global]\nuplink = e1000\n"), 0);
	assert_int_equal(cfg.uplink.mode, UPLINK_BRIDGED);
	assert_int_equal(parse("[global]\nuplink = e1000\nuplink_mode = nat\n"),
			 0);
	assert_int_equal(cfg.uplink.mode, UPLINK_NAT);
	assert_int_equal(cfg.uplink.kind, UPLINK_E1000);
	assert_int_equal(cfg.uplink.mode_line, 3);
	assert_int_equal(
		parse("[global]\nuplink_mode = nat\nuplink = 00:03.0\n"), 0);
	assert_int_equal(cfg.uplink.mode, UPLINK_NAT);
	assert_true(cfg.uplink.by_address);
	assert_int_equal(parse("[global]\nuplink = e1000\nuplink_mode = "
			       "bridged\n"),
			 0);
	assert_int_equal(cfg.uplink.mode, UPLINK_BRIDGED);

	assert_int_equal(parse("[global]\nuplink_mode = nat\n"), 1);
	assert_string_equal(first_diag,
			    "hv.cfg:2: key 'uplink_mode': nat needs a host NIC "
			    "to share; add uplink = e1000 (or its PCI address) "
			    "to [global], or remove uplink_mode");
	assert_int_equal(parse("[global]\nuplink = none\nuplink_mode = nat\n"
			       "[vm a]\nkernel = k\n"),
			 1);
	assert_diag("hv.cfg:3: key 'uplink_mode': nat needs a host NIC");
	assert_true(cfg.vms[0].valid);
}

static void test_bad_global_keeps_defaults(void **state)
{
	assert_int_equal(parse("[global]\ntime_slice = 0us\nlog_level = "
			       "loud\npoweroff = off\n"),
			 3);
	assert_int_equal(cfg.global_errors, 3);
	assert_int_equal(cfg.time_slice_us, 10000);
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_int_equal(cfg.poweroff, POWEROFF_WHEN_IDLE);
}

static void test_one_bad_vm_among_good_ones(void **state)
{
	assert_int_equal(parse("[vm good1]\nkernel = a.elf\nmemory = 16M\n"
			       "[vm bad]\nkernel = b.elf\nvcpus = many\n"
			       "memory = lots\n"
			       "[vm good2]\nkernel = c.elf\n"),
			 2);
	assert_int_equal(cfg.vm_count, 3);
	assert_true(cfg.vms[0].valid);
	assert_int_equal(cfg.vms[0].memory, 16 * 1024 * 1024);
	assert_false(cfg.vms[1].valid);
	assert_true(cfg.vms[2].valid);
	assert_string_equal(cfg.vms[2].kernel, "c.elf");
	/* both problems reported, the first one kept */
	assert_string_equal(cfg.vms[1].error,
			    "hv.cfg:6: key 'vcpus': \"many\" is not a number; "
			    "expected 1 to 64");
	assert_diag("hv.cfg:7: key 'memory': \"lots\" is not a size");
	assert_int_equal(cfg.global_errors, 0);
}

static void test_missing_kernel(void **state)
{
	assert_int_equal(parse("[vm a]\nmemory = 16M\n[vm b]\nkernel = k\n"
			       "[vm c]\n"),
			 2);
	assert_false(cfg.vms[0].valid);
	assert_string_equal(cfg.vms[0].error,
			    "hv.cfg:1: [vm a] has no 'kernel' key; expected "
			    "the boot module to run, such as kernel = "
			    "hello.elf");
	assert_true(cfg.vms[1].valid);
	assert_false(cfg.vms[2].valid);
	assert_diag("hv.cfg:5: [vm c] has no 'kernel' key");
}

static void test_duplicate_vm_name(void **state)
{
	assert_int_equal(parse("[vm a]\nkernel = k\n\n[vm a]\nkernel = j\n"),
			 1);
	assert_int_equal(cfg.vm_count, 2);
	assert_true(cfg.vms[0].valid);
	assert_false(cfg.vms[1].valid);
	assert_string_equal(cfg.vms[1].error,
			    "hv.cfg:4: VM name 'a' is already used on line 1");
}

static void test_file_name_in_messages(void **state)
{
	assert_int_equal(parse_as("demo.cfg", "\n\nnonsense\n"), 1);
	assert_string_equal(first_diag, "demo.cfg:3: line is not a [section] "
					"or key = value");
}

static void test_too_many_vms(void **state)
{
	char text[2048] = "";

	for (int i = 0; i <= VMS_MAX; i++) {
		char vm[64];

		snprintf(vm, sizeof(vm), "[vm v%d]\nkernel = k\n", i);
		strcat(text, vm);
	}
	assert_int_equal(parse(text), 1);
	assert_int_equal(cfg.vm_count, VMS_MAX);
	assert_int_equal(cfg.global_errors, 1);
	assert_string_equal(first_diag, "hv.cfg:33: [vm v16]: more than 16 "
					"VMs; its section is skipped");
	for (int i = 0; i < VMS_MAX; i++)
		assert_true(cfg.vms[i].valid);
}

static void test_length_limits(void **state)
{
	char text[1024], value[300];

	/* a name of 31 characters is the longest */
	assert_int_equal(parse("[vm abcdefghijabcdefghijabcdefghij1]\n"
			       "kernel = " LONG64 "\n"),
			 1);
	assert_string_equal(cfg.vms[0].name, "abcdefghijabcdefghijabcdefghij1");
	assert_diag("hv.cfg:2: key 'kernel': \"abcdefghijabcdefghijabcdefghij"
		    "abcdefghij...\" is longer than 63 characters");
	assert_int_equal(parse("[vm a]\nkernel = " LONG64 "\nkernel = x\n"), 2);

	/* a cmdline of 255 characters is the longest */
	memset(value, 'c', 255);
	value[255] = '\0';
	snprintf(text, sizeof(text), "[vm a]\nkernel = k\ncmdline = %s\n",
		 value);
	assert_int_equal(parse(text), 0);
	assert_int_equal(strlen(cfg.vms[0].cmdline), 255);
	snprintf(text, sizeof(text), "[vm a]\nkernel = k\ncmdline = %sc\n",
		 value);
	assert_int_equal(parse(text), 1);
	assert_diag("hv.cfg:3: key 'cmdline': \"cccccccccccccccccccccccccccccc"
		    "cccccccccc...\" is 256 characters long; expected at most "
		    "255 characters");
	/* eight modules are the most */
	assert_int_equal(parse("[vm a]\nkernel = k\n"
			       "modules = m1,m2,m3,m4,m5,m6,m7,m8\n"),
			 0);
	assert_int_equal(cfg.vms[0].module_count, 8);
	assert_string_equal(cfg.vms[0].modules[7], "m8");
}

static void test_crlf(void **state)
{
	assert_int_equal(parse("[global]\r\nlog_level = warn\r\n\r\n"
			       "[vm a]\r\nkernel = k.elf\r\n"
			       "cmdline = console=ttyS0\r\n"
			       "memory = 32M\r\n"),
			 0);
	assert_int_equal(cfg.log_level, LOG_WARN);
	assert_string_equal(cfg.vms[0].kernel, "k.elf");
	assert_string_equal(cfg.vms[0].cmdline, "console=ttyS0");
	assert_int_equal(cfg.vms[0].memory, 32 * 1024 * 1024);
	/* and the last line need not end at all */
	assert_int_equal(parse("[vm a]\r\nkernel = k.elf"), 0);
	assert_string_equal(cfg.vms[0].kernel, "k.elf");
}

static void test_quotes_comments_and_blanks(void **state)
{
	assert_int_equal(parse("  # a comment\n"
			       "\t; another\n"
			       "[vm a]   \n"
			       "   kernel\t=\t\"k.elf\"  \n"
			       "cmdline = \"  spaced # not a comment  \"\n"
			       "modules = \"x , y\"\n"),
			 0);
	assert_string_equal(cfg.vms[0].kernel, "k.elf");
	assert_string_equal(cfg.vms[0].cmdline, "  spaced # not a comment  ");
	assert_int_equal(cfg.vms[0].module_count, 2);
	assert_string_equal(cfg.vms[0].modules[1], "y");

	/* a '#' in a value is data; inner quotes stay */
	assert_int_equal(parse("[vm a]\nkernel = k\n"
			       "cmdline = init=/bin/sh # not a comment\n"),
			 0);
	assert_string_equal(cfg.vms[0].cmdline, "init=/bin/sh # not a comment");
	assert_int_equal(parse("[vm a]\nkernel = k\ncmdline = say \"hi\"\n"),
			 0);
	assert_string_equal(cfg.vms[0].cmdline, "say \"hi\"");
	assert_int_equal(parse("[vm a]\nkernel = k\ncmdline = \"\"\n"), 0);
	assert_string_equal(cfg.vms[0].cmdline, "");
	assert_int_equal(parse("[vm a]\nkernel = k\ncmdline =\n"), 0);
	assert_int_equal(parse("[vm a]\nkernel = \"\"\n"), 1);
	assert_diag("hv.cfg:2: key 'kernel' has no value");
}

struct size_case {
	const char *text;
	uint64_t bytes;
};

static void test_sizes(void **state)
{
	static const struct size_case good[] = {
		{"1M", 1 << 20},
		{"1m", 1 << 20},
		{"1024K", 1 << 20},
		{"1024kib", 1 << 20},
		{"1048576", 1 << 20},
		{"1052672", (1 << 20) + 4096},
		{"2 GiB", 2ULL << 30},
		{"64MiB", 64 << 20},
		{"16383G", 16383ULL << 30},
		{"4g", 4ULL << 30},
	};
	char text[128];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(text, sizeof(text),
			 "[vm a]\nkernel = k\nmemory = %s\n", good[i].text);
		assert_int_equal(parse(text), 0);
		assert_int_equal(cfg.vms[0].memory, good[i].bytes);
	}
}

static void test_durations(void **state)
{
	static const struct size_case good[] = {
		{"100us", 100}, {"1s", 1000000},      {"10ms", 10000},
		{"5 MS", 5000}, {"999999us", 999999},
	};
	char text[128];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(text, sizeof(text), "[global]\ntime_slice = %s\n",
			 good[i].text);
		assert_int_equal(parse(text), 0);
		assert_int_equal(cfg.time_slice_us, good[i].bytes);
	}
	assert_int_equal(parse("[vm a]\nkernel = k\ntime_limit = 3600s\n"), 0);
	assert_int_equal(cfg.vms[0].time_limit_us, 3600000000ULL);
	assert_int_equal(parse("[vm a]\nkernel = k\ntime_limit = 1ms\n"), 0);
	assert_int_equal(cfg.vms[0].time_limit_us, 1000);
}

static void test_cpu_lists(void **state)
{
	static const struct size_case good[] = {
		{"0", 1},	 {"0,2-3", 0xd},	{"63", 1ULL << 63},
		{"0-63", ~0ULL}, {" 1 , 3 - 4 ", 0x1a}, {"2-2", 4},
		{"1,1,0-1", 3},
	};
	char text[128];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		snprintf(text, sizeof(text), "[vm a]\nkernel = k\ncpus = %s\n",
			 good[i].text);
		assert_int_equal(parse(text), 0);
		assert_true(cfg.vms[0].has_cpu_mask);
		assert_int_equal(cfg.vms[0].cpu_mask, good[i].bytes);
	}
}

static void test_loader_module_lines(void **state)
{
	assert_int_equal(parse("module = a a.elf\n"
			       "module=b\tsub/b.bin # a comment, as the loader "
			       "allows\n"
			       "[global]\nmodule = a other.elf\n"),
			 1);
	assert_int_equal(cfg.loader_module_count, 2);
	assert_string_equal(cfg.loader_modules[1].name, "b");
	assert_int_equal(cfg.loader_modules[1].line, 2);
	assert_string_equal(first_diag, "hv.cfg:4: key 'module': module a is "
					"already named on line 1");
	assert_int_equal(cfg.global_errors, 1);
}

static void test_too_many_loader_modules(void **state)
{
	char text[1024] = "";

	for (int i = 0; i <= CONFIG_LOADER_MODS_MAX; i++) {
		char line[64];

		snprintf(line, sizeof(line), "module = m%d m%d.bin\n", i, i);
		strcat(text, line);
	}
	assert_int_equal(parse(text), 1);
	assert_int_equal(cfg.loader_module_count, CONFIG_LOADER_MODS_MAX);
	assert_string_equal(first_diag,
			    "hv.cfg:16: key 'module': more than 15 modules");
}

static void test_no_diag_function(void **state)
{
	const char text[] = "[vm a]\nvcpus = x\n";

	assert_int_equal(
		config_parse(text, strlen(text), "hv.cfg", &cfg, NULL, NULL),
		2);
	assert_false(cfg.vms[0].valid);
}

/* config_find hands the module's bytes to the parser as they are. */
static void test_find_and_parse(void **state)
{
	static const char text[] = "[vm a]\nkernel = k\n";
	struct boot_info info = {.module_count = 1};
	struct config_text found;
	char err[160];

	info.modules[0].start = (uintptr_t)text;
	info.modules[0].size = sizeof(text) - 1;
	strcpy(info.modules[0].name, "hv.cfg");
	assert_int_equal(config_find(&info, &found, err, sizeof(err)), 0);
	assert_int_equal(config_parse(found.text, found.size, "hv.cfg", &cfg,
				      NULL, NULL),
			 0);
	assert_string_equal(cfg.vms[0].kernel, "k");
	strcpy(info.modules[0].name, "other");
	assert_int_equal(config_find(&info, &found, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no boot module named hv.cfg"));
}

/* ---- config_check_vm and config_describe_vm ---------------------------- */

static struct boot_info bi;

static void add_module(const char *name)
{
	snprintf(bi.modules[bi.module_count++].name, BOOT_NAME_MAX, "%s", name);
}

static struct vm_config *one_vm(const char *keys)
{
	char text[512];

	snprintf(text, sizeof(text), "[vm a]\nkernel = hello.elf\n%s", keys);
	assert_int_equal(parse(text), 0);
	return &cfg.vms[0];
}

static int check(struct vm_config *vm, uint64_t free_mib, unsigned pcpus,
		 char *err)
{
	return config_check_vm(vm, &bi, free_mib << 20, pcpus, err,
			       CONFIG_ERROR_MAX);
}

static int setup_boot_info(void **state)
{
	memset(&bi, 0, sizeof(bi));
	add_module("hv.cfg");
	add_module("hello.elf");
	add_module("initrd");
	return 0;
}

static void test_check_vm_good(void **state)
{
	char err[CONFIG_ERROR_MAX];
	struct vm_config *vm = one_vm("memory = 64M\nmodules = initrd\n"
				      "vcpus = 2\n");

	assert_int_equal(check(vm, 64, 2, err), 0);
	assert_string_equal(err, "");
	assert_true(vm->valid);
	vm = one_vm("cpus = 63\n");
	assert_int_equal(check(vm, 100, 64, err), 0);
}

static void test_check_vm_unknown_modules(void **state)
{
	char err[CONFIG_ERROR_MAX];
	struct vm_config *vm = one_vm("");

	strcpy(vm->kernel, "nope.elf");
	assert_int_equal(check(vm, 100, 1, err), -1);
	assert_string_equal(err, "kernel nope.elf is not a boot module "
				 "(loaded: hv.cfg, hello.elf, initrd); see "
				 "docs/config.md, \"Boot modules\"");
	assert_false(vm->valid);
	assert_string_equal(vm->error, err);

	vm = one_vm("modules = initrd, disk.img\n");
	assert_int_equal(check(vm, 100, 1, err), -1);
	assert_non_null(strstr(err, "module disk.img is not a boot module"));

	bi.module_count = 0;
	vm = one_vm("");
	assert_int_equal(check(vm, 100, 1, err), -1);
	assert_non_null(strstr(err, "(loaded: none)"));
}

static void test_check_vm_cpus(void **state)
{
	char err[CONFIG_ERROR_MAX];
	struct vm_config *vm = one_vm("cpus = 1-3\n");

	assert_int_equal(check(vm, 100, 2, err), -1);
	assert_string_equal(err, "cpus 2-3: no such pCPU; this machine has 2 "
				 "(0-1)");
	vm = one_vm("vcpus = 3\n");
	assert_int_equal(check(vm, 100, 2, err), -1);
	assert_string_equal(err, "3 vCPUs but only 2 pCPUs to run them on; a "
				 "VM gets at most one vCPU per pCPU");
	vm = one_vm("vcpus = 2\ncpus = 1\n");
	assert_int_equal(check(vm, 100, 4, err), -1);
	assert_non_null(strstr(err, "2 vCPUs but only 1 pCPU to run"));
}

static void test_check_vm_memory(void **state)
{
	char err[CONFIG_ERROR_MAX];
	struct vm_config *vm = one_vm("memory = 64M\n");

	assert_int_equal(check(vm, 63, 1, err), -1);
	assert_string_equal(err, "memory 64 MiB does not fit: 63 MiB of host "
				 "memory is free");
	assert_false(vm->valid);
}

static void test_check_vm_already_invalid(void **state)
{
	char err[CONFIG_ERROR_MAX];

	assert_int_equal(parse("[vm a]\nkernel = hello.elf\nvcpus = x\n"), 1);
	assert_int_equal(check(&cfg.vms[0], 100, 1, err), -1);
	assert_string_equal(err, cfg.vms[0].error);
	/* a short buffer still gets a terminated message */
	assert_int_equal(config_check_vm(&cfg.vms[0], &bi, 0, 1, err, 8), -1);
	assert_string_equal(err, "hv.cfg:");
}

static void add_sized_module(const char *name, uint64_t size)
{
	add_module(name);
	bi.modules[bi.module_count - 1].size = size;
}

static void test_check_vm_disk(void **state)
{
	char err[CONFIG_ERROR_MAX];
	struct vm_config *vm;

	add_sized_module("disk.img", 64 * 512);
	add_sized_module("odd.img", 1000);
	add_sized_module("empty.img", 0);
	vm = one_vm("disk = disk.img\n");
	assert_int_equal(vm->disks[0].source, DISK_MODULE);
	assert_string_equal(vm->disks[0].name, "disk.img");
	assert_int_equal(vm->disk_lines[0], 3);
	assert_int_equal(check(vm, 100, 1, err), 0);
	assert_string_equal(err, "");
	assert_true(vm->valid);

	vm = one_vm("\ndisk = nope.img\n");
	assert_int_equal(check(vm, 100, 1, err), -1);
	assert_string_equal(err, "hv.cfg:4: key 'disk': nope.img is not a boot "
				 "module (loaded: hv.cfg, hello.elf, initrd, "
				 "disk.img, odd.img, empty.img); expected a "
				 "boot module holding a raw disk image");
	assert_false(vm->valid);

	vm = one_vm("disk = odd.img\n");
	assert_int_equal(check(vm, 100, 1, err), -1);
	assert_string_equal(err, "hv.cfg:3: key 'disk': module odd.img is 1000 "
				 "bytes, not a whole number of 512-byte "
				 "sectors; expected a raw disk image of whole "
				 "sectors");
	vm = one_vm("disk = empty.img\n");
	assert_int_equal(check(vm, 100, 1, err), -1);
	assert_non_null(strstr(err, "module empty.img is 0 bytes"));
}

/* A disk belongs to one VM, and is no VM's kernel or module. */
static void test_disk_sharing(void **state)
{
	assert_int_equal(parse("[vm a]\nkernel = k\ndisk = d.img\n"
			       "[vm b]\nkernel = k\ndisk = d.img\n"
			       "[vm c]\nkernel = k\ndisk = k\n"
			       "[vm d]\nkernel = k\nmodules = m\n"
			       "[vm e]\nkernel = k\ndisk = m\n"),
			 3);
	assert_true(cfg.vms[0].valid);
	assert_false(cfg.vms[1].valid);
	assert_string_equal(cfg.vms[1].error,
			    "hv.cfg:6: key 'disk': d.img is already the disk "
			    "of vm a (line 3); a disk belongs to one VM "
			    "unless both say shared (or both ro)");
	assert_false(cfg.vms[2].valid);
	assert_string_equal(cfg.vms[2].error,
			    "hv.cfg:9: key 'disk': k is also a kernel or "
			    "module of vm a; a disk image must be a module of "
			    "its own");
	assert_true(cfg.vms[3].valid);
	assert_false(cfg.vms[4].valid);
	assert_diag("hv.cfg:15: key 'disk': m is also a kernel or module of "
		    "vm d");
	assert_int_equal(parse("[vm a]\nkernel = k\ndisk = two words\n"), 1);
	assert_diag("key 'disk': \"two words\" has option \"words\"; the "
		    "options are raw, thin, ro and shared; expected SOURCE "
		    "[raw|thin] [ro] [shared]");
}

/* Several `disk` lines: the guest's vda, vdb, ... in order, at most
 * VM_DISKS_MAX; one VM's two lines for the same disk are a conflict
 * too, unless both are ro. */
static void test_several_disks(void **state)
{
	assert_int_equal(
		parse("[vm a]\nkernel = k\ndisk = ata1-master:p1\n"
		      "disk = ata1-master:p2 thin\n"
		      "disk = ata1-master:p3 ro\n"
		      "disk = ata1-master:p3 ro\n"
		      "[vm b]\nkernel = k\ndisk = d.img\ndisk = d.img\n"
		      "[vm c]\nkernel = k\ndisk = ata0-master\n"
		      "disk = ata0-slave\ndisk = ata2-master\n"
		      "disk = ata2-slave\ndisk = ata3-master\n"),
		2);
	assert_true(cfg.vms[0].valid);
	assert_int_equal(cfg.vms[0].disk_count, 4);
	assert_int_equal(cfg.vms[0].disks[0].partition, 1);
	assert_true(cfg.vms[0].disks[1].thin);
	assert_int_equal(cfg.vms[0].disk_lines[1], 4);
	assert_true(cfg.vms[0].disks[3].read_only);
	assert_false(cfg.vms[1].valid);
	assert_string_equal(cfg.vms[1].error,
			    "hv.cfg:10: key 'disk': d.img is already the disk "
			    "of vm b (line 9); a disk belongs to one VM "
			    "unless both say shared (or both ro)");
	assert_false(cfg.vms[2].valid);
	assert_string_equal(cfg.vms[2].error,
			    "hv.cfg:17: key 'disk': a VM has at most 4 disks "
			    "(its first is on line 13); give it fewer");
	assert_int_equal(cfg.vms[2].disk_count, 4);
}

/* A host disk area: two writers need `shared` on both; readers only
 * may share it; different areas are for vmx/vm_disk.c to compare. */
static void test_host_disk_sharing(void **state)
{
	assert_int_equal(
		parse("[vm a]\nkernel = k\ndisk = ata1-master:p1\n"
		      "[vm b]\nkernel = k\ndisk = ata1-master:p1 thin\n"
		      "[vm c]\nkernel = k\ndisk = ata1-master:p2 shared\n"
		      "[vm d]\nkernel = k\ndisk = ata1-master:p2 shared\n"
		      "[vm e]\nkernel = k\ndisk = ata1-master:p3 ro\n"
		      "[vm f]\nkernel = k\ndisk = ata1-master:p3 ro\n"
		      "[vm g]\nkernel = k\ndisk = ata1-master:p4\n"
		      "[vm h]\nkernel = k\n"
		      "disk = ata1-master@2048+4096 ro thin\n"),
		1);
	assert_true(cfg.vms[0].valid);
	assert_false(cfg.vms[1].valid);
	assert_string_equal(cfg.vms[1].error,
			    "hv.cfg:6: key 'disk': ata1-master is already the "
			    "disk of vm a (line 3); a disk belongs to one VM "
			    "unless both say shared (or both ro)");
	for (unsigned i = 2; i < 8; i++)
		assert_true(cfg.vms[i].valid);
	assert_int_equal(cfg.vms[6].disks[0].source, DISK_HOST);
	assert_int_equal(cfg.vms[6].disks[0].partition, 4);
	assert_int_equal(cfg.vms[7].disks[0].area, DISK_EXTENT);
	assert_int_equal(cfg.vms[7].disks[0].first, 2048);
	assert_int_equal(cfg.vms[7].disks[0].sectors, 4096);
	assert_true(cfg.vms[7].disks[0].thin && cfg.vms[7].disks[0].read_only);
	assert_false(cfg.vms[7].disks[0].shared);
	assert_int_equal(parse("[vm a]\nkernel = k\ndisk = m.img thin\n"), 1);
	assert_diag("key 'disk': \"m.img thin\" is a boot module with option "
		    "thin; a thin image must be on a host disk");
}

/* `nic`: yes derives the MAC from the name, a MAC is taken as given, no
 * (the default) is none; two NICs may not share an address. */
static void test_nic(void **state)
{
	struct mac_addr web = mac_from_name("web");

	assert_int_equal(parse("[vm web]\nkernel = k\nnic = yes\n"
			       "[vm db]\nkernel = k\nnic = 52:54:00:AB:cd:01\n"
			       "[vm off]\nkernel = k\nnic = no\n"
			       "[vm none]\nkernel = k\n"),
			 0);
	assert_true(cfg.vms[0].nic);
	assert_false(cfg.vms[0].nic_mac_given);
	assert_true(mac_equal(&cfg.vms[0].nic_mac, &web));
	assert_int_equal(cfg.vms[0].nic_line, 3);
	assert_true(cfg.vms[1].nic);
	assert_true(cfg.vms[1].nic_mac_given);
	assert_memory_equal(cfg.vms[1].nic_mac.b,
			    ((uint8_t[]){0x52, 0x54, 0, 0xab, 0xcd, 1}), 6);
	assert_false(cfg.vms[2].nic);
	assert_false(cfg.vms[3].nic);

	/* the same address twice: the second VM is refused */
	assert_int_equal(parse("[vm a]\nkernel = k\nnic = 52:54:00:00:00:01\n"
			       "[vm b]\nkernel = k\nnic = 52:54:00:00:00:01\n"
			       "[vm c]\nkernel = k\nnic = 52:54:00:00:00:02\n"),
			 1);
	assert_true(cfg.vms[0].valid);
	assert_false(cfg.vms[1].valid);
	assert_true(cfg.vms[2].valid);
	assert_string_equal(
		cfg.vms[1].error,
		"hv.cfg:6: key 'nic': MAC 52:54:00:00:00:01 is also "
		"the MAC of vm a (line 3); each NIC needs its own "
		"address");

	/* a derived address written out by hand in another VM collides */
	assert_int_equal(parse("[vm x]\nkernel = k\nnic = 02:8c:ec:01:86:4c\n"
			       "[vm a]\nkernel = k\nnic = yes\n"),
			 1);
	assert_diag("hv.cfg:6: key 'nic': MAC 02:8c:ec:01:86:4c (derived from "
		    "the name) is also the MAC of vm x (line 3)");
}

static void test_describe_vm(void **state)
{
	char line[256];

	config_describe_vm(one_vm(""), line, sizeof(line));
	assert_string_equal(line, "64 MiB, 1 vCPU, weight 1, kernel hello.elf");
	config_describe_vm(one_vm("memory = 1G\nvcpus = 2\ncpu_weight = 5\n"
				  "cpus = 0-1,3,5-7\ntime_limit = 5s\n"
				  "modules = initrd, x\non_crash = restart\n"
				  "disk = d.img\nnic = 52:54:00:12:34:56\n"
				  "apic_virtualization = off\n"),
			   line, sizeof(line));
	assert_string_equal(line, "1 GiB, 2 vCPUs, weight 5, kernel hello.elf, "
				  "modules initrd, x, disk d.img, nic "
				  "52:54:00:12:34:56, cpus "
				  "0-1,3,5-7, time limit 5s, restarts on "
				  "crash, APIC virtualization off");
	config_describe_vm(one_vm("memory = 1028K\ntime_limit = 1500ms\n"),
			   line, sizeof(line));
	assert_string_equal(line, "1028 KiB, 1 vCPU, weight 1, kernel "
				  "hello.elf, time limit 1500ms");
	config_describe_vm(one_vm("time_limit = 1001us\n"), line, 20);
	assert_string_equal(line, "64 MiB, 1 vCPU, wei");
}

/* passthrough and unsafe_dma: the values, and a device given twice. */
static void test_passthrough_keys(void **state)
{
	struct vm_config *vm = one_vm("passthrough = 00:04.0\n"
				      "unsafe_dma = yes\n");
	char line[256];

	assert_true(vm->has_passthrough);
	assert_int_equal(vm->passthrough.bus, 0);
	assert_int_equal(vm->passthrough.dev, 4);
	assert_int_equal(vm->passthrough.fn, 0);
	assert_int_equal(vm->passthrough_line, 3);
	assert_true(vm->unsafe_dma);
	config_describe_vm(vm, line, sizeof(line));
	assert_string_equal(line, "64 MiB, 1 vCPU, weight 1, kernel hello.elf, "
				  "passthrough 00:04.0 (unsafe DMA)");

	assert_int_equal(parse("[vm a]\nkernel = k\npassthrough = 0:4.0\n"), 1);
	assert_string_equal(cfg.vms[0].error,
			    "hv.cfg:3: key 'passthrough': \"0:4.0\" is not a "
			    "PCI address; expected a host PCI function as "
			    "lspci prints it, such as 00:04.0 "
			    "(bus:device.function, hex)");
	assert_false(cfg.vms[0].has_passthrough);
	assert_int_equal(parse("[vm a]\nkernel = k\npassthrough = 00:20.0\n"),
			 1);
	assert_diag("\"00:20.0\" device 20 in \"00:20.0\" is above 1f");
	assert_int_equal(parse("[vm a]\nkernel = k\nunsafe_dma = maybe\n"), 1);
	assert_diag("hv.cfg:3: key 'unsafe_dma': \"maybe\" is not accepted; "
		    "expected yes");
	assert_int_equal(parse("[vm a]\nkernel = k\nunsafe_dma = yes\n"), 1);
	assert_string_equal(cfg.vms[0].error,
			    "hv.cfg:3: key 'unsafe_dma': yes, but [vm a] has "
			    "no 'passthrough' key: there is no device whose "
			    "DMA to allow; remove the line or add "
			    "passthrough = BB:DD.F");
	assert_int_equal(parse("[vm a]\nkernel = k\nunsafe_dma = no\n"), 0);
	assert_int_equal(parse("[vm a]\nkernel = k\npassthrough = 00:04.0\n"
			       "passthrough = 00:05.0\n"),
			 1);
	assert_diag("hv.cfg:4: key 'passthrough' is already set on line 3");
}

static void test_passthrough_claimed_twice(void **state)
{
	assert_int_equal(parse("[vm a]\nkernel = k\npassthrough = 00:04.0\n"
			       "[vm b]\nkernel = k\npassthrough = 00:05.0\n"
			       "[vm c]\nkernel = k\n\npassthrough = 00:04.0\n"),
			 1);
	assert_true(cfg.vms[0].valid);
	assert_true(cfg.vms[1].valid);
	assert_false(cfg.vms[2].valid);
	assert_string_equal(cfg.vms[2].error,
			    "hv.cfg:10: key 'passthrough': 00:04.0 is already "
			    "passed through to vm a (line 3); a device "
			    "belongs to one VM: remove one of the two lines");
}

static struct config_pci_host pci_host(bool remapping)
{
	struct config_pci_host h = {
		.count = 3,
		.present = {{0, 0, 0, 0}, {0, 0, 1, 1}, {0, 0, 4, 0}},
		.remapped = {remapping, remapping, remapping},
		.dma_remapping = remapping,
		.no_remapping_why = "no ACPI DMAR table",
		.used_count = 1,
	};

	h.used[0].bdf = (struct pci_bdf){0, 0, 1, 1};
	h.used[0].user = "the hypervisor's IDE driver";
	return h;
}

static void test_check_passthrough(void **state)
{
	struct config_pci_host host = pci_host(false);
	char err[CONFIG_ERROR_MAX];
	struct vm_config *vm = one_vm("");

	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 0);
	vm = one_vm("passthrough = 00:04.0\nunsafe_dma = yes\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
	assert_true(vm->valid);

	vm = one_vm("passthrough = 00:04.0\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "hv.cfg:3: key 'passthrough': 00:04.0's DMA "
				 "cannot be isolated (no ACPI DMAR table); add "
				 "unsafe_dma = yes to [vm a] to accept that");
	assert_false(vm->valid);
	assert_string_equal(vm->error, err);
	host = pci_host(true);
	vm = one_vm("passthrough = 00:04.0\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 0);
	assert_true(vm->valid);
	/* VT-d is on, but no unit translates this device */
	host.remapped[2] = false;
	vm = one_vm("passthrough = 00:04.0\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "hv.cfg:3: key 'passthrough': 00:04.0's DMA "
				 "cannot be isolated (no VT-d remapping unit "
				 "can take it); add unsafe_dma = yes to [vm a] "
				 "to accept that");
	vm = one_vm("passthrough = 00:04.0\nunsafe_dma = yes\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 0);
	host.remapped[2] = true;

	vm = one_vm("passthrough = 00:05.0\nunsafe_dma = yes\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "hv.cfg:3: key 'passthrough': the host has no "
				 "PCI function 00:05.0 (the log's \"pci:\" "
				 "lines list those it has)");
	vm = one_vm("passthrough = 0001:00:04.0\nunsafe_dma = yes\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "no PCI function 0001:00:04.0"));

	vm = one_vm("passthrough = 00:01.1\nunsafe_dma = yes\n");
	assert_int_equal(config_check_passthrough(vm, &host, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "hv.cfg:3: key 'passthrough': 00:01.1 is used "
				 "by the hypervisor's IDE driver; it cannot "
				 "also be given to a VM");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_bad_global_keeps_defaults),
		cmocka_unit_test(test_uplink_mode),
		cmocka_unit_test(test_one_bad_vm_among_good_ones),
		cmocka_unit_test(test_missing_kernel),
		cmocka_unit_test(test_duplicate_vm_name),
		cmocka_unit_test(test_file_name_in_messages),
		cmocka_unit_test(test_too_many_vms),
		cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_quotes_comments_and_blanks),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_cpu_lists),
		cmocka_unit_test(test_loader_module_lines),
		cmocka_unit_test(test_too_many_loader_modules),
		cmocka_unit_test(test_no_diag_function),
		cmocka_unit_test(test_find_and_parse),
		cmocka_unit_test_setup(test_check_vm_good, setup_boot_info),
		cmocka_unit_test_setup(test_check_vm_unknown_modules,
				       setup_boot_info),
		cmocka_unit_test_setup(test_check_vm_cpus, setup_boot_info),
		cmocka_unit_test_setup(test_check_vm_memory, setup_boot_info),
		cmocka_unit_test_setup(test_check_vm_already_invalid,
				       setup_boot_info),
		cmocka_unit_test_setup(test_check_vm_disk, setup_boot_info),
		cmocka_unit_test(test_disk_sharing),
		cmocka_unit_test(test_several_disks),
		cmocka_unit_test(test_host_disk_sharing),
		cmocka_unit_test(test_nic),
		cmocka_unit_test(test_describe_vm),
		cmocka_unit_test(test_passthrough_keys),
		cmocka_unit_test(test_passthrough_claimed_twice),
		cmocka_unit_test(test_check_passthrough),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
