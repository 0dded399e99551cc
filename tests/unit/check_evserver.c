// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the pure part of user/evserver.c: the follow request a
 * client of events.sock sends is untrusted, so it is parsed key by key and
 * every malformed form is refused with a message.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "control.h"
#include "evfilter.h"
#include "evserver.h"

static int parse(const char *s, uint32_t *kinds, struct hy_err *err)
{
	return hy_evserver_parse_request(s, strlen(s), kinds, err);
}

START_TEST(test_evserver_parse_ok)
{
	struct hy_err err = { 0 };
	uint32_t k = 0;

	ck_assert_int_eq(parse("{\"op\":\"follow\"}", &k, &err), 0);
	ck_assert_uint_eq(k, HY_EVMASK_ALL);
	ck_assert_int_eq(parse(" {\"kinds\":[\"exec\",\"policy\"],\"op\":\"follow\"} ", &k, &err), 0);
	ck_assert_uint_eq(k, HY_EVMASK(HY_EVK_EXEC) | HY_EVMASK(HY_EVK_POLICY));
	ck_assert_int_eq(parse("{\"op\":\"follow\",\"kinds\":[\"lost\",\"lost\"]}", &k, &err), 0);
	ck_assert_uint_eq(k, HY_EVMASK(HY_EVK_LOST));
}
END_TEST

START_TEST(test_evserver_parse_rejects)
{
	static const struct {
		const char *req, *needle;
	} bad[] = {
		{ "", "not JSON" },
		{ "follow", "not JSON" },
		{ "[]", "{\"op\":\"follow\"" },
		{ "{\"op\":\"ps\"}", "{\"op\":\"follow\"" },
		{ "{\"op\":1}", "{\"op\":\"follow\"" },
		{ "{\"op\":\"follow\",\"op\":\"follow\"}", "not JSON" },
		{ "{\"op\":\"follow\",\"x\":1}", "unknown key" },
		{ "{\"op\":\"follow\",\"kinds\":[]}", "non-empty array" },
		{ "{\"op\":\"follow\",\"kinds\":\"exec\"}", "non-empty array" },
		{ "{\"op\":\"follow\",\"kinds\":[\"exec\",\"execve\"]}", "\"kinds\"[1]" },
		{ "{\"op\":\"follow\",\"kinds\":[1]}", "\"kinds\"[0]" },
	};
	struct hy_err err;
	uint32_t k = 0x12345;
	char big[HY_CONTROL_REQ_MAX + 64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		ck_assert_msg(parse(bad[i].req, &k, &err) < 0, "accepted: %s", bad[i].req);
		ck_assert_msg(strstr(err.msg, bad[i].needle), "%s: message '%s' lacks '%s'",
			      bad[i].req, err.msg, bad[i].needle);
		ck_assert_uint_eq(k, 0x12345);
	}
	memset(big, ' ', sizeof(big));
	ck_assert_int_eq(hy_evserver_parse_request(big, sizeof(big), &k, &err), -E2BIG);
}
END_TEST

static Suite *evserver_suite(void)
{
	Suite *s = suite_create("evserver");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_evserver_parse_ok);
	tcase_add_test(tc, test_evserver_parse_rejects);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evserver_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
