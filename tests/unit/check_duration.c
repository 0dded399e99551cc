// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/duration.c: Go-style durations for `events --interval`
 * (units, fractions, several components), and the refusals with their
 * messages: malformed, missing unit, 0 and negative, too long.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "duration.h"

static uint64_t parse_ok(const char *s)
{
	struct hy_err err = { 0 };
	uint64_t ns = 0;
	ck_assert_msg(hy_duration_parse("--interval", s, &ns, &err) == 0, "%s: %s", s, err.msg);
	return ns;
}

START_TEST(test_duration_units)
{
	ck_assert_uint_eq(parse_ok("5s"), 5000000000ull);
	ck_assert_uint_eq(parse_ok("500ms"), 500000000ull);
	ck_assert_uint_eq(parse_ok("250us"), 250000ull);
	ck_assert_uint_eq(parse_ok("250\u00b5s"), 250000ull);
	ck_assert_uint_eq(parse_ok("250\u03bcs"), 250000ull);
	ck_assert_uint_eq(parse_ok("7ns"), 7ull);
	ck_assert_uint_eq(parse_ok("2m"), 120000000000ull);
	ck_assert_uint_eq(parse_ok("1h"), 3600000000000ull);
	ck_assert_uint_eq(parse_ok("+3s"), 3000000000ull);
}
END_TEST

START_TEST(test_duration_compound_and_fractions)
{
	ck_assert_uint_eq(parse_ok("1m30s"), 90000000000ull);
	ck_assert_uint_eq(parse_ok("1h2m3s4ms"), 3723004000000ull);
	ck_assert_uint_eq(parse_ok("1.5h"), 5400000000000ull);
	ck_assert_uint_eq(parse_ok(".5s"), 500000000ull);
	ck_assert_uint_eq(parse_ok("1.s"), 1000000000ull);
	ck_assert_uint_eq(parse_ok("0.1s"), 100000000ull);
	ck_assert_uint_eq(parse_ok("0s100ms"), 100000000ull);
	/* Digits below a nanosecond are dropped, not rounded up into an error. */
	ck_assert_uint_eq(parse_ok("1.0000000000000000000009s"), 1000000000ull);
	ck_assert_uint_eq(parse_ok("2562047h"), 2562047ull * 3600000000000ull);
}
END_TEST

static void refused(const char *s, int code, const char *msg)
{
	struct hy_err err = { 0 };
	uint64_t ns = 77;
	ck_assert_int_eq(hy_duration_parse("--interval", s, &ns, &err), code);
	ck_assert_msg(strcmp(err.msg, msg) == 0, "%s: got '%s'", s, err.msg);
	ck_assert_uint_eq(ns, 77);
}

START_TEST(test_duration_rejects_malformed)
{
	static const char *const bad[] = { "x", "5", "1m30", "", "s", ".s", "5 s", " 5s", "5s ",
					   "5S", "5sec", "1.5.s", "5d", "--5s", "+", "-", "0x10s" };
	char want[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "--interval: expected a duration like 5s, 500ms or 1m30s, got \"%s\"", bad[i]);
		refused(bad[i], -EINVAL, want);
	}
}
END_TEST

START_TEST(test_duration_rejects_zero_and_negative)
{
	static const char *const bad[] = { "0", "-0", "0s", "0.0ms", "0h0m", "-5s", "-1m30s" };
	char want[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "--interval: expected a duration above 0, got \"%s\"",
			 bad[i]);
		refused(bad[i], -EINVAL, want);
	}
}
END_TEST

START_TEST(test_duration_rejects_too_long)
{
	refused("2562048h", -ERANGE,
		"--interval: \"2562048h\" is too long (at most 2562047h, Go's limit)");
	refused("99999999999999999999s", -ERANGE,
		"--interval: \"99999999999999999999s\" is too long (at most 2562047h, Go's limit)");
	refused("2562047h2562047h", -ERANGE,
		"--interval: \"2562047h2562047h\" is too long (at most 2562047h, Go's limit)");
}
END_TEST

static Suite *duration_suite(void)
{
	Suite *s = suite_create("duration");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_duration_units);
	tcase_add_test(tc, test_duration_compound_and_fractions);
	tcase_add_test(tc, test_duration_rejects_malformed);
	tcase_add_test(tc, test_duration_rejects_zero_and_negative);
	tcase_add_test(tc, test_duration_rejects_too_long);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(duration_suite)
