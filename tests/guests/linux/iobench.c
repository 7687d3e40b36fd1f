/*
 * tests/guests/linux/iobench.c - /bin/iobench in the Linux guest's
 * initramfs: the disk and network loads of `make bench` (scripts/bench,
 * docs/performance.md), each timed with RDTSC, which in Bochs with
 * `clock: sync=none` counts emulated instructions, bare and in a VM
 * alike (the VMs' TSC offset is 0). A static x86-64 Linux program
 * without libc: its own _start and raw system calls.
 *
 *   iobench disk DEV            sequential write and read, 4 KiB latency
 *   iobench qd8 DEV             4 KiB reads, 8 in flight (io_submit)
 *   iobench ping ADDR COUNT     ICMP echo round trips (raw socket)
 *   iobench tcp-recv PORT       take one TCP connection, read to its end
 *   iobench tcp-send ADDR PORT MIB   send MIB MiB over TCP, wait for the
 *                               receiver to close
 *
 * Each result is one line `iobench: NAME n=N bytes=B ticks=T min=M`
 * (n requests or round trips, B bytes moved, T ticks for all of them,
 * M the fastest one where that means something, else 0); a failure is
 * `iobench: NAME failed: WHAT (errno E)` and exit status 1.
 * Disk I/O is O_DIRECT (no page cache: every read and write reaches the
 * device) within bytes [1 MiB, 9 MiB) of DEV; the data read back is
 * checked against what was written.
 * Linux x86-64 system call convention (arch/x86/entry/entry_64.S);
 * include/uapi/linux/aio_abi.h; RFC 792 (ICMP echo); SDM Vol. 2B,
 * "RDTSC - Read Time-Stamp Counter".
 */
#include <stddef.h>
#include <stdint.h>

/* ---- system calls ------------------------------------------------- */

enum {
	SYS_READ = 0,
	SYS_WRITE = 1,
	SYS_OPEN = 2,
	SYS_CLOSE = 3,
	SYS_PREAD64 = 17,
	SYS_PWRITE64 = 18,
	SYS_NANOSLEEP = 35,
	SYS_SOCKET = 41,
	SYS_CONNECT = 42,
	SYS_ACCEPT = 43,
	SYS_SENDTO = 44,
	SYS_RECVFROM = 45,
	SYS_SHUTDOWN = 48,
	SYS_BIND = 49,
	SYS_LISTEN = 50,
	SYS_SETSOCKOPT = 54,
	SYS_FDATASYNC = 75,
	SYS_IO_SETUP = 206,
	SYS_IO_GETEVENTS = 208,
	SYS_IO_SUBMIT = 209,
	SYS_EXIT_GROUP = 231,
};

#define O_RDWR	     2
#define O_DIRECT     040000
#define AF_INET	     2
#define SOCK_STREAM  1
#define SOCK_RAW     3
#define IPPROTO_ICMP 1
#define SOL_SOCKET   1
#define SO_REUSEADDR 2
#define SO_RCVTIMEO  20
#define SHUT_WR	     1
#define IOCB_PREAD   0

static long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

/* gcc may call these for structure copies and zeroing. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memset(void *d, int c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((volatile uint8_t *)d)[i] = (uint8_t)c;
	return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memcpy(void *d, const void *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((volatile uint8_t *)d)[i] = ((const uint8_t *)s)[i];
	return d;
}

/* ---- output --------------------------------------------------------- */

static char out[256];
static size_t out_len;

static void put_str(const char *s)
{
	while (*s && out_len < sizeof(out) - 1)
		out[out_len++] = *s++;
}

static void put_u64(uint64_t v)
{
	char d[24];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && out_len < sizeof(out) - 1)
		out[out_len++] = d[--n];
}

static void flush_line(void)
{
	out[out_len++] = '\n';
	sys3(SYS_WRITE, 1, out, out_len);
	out_len = 0;
}

static void result(const char *name, uint64_t n, uint64_t bytes, uint64_t ticks,
		   uint64_t min)
{
	put_str("iobench: ");
	put_str(name);
	put_str(" n=");
	put_u64(n);
	put_str(" bytes=");
	put_u64(bytes);
	put_str(" ticks=");
	put_u64(ticks);
	put_str(" min=");
	put_u64(min);
	flush_line();
}

static void fail(const char *name, const char *what, long ret)
	__attribute__((noreturn));

static void fail(const char *name, const char *what, long ret)
{
	put_str("iobench: ");
	put_str(name);
	put_str(" failed: ");
	put_str(what);
	put_str(" (errno ");
	put_u64(ret < 0 ? (uint64_t)-ret : 0);
	put_str(")");
	flush_line();
	sys3(SYS_EXIT_GROUP, 1, 0, 0);
	__builtin_unreachable();
}

/* ---- small helpers -------------------------------------------------- */

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static uint64_t parse_u64(const char *s)
{
	uint64_t v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/* "A.B.C.D" in network byte order (as it lies in memory). */
static uint32_t parse_ip(const char *s)
{
	uint32_t ip = 0;

	for (int i = 0; i < 4; i++) {
		ip |= (uint32_t)parse_u64(s) << (8 * i);
		while (*s >= '0' && *s <= '9')
			s++;
		if (*s == '.')
			s++;
	}
	return ip;
}

static uint16_t be16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static uint64_t lcg_state = 12345;

static uint64_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg_state >> 33;
}

static void sleep_ms(long ms)
{
	struct {
		long sec, nsec;
	} ts = {ms / 1000, (ms % 1000) * 1000000};

	sys3(SYS_NANOSLEEP, &ts, 0, 0);
}

/* ---- disk ----------------------------------------------------------- */

#define MIB	     (1024 * 1024)
#define AREA	     (1 * MIB) /* where the load starts on the disk */
#define SEQ_BYTES    (8 * MIB)
#define SEQ_CHUNK    (1 * MIB)
#define SMALL	     4096
#define LAT_REQS     256
#define QD	     8
#define QD_REQS	     1024
#define SMALL_BLOCKS (SEQ_BYTES / SMALL)

static uint8_t buf[SEQ_CHUNK] __attribute__((aligned(4096)));
static uint8_t small[QD][SMALL] __attribute__((aligned(4096)));

/* What byte offset off of the disk holds, 8 bytes at a time. */
static uint64_t pattern(uint64_t off)
{
	return off * 0x9E3779B97F4A7C15ULL ^ 0x6865726520697321ULL;
}

static void fill(uint64_t base)
{
	for (size_t i = 0; i < SEQ_CHUNK; i += 8)
		*(uint64_t *)(buf + i) = pattern(base + i);
}

static int check(const uint8_t *p, uint64_t base, size_t len)
{
	for (size_t i = 0; i < len; i += 8)
		if (*(const uint64_t *)(p + i) != pattern(base + i))
			return -1;
	return 0;
}

static int open_disk(const char *dev)
{
	long fd = sys3(SYS_OPEN, dev, O_RDWR | O_DIRECT, 0);

	if (fd < 0)
		fail("open", dev, fd);
	return (int)fd;
}

static void seq_write(int fd)
{
	uint64_t t0, ticks = 0, min = ~0ULL;

	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_CHUNK) {
		uint64_t t;
		long r;

		fill(AREA + off);
		t = rdtsc();
		r = sys6(SYS_PWRITE64, fd, (long)buf, SEQ_CHUNK,
			 (long)(AREA + off), 0, 0);
		t = rdtsc() - t;
		if (r != SEQ_CHUNK)
			fail("seq-write", "pwrite", r);
		ticks += t;
		min = t < min ? t : min;
	}
	t0 = rdtsc();
	if (sys3(SYS_FDATASYNC, fd, 0, 0))
		fail("seq-write", "fdatasync", -1);
	ticks += rdtsc() - t0;
	result("seq-write", SEQ_BYTES / SEQ_CHUNK, SEQ_BYTES, ticks, min);
}

static void seq_read(int fd)
{
	uint64_t ticks = 0, min = ~0ULL;

	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_CHUNK) {
		uint64_t t = rdtsc();
		long r = sys6(SYS_PREAD64, fd, (long)buf, SEQ_CHUNK,
			      (long)(AREA + off), 0, 0);

		t = rdtsc() - t;
		if (r != SEQ_CHUNK)
			fail("seq-read", "pread", r);
		if (check(buf, AREA + off, SEQ_CHUNK))
			fail("seq-read", "the data read back differs", 0);
		ticks += t;
		min = t < min ? t : min;
	}
	result("seq-read", SEQ_BYTES / SEQ_CHUNK, SEQ_BYTES, ticks, min);
}

static uint64_t small_offset(void)
{
	return AREA + (lcg() % SMALL_BLOCKS) * SMALL;
}

/* 4 KiB reads one after the other: each waits for the one before. */
static void latency(int fd)
{
	uint64_t ticks = 0, min = ~0ULL;

	for (int i = 0; i < LAT_REQS; i++) {
		uint64_t off = small_offset(), t = rdtsc();
		long r = sys6(SYS_PREAD64, fd, (long)small[0], SMALL, (long)off,
			      0, 0);

		t = rdtsc() - t;
		if (r != SMALL)
			fail("read-4k", "pread", r);
		if (check(small[0], off, SMALL))
			fail("read-4k", "the data read back differs", 0);
		ticks += t;
		min = t < min ? t : min;
	}
	result("read-4k", LAT_REQS, (uint64_t)LAT_REQS * SMALL, ticks, min);
}

/* include/uapi/linux/aio_abi.h (little-endian x86-64) */
struct iocb {
	uint64_t aio_data;
	uint32_t aio_key, aio_rw_flags;
	uint16_t aio_lio_opcode;
	int16_t aio_reqprio;
	uint32_t aio_fildes;
	uint64_t aio_buf, aio_nbytes;
	int64_t aio_offset;
	uint64_t aio_reserved2;
	uint32_t aio_flags, aio_resfd;
};

struct io_event {
	uint64_t data, obj;
	int64_t res, res2;
};

static struct iocb iocbs[QD];
static struct iocb *iocb_ptrs[QD];
static uint64_t iocb_off[QD];

static void qd_prepare(int fd, int slot)
{
	struct iocb *c = &iocbs[slot];

	memset(c, 0, sizeof(*c));
	iocb_off[slot] = small_offset();
	c->aio_data = (uint64_t)slot;
	c->aio_lio_opcode = IOCB_PREAD;
	c->aio_fildes = (uint32_t)fd;
	c->aio_buf = (uint64_t)(uintptr_t)small[slot];
	c->aio_nbytes = SMALL;
	c->aio_offset = (int64_t)iocb_off[slot];
}

static void qd_submit(unsigned long ctx, int fd, const int *slots, int n)
{
	long r;

	for (int i = 0; i < n; i++) {
		qd_prepare(fd, slots[i]);
		iocb_ptrs[i] = &iocbs[slots[i]];
	}
	r = sys3(SYS_IO_SUBMIT, ctx, n, iocb_ptrs);
	if (r != n)
		fail("qd8-4k", "io_submit", r);
}

/* 4 KiB reads, QD of them in flight: as each batch of completions
 * comes back, as many new reads go out in one io_submit. */
static void queue_depth(int fd)
{
	unsigned long ctx = 0;
	struct io_event ev[QD];
	int slots[QD], submitted = 0, done = 0;
	uint64_t t;
	long r = sys3(SYS_IO_SETUP, QD, &ctx, 0);

	if (r)
		fail("qd8-4k", "io_setup (CONFIG_AIO)", r);
	for (int i = 0; i < QD; i++)
		slots[i] = i;
	t = rdtsc();
	qd_submit(ctx, fd, slots, QD);
	submitted = QD;
	while (done < QD_REQS) {
		int more = 0;

		r = sys6(SYS_IO_GETEVENTS, (long)ctx, 1, QD, (long)ev, 0, 0);
		if (r <= 0)
			fail("qd8-4k", "io_getevents", r);
		for (long i = 0; i < r; i++) {
			int slot = (int)ev[i].data;

			if (ev[i].res != SMALL)
				fail("qd8-4k", "a read", ev[i].res);
			if (check(small[slot], iocb_off[slot], SMALL))
				fail("qd8-4k", "the data read back differs", 0);
			done++;
			if (submitted < QD_REQS) {
				slots[more++] = slot;
				submitted++;
			}
		}
		if (more)
			qd_submit(ctx, fd, slots, more);
	}
	t = rdtsc() - t;
	result("qd8-4k", QD_REQS, (uint64_t)QD_REQS * SMALL, t, 0);
}

/* ---- network -------------------------------------------------------- */

struct sockaddr_in {
	uint16_t family, port; /* port in network byte order */
	uint32_t addr;
	uint8_t zero[8];
};

struct timeval {
	long sec, usec;
};

#define ICMP_ECHO_REQUEST 8
#define ICMP_ECHO_REPLY	  0
#define PING_PAYLOAD	  56 /* as ping's default: 64-byte ICMP messages */
#define PING_ID		  0x1b0b

static uint16_t checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] | p[i + 1] << 8);
	if (n & 1)
		sum += p[n - 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* One echo request with sequence number seq; true when its reply came
 * within the socket's receive timeout. */
static int ping_once(int fd, const struct sockaddr_in *to, uint16_t seq)
{
	uint8_t msg[8 + PING_PAYLOAD], in[1500];
	uint16_t sum;

	memset(msg, 0, sizeof(msg));
	msg[0] = ICMP_ECHO_REQUEST;
	msg[4] = PING_ID >> 8;
	msg[5] = PING_ID & 0xff;
	msg[6] = (uint8_t)(seq >> 8);
	msg[7] = (uint8_t)seq;
	for (int i = 0; i < PING_PAYLOAD; i++)
		msg[8 + i] = (uint8_t)i;
	sum = checksum(msg, sizeof(msg));
	memcpy(msg + 2, &sum, 2);
	if (sys6(SYS_SENDTO, fd, (long)msg, sizeof(msg), 0, (long)to,
		 sizeof(*to)) != (long)sizeof(msg))
		return 0;
	for (;;) {
		long r = sys6(SYS_RECVFROM, fd, (long)in, sizeof(in), 0, 0, 0);
		size_t ihl;

		if (r < 0)
			return 0; /* the timeout */
		ihl = (size_t)(in[0] & 0xf) * 4;
		if ((size_t)r >= ihl + 8 && in[ihl] == ICMP_ECHO_REPLY &&
		    in[ihl + 4] == (PING_ID >> 8) &&
		    in[ihl + 5] == (PING_ID & 0xff) &&
		    in[ihl + 6] == (uint8_t)(seq >> 8) &&
		    in[ihl + 7] == (uint8_t)seq)
			return 1;
	}
}

/* Echo requests until one is answered (the peer's link and ARP), then
 * count timed ones, one at a time. */
static void ping(const char *addr, uint64_t count)
{
	struct sockaddr_in to = {AF_INET, 0, parse_ip(addr), {0}};
	struct timeval tv = {1, 0};
	long fd = sys3(SYS_SOCKET, AF_INET, SOCK_RAW, IPPROTO_ICMP);
	uint64_t ticks = 0, min = ~0ULL;
	uint16_t seq = 0;
	int up = 0;

	if (fd < 0)
		fail("ping", "socket", fd);
	sys6(SYS_SETSOCKOPT, fd, SOL_SOCKET, SO_RCVTIMEO, (long)&tv, sizeof(tv),
	     0);
	for (int i = 0; i < 60 && !up; i++)
		up = ping_once((int)fd, &to, seq++);
	if (!up)
		fail("ping", "no answer in 60 tries", 0);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t t = rdtsc();

		if (!ping_once((int)fd, &to, seq++))
			fail("ping", "an echo went unanswered", 0);
		t = rdtsc() - t;
		ticks += t;
		min = t < min ? t : min;
	}
	result("ping", count, count * (8 + PING_PAYLOAD), ticks, min);
}

#define TCP_CHUNK (64 * 1024)

static void tcp_recv(uint16_t port)
{
	struct sockaddr_in me = {AF_INET, be16(port), 0, {0}};
	long one = 1, fd = sys3(SYS_SOCKET, AF_INET, SOCK_STREAM, 0), c, r;
	uint64_t bytes = 0;

	if (fd < 0)
		fail("tcp-recv", "socket", fd);
	sys6(SYS_SETSOCKOPT, fd, SOL_SOCKET, SO_REUSEADDR, (long)&one, 4, 0);
	r = sys3(SYS_BIND, fd, &me, sizeof(me));
	if (r || (r = sys3(SYS_LISTEN, fd, 1, 0)))
		fail("tcp-recv", "bind/listen", r);
	put_str("iobench: tcp-recv listening on port ");
	put_u64(port);
	flush_line();
	c = sys3(SYS_ACCEPT, fd, 0, 0);
	if (c < 0)
		fail("tcp-recv", "accept", c);
	while ((r = sys3(SYS_READ, c, buf, TCP_CHUNK)) > 0)
		bytes += (uint64_t)r;
	if (r < 0)
		fail("tcp-recv", "read", r);
	sys3(SYS_CLOSE, c, 0, 0);
	result("tcp-recv", 1, bytes, 0, 0);
}

/* Connect (again and again while the receiver is not listening yet),
 * then time: the data written, our end shut, the receiver's close. */
static void tcp_send(const char *addr, uint16_t port, uint64_t mib)
{
	struct sockaddr_in to = {AF_INET, be16(port), parse_ip(addr), {0}};
	uint64_t total = mib * MIB, sent = 0, t;
	long fd = -1, r = -1;
	char end;

	for (int i = 0; i < 600 && r; i++) {
		if (fd >= 0) {
			sys3(SYS_CLOSE, fd, 0, 0);
			sleep_ms(50);
		}
		fd = sys3(SYS_SOCKET, AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			fail("tcp-send", "socket", fd);
		r = sys3(SYS_CONNECT, fd, &to, sizeof(to));
	}
	if (r)
		fail("tcp-send", "connect", r);
	for (size_t i = 0; i < TCP_CHUNK; i++)
		buf[i] = (uint8_t)(i * 7);
	t = rdtsc();
	while (sent < total) {
		uint64_t n =
			total - sent < TCP_CHUNK ? total - sent : TCP_CHUNK;

		r = sys3(SYS_WRITE, fd, buf, n);
		if (r <= 0)
			fail("tcp-send", "write", r);
		sent += (uint64_t)r;
	}
	sys3(SYS_SHUTDOWN, fd, SHUT_WR, 0);
	r = sys3(SYS_READ, fd, &end, 1);
	t = rdtsc() - t;
	if (r != 0)
		fail("tcp-send", "the receiver did not close", r);
	result("tcp-send", 1, total, t, 0);
}

/* ---- main ----------------------------------------------------------- */

static void usage(void) __attribute__((noreturn));

static void usage(void)
{
	fail("usage",
	     "iobench disk|qd8 DEV | ping ADDR N | tcp-recv PORT | "
	     "tcp-send ADDR PORT MIB",
	     0);
}

void start_c(long *sp) __attribute__((noreturn, used));

void start_c(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	const char *cmd = argc > 1 ? argv[1] : "";

	if (str_eq(cmd, "disk") && argc == 3) {
		int fd = open_disk(argv[2]);

		seq_write(fd);
		seq_read(fd);
		latency(fd);
	} else if (str_eq(cmd, "qd8") && argc == 3) {
		queue_depth(open_disk(argv[2]));
	} else if (str_eq(cmd, "ping") && argc == 4) {
		ping(argv[2], parse_u64(argv[3]));
	} else if (str_eq(cmd, "tcp-recv") && argc == 3) {
		tcp_recv((uint16_t)parse_u64(argv[2]));
	} else if (str_eq(cmd, "tcp-send") && argc == 5) {
		tcp_send(argv[2], (uint16_t)parse_u64(argv[3]),
			 parse_u64(argv[4]));
	} else {
		usage();
	}
	sys3(SYS_EXIT_GROUP, 0, 0, 0);
	__builtin_unreachable();
}

/* The kernel starts us with argc, argv[] on the stack. */
__asm__(".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call start_c\n"
	"	hlt\n");
