// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/oom_watch.c: oom_kill in a memory.events text (not
 * oom or oom_group_kill), the rise between two counts, and the watch itself
 * on a directory shaped like a cgroup v2 leaf (regular files, which inotify
 * reports modified like cgroup files): the baseline, a rise of several kills
 * reported once with its number, the wake-up on cgroup.events, a leaf
 * without the memory controller.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_main.h"
#include "oom_watch.h"

#define EVENTS(oom, kill) \
	"low 0\nhigh 4\nmax 9\noom " #oom "\noom_kill " #kill "\noom_group_kill 0\n"

START_TEST(test_oom_watch_parse)
{
	uint64_t n = 99;
	ck_assert_int_eq(hy_oom_kills_parse(EVENTS(7, 3), &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(hy_oom_kills_parse("oom_group_kill 5\noom_kill 12", &n), 0);
	ck_assert_uint_eq(n, 12);
	ck_assert_int_eq(hy_oom_kills_parse("oom_kill 18446744073709551615\n", &n), 0);
	ck_assert_uint_eq(n, UINT64_MAX);
	n = 99;
	ck_assert_int_eq(hy_oom_kills_parse("low 0\noom 2\noom_group_kill 1\n", &n), -ENOENT);
	ck_assert_int_eq(hy_oom_kills_parse("", &n), -ENOENT);
	ck_assert_int_eq(hy_oom_kills_parse("oom_kill x\n", &n), -EINVAL);
	ck_assert_int_eq(hy_oom_kills_parse("oom_kill 3x\n", &n), -EINVAL);
	ck_assert_uint_eq(n, 99);
}
END_TEST

START_TEST(test_oom_watch_rise)
{
	ck_assert_uint_eq(hy_oom_kills_rise(0, 0), 0);
	ck_assert_uint_eq(hy_oom_kills_rise(0, 1), 1);
	ck_assert_uint_eq(hy_oom_kills_rise(3, 7), 4);
	ck_assert_uint_eq(hy_oom_kills_rise(7, 3), 0);
	ck_assert_uint_eq(hy_oom_kills_rise(0, UINT64_MAX), UINT64_MAX);
}
END_TEST

static char dir[] = "/tmp/check_oom_watch.XXXXXX";

static void put(const char *file, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 1000) == 1 && (p.revents & POLLIN);
}

/* Checked teardown: runs in each test's child, where dir was filled in. */
static void remove_leaf(void)
{
	char path[128];
	static const char *const files[] = { "cgroup.events", "memory.events" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int leaf(bool memory)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put("cgroup.events", "populated 1\nfrozen 0\n");
	if (memory)
		put("memory.events", EVENTS(2, 2));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(test_oom_watch_reports_rises)
{
	struct hy_oom_watch w;
	int dirfd = leaf(true);

	hy_oom_watch_init(&w, dirfd);
	ck_assert(w.has_file);
	ck_assert_int_ge(hy_oom_watch_fd(&w), 0);
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0); /* the 2 before the watch do not count */
	put("memory.events", EVENTS(5, 5));
	ck_assert(readable(hy_oom_watch_fd(&w)));
	ck_assert_uint_eq(hy_oom_watch_check(&w), 3);
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0); /* consumed: nothing pending, no rise */
	put("memory.events", EVENTS(6, 5)); /* an oom without a kill */
	ck_assert(readable(hy_oom_watch_fd(&w)));
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0);
	put("cgroup.events", "populated 0\nfrozen 0\n");
	ck_assert(readable(hy_oom_watch_fd(&w)));
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0);
	put("memory.events", EVENTS(7, 6));
	ck_assert_uint_eq(hy_oom_watch_check(&w), 1);
	hy_oom_watch_fini(&w);
	ck_assert_int_eq(hy_oom_watch_fd(&w), -1);
}
END_TEST

START_TEST(test_oom_watch_without_memory_controller)
{
	struct hy_oom_watch w;
	int dirfd = leaf(false);

	hy_oom_watch_init(&w, dirfd);
	ck_assert(!w.has_file);
	ck_assert_int_ge(hy_oom_watch_fd(&w), 0); /* still wakes on cgroup.events */
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0);
	put("cgroup.events", "populated 0\nfrozen 0\n");
	ck_assert(readable(hy_oom_watch_fd(&w)));
	put("memory.events", EVENTS(1, 1)); /* not a memory leaf at init: never read */
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0);
	hy_oom_watch_fini(&w);
}
END_TEST

START_TEST(test_oom_watch_leaf_removed)
{
	struct hy_oom_watch w;
	char path[128];
	int dirfd = leaf(true);

	hy_oom_watch_init(&w, dirfd);
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_uint_eq(hy_oom_watch_check(&w), 0);
	hy_oom_watch_fini(&w);
}
END_TEST

static Suite *oom_watch_suite(void)
{
	Suite *s = suite_create("oom_watch");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, NULL, remove_leaf);

	tcase_add_test(tc, test_oom_watch_parse);
	tcase_add_test(tc, test_oom_watch_rise);
	tcase_add_test(tc, test_oom_watch_reports_rises);
	tcase_add_test(tc, test_oom_watch_without_memory_controller);
	tcase_add_test(tc, test_oom_watch_leaf_removed);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(oom_watch_suite)
