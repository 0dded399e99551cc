/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timing shared by the bench programs, so that the emulated-road numbers of
 * `loop uname` (inside hybox) and `notify_min` (the floor) come from the very
 * same measurement code.
 */
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no syscall, no filter */
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* n/10 warm-up calls, then n individually timed uname() calls; prints
 * "mode=uname n=N median_ns=.. p99_ns=.. mean_ns=..". Returns 0 or 1. */
static inline int time_uname(long n, const char *who)
{
	struct utsname u;
	uint64_t *lat = malloc((size_t)n * sizeof(*lat)), sum = 0;

	if (!lat) {
		fprintf(stderr, "%s: out of memory\n", who);
		return 1;
	}
	for (long i = 0; i < n / 10; i++)
		if (syscall(SYS_uname, &u) < 0)
			goto fail;
	for (long i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		long r = syscall(SYS_uname, &u);

		lat[i] = now_ns() - t0;
		if (r < 0)
			goto fail;
		sum += lat[i];
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u64);
	printf("mode=uname n=%ld median_ns=%llu p99_ns=%llu mean_ns=%.1f\n", n,
	       (unsigned long long)lat[n / 2], (unsigned long long)lat[(n * 99) / 100],
	       (double)sum / (double)n);
	fflush(stdout);
	free(lat);
	return 0;
fail:
	fprintf(stderr, "%s: uname failed\n", who);
	free(lat);
	return 1;
}
