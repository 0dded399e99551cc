// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/cpulist.c (the kernel's "0-3,5" list format, strictly)
 * and res_limits.c's hy_limits_cpus(): which CPUs a container runs on when
 * OCI's cpu.cpus, a quota and hybox's own affinity meet.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "cpulist.h"
#include "res_limits.h"
#include "util.h"

/* "a,b,..." of the CPUs in set, for comparing. */
static const char *fmt(const cpu_set_t *set)
{
	static char buf[4096];
	hy_cpulist_format(set, buf, sizeof(buf));
	return buf;
}

START_TEST(test_cpulist_parse_good)
{
	static const struct {
		const char *in, *set;
		int count;
	} cases[] = {
		{ "", "", 0 },		  { "0", "0", 1 },	       { "0-3,5", "0-3,5", 5 },
		{ "5,0-3", "0-3,5", 5 },  { "1-1", "1", 1 },	       { "0-1023", "0-1023", 1024 },
		{ "3,3,2-4", "2-4", 3 },  { "007", "7", 1 },	       { "1023", "1023", 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cpu_set_t set;
		const char *why = NULL;
		int r = hy_cpulist_parse(cases[i].in, HY_CPULIST_MAX, &set, &why);
		ck_assert_msg(r == 0, "'%s': %d %s", cases[i].in, r, why);
		ck_assert_int_eq(CPU_COUNT(&set), cases[i].count);
		ck_assert_str_eq(fmt(&set), cases[i].set);
	}
}
END_TEST

START_TEST(test_cpulist_parse_bad)
{
	static const struct {
		const char *in;
		int r;
		const char *why;
	} cases[] = {
		{ " 1", -EINVAL, "expected a number" },
		{ "1 ", -EINVAL, "expected ','" },
		{ "0, 1", -EINVAL, "expected a number" },
		{ "1,", -EINVAL, "a trailing comma" },
		{ ",1", -EINVAL, "expected a number" },
		{ "1,,2", -EINVAL, "expected a number" },
		{ "-1", -EINVAL, "expected a number" },
		{ "1-", -EINVAL, "after '-'" },
		{ "1-2-3", -EINVAL, "expected ','" },
		{ "3-1", -ERANGE, "end is below its start" },
		{ "1024", -ERANGE, "above the largest" },
		{ "0-1024", -ERANGE, "above the largest" },
		{ "99999999999999999999", -ERANGE, "above the largest" },
		{ "0x1", -EINVAL, "expected ','" },
		{ "a", -EINVAL, "expected a number" },
		{ "1\n", -EINVAL, "expected ','" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cpu_set_t set;
		const char *why = NULL;
		int r = hy_cpulist_parse(cases[i].in, HY_CPULIST_MAX, &set, &why);
		ck_assert_msg(r == cases[i].r, "'%s': %d", cases[i].in, r);
		ck_assert_msg(why && strstr(why, cases[i].why), "'%s': %s", cases[i].in, why);
	}
}
END_TEST

/* A smaller bound is honoured (the caller's, not only CPU_SETSIZE's). */
START_TEST(test_cpulist_parse_max)
{
	cpu_set_t set;
	const char *why = NULL;
	ck_assert_int_eq(hy_cpulist_parse("0-7", 7, &set, &why), 0);
	ck_assert_int_eq(hy_cpulist_parse("0-8", 7, &set, &why), -ERANGE);
}
END_TEST

START_TEST(test_cpulist_format_short_buffer)
{
	cpu_set_t set;
	char buf[6];
	CPU_ZERO(&set);
	for (int i = 0; i < 20; i += 2)
		CPU_SET(i, &set);
	hy_cpulist_format(&set, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0,2,4"); /* cut, still terminated */
}
END_TEST

static cpu_set_t list(const char *s)
{
	cpu_set_t set;
	const char *why;
	ck_assert_int_eq(hy_cpulist_parse(s, HY_CPULIST_MAX, &set, &why), 0);
	return set;
}

/* cpu.cpus among hybox's CPUs; a quota picks ceil(quota/period) of those. */
START_TEST(test_limits_cpus_combine)
{
	cpu_set_t ours = list("0-7"), cpuset = list("2,4-6"), got;
	ck_assert_int_eq(hy_limits_cpus(0, &cpuset, &ours, &got), 0);
	ck_assert_str_eq(fmt(&got), "2,4-6"); /* cpu.cpus alone */
	ck_assert_int_eq(hy_limits_cpus(1500, &cpuset, &ours, &got), 0);
	ck_assert_str_eq(fmt(&got), "2,4"); /* 1.5 CPUs: two of cpu.cpus */
	ck_assert_int_eq(hy_limits_cpus(8000, &cpuset, &ours, &got), 0);
	ck_assert_str_eq(fmt(&got), "2,4-6"); /* a quota above cpu.cpus: all of them */
	ck_assert_int_eq(hy_limits_cpus(2000, NULL, &ours, &got), 0);
	ck_assert_str_eq(fmt(&got), "0-1"); /* --cpus alone, as before */
	ours = list("0-1,5");
	ck_assert_int_eq(hy_limits_cpus(0, &cpuset, &ours, &got), 0);
	ck_assert_str_eq(fmt(&got), "5"); /* only what hybox may use */
	cpuset = list("6-7");
	ck_assert_int_eq(hy_limits_cpus(1000, &cpuset, &ours, &got), -ENOENT);
}
END_TEST

static Suite *cpulist_suite(void)
{
	Suite *s = suite_create("cpulist");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_cpulist_parse_good);
	tcase_add_test(tc, test_cpulist_parse_bad);
	tcase_add_test(tc, test_cpulist_parse_max);
	tcase_add_test(tc, test_cpulist_format_short_buffer);
	tcase_add_test(tc, test_limits_cpus_combine);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(cpulist_suite)
