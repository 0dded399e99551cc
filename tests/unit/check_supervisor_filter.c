// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the supervisor's own seccomp filter: the program compiled
 * at build time is what libseccomp compiles from the rules now (no stale
 * copy), and installed in a child it allows what the supervisor uses and
 * refuses the rest (no root needed: no_new_privs is set first).
 */
#include <check.h>
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervisor_filter.h"

START_TEST(test_supervisor_filter_matches_rules)
{
	struct hy_err err = { 0 };
	scmp_filter_ctx ctx;
	size_t len;
	const struct sock_filter *prog = hy_supervisor_filter_program(&len);
	int fd = memfd_create("bpf", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_msg(hy_supervisor_filter_build(&ctx, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(seccomp_export_bpf(ctx, fd), 0);
	seccomp_release(ctx);
	off_t size = lseek(fd, 0, SEEK_END);
	ck_assert_int_eq(size, (off_t)(len * sizeof(*prog)));
	struct sock_filter *fresh = malloc((size_t)size);
	ck_assert_int_eq(pread(fd, fresh, (size_t)size, 0), size);
	ck_assert_msg(memcmp(fresh, prog, (size_t)size) == 0,
		      "the build's program differs from a fresh compile of the rules");
	free(fresh);
	close(fd);
}
END_TEST

/* In a child: install the filter, then each call's errno (0: allowed). */
static int child_errno(int which)
{
	struct hy_err err = { 0 };
	if (hy_supervisor_confine(&err) < 0)
		_exit(100);
	long r;
	switch (which) {
	case 0: r = syscall(SYS_getpid); break;
	case 1: r = mount("none", "/", "tmpfs", 0, NULL); break;
	case 2: r = syscall(SYS_clone3, NULL, 0); break;
	case 3: r = syscall(SYS_unshare, CLONE_NEWNS); break;
	default: r = syscall(SYS_execve, "/bin/true", NULL, NULL); break;
	}
	_exit(r < 0 ? errno : 0);
}

START_TEST(test_supervisor_filter_decides)
{
	static const struct {
		const char *what;
		int want;
	} cases[] = {
		{ "getpid", 0 }, { "mount", EPERM }, { "clone3", ENOSYS },
		{ "unshare(CLONE_NEWNS)", EPERM }, { "execve", EPERM },
	};
	for (int i = 0; i < (int)(sizeof(cases) / sizeof(cases[0])); i++) {
		pid_t pid = fork();
		int st;
		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			child_errno(i);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == cases[i].want,
			      "%s: exit %d, expected errno %d", cases[i].what,
			      WIFEXITED(st) ? WEXITSTATUS(st) : -1, cases[i].want);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("supervisor_filter");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failures;

	tcase_add_test(tc, test_supervisor_filter_matches_rules);
	tcase_add_test(tc, test_supervisor_filter_decides);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
