// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: CLOCK_MONOTONIC stays continuous.
 *
 * Reads CLOCK_MONOTONIC every 1 ms (nanosleep), keeping the largest forward
 * gap between consecutive readings and whether any reading went backwards.
 * A restore that does not carry the clock over shows a gap as long as the
 * time the container spent in its image (the test waits 3 s there), or a
 * step back on a host with a smaller uptime. On SIGUSR2: "PASS monotonic"
 * (exit 0) if no step back and the largest gap is under 2 s, else
 * "FAIL monotonic: ..." (exit 1).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"


static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	struct sigaction sa;
	struct timespec ms = { 0, 1000000 };
	long long prev, cur, gap, max_gap = 0, back = 0, back_at = 0;
	unsigned long readings = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	prev = now_ns();
	say("ready\n");
	while (!got_usr2) {
		nanosleep(&ms, NULL);
		cur = now_ns();
		gap = cur - prev;
		readings++;
		if (gap < 0 && -gap > back) {
			back = -gap;
			back_at = prev;
		}
		if (gap > max_gap)
			max_gap = gap;
		prev = cur;
	}
	if (back) {
		say("FAIL monotonic: went back by %lld.%09lld s from %lld.%09lld (%lu readings)\n",
		    back / 1000000000, back % 1000000000, back_at / 1000000000, back_at % 1000000000,
		    readings);
		return 1;
	}
	if (max_gap >= 2000000000LL) {
		say("FAIL monotonic: gap of %lld.%09lld s between two readings (%lu readings)\n",
		    max_gap / 1000000000, max_gap % 1000000000, readings);
		return 1;
	}
	say("PASS monotonic\n");
	return 0;
}
