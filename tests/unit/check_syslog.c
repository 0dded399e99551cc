// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/syslog.c: record format, wrap-around dropping
 * whole records, the syslog(2) actions and their argument errors.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syslog.h"

#define NS 1000000000ULL
#define BOOT (100 * NS)

enum { CLOSE, OPEN, READ, READ_ALL, READ_CLEAR, CLEAR, CON_OFF, CON_ON, CON_LEVEL, UNREAD, SIZE };

static struct emu_syslog lg;
static char out[EMU_SYSLOG_SIZE + 1];

static void setup(void)
{
	emu_syslog_init(&lg, BOOT);
	memset(out, 0, sizeof(out));
}

/* Read with `type` and NUL-terminate the result in out. */
static long rd(int type, size_t len)
{
	long r = emu_syslog_action(&lg, type, out, len);

	if (r >= 0)
		out[r] = '\0';
	return r;
}

/* Every record in s is whole: starts with '<', ends with '\n'. */
static void assert_whole_records(const char *s, size_t n)
{
	ck_assert(n > 0);
	ck_assert_int_eq(s[0], '<');
	ck_assert_int_eq(s[n - 1], '\n');
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '\n')
			ck_assert_int_eq(s[i + 1], '<');
}

START_TEST(test_syslog_record_format)
{
	emu_syslog_append(&lg, BOOT + 2 * NS + 500000000ULL, 6, "hello");
	ck_assert_int_eq(rd(READ_ALL, 4096), 24);
	ck_assert_str_eq(out, "<6>[    2.500000] hello\n");
	/* A clock before boot reads as 0. */
	emu_syslog_append(&lg, 0, 3, "early");
	rd(READ_ALL, 4096);
	ck_assert_str_eq(out, "<6>[    2.500000] hello\n<3>[    0.000000] early\n");
}
END_TEST

START_TEST(test_syslog_text_sanitised_and_truncated)
{
	char *big = malloc(5000);

	emu_syslog_append(&lg, BOOT, 4, "a\nb\rc<0>[ 1.0] forged");
	rd(READ_ALL, 4096);
	ck_assert_str_eq(out, "<4>[    0.000000] a b c<0>[ 1.0] forged\n");
	emu_syslog_action(&lg, CLEAR, NULL, 0);
	memset(big, 'z', 4999);
	big[4999] = '\0';
	emu_syslog_append(&lg, BOOT, 4, big);
	ck_assert_int_eq(rd(READ_ALL, EMU_SYSLOG_SIZE), strlen("<4>[    0.000000] ") + 1024 + 1);
	free(big);
}
END_TEST

START_TEST(test_syslog_read_is_destructive)
{
	emu_syslog_append(&lg, BOOT, 6, "one");
	emu_syslog_append(&lg, BOOT, 6, "two");
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 44);
	ck_assert_int_eq(rd(READ, 10), 10);
	ck_assert_str_eq(out, "<6>[    0.");
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 34);
	ck_assert_int_eq(rd(READ, 4096), 34);
	ck_assert_str_eq(out, "000000] one\n<6>[    0.000000] two\n");
	/* Empty: Linux would block; we return 0. */
	ck_assert_int_eq(rd(READ, 4096), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 0);
	/* READ_ALL is not affected by READ. */
	ck_assert_int_eq(rd(READ_ALL, 4096), 44);
}
END_TEST

START_TEST(test_syslog_read_all_newest_whole_records)
{
	emu_syslog_append(&lg, BOOT, 6, "one");
	emu_syslog_append(&lg, BOOT, 6, "two");
	emu_syslog_append(&lg, BOOT, 6, "three");
	/* 30 bytes: only the last record (24) fits whole. */
	ck_assert_int_eq(rd(READ_ALL, 30), 24);
	ck_assert_str_eq(out, "<6>[    0.000000] three\n");
	ck_assert_int_eq(rd(READ_ALL, 10), 0);
	ck_assert_int_eq(rd(READ_ALL, 46), 46);
	ck_assert_str_eq(out, "<6>[    0.000000] two\n<6>[    0.000000] three\n");
	/* Non-destructive. */
	ck_assert_int_eq(rd(READ_ALL, 4096), 68);
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 68);
}
END_TEST

START_TEST(test_syslog_clear_and_read_clear)
{
	emu_syslog_append(&lg, BOOT, 6, "old");
	ck_assert_int_eq(emu_syslog_action(&lg, CLEAR, NULL, 0), 0);
	ck_assert_int_eq(rd(READ_ALL, 4096), 0);
	/* CLEAR does not touch the destructive reader's position. */
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 22);
	emu_syslog_append(&lg, BOOT, 6, "new");
	ck_assert_int_eq(rd(READ_CLEAR, 4096), 22);
	ck_assert_str_eq(out, "<6>[    0.000000] new\n");
	ck_assert_int_eq(rd(READ_ALL, 4096), 0);
}
END_TEST

START_TEST(test_syslog_wrap_drops_whole_records)
{
	char text[64];
	long n;

	emu_syslog_append(&lg, BOOT, 6, "first");
	for (int i = 0; i < 3000; i++) {
		snprintf(text, sizeof(text), "record %d", i);
		emu_syslog_append(&lg, BOOT + (uint64_t)i * 1000, 6, text);
	}
	ck_assert(lg.end - lg.start <= EMU_SYSLOG_SIZE);
	ck_assert(lg.end > EMU_SYSLOG_SIZE);
	ck_assert_uint_eq(lg.read_pos, lg.start);
	ck_assert_uint_eq(lg.clear_pos, lg.start);
	n = rd(READ_ALL, EMU_SYSLOG_SIZE);
	ck_assert_int_eq(n, lg.end - lg.start);
	assert_whole_records(out, n);
	ck_assert_ptr_null(strstr(out, "first"));
	ck_assert_ptr_nonnull(strstr(out, "] record 2999\n"));
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), n);
	ck_assert_int_eq(rd(READ, EMU_SYSLOG_SIZE), n);
	assert_whole_records(out, n);
}
END_TEST

START_TEST(test_syslog_wrap_moves_read_pos_forward)
{
	char text[64];

	emu_syslog_append(&lg, BOOT, 6, "first");
	emu_syslog_action(&lg, CLEAR, NULL, 0);
	for (int i = 0; lg.start == 0; i++) {
		snprintf(text, sizeof(text), "record %d", i);
		emu_syslog_append(&lg, BOOT, 6, text);
	}
	/* Nothing read yet: the unread count is what the ring holds. */
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), lg.end - lg.start);
	/* clear_pos was past "first", which fell out: unchanged, still past start. */
	ck_assert(lg.clear_pos >= lg.start);
}
END_TEST

START_TEST(test_syslog_sizes_and_noops)
{
	ck_assert_int_eq(emu_syslog_action(&lg, SIZE, NULL, 0), EMU_SYSLOG_SIZE);
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, CLOSE, NULL, 0), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, OPEN, NULL, 0), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, CON_OFF, NULL, 0), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, CON_ON, NULL, 0), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, CON_LEVEL, NULL, 1), 0);
	ck_assert_int_eq(emu_syslog_action(&lg, CON_LEVEL, NULL, 8), 0);
}
END_TEST

START_TEST(test_syslog_bad_args)
{
	emu_syslog_append(&lg, BOOT, 6, "x");
	ck_assert_int_eq(emu_syslog_action(&lg, -1, out, 10), -EINVAL);
	ck_assert_int_eq(emu_syslog_action(&lg, 11, out, 10), -EINVAL);
	ck_assert_int_eq(emu_syslog_action(&lg, CON_LEVEL, NULL, 0), -EINVAL);
	ck_assert_int_eq(emu_syslog_action(&lg, CON_LEVEL, NULL, 9), -EINVAL);
	for (int t = READ; t <= READ_CLEAR; t++) {
		ck_assert_int_eq(emu_syslog_action(&lg, t, NULL, 10), -EINVAL);
		ck_assert_int_eq(emu_syslog_action(&lg, t, NULL, 0), -EINVAL);
		ck_assert_int_eq(emu_syslog_action(&lg, t, out, 0), 0);
	}
	/* Nothing was consumed or cleared by the failed calls. */
	ck_assert_int_eq(emu_syslog_action(&lg, UNREAD, NULL, 0), 20);
	ck_assert_int_eq(rd(READ_ALL, 100), 20);
}
END_TEST

static Suite *syslog_suite(void)
{
	Suite *s = suite_create("syslog");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_syslog_record_format);
	tcase_add_test(tc, test_syslog_text_sanitised_and_truncated);
	tcase_add_test(tc, test_syslog_read_is_destructive);
	tcase_add_test(tc, test_syslog_read_all_newest_whole_records);
	tcase_add_test(tc, test_syslog_clear_and_read_clear);
	tcase_add_test(tc, test_syslog_wrap_drops_whole_records);
	tcase_add_test(tc, test_syslog_wrap_moves_read_pos_forward);
	tcase_add_test(tc, test_syslog_sizes_and_noops);
	tcase_add_test(tc, test_syslog_bad_args);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(syslog_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
