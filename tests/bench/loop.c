// SPDX-License-Identifier: GPL-2.0-only
/*
 * loop: the one timing program for in-process syscall loops. The same static
 * binary runs natively, under an allow-all seccomp filter (--allow-all) and
 * inside `hybox run`, so the three numbers differ only by what is around it.
 *
 *   loop [--allow-all] getpid N      N x getpid(), one timed block
 *   loop [--allow-all] read_zero N   N x read(/dev/zero, 1 byte), one timed block
 *   loop [--allow-all] uname N       N x uname(), each call timed on its own
 *
 * File modes, each iteration timed on its own (the file policy's cost on the
 * emulated road, see docs/bench.md). DIR (default /tmp) must be writable: the
 * program creates its own file there (mkstemp, 4 KiB) and removes it at the
 * end, so the same command works natively and inside a container whose /tmp
 * is a private tmpfs.
 *   loop [--allow-all] open_close N [DIR]     open(O_RDONLY) + close
 *   loop [--allow-all] open_write N [DIR]     open(O_WRONLY) + close
 *   loop [--allow-all] create_unlink N [DIR]  open(O_CREAT|O_EXCL|O_WRONLY)
 *                                             + close + unlink of a new name
 *
 * Output is one line of key=value pairs (for scripts/bench.sh):
 *   getpid/read_zero: mode=... n=N ns_per_call=X mean_ns=Y
 *                     (X: median over batches of 500 calls; Y: total / n)
 *   uname:            mode=uname n=N median_ns=X p99_ns=Y mean_ns=Z
 *   file modes:       mode=... n=N median_ns=X p99_ns=Y mean_ns=Z (per iteration)
 * Every mode first runs N/10 untimed warm-up calls. Exit 0 on success, 1 if a
 * syscall failed, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"


/* The simplest possible filter: one instruction, RET_ALLOW. */
static int install_allow_all(void)
{
	struct sock_filter insn[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct sock_fprog prog = { .len = 1, .filter = insn };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("loop: PR_SET_NO_NEW_PRIVS");
		return -1;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("loop: seccomp");
		return -1;
	}
	return 0;
}


/*
 * The timed loop runs in batches of BATCH calls; ns_per_call is the median
 * batch (robust against the odd preemption or host hiccup, which on a shared
 * VM would otherwise dominate a difference of a few percent), mean_ns the
 * plain total / n.
 */
#define BATCH 500

static void report_batches(const char *mode, uint64_t *bt, long nb, uint64_t total)
{
	qsort(bt, (size_t)nb, sizeof(*bt), cmp_u64);
	printf("mode=%s n=%ld ns_per_call=%.1f mean_ns=%.1f\n", mode, nb * BATCH,
	       (double)bt[nb / 2] / BATCH, (double)total / (double)(nb * BATCH));
}

static int run_getpid(long n)
{
	long nb = (n + BATCH - 1) / BATCH;
	uint64_t *bt = malloc((size_t)nb * sizeof(*bt)), total = 0;

	if (!bt)
		return 1;
	for (long i = 0; i < n / 10; i++)
		syscall(SYS_getpid);
	for (long b = 0; b < nb; b++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < BATCH; i++)
			syscall(SYS_getpid);
		bt[b] = now_ns() - t0;
		total += bt[b];
	}
	report_batches("getpid", bt, nb, total);
	free(bt);
	return 0;
}

static int run_read_zero(long n)
{
	char c;
	long nb = (n + BATCH - 1) / BATCH;
	uint64_t *bt = malloc((size_t)nb * sizeof(*bt)), total = 0;
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !bt) {
		perror("loop: open /dev/zero");
		return 1;
	}
	for (long i = 0; i < n / 10; i++)
		if (read(fd, &c, 1) != 1)
			goto fail;
	for (long b = 0; b < nb; b++) {
		uint64_t t0 = now_ns();
		for (int i = 0; i < BATCH; i++)
			if (read(fd, &c, 1) != 1)
				goto fail;
		bt[b] = now_ns() - t0;
		total += bt[b];
	}
	close(fd);
	report_batches("read_zero", bt, nb, total);
	free(bt);
	return 0;
fail:
	perror("loop: read /dev/zero");
	return 1;
}

static int run_uname(long n)
{
	return time_uname(n, "loop");
}

/*
 * Throughput of a trapped syscall with T threads calling at once (issue:
 * several tasks trapping must not serialise behind one another more than
 * the single notify loop makes them). Each thread makes n / T uname calls
 * after a common start; calls_per_s counts all of them over the wall time.
 */
struct mt_arg {
	pthread_barrier_t *start;
	long n;
	int failed;
};

static void *uname_worker(void *p)
{
	struct mt_arg *a = p;
	struct utsname u;

	pthread_barrier_wait(a->start);
	for (long i = 0; i < a->n; i++)
		if (syscall(SYS_uname, &u) < 0)
			a->failed = 1;
	return NULL;
}

static int run_uname_threads(long n, int t)
{
	pthread_barrier_t start;
	pthread_t th[64];
	struct mt_arg a[64];
	uint64_t t0;
	int failed = 0;

	pthread_barrier_init(&start, NULL, (unsigned)t + 1);
	for (int i = 0; i < t; i++) {
		a[i] = (struct mt_arg){ .start = &start, .n = n / t };
		if (pthread_create(&th[i], NULL, uname_worker, &a[i]) != 0) {
			fprintf(stderr, "loop: pthread_create failed\n");
			return 1;
		}
	}
	pthread_barrier_wait(&start);
	t0 = now_ns();
	for (int i = 0; i < t; i++) {
		pthread_join(th[i], NULL);
		failed |= a[i].failed;
	}
	uint64_t ns = now_ns() - t0;
	if (failed) {
		fprintf(stderr, "loop: uname failed\n");
		return 1;
	}
	printf("mode=uname_t%d n=%ld calls_per_s=%.0f ns_per_call=%.1f\n", t, n / t * t,
	       (double)(n / t * t) * 1e9 / (double)ns, (double)ns / (double)(n / t * t));
	return 0;
}

/*
 * File modes. Each iteration is timed on its own, as uname is, because on the
 * emulated road one iteration is a supervisor round trip (tens of us) and the
 * interesting figures are the median and the tail, not a batch mean.
 */
struct file_bench {
	char path[256];  /* the existing file (open_close, open_write) */
	char fresh[256]; /* the name create_unlink creates and removes */
};

static int op_open_close(struct file_bench *fb)
{
	int fd = open(fb->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return close(fd);
}

static int op_open_write(struct file_bench *fb)
{
	int fd = open(fb->path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return close(fd);
}

static int op_create_unlink(struct file_bench *fb)
{
	int fd = open(fb->fresh, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (close(fd) < 0)
		return -1;
	return unlink(fb->fresh);
}

/* The container's views: /proc/meminfo read whole (FUSE inside hybox) and
 * sysinfo(2) (emulated inside hybox), against the host's on a native run. */
static int op_read_meminfo(struct file_bench *fb)
{
	static char buf[16384];
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	(void)fb;
	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return n < 0 ? -1 : 0;
}

static int op_sysinfo(struct file_bench *fb)
{
	struct sysinfo si;

	(void)fb;
	return sysinfo(&si);
}

static int run_file(const char *mode, int (*op)(struct file_bench *), long n, const char *dir)
{
	static char block[4096];
	struct file_bench fb;
	uint64_t *lat = malloc((size_t)n * sizeof(*lat)), sum = 0;
	int fd, rc = 1;

	if (!lat) {
		fprintf(stderr, "loop: out of memory\n");
		return 1;
	}
	if (snprintf(fb.path, sizeof(fb.path), "%s/hybox-bench.XXXXXX", dir) >= (int)sizeof(fb.path) ||
	    snprintf(fb.fresh, sizeof(fb.fresh), "%s/hybox-bench-new.%d", dir, (int)getpid()) >=
		    (int)sizeof(fb.fresh)) {
		fprintf(stderr, "loop: %s: directory name too long\n", dir);
		free(lat);
		return 2;
	}
	fd = mkstemp(fb.path);
	if (fd < 0) {
		fprintf(stderr, "loop: create a file in %s: %s\n", dir, strerror(errno));
		free(lat);
		return 1;
	}
	memset(block, 'x', sizeof(block));
	if (fchmod(fd, 0644) < 0 || write(fd, block, sizeof(block)) != (ssize_t)sizeof(block)) {
		fprintf(stderr, "loop: write %s: %s\n", fb.path, strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	unlink(fb.fresh); /* a leftover of an earlier run with the same pid */

	for (long i = 0; i < n / 10; i++)
		if (op(&fb) < 0)
			goto fail;
	for (long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int r = op(&fb);

		lat[i] = now_ns() - t0;
		if (r < 0)
			goto fail;
		sum += lat[i];
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u64);
	printf("mode=%s n=%ld median_ns=%llu p99_ns=%llu mean_ns=%.1f\n", mode, n,
	       (unsigned long long)lat[n / 2], (unsigned long long)lat[(n * 99) / 100],
	       (double)sum / (double)n);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "loop: %s on %s: %s\n", mode, op == op_create_unlink ? fb.fresh : fb.path,
		strerror(errno));
	unlink(fb.fresh);
out:
	unlink(fb.path);
	free(lat);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: loop [--allow-all] getpid|read_zero|uname|uname_tT N\n"
			"       loop [--allow-all] open_close|open_write|create_unlink N [DIR]\n"
			"       loop [--allow-all] read_meminfo|sysinfo N [DIR]\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i = 1;
	long n;
	char *end;
	const char *dir;

	if (i < argc && strcmp(argv[i], "--allow-all") == 0) {
		if (install_allow_all() < 0)
			return 1;
		i++;
	}
	if (argc - i != 2 && argc - i != 3)
		return usage();
	errno = 0;
	n = strtol(argv[i + 1], &end, 0);
	if (errno || *end || end == argv[i + 1] || n < 100)
		return usage();
	dir = argc - i == 3 ? argv[i + 2] : "/tmp";
	if (strcmp(argv[i], "open_close") == 0)
		return run_file("open_close", op_open_close, n, dir);
	if (strcmp(argv[i], "open_write") == 0)
		return run_file("open_write", op_open_write, n, dir);
	if (strcmp(argv[i], "create_unlink") == 0)
		return run_file("create_unlink", op_create_unlink, n, dir);
	if (strcmp(argv[i], "read_meminfo") == 0)
		return run_file("read_meminfo", op_read_meminfo, n, dir);
	if (strcmp(argv[i], "sysinfo") == 0)
		return run_file("sysinfo", op_sysinfo, n, dir);
	if (argc - i != 2)
		return usage();
	if (strcmp(argv[i], "getpid") == 0)
		return run_getpid(n);
	if (strcmp(argv[i], "read_zero") == 0)
		return run_read_zero(n);
	if (strcmp(argv[i], "uname") == 0)
		return run_uname(n);
	int threads;
	if (sscanf(argv[i], "uname_t%d", &threads) == 1 && threads >= 1 && threads <= 64)
		return run_uname_threads(n, threads);
	return usage();
}
