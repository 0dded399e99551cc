// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/oci_opts.c: the options of `hybox create` and runc's
 * `hybox run ... --bundle DIR ID` and `hybox restore --bundle DIR ... ID`,
 * the runc flags accepted without effect, and the ones refused by name.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "oci_opts.h"

#define MAXARGS 16

static int parse_v(enum hy_oci_verb verb, const char *const *words, struct hy_oci_opts *o,
		   struct hy_err *err)
{
	static char *args[MAXARGS];
	int argc = 0;
	args[argc++] = (char *)(verb == HY_OCI_CREATE ? "create" : verb == HY_OCI_RUN ? "run"
											: "restore");
	for (; *words; words++)
		args[argc++] = (char *)*words;
	args[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return hy_oci_parse(verb, argc, args, o, err);
}

#define PARSE(verb, o, err, ...) parse_v(verb, (const char *const[]){ __VA_ARGS__, NULL }, o, err)

START_TEST(test_oci_opts_create)
{
	struct hy_oci_opts o;
	struct hy_err err;
	ck_assert_int_eq(PARSE(HY_OCI_CREATE, &o, &err, "box"), HY_OCI_PARSED);
	ck_assert_str_eq(o.id, "box");
	ck_assert_str_eq(o.bundle, ".");
	ck_assert_ptr_null(o.pid_file);
	ck_assert_int_eq(PARSE(HY_OCI_CREATE, &o, &err, "--bundle", "/b", "--pid-file", "/p",
			       "--no-pivot", "--no-new-keyring", "--preserve-fds", "0", "box"),
			 HY_OCI_PARSED);
	ck_assert_str_eq(o.bundle, "/b");
	ck_assert_str_eq(o.pid_file, "/p");
	ck_assert_int_eq(PARSE(HY_OCI_CREATE, &o, &err, "-b", "x", "--help"), HY_OCI_HELP);
}
END_TEST

START_TEST(test_oci_opts_run)
{
	struct hy_oci_opts o;
	struct hy_err err;
	ck_assert_int_eq(PARSE(HY_OCI_RUN, &o, &err, "-d", "--keep", "-b", "b", "box"),
			 HY_OCI_PARSED);
	ck_assert(o.is_detach);
	ck_assert(o.is_keep);
	ck_assert_str_eq(o.bundle, "b");
	ck_assert_str_eq(o.id, "box");
}
END_TEST

/* containerd's runc shim's restore line: --bundle after the other options. */
START_TEST(test_oci_opts_restore)
{
	struct hy_oci_opts o;
	struct hy_err err;
	/* go-runc's spelling, "-no-subreaper", and containerd's --file-locks */
	ck_assert_int_eq(PARSE(HY_OCI_RESTORE, &o, &err, "--image-path", "/i", "--work-path", "/w",
			       "--detach", "--pid-file", "/p", "-no-subreaper", "--no-pivot",
			       "--file-locks", "--bundle", "/b", "box"),
			 HY_OCI_PARSED);
	ck_assert_str_eq(o.image_path, "/i");
	ck_assert_str_eq(o.work_path, "/w");
	ck_assert_str_eq(o.pid_file, "/p");
	ck_assert_str_eq(o.bundle, "/b");
	ck_assert_str_eq(o.id, "box");
	ck_assert(o.is_detach);
	ck_assert_int_eq(PARSE(HY_OCI_RESTORE, &o, &err, "-b", "b", "--image", "i", "--shell-job",
			       "--console-socket", "/s", "--no-new-keyring", "box"),
			 HY_OCI_PARSED);
	ck_assert_str_eq(o.image_path, "i");
	ck_assert_str_eq(o.console_socket, "/s");
	ck_assert_ptr_null(o.work_path);
	ck_assert(!o.is_detach);
	ck_assert_int_eq(PARSE(HY_OCI_RESTORE, &o, &err, "-b", "b", "--help"), HY_OCI_HELP);
}
END_TEST

/* runc's restore form is selected by -b/--bundle anywhere before "--". */
START_TEST(test_oci_opts_restore_selected)
{
	char *oci[] = { "restore", "--image-path", "i", "-d", "--bundle", "b", "box", NULL };
	char *eq[] = { "restore", "--bundle=b", "box", NULL };
	char *own[] = { "restore", "--image", "i", "--id", "x", NULL };
	char *cmd[] = { "restore", "--image", "i", "--", "-b", NULL };
	ck_assert(hy_oci_restore_selected(7, oci));
	ck_assert(hy_oci_restore_selected(3, eq));
	ck_assert(!hy_oci_restore_selected(5, own));
	ck_assert(!hy_oci_restore_selected(5, cmd));
}
END_TEST

START_TEST(test_oci_opts_refused)
{
	static const struct {
		enum hy_oci_verb verb;
		const char *const words[5];
		const char *want;
	} cases[] = {
		{ HY_OCI_CREATE, { NULL }, "expected one container ID, got 0" },
		{ HY_OCI_CREATE, { "a", "b" }, "expected one container ID, got 2" },
		{ HY_OCI_CREATE, { "-d", "box" }, "unknown option '-d'" },
		{ HY_OCI_CREATE, { "--keep", "box" }, "unknown option '--keep'" },
		{ HY_OCI_CREATE, { "--preserve-fds", "2", "box" }, "--preserve-fds 2: not supported" },
		{ HY_OCI_CREATE, { "--preserve-fds", "x", "box" }, "--preserve-fds: expected a number" },
		{ HY_OCI_CREATE, { "--bundle" }, "option '--bundle' needs an argument" },
		{ HY_OCI_RUN, { "--frob", "box" }, "unknown option '--frob'" },
		{ HY_OCI_RUN, { "-b", "b", "bad/id" }, "container id 'bad/id'" },
		{ HY_OCI_RUN, { "--image-path", "i", "box" }, "unknown option '--image-path'" },
		{ HY_OCI_CREATE, { "--work-path", "w", "box" }, "unknown option '--work-path'" },
		{ HY_OCI_RESTORE, { "-b", "b", "box" }, "--image-path DIR is needed" },
		{ HY_OCI_RESTORE, { "--image-path", "i", "--keep", "box" }, "unknown option '--keep'" },
		{ HY_OCI_RESTORE, { "--image-path", "i", "--preserve-fds", "0", "box" },
		  "unknown option '--preserve-fds'" },
		{ HY_OCI_RESTORE, { "--tcp-established", "--image-path", "i", "box" },
		  "--tcp-established (established TCP connections): CRIU's option" },
		{ HY_OCI_RESTORE, { "--ext-unix-sk", "box" }, "--ext-unix-sk (unix sockets" },
		{ HY_OCI_RESTORE, { "--file-locks", "box" }, "--image-path DIR is needed" },
		{ HY_OCI_CREATE, { "--file-locks", "box" }, "unknown option '--file-locks'" },
		{ HY_OCI_RESTORE, { "--manage-cgroups-mode=soft", "box" }, "--manage-cgroups-mode (" },
		{ HY_OCI_RESTORE, { "--empty-ns", "network", "box" }, "--empty-ns (" },
		{ HY_OCI_RESTORE, { "--lazy-pages", "box" }, "--lazy-pages (" },
		{ HY_OCI_RESTORE, { "--auto-dedup", "box" }, "--auto-dedup (" },
		{ HY_OCI_RESTORE, { "--lsm-profile", "x", "box" }, "hybox's restore does not support" },
		{ HY_OCI_RUN, { "--tcp-established", "box" }, "unknown option '--tcp-established'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hy_oci_opts o;
		struct hy_err err;
		const char *w[6] = { 0 };
		memcpy(w, cases[i].words, sizeof(cases[i].words));
		int r = parse_v(cases[i].verb, w, &o, &err);
		ck_assert_msg(r == -EINVAL, "case %zu: %d", i, r);
		ck_assert_msg(strstr(err.msg, cases[i].want), "case %zu: \"%s\" not in \"%s\"", i,
			      cases[i].want, err.msg);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oci_opts");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_oci_opts_create);
	tcase_add_test(tc, test_oci_opts_run);
	tcase_add_test(tc, test_oci_opts_restore);
	tcase_add_test(tc, test_oci_opts_restore_selected);
	tcase_add_test(tc, test_oci_opts_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
