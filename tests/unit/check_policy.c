// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/policy.c: valid policies land in emu_syscall_policy and
 * change what emu_road_resolve() decides; every malformed policy is refused
 * with a message naming the file, the place and what was expected, and leaves
 * the policy empty.
 */
#include <asm/unistd_64.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"

static struct emu_syscall_policy pol;
static struct hy_err err;

static int parse(const char *text)
{
	memset(&err, 0, sizeof(err));
	memset(&pol, 0xa5, sizeof(pol)); /* the parser must reset every field */
	return hy_policy_parse("p.json", text, &pol, &err);
}

static void assert_empty_policy(void)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++)
		ck_assert_msg(pol.override[nr] == EMU_OVR_NONE, "override[%d] = %d", nr,
			      pol.override[nr]);
	ck_assert(!pol.audit);
}

static void assert_refused(const char *text, int want, const char *needle)
{
	int r = parse(text);

	ck_assert_msg(r == want, "%s: r = %d, want %d (%s)", text, r, want, err.msg);
	ck_assert_int_eq(err.code, want);
	ck_assert_msg(strncmp(err.msg, "p.json", 6) == 0, "message '%s' does not name the file",
		      err.msg);
	ck_assert_msg(strstr(err.msg, needle), "%s: message '%s' lacks '%s'", text, err.msg,
		      needle);
	assert_empty_policy();
}

static struct emu_road_decision resolve(int nr)
{
	struct emu_road_decision d;

	ck_assert_int_eq(emu_road_resolve(&pol, nr, &d), 0);
	return d;
}

START_TEST(test_policy_empty_object)
{
	ck_assert_int_eq(parse("{}"), 0);
	assert_empty_policy();
	ck_assert_int_eq(parse("  {\n}\n"), 0);
	assert_empty_policy();
	ck_assert_int_eq(parse("{\"syscalls\": {}}"), 0);
	assert_empty_policy();
	ck_assert_int_eq(parse("{\"syscalls\": {\"allow\": [], \"deny\": []}}"), 0);
	assert_empty_policy();
}
END_TEST

START_TEST(test_policy_mode)
{
	ck_assert_int_eq(parse("{\"mode\": \"audit\"}"), 0);
	ck_assert(pol.audit);
	ck_assert_int_eq(parse("{\"mode\": \"enforce\"}"), 0);
	ck_assert(!pol.audit);
}
END_TEST

START_TEST(test_policy_syscalls_allow_deny)
{
	struct emu_road_decision d;

	ck_assert_int_eq(parse("{\"mode\": \"enforce\", \"syscalls\": {"
			       "\"allow\": [\"bpf\", \"uname\", \"ptrace\"],"
			       "\"deny\": [\"getpid\", \"read\", \"kexec_load\"]}}"),
			 0);
	ck_assert_int_eq(pol.override[__NR_bpf], EMU_OVR_ALLOW);
	ck_assert_int_eq(pol.override[__NR_uname], EMU_OVR_ALLOW);
	ck_assert_int_eq(pol.override[__NR_ptrace], EMU_OVR_ALLOW);
	ck_assert_int_eq(pol.override[__NR_getpid], EMU_OVR_DENY);
	ck_assert_int_eq(pol.override[__NR_read], EMU_OVR_DENY);
	ck_assert_int_eq(pol.override[__NR_kexec_load], EMU_OVR_DENY); /* deny a LOCKED: fine */
	ck_assert_int_eq(pol.override[__NR_write], EMU_OVR_NONE);

	d = resolve(__NR_bpf);
	ck_assert_int_eq(d.road, EMU_ROAD_NATIVE);
	ck_assert_int_eq(d.ncond, 0);
	d = resolve(__NR_uname);
	ck_assert_int_eq(d.road, EMU_ROAD_NATIVE);
	d = resolve(__NR_getpid);
	ck_assert_int_eq(d.road, EMU_ROAD_DENIED);
	ck_assert_int_eq(d.err, EPERM);
	d = resolve(__NR_read);
	ck_assert_int_eq(d.road, EMU_ROAD_DENIED);
	d = resolve(__NR_write); /* untouched: table default */
	ck_assert_int_eq(d.road, EMU_ROAD_NATIVE);
	d = resolve(__NR_sethostname);
	ck_assert_int_eq(d.road, EMU_ROAD_EMULATED);
	d = resolve(__NR_mount);
	ck_assert_int_eq(d.road, EMU_ROAD_DENIED);
}
END_TEST

START_TEST(test_policy_deny_wins_over_allow)
{
	ck_assert_int_eq(parse("{\"syscalls\": {\"deny\": [\"uname\"], "
			       "\"allow\": [\"uname\"]}}"),
			 0);
	ck_assert_int_eq(pol.override[__NR_uname], EMU_OVR_DENY);
	ck_assert_int_eq(resolve(__NR_uname).road, EMU_ROAD_DENIED);
}
END_TEST

START_TEST(test_policy_syntax_error_has_line_and_column)
{
	/* Line 3, the second comma: jansson reports where the bad token is. */
	assert_refused("{\n  \"mode\": \"audit\"\n  ,,\n}\n", -EINVAL,
		       "p.json:3:4: string or '}' expected");
	assert_refused("{\"mode\": }", -EINVAL, "p.json:1:10: unexpected token");
	assert_refused("", -EINVAL, "p.json:");
	assert_refused("{} trailing", -EINVAL, "p.json:1:11:");
}
END_TEST

START_TEST(test_policy_duplicate_key)
{
	assert_refused("{\"mode\": \"audit\", \"mode\": \"enforce\"}", -EINVAL, "duplicate");
}
END_TEST

START_TEST(test_policy_top_level_not_object)
{
	assert_refused("[]", -EINVAL, "p.json");
	assert_refused("[{\"mode\": \"audit\"}]", -EINVAL,
		       "expected a JSON object at the top level");
}
END_TEST

START_TEST(test_policy_unknown_section)
{
	assert_refused("{\"mod\": \"audit\"}", -EINVAL, "unknown section 'mod'");
	assert_refused("{\"syscalls\": {}, \"Syscalls\": {}}", -EINVAL,
		       "unknown section 'Syscalls'");
}
END_TEST

START_TEST(test_policy_refused_sections)
{
	static const char *const sections[] = { "files", "exec", "network", "process" };

	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		char text[128], want[64];

		snprintf(text, sizeof(text), "{\"mode\": \"audit\", \"%s\": {}}", sections[i]);
		snprintf(want, sizeof(want), "section '%s' is not supported", sections[i]);
		assert_refused(text, -EOPNOTSUPP, want);
	}
}
END_TEST

START_TEST(test_policy_mode_wrong_type)
{
	assert_refused("{\"mode\": 1}", -EINVAL, "mode: expected \"enforce\" or \"audit\"");
	assert_refused("{\"mode\": null}", -EINVAL, "mode: expected");
	assert_refused("{\"mode\": [\"audit\"]}", -EINVAL, "mode: expected");
}
END_TEST

START_TEST(test_policy_mode_wrong_value)
{
	assert_refused("{\"mode\": \"permissive\"}", -EINVAL,
		       "mode: expected \"enforce\" or \"audit\"");
	assert_refused("{\"mode\": \"Audit\"}", -EINVAL, "mode: expected");
	assert_refused("{\"mode\": \"\"}", -EINVAL, "mode: expected");
}
END_TEST

START_TEST(test_policy_syscalls_not_object)
{
	assert_refused("{\"syscalls\": [\"read\"]}", -EINVAL, "syscalls: expected an object");
	assert_refused("{\"syscalls\": \"deny\"}", -EINVAL, "syscalls: expected an object");
}
END_TEST

START_TEST(test_policy_syscalls_unknown_field)
{
	assert_refused("{\"syscalls\": {\"permit\": [\"bpf\"]}}", -EINVAL,
		       "syscalls.permit: unknown field");
}
END_TEST

START_TEST(test_policy_deny_not_array)
{
	assert_refused("{\"syscalls\": {\"deny\": \"read\"}}", -EINVAL,
		       "syscalls.deny: expected an array of syscall names");
	assert_refused("{\"syscalls\": {\"allow\": {\"bpf\": true}}}", -EINVAL,
		       "syscalls.allow: expected an array");
}
END_TEST

START_TEST(test_policy_element_not_string)
{
	assert_refused("{\"syscalls\": {\"deny\": [\"read\", 5]}}", -EINVAL,
		       "syscalls.deny[1]: expected a string");
	assert_refused("{\"syscalls\": {\"allow\": [null]}}", -EINVAL,
		       "syscalls.allow[0]: expected a string");
}
END_TEST

START_TEST(test_policy_not_a_syscall)
{
	assert_refused("{\"syscalls\": {\"allow\": [\"bpf\", \"frobnicate\"]}}", -ENOENT,
		       "syscalls.allow[1]: 'frobnicate' is not a syscall");
	assert_refused("{\"syscalls\": {\"deny\": [\"\"]}}", -ENOENT, "'' is not a syscall");
	assert_refused("{\"syscalls\": {\"deny\": [\"READ\"]}}", -ENOENT,
		       "'READ' is not a syscall");
}
END_TEST

START_TEST(test_policy_allow_locked)
{
	assert_refused("{\"syscalls\": {\"allow\": [\"kexec_load\"]}}", -EPERM,
		       "syscalls.allow[0]: 'kexec_load' is locked");
	assert_refused("{\"syscalls\": {\"allow\": [\"read\", \"init_module\"]}}", -EPERM,
		       "'init_module' is locked");
}
END_TEST

START_TEST(test_policy_failure_after_partial_apply_leaves_nothing)
{
	/* "uname" is applied before "nope" fails: the result must still be empty. */
	assert_refused("{\"mode\": \"audit\", \"syscalls\": {\"allow\": [\"uname\", \"bpf\"],"
		       "\"deny\": [\"read\", \"nope\"]}}",
		       -ENOENT, "'nope' is not a syscall");
}
END_TEST

START_TEST(test_policy_load_file)
{
	char path[] = "/tmp/check_policy_XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "{\n  \"syscalls\": {\n    \"deny\": [\"getpid\",]\n  }\n}\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), -EINVAL);
	ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0 && err.msg[strlen(path)] == ':' &&
			      strstr(err.msg, ":3:"),
		      "message '%s' lacks %s:3:", err.msg, path);

	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "{\"syscalls\":{\"deny\":[\"getpid\"]}}", 32), 32);
	close(fd);
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), 0);
	ck_assert_int_eq(pol.override[__NR_getpid], EMU_OVR_DENY);
	ck_assert_int_eq(resolve(__NR_getpid).road, EMU_ROAD_DENIED);

	unlink(path);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, path), "message '%s' lacks the path", err.msg);
	assert_empty_policy();
}
END_TEST

START_TEST(test_policy_load_null_is_default)
{
	memset(&pol, 0xa5, sizeof(pol));
	ck_assert_int_eq(hy_policy_load(NULL, &pol, &err), 0);
	assert_empty_policy();
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_policy_empty_object);
	tcase_add_test(tc, test_policy_mode);
	tcase_add_test(tc, test_policy_syscalls_allow_deny);
	tcase_add_test(tc, test_policy_deny_wins_over_allow);
	tcase_add_test(tc, test_policy_syntax_error_has_line_and_column);
	tcase_add_test(tc, test_policy_duplicate_key);
	tcase_add_test(tc, test_policy_top_level_not_object);
	tcase_add_test(tc, test_policy_unknown_section);
	tcase_add_test(tc, test_policy_refused_sections);
	tcase_add_test(tc, test_policy_mode_wrong_type);
	tcase_add_test(tc, test_policy_mode_wrong_value);
	tcase_add_test(tc, test_policy_syscalls_not_object);
	tcase_add_test(tc, test_policy_syscalls_unknown_field);
	tcase_add_test(tc, test_policy_deny_not_array);
	tcase_add_test(tc, test_policy_element_not_string);
	tcase_add_test(tc, test_policy_not_a_syscall);
	tcase_add_test(tc, test_policy_allow_locked);
	tcase_add_test(tc, test_policy_failure_after_partial_apply_leaves_nothing);
	tcase_add_test(tc, test_policy_load_file);
	tcase_add_test(tc, test_policy_load_null_is_default);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
