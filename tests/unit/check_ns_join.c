// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/ns_join.c: which namespaces can be joined by path, and
 * the checks made when a path is opened (its type; never the supervisor's
 * own pid or user namespace). The test's own /proc/self/ns files stand in
 * for a pod's: opening them needs no privilege.
 */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "check_main.h"
#include "ns_join.h"

START_TEST(test_ns_join_types)
{
	ck_assert_int_eq(hy_ns_join_by_type("user"), HY_JOIN_USER);
	ck_assert_int_eq(hy_ns_join_flag(HY_JOIN_USER), CLONE_NEWUSER);
	ck_assert_str_eq(hy_ns_join_type(HY_JOIN_USER), "user");
	ck_assert_int_eq(hy_ns_join_by_type("network"), HY_JOIN_NET);
	ck_assert_int_eq(hy_ns_join_by_type("mount"), -1);
}
END_TEST

/* open(path) as namespace j must fail with -EINVAL and a message containing want. */
static void assert_refused(enum hy_ns_join j, const char *path, const char *want)
{
	struct hy_ns_joins js = { 0 };
	struct hy_err err = { 0 };
	ck_assert_int_eq(hy_ns_join_open(&js, j, path, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, want), "expected \"%s\" in \"%s\"", want, err.msg);
	ck_assert_uint_eq(js.mask, 0);
}

START_TEST(test_ns_join_refusals)
{
	assert_refused(HY_JOIN_USER, "/proc/self/ns/user",
		       "user path /proc/self/ns/user: the host's user namespace (joining it "
		       "would be none");
	assert_refused(HY_JOIN_USER, "/proc/self/ns/net",
		       "user path /proc/self/ns/net: not a user namespace");
	assert_refused(HY_JOIN_PID, "/proc/self/ns/pid",
		       "pid path /proc/self/ns/pid: the host's pid namespace (hybox does not "
		       "share it");
	assert_refused(HY_JOIN_IPC, "/proc/self/ns/user",
		       "ipc path /proc/self/ns/user: not an ipc namespace");
}
END_TEST

START_TEST(test_ns_join_open_close)
{
	struct hy_ns_joins js = { 0 };
	struct hy_err err = { 0 };
	ck_assert_int_eq(hy_ns_join_open(&js, HY_JOIN_NET, "/proc/self/ns/net", &err), 0);
	ck_assert(hy_ns_is_joined(&js, HY_JOIN_NET));
	ck_assert(!hy_ns_is_joined(&js, HY_JOIN_USER));
	hy_ns_joins_close(&js);
	ck_assert_uint_eq(js.mask, 0);
}
END_TEST

static Suite *ns_join_suite(void)
{
	Suite *s = suite_create("ns_join");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ns_join_types);
	tcase_add_test(tc, test_ns_join_refusals);
	tcase_add_test(tc, test_ns_join_open_close);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(ns_join_suite)
