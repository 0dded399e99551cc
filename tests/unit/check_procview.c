// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/procview.c (the container's /proc views) and
 * user/res_limits.c's pure parts: recorded host files in, container text out.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procview.h"
#include "res_limits.h"
#include "run_opts.h"
#include "util.h"

#define MiB (1024ULL * 1024)

static const char host_meminfo[] =
	"MemTotal:       16000000 kB\n"
	"MemFree:        10000000 kB\n"
	"MemAvailable:   12000000 kB\n"
	"Buffers:          100000 kB\n"
	"Cached:          2000000 kB\n"
	"SwapCached:            0 kB\n"
	"Active:          3000000 kB\n"
	"AnonPages:          4096 kB\n"
	"Shmem:             50000 kB\n"
	"SReclaimable:     300000 kB\n"
	"SwapTotal:       2000000 kB\n"
	"SwapFree:        2000000 kB\n"
	"VmallocTotal:   34359738367 kB\n"
	"HugePages_Total:       0\n"
	"Hugepagesize:       2048 kB\n";

static const char host_cpuinfo[] = "processor\t: 0\nmodel name\t: Test CPU\n\n"
				   "processor\t: 1\nmodel name\t: Test CPU\n\n"
				   "processor\t: 2\nmodel name\t: Test CPU\n\n";

static const char host_stat[] = "cpu  60 0 30 900 3 0 0 0 0 0\n"
				"cpu0 10 0 5 300 1 0 0 0 0 0\n"
				"cpu1 20 0 10 300 1 0 0 0 0 0\n"
				"cpu2 30 0 15 300 1 0 0 0 0 0\n"
				"intr 5 1 2\n"
				"ctxt 42\n"
				"btime 1700000000\n";

static char *out_buf;
static size_t out_len;
static FILE *out;

static void setup(void)
{
	free(out_buf); /* a test calling setup() again after result() */
	out_buf = NULL;
	out = open_memstream(&out_buf, &out_len);
	ck_assert_ptr_nonnull(out);
}

static void teardown(void)
{
	free(out_buf);
	out_buf = NULL;
}

static const char *result(void)
{
	ck_assert_int_eq(fclose(out), 0);
	return out_buf;
}

/* The kB value of key in text, -1 if missing. */
static long long kb_of(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	return p ? strtoll(p + strlen(key) + 1, NULL, 10) : -1;
}

static cpu_set_t cpus_of(int a, int b)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(a, &s);
	if (b >= 0)
		CPU_SET(b, &s);
	return s;
}

START_TEST(test_meminfo_unlimited_is_host)
{
	struct emu_mem_view m = { EMU_VIEW_UNLIMITED, 0, EMU_VIEW_UNLIMITED, 0 };
	ck_assert_int_eq(emu_view_meminfo(out, host_meminfo, &m), 0);
	const char *r = result();
	ck_assert_int_eq(kb_of(r, "MemTotal:"), 16000000);
	ck_assert_int_eq(kb_of(r, "Cached:"), 2000000);
	ck_assert_int_eq(kb_of(r, "SwapTotal:"), 2000000);
}
END_TEST

START_TEST(test_meminfo_limit)
{
	struct emu_mem_view m = { 256 * MiB, 6 * MiB, EMU_VIEW_UNLIMITED, 0 };
	ck_assert_int_eq(emu_view_meminfo(out, host_meminfo, &m), 0);
	const char *r = result();
	ck_assert_int_eq(kb_of(r, "MemTotal:"), 262144);
	ck_assert_int_eq(kb_of(r, "MemFree:"), 262144 - 6144);
	ck_assert_int_eq(kb_of(r, "MemAvailable:"), 262144 - 6144);
	/* Cache is part of the charge: none apart, so free(1)'s "used" is the charge. */
	ck_assert_int_eq(kb_of(r, "Buffers:"), 0);
	ck_assert_int_eq(kb_of(r, "Cached:"), 0);
	ck_assert_int_eq(kb_of(r, "SReclaimable:"), 0);
	ck_assert_int_eq(kb_of(r, "Shmem:"), 0);
	/* Other sizes at most the usage; small ones stay. */
	ck_assert_int_eq(kb_of(r, "Active:"), 6144);
	ck_assert_int_eq(kb_of(r, "AnonPages:"), 4096);
	/* Address-space sizes, swap without a swap limit and non-kB lines pass. */
	ck_assert_int_eq(kb_of(r, "VmallocTotal:"), 34359738367LL);
	ck_assert_int_eq(kb_of(r, "SwapTotal:"), 2000000);
	ck_assert_ptr_nonnull(strstr(r, "HugePages_Total:       0\n"));
	ck_assert_ptr_nonnull(strstr(r, "MemTotal:         262144 kB\n")); /* the kernel's layout */
}
END_TEST

START_TEST(test_meminfo_usage_above_limit_and_limit_above_host)
{
	struct emu_mem_view m = { 256 * MiB, 300 * MiB, EMU_VIEW_UNLIMITED, 0 };
	ck_assert_int_eq(emu_view_meminfo(out, host_meminfo, &m), 0);
	ck_assert_int_eq(kb_of(result(), "MemFree:"), 0);

	setup();
	struct emu_mem_view big = { 1ULL << 50, 0, EMU_VIEW_UNLIMITED, 0 };
	ck_assert_int_eq(emu_view_meminfo(out, host_meminfo, &big), 0);
	ck_assert_int_eq(kb_of(result(), "MemTotal:"), 16000000);
}
END_TEST

START_TEST(test_swap_limit)
{
	struct emu_mem_view m = { 256 * MiB, 0, 64 * MiB, 16 * MiB };
	ck_assert_int_eq(emu_view_meminfo(out, host_meminfo, &m), 0);
	const char *r = result();
	ck_assert_int_eq(kb_of(r, "SwapTotal:"), 65536);
	ck_assert_int_eq(kb_of(r, "SwapFree:"), 49152);

	setup();
	ck_assert_int_eq(emu_view_swaps(out, "Filename\tType\n/swap file 9 0 -2\n", &m), 0);
	r = result();
	ck_assert_ptr_nonnull(strstr(r, "none\t\t\t\t\tvirtual\t\t65536\t\t16384\t\t0\n"));
	ck_assert_ptr_null(strstr(r, "/swap"));
}
END_TEST

START_TEST(test_cpuinfo_keeps_set_with_host_numbers)
{
	cpu_set_t s = cpus_of(1, -1);
	ck_assert_int_eq(emu_view_cpuinfo(out, host_cpuinfo, &s), 0);
	ck_assert_str_eq(result(), "processor\t: 1\nmodel name\t: Test CPU\n\n");
}
END_TEST

START_TEST(test_cpuinfo_other_shape_passes)
{
	static const char arm[] = "CPU implementer\t: 0x41\nFeatures\t: fp\n";
	cpu_set_t s = cpus_of(0, -1);
	ck_assert_int_eq(emu_view_cpuinfo(out, arm, &s), 0);
	ck_assert_str_eq(result(), arm);
}
END_TEST

START_TEST(test_stat_sums_the_set)
{
	cpu_set_t s = cpus_of(0, 2);
	ck_assert_int_eq(emu_view_stat(out, host_stat, &s), 0);
	ck_assert_str_eq(result(), "cpu  40 0 20 600 2 0 0 0 0 0\n"
				   "cpu0 10 0 5 300 1 0 0 0 0 0\n"
				   "cpu2 30 0 15 300 1 0 0 0 0 0\n"
				   "intr 5 1 2\n"
				   "ctxt 42\n"
				   "btime 1700000000\n");
}
END_TEST

START_TEST(test_cpulist)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	for (int i = 0; i < 4; i++)
		CPU_SET(i, &s);
	CPU_SET(6, &s);
	CPU_SET(8, &s);
	CPU_SET(9, &s);
	ck_assert_int_eq(emu_view_cpulist(out, &s), 0);
	ck_assert_str_eq(result(), "0-3,6,8-9\n");
}
END_TEST

START_TEST(test_pick_cpus_and_cpu_max)
{
	cpu_set_t ours, got;
	char buf[64];
	CPU_ZERO(&ours);
	CPU_SET(1, &ours);
	CPU_SET(3, &ours);
	CPU_SET(5, &ours);
	hy_limits_pick_cpus(1500, &ours, &got); /* 1.5 CPUs run on 2 */
	ck_assert_int_eq(CPU_COUNT(&got), 2);
	ck_assert(CPU_ISSET(1, &got) && CPU_ISSET(3, &got));
	hy_limits_pick_cpus(10, &ours, &got);
	ck_assert_int_eq(CPU_COUNT(&got), 1);
	hy_limits_cpu_max(500, buf, sizeof(buf));
	ck_assert_str_eq(buf, "50000 100000");
	hy_limits_cpu_max(2000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "200000 100000");
}
END_TEST

/* runc's shares -> weight: both ends and the default meet cgroup v2's range. */
START_TEST(test_limits_cpu_weight)
{
	ck_assert_uint_eq(hy_limits_cpu_weight(2), 1);
	ck_assert_uint_eq(hy_limits_cpu_weight(1024), 39);
	ck_assert_uint_eq(hy_limits_cpu_weight(262144), 10000);
	ck_assert_uint_eq(hy_limits_cpu_weight(0), 1);		/* clamped */
	ck_assert_uint_eq(hy_limits_cpu_weight(1 << 30), 10000); /* clamped */
}
END_TEST

START_TEST(test_cpus_parse)
{
	static const struct {
		const char *in;
		int ok;
		uint32_t milli;
	} cases[] = {
		{ "1", 1, 1000 },   { "0.5", 1, 500 },	{ "1.25", 1, 1250 }, { "2", 1, 2000 },
		{ "0.01", 1, 10 },  { "2.000", 1, 2000 }, { "3", 0, 0 },     { "2.001", 0, 0 },
		{ "0", 0, 0 },	    { "0.001", 0, 0 },	{ "", 0, 0 },	     { ".5", 0, 0 },
		{ "1.5x", 0, 0 },   { "-1", 0, 0 },	{ "1.2345", 0, 0 },  { "99999999999", 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hy_err err = { 0 };
		uint32_t m = 0;
		int r = hy_cpus_parse(cases[i].in, 2, &m, &err);
		ck_assert_msg((r == 0) == cases[i].ok, "'%s': %d", cases[i].in, r);
		if (cases[i].ok)
			ck_assert_uint_eq(m, cases[i].milli);
		else
			ck_assert_ptr_nonnull(strstr(err.msg, "--cpus"));
	}
}
END_TEST

/* The kernel's calc_load(), checked against its arithmetic done by hand. */
START_TEST(test_loadavg)
{
	struct emu_loadavg l = { { 0 } };
	emu_loadavg_sample(&l, 2);
	ck_assert_uint_eq(l.avenrun[0], 328);
	ck_assert_uint_eq(l.avenrun[1], 68);
	ck_assert_uint_eq(l.avenrun[2], 22);
	ck_assert_int_eq(emu_view_loadavg(out, &l, 2, 5, 7), 0);
	ck_assert_str_eq(result(), "0.16 0.03 0.01 2/5 7\n");
	for (int i = 0; i < 12; i++) /* a minute more of two busy tasks */
		emu_loadavg_sample(&l, 2);
	setup();
	ck_assert_int_eq(emu_view_loadavg(out, &l, 2, 5, 7), 0);
	ck_assert_str_eq(result(), "1.33 0.39 0.14 2/5 7\n");
	for (int i = 0; i < 2000; i++) /* idle for ages: back to zero */
		emu_loadavg_sample(&l, 0);
	ck_assert_uint_eq(l.avenrun[0] + l.avenrun[1] + l.avenrun[2], 0);
}
END_TEST

static Suite *procview_suite(void)
{
	Suite *s = suite_create("procview");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_meminfo_unlimited_is_host);
	tcase_add_test(tc, test_meminfo_limit);
	tcase_add_test(tc, test_meminfo_usage_above_limit_and_limit_above_host);
	tcase_add_test(tc, test_swap_limit);
	tcase_add_test(tc, test_cpuinfo_keeps_set_with_host_numbers);
	tcase_add_test(tc, test_cpuinfo_other_shape_passes);
	tcase_add_test(tc, test_stat_sums_the_set);
	tcase_add_test(tc, test_cpulist);
	tcase_add_test(tc, test_pick_cpus_and_cpu_max);
	tcase_add_test(tc, test_limits_cpu_weight);
	tcase_add_test(tc, test_cpus_parse);
	tcase_add_test(tc, test_loadavg);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(procview_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
