// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: anonymous memory keeps its contents.
 *
 * Maps N MiB (argv[1], default 256) of private anonymous memory and fills
 * every 64-bit word with a value mixed from its index (xorshift64* of
 * index+1), so a page restored at the wrong place or zeroed differs. A second
 * 4 MiB mapping is never touched and must still read as zeros. Then "ready"
 * and a sleeping loop; on SIGUSR2 it checks every word. Prints "PASS memory"
 * (exit 0) or "FAIL memory: ..." (exit 1).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"

#define UNTOUCHED (4UL << 20)


static uint64_t pattern(uint64_t i)
{
	uint64_t x = i + 1;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	return x * 0x2545F4914F6CDD1DULL;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec tick = { 0, 10000000 };
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	size_t len = mib << 20, words = len / 8, bad = 0, first = 0;
	uint64_t *mem, first_got = 0;
	unsigned char *hole;

	if (mib == 0 || mib > (1UL << 20)) {
		say("FAIL memory: bad size '%s' (MiB)\n", argv[1]);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, UNTOUCHED, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || hole == MAP_FAILED) {
		say("FAIL memory: mmap %lu MiB: %s\n", mib, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < words; i++)
		mem[i] = pattern(i);
	say("ready\n");
	while (!got_usr2)
		nanosleep(&tick, NULL);
	for (size_t i = 0; i < words; i++) {
		if (mem[i] != pattern(i)) {
			if (bad++ == 0) {
				first = i;
				first_got = mem[i];
			}
		}
	}
	if (bad) {
		say("FAIL memory: %zu of %zu words differ, first at offset %#zx: %#llx, want %#llx\n",
		    bad, words, first * 8, (unsigned long long)first_got,
		    (unsigned long long)pattern(first));
		return 1;
	}
	for (size_t i = 0; i < UNTOUCHED; i++) {
		if (hole[i]) {
			say("FAIL memory: untouched mapping has %#x at offset %#zx\n", hole[i], i);
			return 1;
		}
	}
	say("PASS memory\n");
	return 0;
}
