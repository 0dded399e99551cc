// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/oci_opts.c: the options of `hybox create` and runc's
 * `hybox run ... --bundle DIR ID`, the runc flags accepted without effect,
 * and the ones refused by name.
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
	args[argc++] = (char *)(verb == HY_OCI_CREATE ? "create" : "run");
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
	tcase_add_test(tc, test_oci_opts_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
