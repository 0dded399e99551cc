// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/evfile.c: rotated file names, and rotation itself in a
 * temporary directory: FILE, FILE.1 .. FILE.keep and no more, every file
 * within the size bound and made of whole lines, the newest lines in FILE,
 * keep 0, a line longer than the bound, and a file that already had content.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evfile.h"

static char dir[64], path[128];
static struct hy_err err;

static void setup(void)
{
	strcpy(dir, "/tmp/check_evfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static off_t size_of(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_size : -1;
}

/* Numbers of the lines in file p ("line NNNNN ...\n"), checking each is whole. */
static int read_lines(const char *p, int *nums, int max)
{
	FILE *f = fopen(p, "r");
	char buf[512];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		ck_assert_msg(len > 0 && buf[len - 1] == '\n', "%s: a line is cut", p);
		ck_assert_msg(strncmp(buf, "line ", 5) == 0, "%s: a line starts mid-way", p);
		ck_assert_int_lt(n, max);
		nums[n++] = atoi(buf + 5);
	}
	fclose(f);
	return n;
}

static void write_lines(struct hy_evfile *f, int from, int to, int width)
{
	char line[512];

	for (int i = from; i < to; i++) {
		int n = snprintf(line, sizeof(line), "line %05d %-*s\n", i, width, "x");
		ck_assert_int_eq(hy_evfile_write(f, line, n), 0);
	}
}

START_TEST(test_evfile_rotated_name)
{
	char buf[32];

	ck_assert_int_eq(hy_evfile_rotated_name(buf, sizeof(buf), "/var/log/e.jsonl", 3), 0);
	ck_assert_str_eq(buf, "/var/log/e.jsonl.3");
	ck_assert_int_eq(hy_evfile_rotated_name(buf, sizeof(buf), "e", 1000), 0);
	ck_assert_str_eq(buf, "e.1000");
	ck_assert_int_eq(hy_evfile_rotated_name(buf, 9, "abcdef", 1), 0);
	ck_assert_str_eq(buf, "abcdef.1");
	ck_assert_int_eq(hy_evfile_rotated_name(buf, 9, "abcdef", 10), -ENAMETOOLONG);
}
END_TEST

/* 200 lines of 100 bytes, bound 4096, keep 2: 40 lines per file. */
START_TEST(test_evfile_rotation_keeps_n_files)
{
	struct hy_evfile *f;
	struct hy_evfile_stats st;
	char name[160];
	int nums[64], prev_max = 79; /* 200 lines, 40 a file: FILE.2 starts at 80 */

	ck_assert_int_eq(hy_evfile_open(&f, path, 4096, 2, &err), 0);
	write_lines(f, 0, 200, 100 - 12);
	hy_evfile_stats(f, &st);
	ck_assert_uint_eq(st.lines, 200);
	ck_assert_uint_ge(st.rotations, 4);
	ck_assert_int_eq(hy_evfile_close(f), 0);
	/* Oldest first: FILE.2, FILE.1, FILE; each whole lines, in order, within 4096. */
	for (int i = 2; i >= 0; i--) {
		if (i)
			hy_evfile_rotated_name(name, sizeof(name), path, i);
		else
			strcpy(name, path);
		ck_assert_int_le(size_of(name), 4096);
		int n = read_lines(name, nums, 64);
		ck_assert_int_eq(n, 40);
		ck_assert_int_eq(nums[0], prev_max + 1); /* no line lost or repeated between files */
		for (int j = 1; j < n; j++)
			ck_assert_int_eq(nums[j], nums[j - 1] + 1);
		prev_max = nums[n - 1];
	}
	ck_assert_int_eq(prev_max, 199); /* the newest line is in FILE */
	hy_evfile_rotated_name(name, sizeof(name), path, 3);
	ck_assert_int_eq(size_of(name), -1);
}
END_TEST

START_TEST(test_evfile_keep_zero)
{
	struct hy_evfile *f;
	char name[160];
	int nums[64];

	ck_assert_int_eq(hy_evfile_open(&f, path, 4096, 0, &err), 0);
	write_lines(f, 0, 100, 88);
	ck_assert_int_eq(hy_evfile_close(f), 0);
	hy_evfile_rotated_name(name, sizeof(name), path, 1);
	ck_assert_int_eq(size_of(name), -1);
	ck_assert_int_eq(read_lines(path, nums, 64), 100 - 80);
	ck_assert_int_eq(nums[0], 80);
}
END_TEST

/* A line longer than the bound is written whole, alone in its file. */
START_TEST(test_evfile_long_line)
{
	struct hy_evfile *f;
	char name[160];
	int nums[8];

	ck_assert_int_eq(hy_evfile_open(&f, path, 4096, 1, &err), 0);
	write_lines(f, 0, 1, 10);
	write_lines(f, 1, 2, 400); /* 412 bytes: same file */
	ck_assert_int_eq(hy_evfile_close(f), 0);
	ck_assert_int_eq(read_lines(path, nums, 8), 2);

	char *big = malloc(5000);
	memset(big, 'y', 5000);
	memcpy(big, "line 00002 ", 11);
	big[4999] = '\n';
	ck_assert_int_eq(hy_evfile_open(&f, path, 4096, 1, &err), 0);
	ck_assert_int_eq(hy_evfile_write(f, big, 5000), 0);
	write_lines(f, 3, 4, 10);
	ck_assert_int_eq(hy_evfile_close(f), 0);
	free(big);
	hy_evfile_rotated_name(name, sizeof(name), path, 1);
	ck_assert_int_eq(size_of(name), 5000);
	ck_assert_int_eq(read_lines(path, nums, 8), 1);
	ck_assert_int_eq(nums[0], 3);
}
END_TEST

/* Lines wait in the buffer until a flush, and a full buffer goes out whole lines only. */
START_TEST(test_evfile_buffered)
{
	struct hy_evfile *f;
	int nums[1024];

	ck_assert_int_eq(hy_evfile_open(&f, path, 0, 0, &err), 0);
	write_lines(f, 0, 3, 10);
	ck_assert_int_eq(size_of(path), 0);
	ck_assert_int_eq(hy_evfile_flush(f), 0);
	ck_assert_int_eq(read_lines(path, nums, 1024), 3);
	write_lines(f, 3, 700, 100); /* ~77 KiB: more than the buffer */
	off_t mid = size_of(path);
	/* Lines of 22 and 112 bytes: the file holds whole ones only, not all yet. */
	ck_assert_int_gt(mid, 3 * 22);
	ck_assert_int_eq((mid - 3 * 22) % 112, 0);
	ck_assert_int_eq(read_lines(path, nums, 1024), (int)((mid - 3 * 22) / 112) + 3);
	ck_assert_int_lt(mid, 3 * 22 + 697 * 112);
	ck_assert_int_eq(hy_evfile_close(f), 0);
	ck_assert_int_eq(read_lines(path, nums, 1024), 700);
	ck_assert_int_eq(nums[699], 699);
}
END_TEST

/* Content already in FILE counts towards the bound (the sink appends). */
START_TEST(test_evfile_existing_content)
{
	struct hy_evfile *f;
	char name[160];
	FILE *pre = fopen(path, "w");
	int nums[64];

	ck_assert_ptr_nonnull(pre);
	for (int i = 0; i < 40; i++)
		fprintf(pre, "line %05d %-88s\n", 9000 + i, "old");
	fclose(pre);
	ck_assert_int_eq(hy_evfile_open(&f, path, 4096, 5, &err), 0);
	write_lines(f, 0, 1, 88);
	ck_assert_int_eq(hy_evfile_close(f), 0);
	hy_evfile_rotated_name(name, sizeof(name), path, 1);
	ck_assert_int_eq(read_lines(name, nums, 64), 40);
	ck_assert_int_eq(read_lines(path, nums, 64), 1);
	ck_assert_int_eq(nums[0], 0);
}
END_TEST

START_TEST(test_evfile_stdout_and_errors)
{
	struct hy_evfile *f;
	char p[160];

	ck_assert_int_eq(hy_evfile_open(&f, "-", 4096, 5, &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "--events-max-size"), "%s", err.msg);
	ck_assert_int_eq(hy_evfile_open(&f, "-", 0, 5, &err), 0);
	ck_assert_int_eq(hy_evfile_close(f), 0);
	snprintf(p, sizeof(p), "%s/no/such/dir", dir);
	ck_assert_int_eq(hy_evfile_open(&f, p, 0, 5, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, "--events") && strstr(err.msg, p), "%s", err.msg);
}
END_TEST

static Suite *evfile_suite(void)
{
	Suite *s = suite_create("evfile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_evfile_rotated_name);
	tcase_add_test(tc, test_evfile_rotation_keeps_n_files);
	tcase_add_test(tc, test_evfile_keep_zero);
	tcase_add_test(tc, test_evfile_long_line);
	tcase_add_test(tc, test_evfile_buffered);
	tcase_add_test(tc, test_evfile_existing_content);
	tcase_add_test(tc, test_evfile_stdout_and_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evfile_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
