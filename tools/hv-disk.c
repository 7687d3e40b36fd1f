/*
 * tools/hv-disk.c - the host tool behind scripts/hv-disk: creates raw
 * and thin disk images, says what an image holds, and checks one. It
 * links the hypervisor's own drivers/block/thin.c, so it reads an image
 * exactly as a VM's disk would. The formats are in docs/disk-formats.md.
 * Runs on a Linux host (libc, POSIX files); built by tools/tools.mk.
 *
 *   hv-disk create --thin NAME SIZE [--block-size SIZE]
 *   hv-disk create --raw NAME SIZE
 *   hv-disk info [--thin|--raw] NAME
 *   hv-disk check [--thin|--raw] NAME
 *
 * Exit status: 0 done (check: the image is clean), 1 the image is
 * damaged (check, info), 2 wrong use or an error of the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "drivers/block/thin.h"
#include "lib/log.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE   2

enum format { FORMAT_ANY, FORMAT_THIN, FORMAT_RAW };

static const char *prog = "hv-disk";

static void die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s create --thin NAME SIZE [--block-size SIZE]\n"
		"       %s create --raw NAME SIZE\n"
		"       %s info [--thin|--raw] NAME\n"
		"       %s check [--thin|--raw] NAME\n"
		"SIZE: bytes, or a number with K, M, G or T (powers of "
		"1024), e.g. 64M, 1G\n",
		prog, prog, prog, prog);
	exit(EXIT_USAGE);
}

static void log_to_stderr(const char *line, size_t len)
{
	fwrite(line, 1, len, stderr);
}

/* "64M" -> 67108864; -1 when it is not a size. */
static int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGT";
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	if (*end) {
		const char *u = strchr(units, *end);

		if (!u || end[1])
			return -1;
		for (long i = 0; i <= u - units; i++) {
			if (n > UINT64_MAX / 1024)
				return -1;
			n *= 1024;
		}
	}
	*out = n;
	return 0;
}

/* ---- an image file as a sector device ---------------------------------- */

struct file_dev {
	struct sector_dev dev;
	int fd;
};

static int file_do(struct file_dev *f, struct sector_req *r)
{
	off_t off = (off_t)(r->sector << BLK_SECTOR_SHIFT);
	size_t len = (size_t)r->count << BLK_SECTOR_SHIFT;
	ssize_t n;

	switch (r->op) {
	case SECTOR_READ:
		n = pread(f->fd, r->buf, len, off);
		return n == (ssize_t)len ? 0 : -1;
	case SECTOR_WRITE:
		n = pwrite(f->fd, r->buf, len, off);
		return n == (ssize_t)len ? 0 : -1;
	case SECTOR_FLUSH: return fsync(f->fd);
	}
	return -1;
}

/* Every request completes inside submit: a file needs no poll. */
static int file_submit(struct sector_dev *d, struct sector_req *r)
{
	r->done(r, file_do((struct file_dev *)d, r));
	return 0;
}

static void file_dev_init(struct file_dev *f, const char *name, int fd,
			  uint64_t bytes)
{
	*f = (struct file_dev){
		.dev = {.name = name,
			.sectors = bytes >> BLK_SECTOR_SHIFT,
			.submit = file_submit},
		.fd = fd,
	};
}

static int open_image(const char *name, int flags, struct stat *st)
{
	int fd = open(name, flags);

	if (fd < 0)
		die(EXIT_USAGE, "%s: %s", name, strerror(errno));
	if (fstat(fd, st))
		die(EXIT_USAGE, "%s: %s", name, strerror(errno));
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		die(EXIT_USAGE, "%s: not a file", name);
	return fd;
}

/* ---- create ------------------------------------------------------------ */

static int create_file(const char *name)
{
	int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0644);

	if (fd < 0)
		die(EXIT_USAGE, "%s: %s", name,
		    errno == EEXIST ? "exists already (not overwritten)"
				    : strerror(errno));
	return fd;
}

static void create_raw(const char *name, uint64_t size)
{
	int fd = create_file(name);
	int err = posix_fallocate(fd, 0, (off_t)size);

	if (err) {
		unlink(name);
		die(EXIT_USAGE, "%s: cannot allocate %llu bytes: %s", name,
		    (unsigned long long)size, strerror(err));
	}
	if (fsync(fd) || close(fd))
		die(EXIT_USAGE, "%s: %s", name, strerror(errno));
	printf("%s: raw image, %llu bytes, all allocated\n", name,
	       (unsigned long long)size);
}

static void create_thin(const char *name, uint64_t size, uint64_t bs)
{
	struct thin_header h;
	struct file_dev f;
	struct sector_extent e;
	char why[200];
	int fd;

	if (bs > UINT32_MAX ||
	    thin_header_init(&h, size, (uint32_t)bs, why, sizeof(why)))
		die(EXIT_USAGE, "%s: %s", name,
		    bs > UINT32_MAX ? "block size too large" : why);
	fd = create_file(name);
	if (ftruncate(fd, (off_t)thin_min_image_bytes(&h)))
		die(EXIT_USAGE, "%s: %s", name, strerror(errno));
	file_dev_init(&f, name, fd, thin_min_image_bytes(&h));
	e = (struct sector_extent){&f.dev, 0, f.dev.sectors};
	if (thin_format(&e, &h) || close(fd)) {
		unlink(name);
		die(EXIT_USAGE, "%s: cannot write the image", name);
	}
	printf("%s: thin image, %llu bytes virtual, blocks of %u bytes, "
	       "%llu bytes on disk\n",
	       name, (unsigned long long)size, h.block_size,
	       (unsigned long long)thin_min_image_bytes(&h));
}

static int cmd_create(int argc, char **argv)
{
	uint64_t size, bs = THIN_BLOCK_DEFAULT;
	bool thin;

	if (argc != 4 && argc != 6)
		usage();
	if (!strcmp(argv[1], "--thin"))
		thin = true;
	else if (!strcmp(argv[1], "--raw"))
		thin = false;
	else
		usage();
	if (parse_size(argv[3], &size))
		die(EXIT_USAGE, "%s is not a size (e.g. 512M, 1G)", argv[3]);
	if (argc == 6) {
		if (!thin || strcmp(argv[4], "--block-size"))
			usage();
		if (parse_size(argv[5], &bs))
			die(EXIT_USAGE, "%s is not a size", argv[5]);
	}
	if (size == 0 || size % BLK_SECTOR_SIZE)
		die(EXIT_USAGE,
		    "size %llu is not a whole number of 512-byte sectors",
		    (unsigned long long)size);
	if (thin)
		create_thin(argv[2], size, bs);
	else
		create_raw(argv[2], size);
	return 0;
}

/* ---- info and check ---------------------------------------------------- */

struct image {
	const char *name;
	uint64_t file_bytes;
	bool thin;
	/* thin only, when it opened */
	struct file_dev f;
	struct thin_disk t;
	void *mem;
	char why[200];
};

static bool has_thin_magic(int fd)
{
	char magic[THIN_MAGIC_LEN];

	return pread(fd, magic, sizeof(magic), 0) == sizeof(magic) &&
	       !memcmp(magic, THIN_MAGIC, THIN_MAGIC_LEN);
}

/* Open name as format says (ANY: thin if it has the magic). 0, or -1
 * with im->why saying what is wrong. */
static int image_open(struct image *im, const char *name, enum format fmt)
{
	struct stat st;
	struct thin_header h;
	struct sector_extent e;
	int fd = open_image(name, O_RDONLY, &st);

	im->name = name;
	im->file_bytes = (uint64_t)st.st_size;
	im->thin =
		fmt == FORMAT_THIN || (fmt == FORMAT_ANY && has_thin_magic(fd));
	if (!im->thin) {
		if (im->file_bytes == 0 || im->file_bytes % BLK_SECTOR_SIZE) {
			snprintf(im->why, sizeof(im->why),
				 "%llu bytes is not a whole number of "
				 "512-byte sectors",
				 (unsigned long long)im->file_bytes);
			return -1;
		}
		return 0;
	}
	file_dev_init(&im->f, name, fd, im->file_bytes);
	e = (struct sector_extent){&im->f.dev, 0, im->f.dev.sectors};
	if (thin_read_header(&e, &h, im->why, sizeof(im->why)))
		return -1;
	im->mem = malloc(thin_mem_bytes(&h));
	if (!im->mem)
		die(EXIT_USAGE, "%s: out of memory", name);
	return thin_open(&im->t, name, &e, &h, im->mem, true, im->why,
			 sizeof(im->why));
}

static enum format parse_format(int *argc, char ***argv)
{
	enum format fmt = FORMAT_ANY;

	if (*argc == 3 && !strcmp((*argv)[1], "--thin"))
		fmt = FORMAT_THIN;
	else if (*argc == 3 && !strcmp((*argv)[1], "--raw"))
		fmt = FORMAT_RAW;
	else if (*argc != 2)
		usage();
	if (fmt != FORMAT_ANY) {
		(*argv)++;
		(*argc)--;
	}
	return fmt;
}

static void print_thin_info(const struct image *im)
{
	const struct thin_disk *t = &im->t;

	printf("format: thin (version %u)\n", THIN_VERSION);
	printf("virtual size: %llu bytes\n",
	       (unsigned long long)t->hdr.virtual_size);
	printf("block size: %u bytes\n", t->hdr.block_size);
	printf("allocated blocks: %llu of %llu (%llu bytes)\n",
	       (unsigned long long)t->allocated,
	       (unsigned long long)t->hdr.map_entries,
	       (unsigned long long)t->allocated * t->hdr.block_size);
	printf("file size: %llu bytes\n", (unsigned long long)im->file_bytes);
}

/* image_open; a damaged image is reported by name, and gives false. */
static bool image_open_reported(struct image *im, const char *name,
				enum format fmt)
{
	if (!image_open(im, name, fmt))
		return true;
	printf("%s: damaged %s image: %s\n", name, im->thin ? "thin" : "raw",
	       im->why);
	return false;
}

static int cmd_info(int argc, char **argv)
{
	enum format fmt = parse_format(&argc, &argv);
	struct image im = {0};

	if (!image_open_reported(&im, argv[1], fmt))
		return EXIT_DAMAGED;
	if (im.thin) {
		print_thin_info(&im);
	} else {
		printf("format: raw\n");
		printf("virtual size: %llu bytes\n",
		       (unsigned long long)im.file_bytes);
		printf("file size: %llu bytes\n",
		       (unsigned long long)im.file_bytes);
	}
	free(im.mem);
	return 0;
}

/* Blocks past the last one the map names: what an interrupted write
 * leaves; the next write that allocates takes them again. */
static uint64_t thin_unnamed_tail(const struct image *im)
{
	uint64_t blocks = im->file_bytes / im->t.hdr.block_size;

	return blocks > im->t.next_block ? blocks - im->t.next_block : 0;
}

static int cmd_check(int argc, char **argv)
{
	enum format fmt = parse_format(&argc, &argv);
	struct image im = {0};

	if (!image_open_reported(&im, argv[1], fmt))
		return EXIT_DAMAGED;
	if (!im.thin) {
		printf("%s: raw image of %llu bytes: nothing more to check\n",
		       argv[1], (unsigned long long)im.file_bytes);
		return 0;
	}
	printf("%s: clean thin image: header and map consistent, %llu of "
	       "%llu blocks allocated\n",
	       argv[1], (unsigned long long)im.t.allocated,
	       (unsigned long long)im.t.hdr.map_entries);
	if (thin_unnamed_tail(&im))
		printf("%s: %llu unused blocks at the end (left by an "
		       "interrupted write; the next write reuses them)\n",
		       argv[1], (unsigned long long)thin_unnamed_tail(&im));
	free(im.mem);
	return 0;
}

int main(int argc, char **argv)
{
	log_set_sink(log_to_stderr);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "create"))
		return cmd_create(argc - 1, argv + 1);
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	usage();
}
