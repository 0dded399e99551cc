// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/kmsg.c (/dev/kmsg on the log ring) and the record
 * numbers and wake-up of kernel-emu/syslog.c behind it: one record per read
 * in the dev-kmsg format, sequence numbers, the overwritten cursor (EPIPE),
 * the seeks, and writes with and without "<N>".
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kmsg.h"
#include "syslog.h"

#define NS 1000000000ULL
#define BOOT (100 * NS)

enum { SL_READ_ALL = 3, SL_CLEAR = 5 };

static struct emu_syslog lg;
static struct emu_kmsg_cursor cur;
static char out[EMU_KMSG_LINE_MAX + 1];

static void setup(void)
{
	emu_syslog_init(&lg, BOOT);
	emu_kmsg_seek_oldest(&lg, &cur);
	memset(out, 0, sizeof(out));
}

/* One read into out, NUL-terminated. */
static ssize_t rd(size_t cap)
{
	ssize_t r = emu_kmsg_read(&lg, &cur, out, cap);

	if (r >= 0)
		out[r] = '\0';
	return r;
}

static void wr(const char *s)
{
	ck_assert_int_eq(emu_kmsg_write(&lg, BOOT + 3 * NS, s, strlen(s)), (ssize_t)strlen(s));
}

START_TEST(test_kmsg_one_record_per_read)
{
	emu_syslog_append(&lg, BOOT + 2 * NS + 500000000ULL, 6, "hello");
	emu_syslog_append(&lg, BOOT + 3 * NS + 17000, 3, "world");
	ck_assert_int_eq(rd(sizeof(out)), strlen("6,0,2500000,-;hello\n"));
	ck_assert_str_eq(out, "6,0,2500000,-;hello\n");
	ck_assert_int_eq(rd(sizeof(out)), strlen("3,1,3000017,-;world\n"));
	ck_assert_str_eq(out, "3,1,3000017,-;world\n");
	ck_assert_int_eq(rd(sizeof(out)), -EAGAIN);
	ck_assert(!emu_kmsg_readable(&lg, &cur));
	emu_syslog_append(&lg, BOOT, 0, "again");
	ck_assert(emu_kmsg_readable(&lg, &cur));
	ck_assert_int_eq(rd(sizeof(out)), strlen("0,2,0,-;again\n"));
}
END_TEST

START_TEST(test_kmsg_small_buffer_einval)
{
	emu_syslog_append(&lg, BOOT, 6, "hello");
	/* "6,0,0,-;hello\n" is 14 bytes: 13 is too small, nothing moves. */
	ck_assert_int_eq(rd(13), -EINVAL);
	ck_assert_int_eq(rd(14), 14);
	ck_assert_str_eq(out, "6,0,0,-;hello\n");
}
END_TEST

START_TEST(test_kmsg_escapes_like_linux)
{
	emu_syslog_append(&lg, BOOT, 6, "a\\b \xc3\xa9\x7f\tc");
	rd(sizeof(out));
	/* Control characters (DEL too) were made spaces by the ring; the rest escaped. */
	ck_assert_str_eq(out, "6,0,0,-;a\\x5cb \\xc3\\xa9  c\n");
}
END_TEST

START_TEST(test_kmsg_overwritten_cursor_epipe)
{
	char text[64];

	emu_syslog_append(&lg, BOOT, 6, "first");
	for (int i = 0; lg.first_seq == 0; i++) {
		snprintf(text, sizeof(text), "record %d", i);
		emu_syslog_append(&lg, BOOT, 6, text);
	}
	ck_assert_int_eq(rd(sizeof(out)), -EPIPE);
	ck_assert_uint_eq(cur.seq, lg.first_seq);
	/* Once: the next read is the oldest record still held. */
	ck_assert_int_gt(rd(sizeof(out)), 0);
	snprintf(text, sizeof(text), "6,%llu,0,-;record 0\n", (unsigned long long)lg.first_seq);
	ck_assert_str_eq(out, text);
}
END_TEST

START_TEST(test_kmsg_seq_numbers_survive_wrap)
{
	char text[64];

	for (int i = 0; i < 5000; i++) {
		snprintf(text, sizeof(text), "record %d", i);
		emu_syslog_append(&lg, BOOT, 6, text);
	}
	ck_assert_uint_eq(lg.next_seq, 5000);
	ck_assert(lg.first_seq > 0);
	emu_kmsg_seek_oldest(&lg, &cur);
	rd(sizeof(out));
	/* Record n has seq n: first_seq is the count of the records dropped. */
	snprintf(text, sizeof(text), "6,%llu,0,-;record %llu\n", (unsigned long long)lg.first_seq,
		 (unsigned long long)lg.first_seq);
	ck_assert_str_eq(out, text);
	uint64_t n = 1;
	while (rd(sizeof(out)) > 0)
		n++;
	ck_assert_uint_eq(n, lg.next_seq - lg.first_seq);
	ck_assert_str_eq(out, "6,4999,0,-;record 4999\n");
}
END_TEST

START_TEST(test_kmsg_seek_end_and_clear)
{
	emu_syslog_append(&lg, BOOT, 6, "old");
	emu_kmsg_seek_end(&lg, &cur);
	ck_assert_int_eq(rd(sizeof(out)), -EAGAIN);
	emu_syslog_append(&lg, BOOT, 6, "new");
	rd(sizeof(out));
	ck_assert_str_eq(out, "6,1,0,-;new\n");
	/* SEEK_DATA: after the last CLEAR; before any CLEAR, the oldest. */
	emu_kmsg_seek_clear(&lg, &cur);
	rd(sizeof(out));
	ck_assert_str_eq(out, "6,0,0,-;old\n");
	emu_syslog_action(&lg, SL_CLEAR, NULL, 0);
	emu_syslog_append(&lg, BOOT, 6, "after");
	emu_kmsg_seek_clear(&lg, &cur);
	rd(sizeof(out));
	ck_assert_str_eq(out, "6,2,0,-;after\n");
	emu_kmsg_seek_oldest(&lg, &cur);
	rd(sizeof(out));
	ck_assert_str_eq(out, "6,0,0,-;old\n");
}
END_TEST

START_TEST(test_kmsg_write_prefix)
{
	wr("<3>hello\n");
	wr("plain");
	wr("<0>kernel?");	/* facility 0 is the kernel's: becomes LOG_USER */
	wr("<30>daemon");	/* facility 3, level 6 */
	wr("<>empty");		/* Linux: no digits is level 0 */
	wr("<9x>not a prefix");
	wr("<2052>wide");	/* facility 256 keeps its low 8 bits: 0, so LOG_USER */
	static const char *const want[] = {
		"11,0,3000000,-;hello\n", "12,1,3000000,-;plain\n", "8,2,3000000,-;kernel?\n",
		"30,3,3000000,-;daemon\n", "8,4,3000000,-;empty\n",
		"12,5,3000000,-;<9x>not a prefix\n", "12,6,3000000,-;wide\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		rd(sizeof(out));
		ck_assert_str_eq(out, want[i]);
	}
}
END_TEST

START_TEST(test_kmsg_write_limits_and_sanitising)
{
	char big[EMU_KMSG_WRITE_MAX + 2];

	memset(big, 'z', sizeof(big));
	ck_assert_int_eq(emu_kmsg_write(&lg, BOOT, big, EMU_KMSG_WRITE_MAX + 1), -EINVAL);
	ck_assert_uint_eq(lg.next_seq, 0);
	ck_assert_int_eq(emu_kmsg_write(&lg, BOOT, big, EMU_KMSG_WRITE_MAX), EMU_KMSG_WRITE_MAX);
	ck_assert_int_eq(rd(sizeof(out)), strlen("12,0,0,-;") + EMU_KMSG_WRITE_MAX + 1);
	/* A forged record stays one record, in syslog(2) too; a NUL ends the text. */
	ck_assert_int_eq(emu_kmsg_write(&lg, BOOT, "<6>a\n<0>[ 1.0] forged\0hidden", 28), 28);
	rd(sizeof(out));
	ck_assert_str_eq(out, "14,1,0,-;a <0>[ 1.0] forged\n");
	ck_assert_int_eq(rd(sizeof(out)), -EAGAIN);
	ck_assert_int_eq(emu_syslog_action(&lg, SL_CLEAR, NULL, 0), 0);
	wr("<4>x");
	ck_assert_int_eq(emu_syslog_action(&lg, SL_READ_ALL, out, sizeof(out)), 21);
	out[21] = '\0';
	ck_assert_str_eq(out, "<12>[    3.000000] x\n");
}
END_TEST

START_TEST(test_kmsg_append_wakes_eventfd)
{
	uint64_t count = 0;
	int fd = eventfd(0, EFD_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	emu_syslog_append(&lg, BOOT, 6, "quiet");
	lg.wake_fd = fd;
	emu_syslog_append(&lg, BOOT, 6, "one");
	wr("two");
	ck_assert_int_eq(read(fd, &count, sizeof(count)), sizeof(count));
	ck_assert_uint_eq(count, 2);
	close(fd);
}
END_TEST

static Suite *kmsg_suite(void)
{
	Suite *s = suite_create("kmsg");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_kmsg_one_record_per_read);
	tcase_add_test(tc, test_kmsg_small_buffer_einval);
	tcase_add_test(tc, test_kmsg_escapes_like_linux);
	tcase_add_test(tc, test_kmsg_overwritten_cursor_epipe);
	tcase_add_test(tc, test_kmsg_seq_numbers_survive_wrap);
	tcase_add_test(tc, test_kmsg_seek_end_and_clear);
	tcase_add_test(tc, test_kmsg_write_prefix);
	tcase_add_test(tc, test_kmsg_write_limits_and_sanitising);
	tcase_add_test(tc, test_kmsg_append_wakes_eventfd);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(kmsg_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
