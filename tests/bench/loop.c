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
 * Output is one line of key=value pairs (for scripts/bench.sh):
 *   getpid/read_zero: mode=... n=N ns_per_call=X mean_ns=Y
 *                     (X: median over batches of 500 calls; Y: total / n)
 *   uname:            mode=uname n=N median_ns=X p99_ns=Y mean_ns=Z
 * Every mode first runs N/10 untimed warm-up calls. Exit 0 on success, 1 if a
 * syscall failed, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

static int usage(void)
{
	fprintf(stderr, "usage: loop [--allow-all] getpid|read_zero|uname N\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i = 1;
	long n;
	char *end;

	if (i < argc && strcmp(argv[i], "--allow-all") == 0) {
		if (install_allow_all() < 0)
			return 1;
		i++;
	}
	if (argc - i != 2)
		return usage();
	errno = 0;
	n = strtol(argv[i + 1], &end, 0);
	if (errno || *end || end == argv[i + 1] || n < 100)
		return usage();
	if (strcmp(argv[i], "getpid") == 0)
		return run_getpid(n);
	if (strcmp(argv[i], "read_zero") == 0)
		return run_read_zero(n);
	if (strcmp(argv[i], "uname") == 0)
		return run_uname(n);
	return usage();
}
