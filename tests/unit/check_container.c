// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/container.c: id validation and generation, and the
 * state directory life cycle in a private temp dir (no privileges needed):
 * create + lock, refusal of a live id, reclaim of a stale directory, remove.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"

static char tmp[64];   /* the runner's temp dir */
static char work[128]; /* this test's dir inside it */
static char root[256];
static struct hy_err err;

/* Unchecked (in the runner, once): one temp dir, removed even if a test fails. */
static void tmp_setup(void)
{
	strcpy(tmp, "/tmp/check_container_XXXXXX");
	if (!mkdtemp(tmp))
		abort();
}

static void tmp_teardown(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
}

/* Checked (in each forked test): a private work dir and a known umask. */
static void setup(void)
{
	static int n; /* unique also with CK_FORK=no (one pid) */

	umask(022);
	snprintf(work, sizeof(work), "%s/t%d.%d", tmp, (int)getpid(), n++);
	ck_assert_int_eq(mkdir(work, 0755), 0);
	snprintf(root, sizeof(root), "%s/state", work);
	memset(&err, 0, sizeof(err));
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int count_fds(void)
{
	return count_entries("/proc/self/fd");
}

/* Is <dir>/lock currently locked by someone (another open file description)? */
static int is_locked(const char *dir)
{
	char p[4200];
	int fd, r;

	snprintf(p, sizeof(p), "%s/lock", dir);
	fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = flock(fd, LOCK_EX | LOCK_NB) < 0 ? (errno == EWOULDBLOCK) : 0;
	close(fd);
	return r;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[4200];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* ---- ids ---------------------------------------------------------------- */

START_TEST(test_container_id_valid)
{
	char id[HY_ID_MAX];

	ck_assert_int_eq(hy_id_validate("a", &err), 0);
	ck_assert_int_eq(hy_id_validate("0", &err), 0);
	ck_assert_int_eq(hy_id_validate("Web-1.prod_x", &err), 0);
	ck_assert_int_eq(hy_id_validate("a..", &err), 0);
	memset(id, 'z', HY_ID_MAX - 1);
	id[HY_ID_MAX - 1] = '\0';
	ck_assert_int_eq(hy_id_validate(id, &err), 0); /* 64 characters: podman's ids */
	ck_assert_int_eq(hy_id_validate("a", NULL), 0);
}
END_TEST

START_TEST(test_container_id_invalid)
{
	static const char *const bad[] = { "-a", "_a", ".a", ".", "..", "a/b", "/a",
					   "a b", "a\n", "caf\xc3\xa9", "a:b", "a*" };
	char id[HY_ID_MAX + 1];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		ck_assert_msg(hy_id_validate(bad[i], &err) == -EINVAL, "'%s' accepted", bad[i]);
		ck_assert_int_eq(err.code, -EINVAL);
		ck_assert_msg(strstr(err.msg, "expected letters, digits"), "%s", err.msg);
	}
	ck_assert_int_eq(hy_id_validate("", &err), -EINVAL);
	ck_assert_msg(strstr(err.msg, "must be 1 to 64 characters"), "%s", err.msg);
	memset(id, 'z', HY_ID_MAX);
	id[HY_ID_MAX] = '\0';
	ck_assert_int_eq(hy_id_validate(id, &err), -EINVAL); /* 65 characters */
	ck_assert_msg(strstr(err.msg, "must be 1 to 64 characters"), "%s", err.msg);
	ck_assert_int_eq(hy_id_validate("../x", NULL), -EINVAL);
}
END_TEST

START_TEST(test_container_id_generate)
{
	char a[HY_ID_MAX], b[HY_ID_MAX], small[5];

	hy_id_generate(a, sizeof(a));
	hy_id_generate(b, sizeof(b));
	ck_assert_uint_eq(strlen(a), 12);
	ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 12);
	ck_assert_int_eq(hy_id_validate(a, &err), 0);
	ck_assert_str_ne(a, b); /* 48 random bits */

	memset(small, 'X', sizeof(small));
	hy_id_generate(small, sizeof(small));
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

/* ---- state directory -------------------------------------------------- */

START_TEST(test_container_state_create_remove)
{
	struct hy_state st;
	struct stat sb;
	char dir[4200];
	int fds = count_fds();

	ck_assert_int_eq(hy_state_create(&st, root, "box1", &err), 0);
	snprintf(dir, sizeof(dir), "%s/box1", root);
	ck_assert_str_eq(st.dir, dir);
	ck_assert_int_ge(st.dirfd, 0);
	ck_assert_int_ge(st.lockfd, 0);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_int_eq(sb.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(root, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0711);
	ck_assert_int_eq(is_locked(dir), 1);

	write_file(dir, "pid", "1234\n"); /* what a supervisor leaves there */
	hy_state_remove(&st);
	ck_assert_int_eq(count_entries(root), 0);
	ck_assert_int_eq(st.dirfd, -1);
	ck_assert_int_eq(st.lockfd, -1);
	ck_assert_int_eq(st.dir[0], '\0');
	ck_assert_int_eq(count_fds(), fds);

	hy_state_remove(&st); /* idempotent */
	ck_assert_int_eq(count_fds(), fds);
}
END_TEST

START_TEST(test_container_state_live_id_refused)
{
	struct hy_state a, b;
	char dir[4200];
	int fds;

	ck_assert_int_eq(hy_state_create(&a, root, "live", &err), 0);
	snprintf(dir, sizeof(dir), "%s/live", root);
	fds = count_fds();

	memset(&b, 0x5a, sizeof(b));
	ck_assert_int_eq(hy_state_create(&b, root, "live", &err), -EEXIST);
	ck_assert_int_eq(err.code, -EEXIST);
	ck_assert_msg(strstr(err.msg, "container 'live' already exists and is running"), "%s",
		      err.msg);
	ck_assert_msg(strstr(err.msg, dir), "message '%s' does not name %s", err.msg, dir);
	ck_assert_int_eq(b.dirfd, -1);
	ck_assert_int_eq(b.lockfd, -1);
	ck_assert_int_eq(count_fds(), fds);

	/* The live container is untouched: still there, still locked. */
	ck_assert_int_eq(is_locked(dir), 1);
	ck_assert_int_eq(count_entries(dir), 1);

	/* A different id is independent. */
	ck_assert_int_eq(hy_state_create(&b, root, "other", &err), 0);
	hy_state_remove(&b);
	hy_state_remove(&a);
	ck_assert_int_eq(count_entries(root), 0);
}
END_TEST

START_TEST(test_container_state_stale_reclaimed)
{
	struct hy_state st;
	char dir[4200];

	ck_assert_int_eq(mkdir(root, 0711), 0);
	snprintf(dir, sizeof(dir), "%s/stale", root);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	write_file(dir, "lock", "");
	write_file(dir, "pid", "999999\n");
	write_file(dir, "listener", "x");
	ck_assert_int_eq(is_locked(dir), 0);

	ck_assert_int_eq(hy_state_create(&st, root, "stale", &err), 0);
	ck_assert_int_eq(count_entries(dir), 1); /* only the new lock */
	ck_assert_int_eq(is_locked(dir), 1);
	hy_state_remove(&st);
	ck_assert_int_eq(count_entries(root), 0);
}
END_TEST

START_TEST(test_container_state_after_remove_id_reusable)
{
	struct hy_state st;

	ck_assert_int_eq(hy_state_create(&st, root, "again", &err), 0);
	hy_state_remove(&st);
	ck_assert_int_eq(hy_state_create(&st, root, "again", &err), 0);
	hy_state_remove(&st);
	ck_assert_int_eq(count_entries(root), 0);
}
END_TEST

START_TEST(test_container_state_dir_without_lock_is_live)
{
	/* No lock file yet: a supervisor may be between mkdir and flock. */
	struct hy_state st;
	char dir[4200];

	ck_assert_int_eq(mkdir(root, 0711), 0);
	snprintf(dir, sizeof(dir), "%s/young", root);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(hy_state_create(&st, root, "young", &err), -EEXIST);
	ck_assert_msg(strstr(err.msg, "'young'"), "%s", err.msg);
	ck_assert_int_eq(count_entries(root), 1);
}
END_TEST

START_TEST(test_container_state_bad_root)
{
	struct hy_state st;
	char file[200];

	snprintf(file, sizeof(file), "%s/file", work);
	write_file(work, "file", "");
	ck_assert_int_lt(hy_state_create(&st, file, "x", &err), 0);
	ck_assert_int_eq(err.code, -ENOTDIR);
	ck_assert_msg(strstr(err.msg, file), "message '%s' does not name %s", err.msg, file);

	snprintf(file, sizeof(file), "%s/file/below/root", work);
	ck_assert_int_eq(hy_state_create(&st, file, "x", &err), -ENOTDIR);
	ck_assert_msg(strstr(err.msg, "create state root"), "%s", err.msg);
	ck_assert_int_eq(st.dirfd, -1);
	ck_assert_int_eq(st.lockfd, -1);
	hy_state_remove(&st); /* safe after a failed create */
}
END_TEST

/* As runc: containerd's shim passes --root <state>/runc/<namespace> and
 * creates neither directory. */
START_TEST(test_container_state_root_made_with_parents)
{
	struct hy_state st;
	char deep[256], dir[300];
	struct stat sb;

	snprintf(deep, sizeof(deep), "%s/no//such/root/", work);
	ck_assert_int_eq(hy_state_create(&st, deep, "x", &err), 0);
	snprintf(dir, sizeof(dir), "%s/no/such/root/x", work);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0700);
	snprintf(dir, sizeof(dir), "%s/no/such", work);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0711);
	hy_state_remove(&st);
	/* an existing root is used as it is */
	ck_assert_int_eq(hy_state_create(&st, deep, "y", &err), 0);
	hy_state_remove(&st);
}
END_TEST

static Suite *container_suite(void)
{
	Suite *s = suite_create("container");
	TCase *ids = tcase_create("id");
	TCase *state = tcase_create("state");

	tcase_add_test(ids, test_container_id_valid);
	tcase_add_test(ids, test_container_id_invalid);
	tcase_add_test(ids, test_container_id_generate);
	suite_add_tcase(s, ids);

	tcase_add_unchecked_fixture(state, tmp_setup, tmp_teardown);
	tcase_add_checked_fixture(state, setup, NULL);
	tcase_add_test(state, test_container_state_create_remove);
	tcase_add_test(state, test_container_state_live_id_refused);
	tcase_add_test(state, test_container_state_stale_reclaimed);
	tcase_add_test(state, test_container_state_after_remove_id_reusable);
	tcase_add_test(state, test_container_state_dir_without_lock_is_live);
	tcase_add_test(state, test_container_state_bad_root);
	tcase_add_test(state, test_container_state_root_made_with_parents);
	suite_add_tcase(s, state);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(container_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
