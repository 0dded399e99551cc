// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the pure parts of kernel-emu/fsres.c: splitting a path into
 * parent and entry, recognising the task's own streams, copying a path from
 * task memory page by page, and the files-rule lookup on long paths.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fsres.h"

static void split_ok(const char *path, const char *dir, const char *last, bool slash)
{
	char d[PATH_MAX];
	const char *l;
	bool s;
	ck_assert_int_eq(emu_fs_split(path, d, &l, &s), 0);
	ck_assert_str_eq(d, dir);
	if (last)
		ck_assert_msg(l && !strncmp(l, last, strlen(last)), "%s: last", path);
	else
		ck_assert_ptr_null(l);
	ck_assert_int_eq(s, slash);
}

START_TEST(test_split)
{
	split_ok("a", ".", "a", false);
	split_ok("/a", "/", "a", false);
	split_ok("/a/b", "/a", "b", false);
	split_ok("a/b/", "a", "b", true);
	split_ok("/a//b", "/a/", "b", false);
	split_ok("/", "/", NULL, false);
	split_ok(".", ".", NULL, false);
	split_ok("..", ".", NULL, false);
	split_ok("a/..", "a", NULL, false);
	split_ok("/tmp/x.", "/tmp", "x.", false);
	char d[PATH_MAX];
	const char *l;
	bool s;
	ck_assert_int_eq(emu_fs_split("", d, &l, &s), -ENOENT);
}
END_TEST

START_TEST(test_task_stream)
{
	ck_assert_int_eq(emu_fs_task_stream("/dev/stdin"), 0);
	ck_assert_int_eq(emu_fs_task_stream("/dev/stdout"), 1);
	ck_assert_int_eq(emu_fs_task_stream("/dev/stderr"), 2);
	ck_assert_int_eq(emu_fs_task_stream("/dev/fd/7"), 7);
	ck_assert_int_eq(emu_fs_task_stream("/proc/self/fd/12"), 12);
	ck_assert_int_eq(emu_fs_task_stream("/proc/thread-self/fd/3"), 3);
	ck_assert_int_eq(emu_fs_task_stream("/proc/1/fd/3"), -1);
	ck_assert_int_eq(emu_fs_task_stream("/proc/self/fd/3/x"), -1);
	ck_assert_int_eq(emu_fs_task_stream("/proc/self/fd/"), -1);
	ck_assert_int_eq(emu_fs_task_stream("/dev/stdoutx"), -1);
	ck_assert_int_eq(emu_fs_task_stream("/dev/fd/-1"), -1);
	ck_assert_int_eq(emu_fs_task_stream("/dev/fd/99999999999"), -1);
}
END_TEST

/* A fake task address space: [BASE, BASE + 3 pages), the last one unmapped. */
#define BASE 0x10000u
static char space[3 * 4096];

static int fake_read(struct emu_call *c, uint64_t addr, void *buf, size_t len)
{
	(void)c;
	if (addr < BASE || addr + len > BASE + 2 * 4096)
		return -EFAULT;
	memcpy(buf, space + (addr - BASE), len);
	return 0;
}

static const struct emu_mem_ops fake_ops = { .read = fake_read };

START_TEST(test_copy_path)
{
	struct emu_cred_state cred = { 0 };
	struct emu_call c = { .mem = &fake_ops, .cred = &cred };
	char out[PATH_MAX];
	memset(space, 'a', sizeof(space));
	/* ends 3 bytes before the unmapped page: must not read past it */
	space[2 * 4096 - 1] = '\0';
	ck_assert_int_eq(emu_fs_copy_path(&c, BASE + 2 * 4096 - 10, out), 0);
	ck_assert_str_eq(out, "aaaaaaaaa");
	/* no NUL before the unmapped page */
	space[2 * 4096 - 1] = 'a';
	ck_assert_int_eq(emu_fs_copy_path(&c, BASE + 4096 + 100, out), -EFAULT);
	/* longer than PATH_MAX */
	memset(space, 'a', sizeof(space));
	space[PATH_MAX + 10] = '\0';
	ck_assert_int_eq(emu_fs_copy_path(&c, BASE, out), -ENAMETOOLONG);
	space[PATH_MAX - 1] = '\0';
	ck_assert_int_eq(emu_fs_copy_path(&c, BASE, out), 0);
	ck_assert_uint_eq(strlen(out), PATH_MAX - 1);
}
END_TEST

START_TEST(test_rewrite_self)
{
	char p[PATH_MAX];
	strcpy(p, "/proc/self/status");
	ck_assert_int_eq(emu_fs_rewrite_self(p, 7, 9), 0);
	ck_assert_str_eq(p, "/proc/7/status");
	strcpy(p, "/proc/self");
	ck_assert_int_eq(emu_fs_rewrite_self(p, 7, 9), 0);
	ck_assert_str_eq(p, "/proc/7");
	strcpy(p, "/proc/thread-self/comm");
	ck_assert_int_eq(emu_fs_rewrite_self(p, 7, 9), 0);
	ck_assert_str_eq(p, "/proc/7/task/9/comm");
	strcpy(p, "/proc/selfish");
	ck_assert_int_eq(emu_fs_rewrite_self(p, 7, 9), 0);
	ck_assert_str_eq(p, "/proc/selfish");
	strcpy(p, "proc/self/status"); /* relative: left alone */
	ck_assert_int_eq(emu_fs_rewrite_self(p, 7, 9), 0);
	ck_assert_str_eq(p, "proc/self/status");
	memset(p, 'x', PATH_MAX - 1);
	memcpy(p, "/proc/self/", 11);
	p[PATH_MAX - 1] = '\0';
	ck_assert_int_eq(emu_fs_rewrite_self(p, 1234567, 1234567), -ENAMETOOLONG);
}
END_TEST

static struct hy_obj_policy obj;

static void add_rule(const char *path, uint32_t acc)
{
	struct hy_path_rule *r = &obj.files.rule[obj.files.nrules++];
	r->len = (uint32_t)strlen(path);
	memcpy(r->path, path, r->len + 1);
	r->access = acc;
}

START_TEST(test_granted_long_paths)
{
	struct emu_kernel k = { .obj = &obj };
	char path[PATH_MAX];
	memset(&obj, 0, sizeof(obj));
	add_rule("/", HY_ACC_R);
	add_rule("/tmp", HY_ACC_R | HY_ACC_W);
	ck_assert_uint_eq(emu_fs_granted(&k, "/tmp/x"), HY_ACC_R | HY_ACC_W);
	ck_assert_uint_eq(emu_fs_granted(&k, "/tmpx"), HY_ACC_R);
	/* 1000-byte path under /tmp: the first HY_PATH_LEN bytes decide */
	strcpy(path, "/tmp/");
	memset(path + 5, 'b', 995);
	path[1000] = '\0';
	ck_assert_uint_eq(emu_fs_granted(&k, path), HY_ACC_R | HY_ACC_W);
	path[1] = 'x';
	ck_assert_uint_eq(emu_fs_granted(&k, path), HY_ACC_R);
	k.obj = NULL; /* no object policy: nothing to enforce */
	ck_assert_uint_eq(emu_fs_granted(&k, "/etc"), HY_ACC_ALL);
}
END_TEST

static Suite *fsres_suite(void)
{
	Suite *s = suite_create("fsres");
	TCase *tc = tcase_create("pure");
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_task_stream);
	tcase_add_test(tc, test_rewrite_self);
	tcase_add_test(tc, test_copy_path);
	tcase_add_test(tc, test_granted_long_paths);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fsres_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
