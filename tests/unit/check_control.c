// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the pure parts of user/control.c: request parsing and
 * validation (everything a client sends is untrusted), the peer-uid rule and
 * signal-name parsing for `hybox kill`.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "control.h"

static int parse(const char *s, struct hy_control_req *req, struct hy_err *err)
{
	return hy_control_parse_request(s, strlen(s), req, err);
}

START_TEST(test_control_parse_ops)
{
	struct hy_control_req req;
	struct hy_err err = { 0 };
	static const struct {
		const char *json;
		enum hy_control_op op;
	} cases[] = {
		{ "{\"op\":\"ps\"}", HY_CONTROL_PS },
		{ "{\"op\":\"pause\"}", HY_CONTROL_PAUSE },
		{ "{\"op\":\"resume\"}", HY_CONTROL_RESUME },
		{ " {\"op\":\"state\"} ", HY_CONTROL_STATE },
		{ "{\"op\":\"stats\"}", HY_CONTROL_STATS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(parse(cases[i].json, &req, &err), 0);
		ck_assert_int_eq(req.op, cases[i].op);
	}
}
END_TEST

START_TEST(test_control_parse_kill)
{
	struct hy_control_req req;
	struct hy_err err = { 0 };
	ck_assert_int_eq(parse("{\"op\":\"kill\",\"signal\":9,\"all\":true}", &req, &err), 0);
	ck_assert_int_eq(req.op, HY_CONTROL_KILL);
	ck_assert_int_eq(req.signal, 9);
	ck_assert(req.is_all);
	ck_assert_int_eq(parse("{\"all\":false,\"signal\":64,\"op\":\"kill\"}", &req, &err), 0);
	ck_assert_int_eq(req.signal, 64);
	ck_assert(!req.is_all);
	ck_assert_int_eq(parse("{\"op\":\"kill\",\"signal\":1}", &req, &err), 0);
	ck_assert(!req.is_all);
}
END_TEST

START_TEST(test_control_parse_rejects)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[]",
		"\"ps\"",
		"{}",
		"{\"op\":1}",
		"{\"op\":\"reboot\"}",
		"{\"op\":\"PS\"}",
		"{\"op\":\"ps\",\"op\":\"kill\"}",	 /* duplicate key */
		"{\"op\":\"ps\",\"signal\":9}",		 /* argument for an op without any */
		"{\"op\":\"kill\"}",			 /* no signal */
		"{\"op\":\"kill\",\"signal\":0}",	 /* range */
		"{\"op\":\"kill\",\"signal\":65}",
		"{\"op\":\"kill\",\"signal\":-9}",
		"{\"op\":\"kill\",\"signal\":4294967305}", /* 2^32 + 9 must not wrap to 9 */
		"{\"op\":\"kill\",\"signal\":9.0}",
		"{\"op\":\"kill\",\"signal\":\"9\"}",
		"{\"op\":\"kill\",\"signal\":9,\"all\":1}",
		"{\"op\":\"kill\",\"signal\":9,\"pid\":1}", /* unknown key */
		"{\"op\":\"ps\"} {\"op\":\"kill\"}",	     /* trailing data */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hy_control_req req;
		struct hy_err err = { 0 };
		ck_assert_msg(parse(bad[i], &req, &err) < 0, "accepted: %s", bad[i]);
		ck_assert_msg(err.msg[0], "no message for: %s", bad[i]);
	}
}
END_TEST

START_TEST(test_control_parse_nul_and_size)
{
	struct hy_control_req req;
	struct hy_err err = { 0 };
	/* An embedded NUL: the length counts, not the C string. */
	static const char nul[] = "{\"op\":\"ps\"}\0{\"op\":\"kill\"}";
	ck_assert_int_lt(hy_control_parse_request(nul, sizeof(nul) - 1, &req, &err), 0);
	ck_assert_int_lt(parse("{\"op\":\"p\\u0000s\"}", &req, &err), 0);
	static char big[HY_CONTROL_REQ_MAX + 2];
	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, "{\"op\":\"ps\"}", 11);
	ck_assert_int_eq(hy_control_parse_request(big, HY_CONTROL_REQ_MAX, &req, &err), 0);
	ck_assert_int_eq(hy_control_parse_request(big, HY_CONTROL_REQ_MAX + 1, &req, &err), -E2BIG);
}
END_TEST

START_TEST(test_control_peer_allowed)
{
	ck_assert(hy_control_peer_allowed(0, 0));
	ck_assert(hy_control_peer_allowed(0, 1000));
	ck_assert(hy_control_peer_allowed(1000, 1000));
	ck_assert(!hy_control_peer_allowed(1000, 0));
	ck_assert(!hy_control_peer_allowed(65534, 1000));
}
END_TEST

START_TEST(test_control_signal_names)
{
	ck_assert_int_eq(hy_control_signal_parse("TERM"), SIGTERM);
	ck_assert_int_eq(hy_control_signal_parse("SIGTERM"), SIGTERM);
	ck_assert_int_eq(hy_control_signal_parse("sigkill"), SIGKILL);
	ck_assert_int_eq(hy_control_signal_parse("KILL"), SIGKILL);
	ck_assert_int_eq(hy_control_signal_parse("HUP"), SIGHUP);
	ck_assert_int_eq(hy_control_signal_parse("USR1"), SIGUSR1);
	ck_assert_int_eq(hy_control_signal_parse("CHLD"), SIGCHLD);
	ck_assert_int_eq(hy_control_signal_parse("CLD"), SIGCHLD);
	ck_assert_int_eq(hy_control_signal_parse("IOT"), SIGABRT);
	ck_assert_int_eq(hy_control_signal_parse("RTMIN"), SIGRTMIN);
	ck_assert_int_eq(hy_control_signal_parse("SIGRTMIN+2"), SIGRTMIN + 2);
	ck_assert_int_eq(hy_control_signal_parse("RTMAX"), SIGRTMAX);
	ck_assert_int_eq(hy_control_signal_parse("RTMAX-1"), SIGRTMAX - 1);
}
END_TEST

START_TEST(test_control_signal_numbers_and_rejects)
{
	ck_assert_int_eq(hy_control_signal_parse("1"), 1);
	ck_assert_int_eq(hy_control_signal_parse("15"), 15);
	ck_assert_int_eq(hy_control_signal_parse("64"), 64);
	static const char *const bad[] = {
		NULL,	   "",	       "0",	   "65",     "-9",	"9x",
		" 9",	   "TERMX",    "SIG",	   "NOSUCH", "RTMIN-1", "RTMAX+1",
		"RTMIN+99", "RTMIN+", "99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(hy_control_signal_parse(bad[i]) == -EINVAL, "accepted: %s",
			      bad[i] ? bad[i] : "(null)");
}
END_TEST

static Suite *control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");

	tcase_add_test(tc, test_control_parse_ops);
	tcase_add_test(tc, test_control_parse_kill);
	tcase_add_test(tc, test_control_parse_rejects);
	tcase_add_test(tc, test_control_parse_nul_and_size);
	tcase_add_test(tc, test_control_peer_allowed);
	tcase_add_test(tc, test_control_signal_names);
	tcase_add_test(tc, test_control_signal_numbers_and_rejects);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(control_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
