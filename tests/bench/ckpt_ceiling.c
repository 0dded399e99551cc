// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt_ceiling MIB DIR [warm|SETTLE_MS]: what a checkpoint of MIB MiB of
 * anonymous memory could cost at best on this machine, piece by piece, in
 * 4 MiB chunks as hybox's dump and restore copy (scripts/bench.sh, section
 * checkpoint).
 *
 * A forked child maps MIB MiB and touches every page (non-zero bytes), and
 * maps MIB MiB more that it leaves untouched; the parent then times:
 *   readv        process_vm_readv of the child's touched memory into a
 *                pre-faulted buffer of the parent's (the dump's read side)
 *   crc          crc32c (common/crc32c.c, the image's checksum) over it
 *   write        write(2) of those bytes to a new file in DIR (page cache;
 *                no fsync) after a 16-byte header, 4 MiB per call: the
 *                kernel allocates the page cache as the dump's writes make
 *                it do
 *   rewrite      the same write(2)s again over the same file (its pages are
 *                cached already): the copy alone, without the allocation
 *   dump_pipe    the dump's loop, serial: per chunk readv into one 4 MiB
 *                buffer, crc32c, write to a second file in DIR
 *   read_fresh   read(2) of the second file (the dump loop's: like the
 *                image a restore reads, written a while before and dirty)
 *                into fresh (never touched) anonymous memory
 *   restore_pipe the restore's shape: one pass reading that file and
 *                checking its crc32c, then per chunk pread into a 4 MiB
 *                buffer and process_vm_writev into the child's untouched
 *                mapping (faulting its pages in)
 * and prints one line: mib=MIB then NAME_ns=.. and NAME_gbps=.. (10^9
 * bytes/s) for each. The first file is unlinked before the dump loop
 * (unlinked, its dirty pages are dropped, not written back while the next
 * steps run), the second at the end; both also on failure.
 *
 * The memory state before each step that allocates (write, dump_pipe,
 * read_fresh, restore_pipe): on a VM with free page reporting
 * (virtio-balloon) memory freed a short while ago (~2 s) is still backed by
 * the host, but memory the guest reported free faults on the host at its
 * first touch, for 2 MiB blocks (page-cache large folios, THP) several
 * times slower. "warm" makes the memory those steps get hot: right before
 * each, 2 x MIB MiB of THP memory is touched and freed. A number settles
 * instead: that many ms of sleep before each, so that what was freed
 * before is reported (cold). Default 0: neither.
 *
 * ckpt_ceiling --prewarm MIB: only touch and free MIB MiB of THP memory
 * (what "warm" does before a step; the bench does it before hybox's).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timing.h"
#include "../../common/crc32c.c"

#define CHUNK (4UL << 20)
/* Both files start with a header as long as hybox's page files do
 * (CK_PAGES_HEADER, user/ckpt_pages.h), so that the pages sit at the same
 * file offsets: where a write starts in a page decides the page-cache folio
 * sizes, which matters on this VM (cold, 1 GiB written in 4 MiB calls ran
 * at ~370 MB/s from offset 0 and ~600 MB/s from offset 16). */
#define HEADER 16
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

static char file1[4096], file2[4096];
static pid_t child = -1;

static void cleanup(void)
{
	if (file1[0])
		unlink(file1);
	if (file2[0])
		unlink(file2);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		child = -1;
	}
}

static void die(const char *what)
{
	fprintf(stderr, "ckpt_ceiling: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map(size_t len, int fill)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	if (fill >= 0)
		memset(p, fill, len);
	return p;
}

/* Copy len bytes between us (local) and the child (remote). */
static void vm_copy(void *local, uint64_t remote, size_t len, int to_child)
{
	while (len) {
		struct iovec l = { local, len }, r = { (void *)(uintptr_t)remote, len };
		ssize_t n = to_child ? process_vm_writev(child, &l, 1, &r, 1, 0)
				     : process_vm_readv(child, &l, 1, &r, 1, 0);

		if (n <= 0)
			die(to_child ? "process_vm_writev" : "process_vm_readv");
		local = (char *)local + n, remote += (uint64_t)n, len -= (size_t)n;
	}
}

static void write_all(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			die("write");
		buf = (const char *)buf + n, len -= (size_t)n;
	}
}

static void read_at(int fd, void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = pread(fd, buf, len, off);

		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			die("read");
		}
		buf = (char *)buf + n, len -= (size_t)n, off += n;
	}
}

static int create(char *path, const char *dir, int k)
{
	snprintf(path, 4096, "%s/ckpt-ceiling-%d-%d", dir, (int)getpid(), k);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		path[0] = 0;
		die("create a file");
	}
	return fd;
}

static void settle(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
}

/* Touch len bytes of THP-advised memory, one write per 4 KiB, and free it. */
static void prewarm(size_t len)
{
	size_t huge = 2UL << 20;
	uint8_t *p = map(len + huge, -1), *a = (uint8_t *)(((uintptr_t)p + huge - 1) & ~(huge - 1));

	madvise(a, len, MADV_HUGEPAGE); /* where THP is "madvise" */
	for (size_t o = 0; o < len; o += 4096)
		a[o] = 1;
	munmap(p, len + huge);
}

/* Before a step that allocates: warm (settle_ms < 0) or settle. */
static void prep(size_t len, long settle_ms)
{
	if (settle_ms < 0)
		prewarm(2 * len);
	else
		settle(settle_ms);
}

static void report(const char *name, uint64_t ns, size_t bytes)
{
	printf(" %s_ns=%llu %s_gbps=%.2f", name, (unsigned long long)ns, name,
	       (double)bytes / (double)(ns ? ns : 1));
}

int main(int argc, char **argv)
{
	unsigned long mib = argc == 3 || argc == 4 ? strtoul(argv[1], NULL, 0) : 0;
	long settle_ms = argc < 4 ? 0 : strcmp(argv[3], "warm") == 0 ? -1 : strtol(argv[3], NULL, 0);
	size_t len = mib << 20;
	uint64_t addr[2], t0, t_readv, t_crc, t_write, t_rewrite, t_dump, t_fresh, t_restore;
	int up[2], down[2], fd;
	uint32_t crc = 0, crc2 = 0;

	if (argc == 3 && strcmp(argv[1], "--prewarm") == 0 && (mib = strtoul(argv[2], NULL, 0))) {
		prewarm(mib << 20);
		return 0;
	}
	if (mib == 0 || mib > (1UL << 20) || settle_ms < -1) {
		fprintf(stderr, "usage: ckpt_ceiling MIB DIR [warm|SETTLE_MS] | --prewarm MIB\n");
		return 2;
	}
	atexit(cleanup);
	if (pipe(up) < 0 || pipe(down) < 0)
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) { /* touched source, untouched restore target; then wait */
		char c;

		close(up[0]);
		close(down[1]);
		child = -1;
		addr[0] = (uintptr_t)map(len, 0xa5);
		addr[1] = (uintptr_t)map(len, -1);
		if (write(up[1], addr, sizeof(addr)) != sizeof(addr))
			_exit(1);
		while (read(down[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], addr, sizeof(addr)) != sizeof(addr)) {
		errno = EIO;
		die("child setup");
	}
	uint8_t *dst = map(len, 1), *buf = map(CHUNK, 1), *fresh;

	t0 = now_ns();
	for (size_t o = 0; o < len; o += CHUNK)
		vm_copy(dst + o, addr[0] + o, MIN(CHUNK, len - o), 0);
	t_readv = now_ns() - t0;

	t0 = now_ns();
	for (size_t o = 0; o < len; o += CHUNK)
		crc = hy_crc32c(crc, dst + o, MIN(CHUNK, len - o));
	t_crc = now_ns() - t0;

	fd = create(file1, argv[2], 1);
	write_all(fd, buf, HEADER);
	prep(len, settle_ms);
	t0 = now_ns();
	for (size_t o = 0; o < len; o += CHUNK)
		write_all(fd, dst + o, MIN(CHUNK, len - o));
	t_write = now_ns() - t0;
	if (lseek(fd, HEADER, SEEK_SET) != HEADER)
		die("lseek");
	t0 = now_ns();
	for (size_t o = 0; o < len; o += CHUNK)
		write_all(fd, dst + o, MIN(CHUNK, len - o));
	t_rewrite = now_ns() - t0;
	close(fd);
	unlink(file1); /* its dirty pages go without being written back */
	file1[0] = 0;

	fd = create(file2, argv[2], 2);
	write_all(fd, buf, HEADER);
	prep(len, settle_ms);
	t0 = now_ns();
	for (size_t o = 0; o < len; o += CHUNK) {
		size_t n = MIN(CHUNK, len - o);

		vm_copy(buf, addr[0] + o, n, 0);
		crc2 = hy_crc32c(crc2, buf, n);
		write_all(fd, buf, n);
	}
	t_dump = now_ns() - t0;
	close(fd);
	if (crc2 != crc) {
		fprintf(stderr, "ckpt_ceiling: the two reads differ\n");
		return 1;
	}

	if ((fd = open(file2, O_RDONLY | O_CLOEXEC)) < 0)
		die("open");
	fresh = map(len, -1);
	prep(len, settle_ms);
	t0 = now_ns();
	for (size_t o = 0; o < len; o += CHUNK)
		read_at(fd, fresh + o, MIN(CHUNK, len - o), (off_t)(HEADER + o));
	t_fresh = now_ns() - t0;
	munmap(fresh, len);

	prep(len, settle_ms);
	t0 = now_ns();
	crc2 = 0;
	for (size_t o = 0; o < len; o += CHUNK) {
		size_t n = MIN(CHUNK, len - o);

		read_at(fd, buf, n, (off_t)(HEADER + o));
		crc2 = hy_crc32c(crc2, buf, n);
	}
	for (size_t o = 0; o < len; o += CHUNK) {
		size_t n = MIN(CHUNK, len - o);

		read_at(fd, buf, n, (off_t)(HEADER + o));
		vm_copy(buf, addr[1] + o, n, 1);
	}
	t_restore = now_ns() - t0;
	close(fd);
	if (crc2 != crc) {
		fprintf(stderr, "ckpt_ceiling: the file reads back differently\n");
		return 1;
	}

	printf("mib=%lu", mib);
	report("readv", t_readv, len);
	report("crc", t_crc, len);
	report("write", t_write, len);
	report("rewrite", t_rewrite, len);
	report("dump_pipe", t_dump, len);
	report("read_fresh", t_fresh, len);
	report("restore_pipe", t_restore, len);
	printf("\n");
	fflush(stdout);
	close(down[1]); /* the child ends; cleanup() unlinks file1 and reaps it */
	return 0;
}
