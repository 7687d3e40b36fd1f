/*
 * kernel/config_parse.c - reads the text of hv.cfg into struct hv_config:
 * a [global] section and [vm NAME] sections of `key = value` lines
 * (docs/config.md). Every problem becomes one message naming the file,
 * line and key and saying what is accepted; a bad VM is refused, the
 * others stay. Pure logic, no allocation: runs once on the boot CPU and
 * in the host unit tests (tests/unit/test_config.c).
 */
#include <stdarg.h>
#include "kernel/config.h"
#include "kernel/disk_spec.h"
#include "lib/fmt.h"
#include "lib/string.h"

#define VALUE_MAX	256 /* the longest value, 255 characters, + NUL */
#define KEYS_MAX	14  /* keys in the longest table below */
#define SHOWN_MAX	40  /* characters of a bad value quoted back */
#define LOADER_PATH_MAX 128 /* as CFG_PATH_MAX in boot/efi/cfg_modules.h */

#define DEFAULT_TIME_SLICE_US 10000
#define DEFAULT_VM_MEMORY     (64 * MIB)

enum section {
	SEC_NONE,   /* before the first section header */
	SEC_GLOBAL, /* [global] */
	SEC_VM,	    /* [vm NAME]; p->vm is the VM */
	SEC_SKIP,   /* a header we could not use: its keys are skipped */
};

/* A piece of the text: not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

struct parser {
	const char *file;
	struct hv_config *cfg;
	config_diag_fn diag;
	void *ctx;
	unsigned line; /* the line being read, from 1 */
	enum section section;
	struct vm_config *vm;
	unsigned global_line;	 /* where [global] is; 0: not seen yet */
	unsigned seen[KEYS_MAX]; /* where each key of this section was set */
};

struct key;
typedef int (*key_fn)(struct parser *p, const struct key *k, const char *v);

struct key {
	const char *name;
	key_fn parse;
	const char *expect; /* what is accepted, for messages */
	bool empty_ok;
	bool repeats; /* may be given more than once (`disk`) */
};

/* ---- characters and spans ------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_' || c == '-';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static struct span span_trim(struct span s)
{
	while (s.n && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static bool span_is(struct span s, const char *word)
{
	return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

/* The first c in s, or NULL. */
static const char *span_find(struct span s, char c)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == c)
			return &s.p[i];
	return NULL;
}

/* Does the C string s equal word (lower case), in any case? */
static bool same_word(const char *s, const char *word)
{
	while (*s && lower(*s) == *word) {
		s++;
		word++;
	}
	return *s == '\0' && *word == '\0';
}

static const char *skip_blanks(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

/* ---- messages ------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static void
fail_at(struct parser *p, unsigned line, const char *fmt, ...)
{
	char msg[CONFIG_ERROR_MAX];
	va_list ap;
	int n;

	n = fmt_snprintf(msg, sizeof(msg), "%s:%u: ", p->file, line);
	if (n >= (int)sizeof(msg))
		n = sizeof(msg) - 1;
	va_start(ap, fmt);
	fmt_vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	p->cfg->errors++;
	if (p->section == SEC_VM) {
		if (p->vm->valid)
			str_copy(p->vm->error, msg, sizeof(p->vm->error));
		p->vm->valid = false;
	} else {
		p->cfg->global_errors++;
	}
	if (p->diag)
		p->diag(p->ctx, line, msg);
}

#define fail(p, ...) fail_at(p, (p)->line, __VA_ARGS__)

/* `key 'K': "VALUE" WHAT; expected EXPECT`, the value cut to SHOWN_MAX. */
static int bad_value(struct parser *p, const struct key *k, const char *shown,
		     size_t len, const char *what)
{
	bool cut = len > SHOWN_MAX;

	fail(p, "key '%s': \"%.*s%s\" %s; expected %s%s", k->name,
	     (int)MIN(len, SHOWN_MAX), shown, cut ? "..." : "", what, k->expect,
	     span_find((struct span){shown, len}, '#')
		     ? " (a comment must be on its own line)"
		     : "");
	return -1;
}

static int bad(struct parser *p, const struct key *k, const char *v,
	       const char *what)
{
	return bad_value(p, k, v, strlen(v), what);
}

/* ---- values --------------------------------------------------------- */

/* Decimal digits at *s: 0, or -1 when there are none or they overflow. */
static int take_u64(const char **s, uint64_t *out)
{
	const char *c = *s;
	uint64_t v = 0;

	if (!is_digit(*c))
		return -1;
	for (; is_digit(*c); c++) {
		unsigned d = (unsigned)(*c - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*s = c;
	*out = v;
	return 0;
}

static int parse_uint(struct parser *p, const struct key *k, const char *v,
		      unsigned min, unsigned max, unsigned *out)
{
	const char *s = v;
	uint64_t n;

	if (!is_digit(*s))
		return bad(p, k, v, "is not a number");
	if (take_u64(&s, &n) || (*s == '\0' && (n < min || n > max)))
		return bad(p, k, v, "is out of range");
	if (*s != '\0')
		return bad(p, k, v, "is not a number");
	*out = (unsigned)n;
	return 0;
}

struct unit {
	const char *name;
	uint64_t factor;
};

static const struct unit size_units[] = {
	{"", 1},      {"k", KIB}, {"kib", KIB}, {"m", MIB},
	{"mib", MIB}, {"g", GIB}, {"gib", GIB},
};

static const struct unit time_units[] = {
	{"us", 1},
	{"ms", 1000},
	{"s", 1000000},
};

/* A number, optional blanks, a unit from the table (case-insensitive).
 * 0; -1 not of that form; -2 too large. */
static int parse_with_unit(const char *v, const struct unit *units,
			   size_t count, uint64_t *out)
{
	const char *s = v;
	uint64_t n;

	if (!is_digit(*s))
		return -1;
	if (take_u64(&s, &n))
		return -2;
	s = skip_blanks(s);
	for (size_t i = 0; i < count; i++) {
		if (!same_word(s, units[i].name))
			continue;
		if (n > UINT64_MAX / units[i].factor)
			return -2;
		*out = n * units[i].factor;
		return 0;
	}
	return -1;
}

static int parse_size(struct parser *p, const struct key *k, const char *v,
		      uint64_t *out)
{
	uint64_t n;
	int r = parse_with_unit(v, size_units, ARRAY_SIZE(size_units), &n);

	if (r == -1)
		return bad(p, k, v, "is not a size");
	if (r == -2)
		return bad(p, k, v, "is too large");
	if (n < MIB)
		return bad(p, k, v, "is less than 1M");
	if (n % PAGE_SIZE)
		return bad(p, k, v, "is not a multiple of 4K");
	*out = n;
	return 0;
}

static int parse_duration(struct parser *p, const struct key *k, const char *v,
			  uint64_t min_us, uint64_t max_us, uint64_t *out)
{
	const char *s = v;
	uint64_t n;
	int r = parse_with_unit(v, time_units, ARRAY_SIZE(time_units), &n);

	if (r == -1 && take_u64(&s, &n) == 0 && *skip_blanks(s) == '\0')
		return bad(p, k, v, "has no unit");
	if (r == -1)
		return bad(p, k, v, "is not a duration");
	if (r == -2 || n < min_us || n > max_us)
		return bad(p, k, v, "is out of range");
	*out = n;
	return 0;
}

struct choice {
	const char *name;
	int value;
};

static int parse_choice(struct parser *p, const struct key *k, const char *v,
			const struct choice *choices, size_t count, int *out)
{
	for (size_t i = 0; i < count; i++) {
		if (strcmp(v, choices[i].name) == 0) {
			*out = choices[i].value;
			return 0;
		}
	}
	return bad(p, k, v, "is not accepted");
}

/* A boot module name: one word of at most BOOT_NAME_MAX-1 characters,
 * without blanks or commas (which separate names in lists). */
static int check_module_name(struct parser *p, const struct key *k,
			     struct span s)
{
	if (s.n >= BOOT_NAME_MAX)
		return bad_value(p, k, s.p, s.n,
				 "is longer than 63 characters");
	for (size_t i = 0; i < s.n; i++)
		if (is_blank(s.p[i]) || s.p[i] == ',')
			return bad_value(p, k, s.p, s.n,
					 "is not one module name");
	return 0;
}

/* One entry of a cpus list: N or N-M. */
static int parse_cpu_range(struct parser *p, const struct key *k,
			   struct span item, uint64_t *mask)
{
	char buf[SHOWN_MAX + 1];
	const char *s = buf;
	uint64_t first, last;

	if (item.n > SHOWN_MAX)
		return bad_value(p, k, item.p, item.n,
				 "is not a pCPU number or range");
	memcpy(buf, item.p, item.n);
	buf[item.n] = '\0';
	if (take_u64(&s, &first))
		return bad(p, k, buf, "is not a pCPU number or range");
	last = first;
	s = skip_blanks(s);
	if (*s == '-') {
		s = skip_blanks(s + 1);
		if (take_u64(&s, &last))
			return bad(p, k, buf, "is not a pCPU number or range");
	}
	if (*s != '\0')
		return bad(p, k, buf, "is not a pCPU number or range");
	if (first > 63 || last > 63)
		return bad(p, k, buf, "names a pCPU above 63");
	if (first > last)
		return bad(p, k, buf, "is a reversed range");
	for (uint64_t c = first; c <= last; c++)
		*mask |= BIT(c);
	return 0;
}

/* Calls fn for each comma-separated entry of v, trimmed; stops at the
 * first failure. An empty entry ("0,,2", "1,") is an error. */
static int for_each_entry(struct parser *p, const struct key *k, const char *v,
			  int (*fn)(struct parser *p, const struct key *k,
				    struct span entry, void *arg),
			  void *arg)
{
	struct span rest = {v, strlen(v)};

	for (;;) {
		const char *comma = span_find(rest, ',');
		size_t len = comma ? (size_t)(comma - rest.p) : rest.n;
		struct span entry = span_trim((struct span){rest.p, len});

		if (entry.n == 0)
			return bad(p, k, v, "has an empty entry");
		if (fn(p, k, entry, arg))
			return -1;
		if (!comma)
			return 0;
		rest.p = comma + 1;
		rest.n -= len + 1;
	}
}

/* ---- [vm NAME] keys ------------------------------------------------- */

static int vm_memory(struct parser *p, const struct key *k, const char *v)
{
	return parse_size(p, k, v, &p->vm->memory);
}

static int vm_vcpus(struct parser *p, const struct key *k, const char *v)
{
	return parse_uint(p, k, v, 1, VM_VCPUS_MAX, &p->vm->vcpus);
}

static int vm_cpu_weight(struct parser *p, const struct key *k, const char *v)
{
	return parse_uint(p, k, v, 1, VM_CPU_WEIGHT_MAX, &p->vm->cpu_weight);
}

static int cpus_entry(struct parser *p, const struct key *k, struct span e,
		      void *mask)
{
	return parse_cpu_range(p, k, e, mask);
}

static int vm_cpus(struct parser *p, const struct key *k, const char *v)
{
	uint64_t mask = 0;

	if (for_each_entry(p, k, v, cpus_entry, &mask))
		return -1;
	p->vm->cpu_mask = mask;
	p->vm->has_cpu_mask = true;
	return 0;
}

static int vm_kernel(struct parser *p, const struct key *k, const char *v)
{
	struct span s = {v, strlen(v)};

	if (check_module_name(p, k, s))
		return -1;
	str_copy(p->vm->kernel, v, sizeof(p->vm->kernel));
	return 0;
}

static int vm_cmdline(struct parser *p, const struct key *k, const char *v)
{
	str_copy(p->vm->cmdline, v, sizeof(p->vm->cmdline));
	return 0;
}

struct module_list {
	unsigned count;
	char names[VM_MODULES_MAX][BOOT_NAME_MAX];
};

static int modules_entry(struct parser *p, const struct key *k, struct span e,
			 void *arg)
{
	struct module_list *l = arg;

	if (check_module_name(p, k, e))
		return -1;
	if (l->count == VM_MODULES_MAX)
		return bad_value(p, k, e.p, e.n, "is one module too many");
	for (unsigned i = 0; i < l->count; i++)
		if (strlen(l->names[i]) == e.n &&
		    memcmp(l->names[i], e.p, e.n) == 0)
			return bad_value(p, k, e.p, e.n, "is listed twice");
	memcpy(l->names[l->count], e.p, e.n);
	l->names[l->count++][e.n] = '\0';
	return 0;
}

static int vm_modules(struct parser *p, const struct key *k, const char *v)
{
	struct module_list l = {0};

	if (for_each_entry(p, k, v, modules_entry, &l))
		return -1;
	p->vm->module_count = l.count;
	memcpy(p->vm->modules, l.names, sizeof(l.names));
	return 0;
}

/* `disk = ...`, once per disk (vda, vdb, ... in this order). */
static int vm_disk(struct parser *p, const struct key *k, const char *v)
{
	struct vm_config *vm = p->vm;
	char why[96];

	if (vm->disk_count == VM_DISKS_MAX) {
		fail(p,
		     "key 'disk': a VM has at most %u disks (its first is "
		     "on line %u); give it fewer",
		     VM_DISKS_MAX, vm->disk_lines[0]);
		return -1;
	}
	if (disk_spec_parse(v, &vm->disks[vm->disk_count], why, sizeof(why))) {
		vm->disks[vm->disk_count].source = DISK_NONE;
		return bad(p, k, v, why);
	}
	vm->disk_lines[vm->disk_count++] = p->line;
	return 0;
}

/* `nic = yes | no | MAC`: a NIC with an address derived from the VM's
 * name (check_nics), none, or one with the address given. */
static int vm_nic(struct parser *p, const struct key *k, const char *v)
{
	struct vm_config *vm = p->vm;
	const char *why;

	vm->nic_line = p->line;
	vm->nic_mac_given = false;
	if (strcmp(v, "no") == 0) {
		vm->nic = false;
		return 0;
	}
	vm->nic = true;
	if (strcmp(v, "yes") == 0)
		return 0;
	if (mac_parse(v, &vm->nic_mac, &why)) {
		vm->nic = false;
		return bad(p, k, v, why);
	}
	vm->nic_mac_given = true;
	return 0;
}

static int vm_on_crash(struct parser *p, const struct key *k, const char *v)
{
	static const struct choice choices[] = {
		{"stop", ON_CRASH_STOP},
		{"restart", ON_CRASH_RESTART},
	};
	int c = 0;

	if (parse_choice(p, k, v, choices, ARRAY_SIZE(choices), &c))
		return -1;
	p->vm->on_crash = (enum on_crash)c;
	return 0;
}

static int vm_apicv(struct parser *p, const struct key *k, const char *v)
{
	static const struct choice choices[] = {{"on", 0}, {"off", 1}};
	int c = 0;

	if (parse_choice(p, k, v, choices, ARRAY_SIZE(choices), &c))
		return -1;
	p->vm->apicv_off = c;
	return 0;
}

/* `passthrough = BB:DD.F`: a host PCI function for this VM alone
 * (whether it exists is checked against the machine later:
 * config_check_passthrough). */
static int vm_passthrough(struct parser *p, const struct key *k, const char *v)
{
	char why[96];

	if (pci_bdf_parse(v, &p->vm->passthrough, why, sizeof(why)))
		return bad(p, k, v,
			   why[0] == '"' ? "is not a PCI address" : why);
	p->vm->has_passthrough = true;
	p->vm->passthrough_line = p->line;
	return 0;
}

static int vm_unsafe_dma(struct parser *p, const struct key *k, const char *v)
{
	static const struct choice choices[] = {{"no", 0}, {"yes", 1}};
	int c = 0;

	if (parse_choice(p, k, v, choices, ARRAY_SIZE(choices), &c))
		return -1;
	p->vm->unsafe_dma = c;
	p->vm->unsafe_dma_line = p->line;
	return 0;
}

static int vm_time_limit(struct parser *p, const struct key *k, const char *v)
{
	return parse_duration(p, k, v, 1000, 3600ULL * 1000000,
			      &p->vm->time_limit_us);
}

/* Indexes in vm_keys of the keys other code looks for. */
#define VM_KEY_KERNEL 4

static const struct key vm_keys[] = {
	{.name = "memory",
	 .parse = vm_memory,
	 .expect = "a size such as 64M (bytes, or K, M, G), at least 1M, "
		   "a multiple of 4K"},
	{.name = "vcpus", .parse = vm_vcpus, .expect = "1 to 64"},
	{.name = "cpu_weight", .parse = vm_cpu_weight, .expect = "1 to 1000"},
	{.name = "cpus",
	 .parse = vm_cpus,
	 .expect = "pCPU numbers 0 to 63 such as 0,2-3"},
	[VM_KEY_KERNEL] = {.name = "kernel",
			   .parse = vm_kernel,
			   .expect = "a boot module name such as hello.elf"},
	{.name = "cmdline",
	 .parse = vm_cmdline,
	 .expect = "at most 255 characters",
	 .empty_ok = true},
	{.name = "modules",
	 .parse = vm_modules,
	 .expect = "up to 8 boot module names separated by commas"},
	{.name = "disk",
	 .parse = vm_disk,
	 .repeats = true,
	 .expect = "SOURCE [raw|thin] [ro] [shared], SOURCE a boot module "
		   "(disk.img) or a host disk (ata1-master, ata1-master:p2, "
		   "ata1-master@2048+65536)"},
	{.name = "nic",
	 .parse = vm_nic,
	 .expect = "yes (a MAC derived from the VM's name), no, or a "
		   "unicast MAC address such as 52:54:00:12:34:56"},
	{.name = "on_crash", .parse = vm_on_crash, .expect = "stop or restart"},
	{.name = "apic_virtualization",
	 .parse = vm_apicv,
	 .expect = "on (the CPU's APIC virtualization when it has it) or "
		   "off (every local APIC access exits and is emulated)"},
	{.name = "time_limit",
	 .parse = vm_time_limit,
	 .expect = "1ms to 1h such as 5s (units us, ms, s)"},
	{.name = "passthrough",
	 .parse = vm_passthrough,
	 .expect = "a host PCI function as lspci prints it, such as 00:04.0 "
		   "(bus:device.function, hex)"},
	{.name = "unsafe_dma",
	 .parse = vm_unsafe_dma,
	 .expect = "yes (a passed-through device's DMA is not isolated; "
		   "the VM's RAM is identity-mapped) or no"},
};

/* ---- [global] keys -------------------------------------------------- */

static int global_time_slice(struct parser *p, const struct key *k,
			     const char *v)
{
	return parse_duration(p, k, v, 100, 1000000, &p->cfg->time_slice_us);
}

static int global_log_level(struct parser *p, const struct key *k,
			    const char *v)
{
	static const struct choice choices[] = {
		{"error", LOG_ERR},
		{"warn", LOG_WARN},
		{"info", LOG_INFO},
		{"debug", LOG_DEBUG},
	};
	int c = 0;

	if (parse_choice(p, k, v, choices, ARRAY_SIZE(choices), &c))
		return -1;
	p->cfg->log_level = (enum log_level)c;
	return 0;
}

static int global_poweroff(struct parser *p, const struct key *k, const char *v)
{
	static const struct choice choices[] = {
		{"when-idle", POWEROFF_WHEN_IDLE},
		{"never", POWEROFF_NEVER},
	};
	int c = 0;

	if (parse_choice(p, k, v, choices, ARRAY_SIZE(choices), &c))
		return -1;
	p->cfg->poweroff = (enum poweroff_policy)c;
	return 0;
}

/* A whole host disk by the name its driver gives it: ataN-master,
 * ataN-slave or ahciN-portP (kernel/disk_spec.h). Whether it exists is
 * known only after the disks are probed; kernel/main.c says so then. */
static int global_disk_selftest(struct parser *p, const struct key *k,
				const char *v)
{
	struct disk_spec d;
	char why[96];

	if (strlen(v) >= CONFIG_DISK_NAME_MAX ||
	    disk_spec_parse(v, &d, why, sizeof(why)) || d.source != DISK_HOST ||
	    d.area != DISK_WHOLE || d.thin || d.read_only || d.shared)
		return bad(p, k, v, "is not a host disk name");
	str_copy(p->cfg->disk_selftest, v, sizeof(p->cfg->disk_selftest));
	return 0;
}

/* `none`, `e1000` (the first one found) or the PCI address of one.
 * Whether it is there is known only after the PCI scan; kernel/main.c
 * says so then, naming this line. */
static int global_uplink(struct parser *p, const struct key *k, const char *v)
{
	struct config_uplink *u = &p->cfg->uplink;
	char why[CONFIG_ERROR_MAX];

	u->by_address = false;
	if (!strcmp(v, "none")) {
		u->kind = UPLINK_NONE;
		u->line = 0;
		return 0;
	}
	u->kind = UPLINK_E1000;
	u->line = p->line;
	if (!strcmp(v, "e1000"))
		return 0;
	if (pci_bdf_parse(v, &u->at, why, sizeof(why))) {
		u->kind = UPLINK_NONE;
		u->line = 0;
		return bad(p, k, v, "is neither a NIC model nor a PCI address");
	}
	u->by_address = true;
	return 0;
}

/* `bridged` or `nat`; that nat has an uplink to use is checked once
 * the whole file is read (check_uplink). */
static int global_uplink_mode(struct parser *p, const struct key *k,
			      const char *v)
{
	struct config_uplink *u = &p->cfg->uplink;

	if (!strcmp(v, "bridged"))
		u->mode = UPLINK_BRIDGED;
	else if (!strcmp(v, "nat"))
		u->mode = UPLINK_NAT;
	else
		return bad(p, k, v, "is not an uplink mode");
	u->mode_line = p->line;
	return 0;
}

static const struct key global_keys[] = {
	{.name = "time_slice",
	 .parse = global_time_slice,
	 .expect = "100us to 1s such as 10ms (units us, ms, s)"},
	{.name = "log_level",
	 .parse = global_log_level,
	 .expect = "error, warn, info or debug"},
	{.name = "poweroff",
	 .parse = global_poweroff,
	 .expect = "when-idle or never"},
	{.name = "disk_selftest",
	 .parse = global_disk_selftest,
	 .expect =
		 "a host disk such as ata1-master or ahci0-port1 (its data is "
		 "overwritten)"},
	{.name = "uplink",
	 .parse = global_uplink,
	 .expect = "none, e1000 (the first Intel e1000 on PCI) or the PCI "
		   "address of one such as 00:03.0"},
	{.name = "uplink_mode",
	 .parse = global_uplink_mode,
	 .expect = "bridged (the VMs' own MACs on the wire) or nat (the VMs "
		   "behind the hypervisor's one address)"},
};

_Static_assert(ARRAY_SIZE(vm_keys) <= KEYS_MAX &&
		       ARRAY_SIZE(global_keys) <= KEYS_MAX,
	       "parser.seen[] has a slot for each key of a section");

/* ---- module = NAME PATH (the UEFI loader's lines) -------------------- */

static const struct key module_key = {
	.name = "module",
	.expect = "module = NAME PATH such as module = hello.elf "
		  "guests/hello.elf",
};

/* The next word as the loader takes it: up to a blank, '#' or '='. */
static struct span take_word(struct span *rest)
{
	struct span w;

	*rest = span_trim(*rest);
	w.p = rest->p;
	w.n = 0;
	while (w.n < rest->n && !is_blank(w.p[w.n]) && w.p[w.n] != '#' &&
	       w.p[w.n] != '=')
		w.n++;
	rest->p += w.n;
	rest->n -= w.n;
	return w;
}

/* Mirrors boot/efi/cfg_modules.c: two words, then nothing or a comment;
 * a relative path; a unique name that is not hv.cfg. */
static void parse_module_line(struct parser *p, struct span value)
{
	struct hv_config *cfg = p->cfg;
	struct span rest = value, name = take_word(&rest);
	struct span path = take_word(&rest);
	struct config_loader_module *m;

	rest = span_trim(rest);
	if (!name.n || !path.n || (rest.n && rest.p[0] != '#')) {
		fail(p, "key 'module': expected %s", module_key.expect);
		return;
	}
	if (name.n >= BOOT_NAME_MAX || path.n >= LOADER_PATH_MAX) {
		fail(p, "key 'module': the name is longer than 63 characters "
			"or the path longer than 127");
		return;
	}
	if (path.p[0] == '/' || path.p[0] == '\\') {
		fail(p,
		     "key 'module': path %.*s must be relative to \\EFI\\hv\\",
		     (int)path.n, path.p);
		return;
	}
	if (span_is(name, CONFIG_MODULE_NAME)) {
		fail(p, "key 'module': the name " CONFIG_MODULE_NAME
			" is taken by the configuration itself");
		return;
	}
	for (unsigned i = 0; i < cfg->loader_module_count; i++) {
		m = &cfg->loader_modules[i];
		if (span_is(name, m->name)) {
			fail(p,
			     "key 'module': module %s is already named on "
			     "line %u",
			     m->name, m->line);
			return;
		}
	}
	if (cfg->loader_module_count == CONFIG_LOADER_MODS_MAX) {
		fail(p, "key 'module': more than %u modules",
		     CONFIG_LOADER_MODS_MAX);
		return;
	}
	m = &cfg->loader_modules[cfg->loader_module_count++];
	memcpy(m->name, name.p, name.n);
	m->name[name.n] = '\0';
	m->line = p->line;
}

/* ---- sections ------------------------------------------------------- */

static void vm_defaults(struct vm_config *vm, struct span name, unsigned line)
{
	memset(vm, 0, sizeof(*vm));
	memcpy(vm->name, name.p, name.n);
	vm->memory = DEFAULT_VM_MEMORY;
	vm->vcpus = 1;
	vm->cpu_weight = 1;
	vm->on_crash = ON_CRASH_STOP;
	vm->line = line;
	vm->valid = true;
}

/* The checks that need the whole section: a VM names its kernel (a
 * bad kernel value has been reported already). */
static void end_section(struct parser *p)
{
	if (p->section == SEC_VM && !p->seen[VM_KEY_KERNEL])
		fail_at(p, p->vm->line,
			"[vm %s] has no 'kernel' key; expected the boot "
			"module to run, such as kernel = hello.elf",
			p->vm->name);
	if (p->section == SEC_VM && p->vm->unsafe_dma &&
	    !p->vm->has_passthrough)
		fail_at(p, p->vm->unsafe_dma_line,
			"key 'unsafe_dma': yes, but [vm %s] has no "
			"'passthrough' key: there is no device whose DMA to "
			"allow; remove the line or add passthrough = BB:DD.F",
			p->vm->name);
	memset(p->seen, 0, sizeof(p->seen));
}

static bool vm_name_ok(struct span name)
{
	if (name.n == 0 || name.n >= VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < name.n; i++)
		if (!is_name_char(name.p[i]))
			return false;
	return true;
}

static void begin_vm(struct parser *p, struct span name)
{
	struct hv_config *cfg = p->cfg;

	p->section = SEC_SKIP;
	if (!vm_name_ok(name)) {
		fail(p,
		     "VM name '%.*s': expected 1 to 31 letters, digits, "
		     "'_' or '-'",
		     (int)MIN(name.n, SHOWN_MAX), name.p);
		return;
	}
	if (cfg->vm_count == VMS_MAX) {
		fail(p, "[vm %.*s]: more than %u VMs; its section is skipped",
		     (int)name.n, name.p, VMS_MAX);
		return;
	}
	p->vm = &cfg->vms[cfg->vm_count++];
	vm_defaults(p->vm, name, p->line);
	p->section = SEC_VM;
	for (unsigned i = 0; i + 1 < cfg->vm_count; i++)
		if (strcmp(cfg->vms[i].name, p->vm->name) == 0)
			fail(p, "VM name '%s' is already used on line %u",
			     p->vm->name, cfg->vms[i].line);
}

static void begin_global(struct parser *p)
{
	if (p->global_line) {
		p->section = SEC_SKIP;
		fail(p,
		     "[global] already appeared on line %u; put all global "
		     "keys there",
		     p->global_line);
		return;
	}
	p->global_line = p->line;
	p->section = SEC_GLOBAL;
}

/* A line that starts with '['. */
static void parse_header(struct parser *p, struct span s)
{
	struct span inside, word;

	end_section(p);
	p->section = SEC_SKIP;
	if (s.p[s.n - 1] != ']') {
		fail(p, "a section header must end with ']' (and comments "
			"must be on their own line)");
		return;
	}
	inside = span_trim((struct span){s.p + 1, s.n - 2});
	word = (struct span){inside.p, 0};
	while (word.n < inside.n && !is_blank(inside.p[word.n]))
		word.n++;
	if (span_is(inside, "global")) {
		begin_global(p);
	} else if (span_is(word, "vm")) {
		begin_vm(p, span_trim((struct span){inside.p + word.n,
						    inside.n - word.n}));
	} else {
		fail(p, "section [%.*s] is not [global] or [vm NAME]",
		     (int)MIN(inside.n, SHOWN_MAX), inside.p);
	}
}

/* ---- keys ----------------------------------------------------------- */

static void list_keys(const struct key *keys, size_t count, char *buf,
		      size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < count && n < size; i++)
		n += (size_t)fmt_snprintf(buf + n, size - n, "%s%s",
					  i ? ", " : "", keys[i].name);
}

static void unknown_key(struct parser *p, struct span key,
			const struct key *keys, size_t count)
{
	char accepted[256];

	list_keys(keys, count, accepted, sizeof(accepted));
	if (span_is(key, "module") && p->section == SEC_VM)
		fail(p,
		     "key 'module' in [vm %s]: module lines go at the top "
		     "or in [global]; a VM names its own with 'kernel' "
		     "and 'modules'",
		     p->vm->name);
	else if (p->section == SEC_VM)
		fail(p, "unknown key '%.*s' in [vm %s]; accepted keys: %s",
		     (int)MIN(key.n, SHOWN_MAX), key.p, p->vm->name, accepted);
	else
		fail(p,
		     "unknown key '%.*s' in [global]; accepted keys: %s, "
		     "module",
		     (int)MIN(key.n, SHOWN_MAX), key.p, accepted);
}

/* Quotes removed, copied into buf; 0 or -1 after saying why not. */
static int take_value(struct parser *p, const struct key *k, struct span v,
		      char *buf)
{
	if (v.n && v.p[0] == '"') {
		if (v.n < 2 || v.p[v.n - 1] != '"')
			return bad_value(p, k, v.p, v.n,
					 "has no closing quote");
		v.p++;
		v.n -= 2;
	}
	if (v.n >= VALUE_MAX) {
		char what[48];

		fmt_snprintf(what, sizeof(what), "is %zu characters long", v.n);
		return bad_value(p, k, v.p, v.n, what);
	}
	if (v.n == 0 && !k->empty_ok) {
		fail(p, "key '%s' has no value; expected %s", k->name,
		     k->expect);
		return -1;
	}
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	return 0;
}

static void parse_key(struct parser *p, struct span key, struct span value)
{
	const struct key *keys = p->section == SEC_VM ? vm_keys : global_keys;
	size_t count = p->section == SEC_VM ? ARRAY_SIZE(vm_keys)
					    : ARRAY_SIZE(global_keys);
	char buf[VALUE_MAX];

	if (p->section == SEC_SKIP)
		return;
	if (span_is(key, "module") && p->section != SEC_VM) {
		parse_module_line(p, value);
		return;
	}
	if (p->section == SEC_NONE) {
		fail(p,
		     "key '%.*s' comes before any section; put it under "
		     "[global] or [vm NAME]",
		     (int)MIN(key.n, SHOWN_MAX), key.p);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		if (!span_is(key, keys[i].name))
			continue;
		if (p->seen[i] && !keys[i].repeats) {
			fail(p, "key '%s' is already set on line %u",
			     keys[i].name, p->seen[i]);
			return;
		}
		p->seen[i] = p->line;
		if (take_value(p, &keys[i], value, buf) == 0)
			keys[i].parse(p, &keys[i], buf);
		return;
	}
	unknown_key(p, key, keys, count);
}

static bool key_ok(struct span key)
{
	if (key.n == 0)
		return false;
	for (size_t i = 0; i < key.n; i++)
		if (!is_name_char(key.p[i]))
			return false;
	return true;
}

static void parse_line(struct parser *p, struct span s)
{
	const char *eq;
	struct span key;

	s = span_trim(s);
	if (s.n == 0 || s.p[0] == '#' || s.p[0] == ';')
		return;
	if (s.p[0] == '[') {
		parse_header(p, s);
		return;
	}
	eq = span_find(s, '=');
	key = eq ? span_trim((struct span){s.p, (size_t)(eq - s.p)}) : s;
	if (!eq || !key_ok(key)) {
		fail(p, "line is not a [section] or key = value");
		return;
	}
	parse_key(
		p, key,
		span_trim((struct span){eq + 1, (size_t)(s.p + s.n - eq - 1)}));
}

/* Is name the kernel or one of the modules of vm? */
static bool vm_loads(const struct vm_config *vm, const char *name)
{
	if (strcmp(vm->kernel, name) == 0)
		return true;
	for (unsigned i = 0; i < vm->module_count; i++)
		if (strcmp(vm->modules[i], name) == 0)
			return true;
	return false;
}

/* Two VMs have the same disk source, and one of them may write it
 * without both saying `shared`. (Overlapping areas of a host disk are
 * found when the partitions are read: vmx/vm_disk.c.) */
static bool disk_conflict(const struct disk_spec *a, const struct disk_spec *b)
{
	char sa[BOOT_NAME_MAX + 48], sb[BOOT_NAME_MAX + 48];

	if (a->source != b->source || (a->read_only && b->read_only) ||
	    (a->shared && b->shared))
		return false;
	disk_spec_source(a, sa, sizeof(sa));
	disk_spec_source(b, sb, sizeof(sb));
	return strcmp(sa, sb) == 0;
}

/* Disk d of vm against every disk before it, of this VM or an earlier
 * one: a disk is written by its VM, so no other VM (nor a second line
 * of the same VM) may have it, unless both say `shared` (or both ro);
 * nor may any VM load it as a kernel or module (which a restart loads
 * again). */
static void check_disk(struct parser *p, struct vm_config *vm, unsigned d)
{
	struct hv_config *cfg = p->cfg;
	const struct disk_spec *disk = &vm->disks[d];

	p->section = SEC_VM;
	p->vm = vm;
	for (unsigned j = 0; j < cfg->vm_count; j++) {
		const struct vm_config *o = &cfg->vms[j];

		for (unsigned e = 0; o <= vm && e < o->disk_count; e++) {
			if ((o == vm && e >= d) ||
			    !disk_conflict(&o->disks[e], disk))
				continue;
			fail_at(p, vm->disk_lines[d],
				"key 'disk': %s is already the disk of vm %s "
				"(line %u); a disk belongs to one VM unless "
				"both say shared (or both ro)",
				disk->name, o->name, o->disk_lines[e]);
			return;
		}
		if (disk->source == DISK_MODULE && vm_loads(o, disk->name)) {
			fail_at(p, vm->disk_lines[d],
				"key 'disk': %s is also a kernel or module of "
				"vm %s; a disk image must be a module of its "
				"own",
				disk->name, o->name);
			return;
		}
	}
}

static void check_disks(struct parser *p)
{
	for (unsigned i = 0; i < p->cfg->vm_count; i++)
		for (unsigned d = 0; d < p->cfg->vms[i].disk_count; d++)
			check_disk(p, &p->cfg->vms[i], d);
}

/* Every NIC has an address (derived from its VM's name when none was
 * given), and no two NICs on the switch have the same one. */
static void check_nic(struct parser *p, struct vm_config *vm)
{
	char mac[MAC_STR_SIZE];

	p->section = SEC_VM;
	p->vm = vm;
	for (struct vm_config *o = p->cfg->vms; o < vm; o++) {
		if (!o->nic || !mac_equal(&o->nic_mac, &vm->nic_mac))
			continue;
		mac_format(&vm->nic_mac, mac, sizeof(mac));
		fail_at(p, vm->nic_line,
			"key 'nic': MAC %s%s is also the MAC of vm %s (line "
			"%u); each NIC needs its own address",
			mac,
			vm->nic_mac_given ? "" : " (derived from the name)",
			o->name, o->nic_line);
		return;
	}
}

static void check_nics(struct parser *p)
{
	for (unsigned i = 0; i < p->cfg->vm_count; i++) {
		struct vm_config *vm = &p->cfg->vms[i];

		if (vm->nic && !vm->nic_mac_given)
			vm->nic_mac = mac_from_name(vm->name);
	}
	for (unsigned i = 0; i < p->cfg->vm_count; i++)
		if (p->cfg->vms[i].nic)
			check_nic(p, &p->cfg->vms[i]);
}

/* A host PCI function belongs to one VM: a second claim refuses the
 * later VM, naming the first and both lines. */
static void check_passthrough(struct parser *p, struct vm_config *vm)
{
	char bdf[PCI_BDF_TEXT_MAX];

	p->section = SEC_VM;
	p->vm = vm;
	for (struct vm_config *o = p->cfg->vms; o < vm; o++) {
		if (!o->has_passthrough ||
		    pci_bdf_rid(&o->passthrough) !=
			    pci_bdf_rid(&vm->passthrough) ||
		    o->passthrough.segment != vm->passthrough.segment)
			continue;
		pci_bdf_format(&vm->passthrough, bdf, sizeof(bdf));
		fail_at(p, vm->passthrough_line,
			"key 'passthrough': %s is already passed through to "
			"vm %s (line %u); a device belongs to one VM: remove "
			"one of the two lines",
			bdf, o->name, o->passthrough_line);
		return;
	}
}

static void check_passthroughs(struct parser *p)
{
	for (unsigned i = 0; i < p->cfg->vm_count; i++)
		if (p->cfg->vms[i].has_passthrough)
			check_passthrough(p, &p->cfg->vms[i]);
}

static void config_defaults(struct hv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->time_slice_us = DEFAULT_TIME_SLICE_US;
	cfg->log_level = LOG_INFO;
	cfg->poweroff = POWEROFF_WHEN_IDLE;
}

/* NAT mode translates to the uplink's address: it needs an uplink. */
static void check_uplink(struct parser *p)
{
	const struct config_uplink *u = &p->cfg->uplink;

	if (u->mode != UPLINK_NAT || u->kind != UPLINK_NONE)
		return;
	p->section = SEC_GLOBAL;
	p->vm = NULL;
	fail_at(p, u->mode_line,
		"key 'uplink_mode': nat needs a host NIC to share; add "
		"uplink = e1000 (or its PCI address) to [global], or remove "
		"uplink_mode");
}

int config_parse(const char *text, size_t size, const char *file,
		 struct hv_config *cfg, config_diag_fn diag, void *ctx)
{
	struct parser p = {
		.file = file,
		.cfg = cfg,
		.diag = diag,
		.ctx = ctx,
		.section = SEC_NONE,
	};
	const char *end = text + size;

	config_defaults(cfg);
	for (const char *s = text; s < end;) {
		const char *nl =
			span_find((struct span){s, (size_t)(end - s)}, '\n');
		const char *e = nl ? nl : end;

		p.line++;
		parse_line(&p, (struct span){s, (size_t)(e - s)});
		s = nl ? nl + 1 : end;
	}
	end_section(&p);
	check_disks(&p);
	check_nics(&p);
	check_passthroughs(&p);
	check_uplink(&p);
	return (int)cfg->errors;
}
