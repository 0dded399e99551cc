// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint bench's container program, and two small timing helpers
 * for scripts/bench.sh (section checkpoint).
 *
 *   ckpt_mem MIB
 *     maps MIB MiB of private anonymous memory, writes every 64-bit word
 *     with a non-zero value mixed from its index (so every page is touched
 *     and a page restored at the wrong place, or zeroed, is noticed), prints
 *     "ready", then sleeps in 1 ms ticks. When a tick finds that
 *     CLOCK_REALTIME jumped by more than 50 ms since the previous one (the
 *     process was frozen, dumped, and is running again after a restore) it
 *     prints "resumed_ns=T gap_ms=G", T being CLOCK_REALTIME in ns when it
 *     ran again. CLOCK_REALTIME, unlike CLOCK_MONOTONIC, is not shifted by
 *     the container's time namespace, so T compares with the host's clock.
 *     On SIGUSR2 it checks every word: "PASS ckpt_mem MIB" (exit 0) or
 *     "FAIL ckpt_mem: ..." (exit 1).
 *
 *   ckpt_mem --stamp CMD ARGS...
 *     prints "stamp_ns=T" (CLOCK_REALTIME) on stdout, then execs CMD: the
 *     start of CMD within microseconds, without a shell or date(1) between.
 *
 *   ckpt_mem --wall CMD ARGS...
 *     runs CMD (fork, exec, wait) and prints "wall_ns=N" (CLOCK_MONOTONIC)
 *     on stdout when it has ended; exits with CMD's status (128+signal if
 *     it was killed, 127 if it could not be started).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../ckpt/ckpt_prog.h"
#include "timing.h"

#define GAP_NS (50 * 1000000LL)

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint64_t pattern(uint64_t i)
{
	uint64_t x = i + 1; /* xorshift64* of a non-zero value: never zero */

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * 0x2545F4914F6CDD1DULL;
}

static int stamp(char **cmd)
{
	printf("stamp_ns=%lld\n", (long long)realtime_ns());
	fflush(stdout);
	execvp(cmd[0], cmd);
	fprintf(stderr, "ckpt_mem: exec %s: %s\n", cmd[0], strerror(errno));
	return 127;
}

static int wall(char **cmd)
{
	int status;
	uint64_t t0 = now_ns();
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "ckpt_mem: fork: %s\n", strerror(errno));
		return 127;
	}
	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "ckpt_mem: exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	printf("wall_ns=%llu\n", (unsigned long long)(now_ns() - t0));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec tick = { 0, 1000000 };
	unsigned long mib;
	size_t words, bad = 0, first = 0;
	uint64_t *mem, first_got = 0;
	int64_t last;

	if (argc > 2 && strcmp(argv[1], "--stamp") == 0)
		return stamp(argv + 2);
	if (argc > 2 && strcmp(argv[1], "--wall") == 0)
		return wall(argv + 2);
	mib = argc == 2 ? strtoul(argv[1], NULL, 0) : 0;
	if (mib == 0 || mib > (1UL << 20)) {
		fprintf(stderr, "usage: ckpt_mem MIB | --stamp CMD... | --wall CMD...\n");
		return 2;
	}
	words = (mib << 20) / 8;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	mem = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		say("FAIL ckpt_mem: mmap %lu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < words; i++)
		mem[i] = pattern(i);
	say("ready\n");
	last = realtime_ns();
	while (!got_usr2) {
		nanosleep(&tick, NULL); /* EINTR (SIGUSR2, or a restore) is fine */
		int64_t now = realtime_ns();
		if (now - last > GAP_NS)
			say("resumed_ns=%lld gap_ms=%.1f\n", (long long)now, (double)(now - last) / 1e6);
		last = now;
	}
	for (size_t i = 0; i < words; i++)
		if (mem[i] != pattern(i) && bad++ == 0) {
			first = i;
			first_got = mem[i];
		}
	if (bad) {
		say("FAIL ckpt_mem: %zu of %zu words differ, first at offset %#zx: %#llx, want %#llx\n",
		    bad, words, first * 8, (unsigned long long)first_got,
		    (unsigned long long)pattern(first));
		return 1;
	}
	say("PASS ckpt_mem %lu\n", mib);
	return 0;
}
