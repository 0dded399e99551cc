// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests for user/criu_flags.c: runc's CRIU flags refused by name, per verb. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "criu_flags.h"

START_TEST(test_criu_flags_refused)
{
	struct hy_err err = { 0 };
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_CHECKPOINT, "--tcp-established", &err),
			 -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err.msg, "--tcp-established (established TCP connections)"));
	ck_assert_ptr_nonnull(strstr(err.msg, "hybox's checkpoint does not support yet"));
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "--empty-ns=network", &err), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err.msg, "--empty-ns ("));
	ck_assert_ptr_nonnull(strstr(err.msg, "hybox's restore"));
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_CHECKPOINT, "--pre-dump", &err), -ENOTSUP);
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "--lsm-profile", &err), -ENOTSUP);
}
END_TEST

/* Flags of the other verb, prefixes, accepted flags and words are not refused. */
START_TEST(test_criu_flags_others)
{
	struct hy_err err = { 0 };
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "--pre-dump", &err), 0);
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_CHECKPOINT, "--lsm-profile", &err), 0);
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "--tcp", &err), 0);
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "--tcp-established-x", &err), 0);
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "--shell-job", &err), 0);
	ck_assert_int_eq(hy_criu_flag_refuse(HY_CRIU_RESTORE, "tcp-established", &err), 0);
	ck_assert_int_eq(err.code, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("criu_flags");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_criu_flags_refused);
	tcase_add_test(tc, test_criu_flags_others);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(suite)
