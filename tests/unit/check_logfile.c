// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/logfile.c: the --log record of a stderr line in text
 * and json (runc's logrus shape), the level taken from the line's tag, which
 * lines are logged, escaping, and a buffer too small.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "logfile.h"

static const struct timespec when = { .tv_sec = 1714564800, .tv_nsec = 123456789 };
static char out[512];

START_TEST(test_logfile_json_error)
{
	int n = hy_logfile_record(HY_LOG_FORMAT_JSON, "hybox: bundle /x: No such file", &when, out,
				  sizeof(out));
	ck_assert_str_eq(out, "{\"level\":\"error\",\"msg\":\"bundle /x: No such file\","
			      "\"time\":\"2024-05-01T12:00:00.123456789Z\"}\n");
	ck_assert_int_eq(n, (int)strlen(out));
}
END_TEST

START_TEST(test_logfile_json_levels)
{
	hy_logfile_record(HY_LOG_FORMAT_JSON, "hybox: warning: cgroup: x", &when, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "{\"level\":\"warning\",\"msg\":\"cgroup: x\","));
	hy_logfile_record(HY_LOG_FORMAT_JSON, "hybox: debug: run: phase", &when, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "{\"level\":\"debug\",\"msg\":\"run: phase\","));
	hy_logfile_record(HY_LOG_FORMAT_JSON, "hybox delete: expected one container ID", &when, out,
			  sizeof(out));
	ck_assert_ptr_nonnull(
		strstr(out, "{\"level\":\"error\",\"msg\":\"hybox delete: expected one container ID\""));
}
END_TEST

START_TEST(test_logfile_json_escapes)
{
	hy_logfile_record(HY_LOG_FORMAT_JSON, "hybox: path \"a\\b\"\tx", &when, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "\"msg\":\"path \\\"a\\\\b\\\"\\tx\""));
}
END_TEST

START_TEST(test_logfile_text_and_skipped)
{
	ck_assert_int_eq(hy_logfile_record(HY_LOG_FORMAT_TEXT, "hybox: warning: x", &when, out,
					   sizeof(out)),
			 18);
	ck_assert_str_eq(out, "hybox: warning: x\n");
	ck_assert_int_eq(hy_logfile_record(HY_LOG_FORMAT_TEXT, "Usage: hybox delete", &when, out,
					   sizeof(out)),
			 0);
	ck_assert_int_eq(hy_logfile_record(HY_LOG_FORMAT_JSON, "  -f, --force", &when, out,
					   sizeof(out)),
			 0);
}
END_TEST

START_TEST(test_logfile_small_buffer)
{
	char small[16];
	ck_assert_int_eq(hy_logfile_record(HY_LOG_FORMAT_JSON, "hybox: x", &when, small,
					   sizeof(small)),
			 -ENOSPC);
	ck_assert_int_eq(hy_logfile_record(HY_LOG_FORMAT_TEXT, "hybox: a long line", &when, small,
					   sizeof(small)),
			 -ENOSPC);
}
END_TEST

START_TEST(test_logfile_format_parse)
{
	enum hy_log_format f;
	ck_assert_int_eq(hy_log_format_parse("json", &f), 0);
	ck_assert_int_eq(f, HY_LOG_FORMAT_JSON);
	ck_assert_int_eq(hy_log_format_parse("text", &f), 0);
	ck_assert_int_eq(f, HY_LOG_FORMAT_TEXT);
	ck_assert_int_eq(hy_log_format_parse("yaml", &f), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("logfile");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_logfile_json_error);
	tcase_add_test(tc, test_logfile_json_levels);
	tcase_add_test(tc, test_logfile_json_escapes);
	tcase_add_test(tc, test_logfile_text_and_skipped);
	tcase_add_test(tc, test_logfile_small_buffer);
	tcase_add_test(tc, test_logfile_format_parse);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(suite)
