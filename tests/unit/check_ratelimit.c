// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/ratelimit.c: a full bucket at start, refill at
 * rate, the burst cap, suppressed counting and a clock that goes backwards.
 */
#include <check.h>

#include "ratelimit.h"

#define MS 1000000ULL
#define T0 (1000 * MS)

static struct emu_ratelimit rl;

START_TEST(test_ratelimit_burst_then_suppressed)
{
	emu_ratelimit_init(&rl, 10, 3, T0);
	for (int i = 0; i < 3; i++)
		ck_assert(emu_ratelimit_allow(&rl, T0));
	ck_assert(!emu_ratelimit_allow(&rl, T0));
	ck_assert(!emu_ratelimit_allow(&rl, T0));
	ck_assert_uint_eq(emu_ratelimit_take_suppressed(&rl), 2);
	ck_assert_uint_eq(emu_ratelimit_take_suppressed(&rl), 0);
}
END_TEST

START_TEST(test_ratelimit_refills_at_rate)
{
	emu_ratelimit_init(&rl, 10, 3, T0);
	for (int i = 0; i < 3; i++)
		ck_assert(emu_ratelimit_allow(&rl, T0));
	/* 10/s: 50 ms is half a token, 100 ms one token. */
	ck_assert(!emu_ratelimit_allow(&rl, T0 + 50 * MS));
	ck_assert(emu_ratelimit_allow(&rl, T0 + 100 * MS));
	ck_assert(!emu_ratelimit_allow(&rl, T0 + 100 * MS));
	ck_assert(emu_ratelimit_allow(&rl, T0 + 200 * MS));
	ck_assert_uint_eq(emu_ratelimit_take_suppressed(&rl), 2);
}
END_TEST

START_TEST(test_ratelimit_capped_at_burst)
{
	int allowed = 0;

	emu_ratelimit_init(&rl, 10, 3, T0);
	/* An hour idle still gives only burst tokens. */
	for (int i = 0; i < 10; i++)
		allowed += emu_ratelimit_allow(&rl, T0 + 3600000 * MS);
	ck_assert_int_eq(allowed, 3);
	ck_assert_uint_eq(emu_ratelimit_take_suppressed(&rl), 7);
}
END_TEST

START_TEST(test_ratelimit_clock_backwards)
{
	emu_ratelimit_init(&rl, 10, 1, T0);
	ck_assert(emu_ratelimit_allow(&rl, T0));
	ck_assert(!emu_ratelimit_allow(&rl, T0 - 500 * MS));
	/* Time measured from T0, not from the earlier value. */
	ck_assert(!emu_ratelimit_allow(&rl, T0 + 50 * MS));
	ck_assert(emu_ratelimit_allow(&rl, T0 + 100 * MS));
}
END_TEST

static Suite *ratelimit_suite(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ratelimit_burst_then_suppressed);
	tcase_add_test(tc, test_ratelimit_refills_at_rate);
	tcase_add_test(tc, test_ratelimit_capped_at_burst);
	tcase_add_test(tc, test_ratelimit_clock_backwards);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ratelimit_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
