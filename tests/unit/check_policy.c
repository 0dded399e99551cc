// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/policy.c and its position index user/json_pos.c:
 * valid policies land in struct hy_policy (syscalls change what
 * emu_road_resolve() decides; object sections fill the bpf/abi/policy.h
 * tables); every malformed policy is refused with
 * "FILE:LINE:COL: FIELD: expected ..." and leaves the default policy.
 */
#include <asm/unistd_64.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_pos.h"
#include "policy.h"

static struct hy_policy pol;
static struct hy_err err;

static int parse(const char *text)
{
	memset(&err, 0, sizeof(err));
	memset(&pol, 0xa5, sizeof(pol)); /* the parser must reset every field */
	return hy_policy_parse("p.json", text, &pol, &err);
}

/* No syscall overrides, enforce mode, and the object defaults. */
static void assert_empty_policy(void)
{
	static struct hy_policy def;

	for (int nr = 0; nr < EMU_NR_MAX; nr++)
		ck_assert_msg(pol.sys.override[nr] == EMU_OVR_NONE, "override[%d] = %d", nr,
			      pol.sys.override[nr]);
	ck_assert(!pol.sys.audit);
	ck_assert_int_eq(pol.mode, HY_POLICY_ENFORCE);
	hy_policy_default(&def);
	ck_assert_msg(memcmp(&pol, &def, sizeof(def)) == 0, "policy differs from the default");
	ck_assert(!hy_policy_has_object_rules(&pol));
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

/* The whole message, exactly. */
static void assert_error(const char *text, int want, const char *msg)
{
	int r = parse(text);

	ck_assert_msg(r == want, "%s: r = %d, want %d (%s)", text, r, want, err.msg);
	ck_assert_int_eq(err.code, want);
	ck_assert_msg(strcmp(err.msg, msg) == 0, "%s:\n got  '%s'\n want '%s'", text, err.msg, msg);
	assert_empty_policy();
}

struct bad {
	const char *text;
	const char *msg;
};

static void assert_errors(const struct bad *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_error(b[i].text, -EINVAL, b[i].msg);
}

static struct emu_road_decision resolve(int nr)
{
	struct emu_road_decision d;

	ck_assert_int_eq(emu_road_resolve(&pol.sys, nr, &d), 0);
	return d;
}

static __u32 file_access(const char *path)
{
	char buf[HY_PATH_LEN];

	hy_path_buf(buf, path);
	return hy_file_access(&pol.obj.files, buf, NULL);
}

/* ---- mode and syscalls ----------------------------------------------------- */

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
	ck_assert(pol.sys.audit);
	ck_assert_int_eq(pol.mode, HY_POLICY_AUDIT);
	ck_assert(!hy_policy_has_object_rules(&pol));
	ck_assert_int_eq(parse("{\"mode\": \"enforce\"}"), 0);
	ck_assert(!pol.sys.audit);
	ck_assert_int_eq(pol.mode, HY_POLICY_ENFORCE);
}
END_TEST

START_TEST(test_policy_syscalls_allow_deny)
{
	struct emu_road_decision d;

	ck_assert_int_eq(parse("{\"mode\": \"enforce\", \"syscalls\": {"
			       "\"allow\": [\"bpf\", \"uname\", \"ptrace\"],"
			       "\"deny\": [\"getpid\", \"read\", \"kexec_load\"]}}"),
			 0);
	ck_assert_int_eq(pol.sys.override[__NR_bpf], EMU_OVR_ALLOW);
	ck_assert_int_eq(pol.sys.override[__NR_uname], EMU_OVR_ALLOW);
	ck_assert_int_eq(pol.sys.override[__NR_ptrace], EMU_OVR_ALLOW);
	ck_assert_int_eq(pol.sys.override[__NR_getpid], EMU_OVR_DENY);
	ck_assert_int_eq(pol.sys.override[__NR_read], EMU_OVR_DENY);
	ck_assert_int_eq(pol.sys.override[__NR_kexec_load], EMU_OVR_DENY); /* deny a LOCKED: fine */
	ck_assert_int_eq(pol.sys.override[__NR_write], EMU_OVR_NONE);
	ck_assert(!hy_policy_has_object_rules(&pol)); /* syscalls are not object rules */

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
	ck_assert_int_eq(pol.sys.override[__NR_uname], EMU_OVR_DENY);
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
	/* placed at the second key, with the first one's position */
	assert_error(
		"{\"mode\": \"audit\", \"mode\": \"enforce\"}", -EINVAL,
		"p.json:1:19: mode: expected each key once, got a duplicate key (first at 1:2)");
	assert_error("{\"files\": [{\"path\": \"/\",\n  \"access\": \"r\", \"path\": \"/x\"}]}",
		     -EINVAL,
		     "p.json:2:18: files[0].path: expected each key once, got a duplicate key "
		     "(first at 1:13)");
	assert_error(
		"{\"network\": {\"default\": \"deny\", \"rules\": [], \"default\": \"allow\"}}",
		-EINVAL,
		"p.json:1:46: network.default: expected each key once, got a duplicate key "
		"(first at 1:14)");
}
END_TEST

START_TEST(test_policy_top_level_not_object)
{
	assert_refused("[]", -EINVAL, "p.json");
	assert_refused("[{\"mode\": \"audit\"}]", -EINVAL,
		       "expected a JSON object at the top level");
	assert_error("[]", -EINVAL,
		     "p.json:1:1: policy: expected a JSON object at the top level, got an array");
	/* jansson itself wants an object or array at the top level */
	assert_error("\n  \"audit\"", -EINVAL, "p.json:2:9: '[' or '{' expected near '\"audit\"'");
}
END_TEST

START_TEST(test_policy_unknown_section)
{
	assert_error(
		"{\"mod\": \"audit\"}", -EINVAL,
		"p.json:1:2: mod: expected a known field (mode, syscalls, files, exec, network, "
		"process, events), got an unknown field");
	assert_error("{\"syscalls\": {}, \"Syscalls\": {}}", -EINVAL,
		     "p.json:1:18: Syscalls: expected a known field (mode, syscalls, files, exec, "
		     "network, process, events), got an unknown field");
	/* an odd key is quoted in the field path */
	assert_error("{\"x.y\": 1}", -EINVAL,
		     "p.json:1:2: [\"x.y\"]: expected a known field (mode, syscalls, files, exec, "
		     "network, process, events), got an unknown field");
}
END_TEST

/*
 * Object sections used to be refused by the parser. They are parsed now, and
 * hy_policy_object_section() names the first one that differs from the
 * defaults so that `hybox run` refuses it until enforcement lands: a section
 * must never be accepted and silently ignored.
 */
START_TEST(test_policy_object_sections_are_reported)
{
	static const struct {
		const char *text, *section;
	} cases[] = {
		{ "{\"mode\": \"audit\", \"files\": [{\"path\": \"/\", \"access\": \"r\"}]}",
		  "files" },
		{ "{\"mode\": \"audit\", \"files\": []}", "files" },
		{ "{\"mode\": \"audit\", \"exec\": [\"/usr/bin\"]}", "exec" },
		{ "{\"mode\": \"audit\", \"exec\": []}", "exec" },
		{ "{\"mode\": \"audit\", \"network\": {\"default\": \"deny\"}}", "network" },
		{ "{\"network\": {\"default\": \"allow\", \"rules\": [{\"action\": \"allow\", "
		  "\"family\": \"packet\"}]}}",
		  "network" },
		{ "{\"mode\": \"audit\", \"process\": {\"ptrace\": \"allow\"}}", "process" },
		{ "{\"process\": {\"mount\": \"allow\"}}", "process" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(parse(cases[i].text) == 0, "%s: %s", cases[i].text, err.msg);
		ck_assert(hy_policy_has_object_rules(&pol));
		ck_assert_str_eq(hy_policy_object_section(&pol), cases[i].section);
	}
	/* the old refusal was for "{}" values; those are type errors now */
	assert_error(
		"{\"mode\": \"audit\", \"files\": {}}", -EINVAL,
		"p.json:1:28: files: expected an array of rules {\"path\", \"access\"}, got an "
		"object");
	assert_error("{\"exec\": {}}", -EINVAL,
		     "p.json:1:10: exec: expected an array of absolute paths, got an object");
}
END_TEST

START_TEST(test_policy_mode_wrong_type)
{
	assert_refused("{\"mode\": 1}", -EINVAL, "mode: expected \"enforce\" or \"audit\"");
	assert_refused("{\"mode\": null}", -EINVAL, "mode: expected");
	assert_refused("{\"mode\": [\"audit\"]}", -EINVAL, "mode: expected");
	assert_error("{\"mode\": 1}", -EINVAL,
		     "p.json:1:10: mode: expected \"enforce\" or \"audit\", got 1");
	assert_error("{\"mode\": [\"audit\"]}", -EINVAL,
		     "p.json:1:10: mode: expected \"enforce\" or \"audit\", got an array");
}
END_TEST

START_TEST(test_policy_mode_wrong_value)
{
	assert_refused("{\"mode\": \"permissive\"}", -EINVAL,
		       "mode: expected \"enforce\" or \"audit\"");
	assert_refused("{\"mode\": \"Audit\"}", -EINVAL, "mode: expected");
	assert_refused("{\"mode\": \"\"}", -EINVAL, "mode: expected");
	assert_error("{\n\t\"mode\":   \"permissive\"\n}", -EINVAL,
		     "p.json:2:12: mode: expected \"enforce\" or \"audit\", got \"permissive\"");
	/* a control character in the value is shown escaped */
	assert_error("{\"mode\": \"a\\u0001\"}", -EINVAL,
		     "p.json:1:10: mode: expected \"enforce\" or \"audit\", got \"a\\u0001\"");
}
END_TEST

START_TEST(test_policy_syscalls_not_object)
{
	assert_refused("{\"syscalls\": [\"read\"]}", -EINVAL, "syscalls: expected an object");
	assert_refused("{\"syscalls\": \"deny\"}", -EINVAL, "syscalls: expected an object");
	assert_error(
		"{\"syscalls\": \"deny\"}", -EINVAL,
		"p.json:1:14: syscalls: expected an object {\"allow\": [...], \"deny\": [...]}, "
		"got \"deny\"");
}
END_TEST

START_TEST(test_policy_syscalls_unknown_field)
{
	assert_error("{\"syscalls\": {\"permit\": [\"bpf\"]}}", -EINVAL,
		     "p.json:1:15: syscalls.permit: expected a known field (allow, deny), got an "
		     "unknown field");
}
END_TEST

START_TEST(test_policy_deny_not_array)
{
	assert_refused("{\"syscalls\": {\"deny\": \"read\"}}", -EINVAL,
		       "syscalls.deny: expected an array of syscall names");
	assert_refused("{\"syscalls\": {\"allow\": {\"bpf\": true}}}", -EINVAL,
		       "syscalls.allow: expected an array");
	assert_error(
		"{\"syscalls\": {\"deny\": \"read\"}}", -EINVAL,
		"p.json:1:23: syscalls.deny: expected an array of syscall names, got \"read\"");
}
END_TEST

START_TEST(test_policy_element_not_string)
{
	assert_refused("{\"syscalls\": {\"deny\": [\"read\", 5]}}", -EINVAL,
		       "syscalls.deny[1]: expected a string");
	assert_refused("{\"syscalls\": {\"allow\": [null]}}", -EINVAL,
		       "syscalls.allow[0]: expected a string");
	assert_error("{\"syscalls\": {\"deny\": [\"read\", 5]}}", -EINVAL,
		     "p.json:1:32: syscalls.deny[1]: expected a string (a syscall name), got 5");
}
END_TEST

START_TEST(test_policy_not_a_syscall)
{
	assert_refused("{\"syscalls\": {\"allow\": [\"bpf\", \"frobnicate\"]}}", -ENOENT,
		       "syscalls.allow[1]: expected a syscall name; 'frobnicate' is not a syscall");
	assert_refused("{\"syscalls\": {\"deny\": [\"\"]}}", -ENOENT, "'' is not a syscall");
	assert_refused("{\"syscalls\": {\"deny\": [\"READ\"]}}", -ENOENT,
		       "'READ' is not a syscall");
	assert_error(
		"{\"syscalls\": {\"allow\": [\"bpf\", \"frobnicate\"]}}", -ENOENT,
		"p.json:1:32: syscalls.allow[1]: expected a syscall name; 'frobnicate' is not a "
		"syscall on x86_64");
	assert_error("{\"syscalls\": {\"deny\": [\"it's\"]}}", -ENOENT,
		     "p.json:1:24: syscalls.deny[0]: expected a syscall name; 'it\\'s' is not a "
		     "syscall on x86_64");
}
END_TEST

START_TEST(test_policy_allow_locked)
{
	assert_refused(
		"{\"syscalls\": {\"allow\": [\"kexec_load\"]}}", -EPERM,
		"syscalls.allow[0]: expected a syscall that a policy may allow; 'kexec_load' "
		"is locked");
	assert_refused("{\"syscalls\": {\"allow\": [\"read\", \"init_module\"]}}", -EPERM,
		       "'init_module' is locked");
	assert_error("{\"syscalls\": {\"allow\": [\"kexec_load\"]}}", -EPERM,
		     "p.json:1:25: syscalls.allow[0]: expected a syscall that a policy may allow; "
		     "'kexec_load' is locked by the syscall table");
}
END_TEST

START_TEST(test_policy_failure_after_partial_apply_leaves_nothing)
{
	/* "uname" is applied before "nope" fails: the result must still be empty. */
	assert_refused("{\"mode\": \"audit\", \"syscalls\": {\"allow\": [\"uname\", \"bpf\"],"
		       "\"deny\": [\"read\", \"nope\"]}}",
		       -ENOENT, "'nope' is not a syscall");
	/* same for object sections: files applied, then network fails */
	assert_refused("{\"files\": [{\"path\": \"/x\", \"access\": \"r\"}], \"exec\": [\"/bin\"],"
		       "\"network\": {\"default\": \"maybe\"}}",
		       -EINVAL, "network.default: expected \"allow\" or \"deny\", got \"maybe\"");
}
END_TEST

/* ---- object sections: valid ---------------------------------------------------- */

START_TEST(test_policy_defaults)
{
	char buf[HY_PATH_LEN];

	memset(&pol, 0xa5, sizeof(pol));
	hy_policy_default(&pol);
	ck_assert(!hy_policy_has_object_rules(&pol));
	ck_assert_ptr_null(hy_policy_object_section(&pol));
	ck_assert_int_eq(pol.obj.files.nrules, 11);
	ck_assert_uint_eq(file_access("/"), HY_ACC_R | HY_ACC_X);
	ck_assert_uint_eq(file_access("/etc/passwd"), HY_ACC_R | HY_ACC_X);
	ck_assert_uint_eq(file_access("/tmp"), HY_ACC_R | HY_ACC_W | HY_ACC_C);
	ck_assert_uint_eq(file_access("/tmp/a/b"), HY_ACC_R | HY_ACC_W | HY_ACC_C);
	ck_assert_uint_eq(file_access("/tmpfoo"), HY_ACC_R | HY_ACC_X);
	ck_assert_uint_eq(file_access("/dev/shm/x"), HY_ACC_R | HY_ACC_W | HY_ACC_C);
	static const char *const rw[] = { "/dev/null",	  "/dev/zero",	  "/dev/full",
					  "/dev/random",  "/dev/urandom", "/dev/tty",
					  "/dev/pts/0",	  "/dev/ptmx" };
	for (size_t i = 0; i < sizeof(rw) / sizeof(rw[0]); i++)
		ck_assert_uint_eq(file_access(rw[i]), HY_ACC_R | HY_ACC_W);
	ck_assert_uint_eq(file_access("/dev/sda"), HY_ACC_R | HY_ACC_X);
	hy_path_buf(buf, "/usr/bin/env");
	ck_assert(hy_exec_allowed(&pol.obj.exec, buf));
	ck_assert_int_eq(pol.obj.net.default_action, HY_NET_ALLOW);
	ck_assert_int_eq(pol.obj.net.nrules, 0);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_PACKET), HY_NET_DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_RAW), HY_NET_DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_NETLINK), HY_NET_ALLOW);
	ck_assert(!hy_ptrace_allowed(&pol.obj.proc, 1));
	ck_assert(!hy_mount_allowed(&pol.obj.proc));
	ck_assert(hy_signal_allowed(&pol.obj.proc, 1));
	ck_assert(!hy_signal_allowed(&pol.obj.proc, 0));
	ck_assert_int_eq(pol.events, HY_POLICY_EVENTS_ALL);
	ck_assert_int_eq(pol.mode, HY_POLICY_ENFORCE);
}
END_TEST

START_TEST(test_policy_explicit_defaults_are_not_object_rules)
{
	/* the defaults written out, in another order, with other letter orders */
	ck_assert_int_eq(parse("{\"files\": ["
			       "{\"path\": \"/dev/tty\", \"access\": \"wr\"},"
			       "{\"path\": \"/\", \"access\": \"xr\"},"
			       "{\"path\": \"/dev/shm\", \"access\": \"cwr\"},"
			       "{\"path\": \"/tmp\", \"access\": \"rwc\"},"
			       "{\"path\": \"/dev/null\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/zero\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/full\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/random\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/urandom\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/pts\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/ptmx\", \"access\": \"rw\"}],"
			       "\"network\": {\"default\": \"allow\", \"rules\": []},"
			       "\"process\": {\"ptrace\": \"deny\", \"signals\": \"container\","
			       "\"mount\": \"deny\"}, \"events\": \"denied-only\"}"),
			 0);
	ck_assert(!hy_policy_has_object_rules(&pol));
	ck_assert_int_eq(pol.events, HY_POLICY_EVENTS_DENIED_ONLY);
	/* one letter less is not the default */
	ck_assert_int_eq(parse("{\"files\": ["
			       "{\"path\": \"/dev/tty\", \"access\": \"r\"},"
			       "{\"path\": \"/\", \"access\": \"xr\"},"
			       "{\"path\": \"/dev/shm\", \"access\": \"cwr\"},"
			       "{\"path\": \"/tmp\", \"access\": \"rwc\"},"
			       "{\"path\": \"/dev/null\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/zero\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/full\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/random\", \"access\": \"rw\"},"
			       "{\"path\": \"/dev/urandom\", \"access\": \"rw\"}]}"),
			 0);
	ck_assert_str_eq(hy_policy_object_section(&pol), "files");
}
END_TEST

START_TEST(test_policy_route)
{
	hy_policy_default(&pol);
	hy_policy_route(&pol, false);
	ck_assert_uint_eq(pol.sys.areas, EMU_AREA_FILES | EMU_AREA_EXEC | EMU_AREA_NET);
	ck_assert(pol.sys.files_read_all);
	ck_assert(!pol.sys.ptrace && !pol.sys.mount);
	hy_policy_route(&pol, true); /* BPF LSM: nothing leaves the native road */
	ck_assert_uint_eq(pol.sys.areas, 0);
	ck_assert(!pol.sys.files_read_all);

	ck_assert_int_eq(parse("{\"files\": [{\"path\": \"/\", \"access\": \"r\"},"
			       "{\"path\": \"/etc/shadow\", \"access\": \"\"}],"
			       "\"network\": {\"default\": \"deny\"},"
			       "\"process\": {\"ptrace\": \"allow\"}}"),
			 0);
	hy_policy_route(&pol, false);
	ck_assert(pol.sys.areas & EMU_AREA_NET_ADDR);
	ck_assert(!pol.sys.files_read_all);
	ck_assert(pol.sys.ptrace);
	hy_policy_route(&pol, true);
	ck_assert(pol.sys.ptrace); /* reopened on either road */

	ck_assert_int_eq(parse("{\"files\": [{\"path\": \"/tmp\", \"access\": \"r\"}]}"), 0);
	hy_policy_route(&pol, false);
	ck_assert(!pol.sys.files_read_all); /* "/" is not covered */
}
END_TEST

START_TEST(test_policy_full_file)
{
	static const char text[] =
		"{\n"
		"  \"mode\": \"audit\",\n"
		"  \"files\": [\n"
		"    { \"path\": \"/\", \"access\": \"r\" },\n"
		"    { \"path\": \"/etc\", \"access\": \"rw\" },\n"
		"    { \"path\": \"/etc/shadow\", \"access\": \"\" },\n"
		"    { \"path\": \"/work\", \"access\": \"rwxc\" }\n"
		"  ],\n"
		"  \"exec\": [\"/usr/bin\", \"/bin/sh\"],\n"
		"  \"network\": {\n"
		"    \"default\": \"deny\",\n"
		"    \"rules\": [\n"
		"      { \"action\": \"allow\", \"family\": \"inet\", \"direction\": \"connect\",\n"
		"        \"cidr\": \"10.0.0.0/8\", \"ports\": \"80, 443,8000-8100\" },\n"
		"      { \"action\": \"deny\", \"family\": \"inet6\", \"cidr\": \"fd00::/8\" },\n"
		"      { \"action\": \"allow\", \"family\": \"unix\", \"direction\": \"bind\" },\n"
		"      { \"action\": \"allow\", \"family\": \"netlink\" },\n"
		"      { \"action\": \"allow\", \"family\": \"inet\", \"ports\": 53 }\n"
		"    ]\n"
		"  },\n"
		"  \"process\": { \"ptrace\": \"allow\", \"signals\": \"container\", \"mount\": "
		"\"deny\" },\n"
		"  \"syscalls\": { \"deny\": [\"uname\"] },\n"
		"  \"events\": \"none\"\n"
		"}\n";
	const struct hy_net_rule *r;

	ck_assert_msg(parse(text) == 0, "%s", err.msg);
	ck_assert(pol.sys.audit);
	ck_assert_int_eq(pol.mode, HY_POLICY_AUDIT);
	ck_assert_int_eq(pol.events, HY_POLICY_EVENTS_NONE);
	ck_assert_int_eq(pol.sys.override[__NR_uname], EMU_OVR_DENY);
	ck_assert_str_eq(hy_policy_object_section(&pol), "files");

	ck_assert_int_eq(pol.obj.files.nrules, 4);
	ck_assert_str_eq(pol.obj.files.rule[2].path, "/etc/shadow");
	ck_assert_uint_eq(pol.obj.files.rule[2].len, 11);
	ck_assert_uint_eq(pol.obj.files.rule[2].access, 0);
	ck_assert_uint_eq(pol.obj.files.rule[3].access, HY_ACC_ALL);
	for (size_t i = 12; i < HY_PATH_LEN; i++) /* zero-filled after the NUL */
		ck_assert_int_eq(pol.obj.files.rule[2].path[i], 0);
	ck_assert_uint_eq(file_access("/etc/shadow"), 0);
	ck_assert_uint_eq(file_access("/etc/hosts"), HY_ACC_R | HY_ACC_W);
	ck_assert_uint_eq(file_access("/usr/lib"), HY_ACC_R);

	ck_assert_int_eq(pol.obj.exec.enabled, 1);
	ck_assert_int_eq(pol.obj.exec.nrules, 2);
	ck_assert_str_eq(pol.obj.exec.rule[1].path, "/bin/sh");
	ck_assert_uint_eq(pol.obj.exec.rule[1].access, HY_ACC_X);

	ck_assert_int_eq(pol.obj.net.default_action, HY_NET_DENY);
	ck_assert_int_eq(pol.obj.net.nrules, 5);
	r = &pol.obj.net.rule[0];
	ck_assert_int_eq(r->action, HY_NET_ALLOW);
	ck_assert_int_eq(r->family, HY_NET_INET);
	ck_assert_int_eq(r->dirs, HY_NET_CONNECT);
	ck_assert_int_eq(r->prefix, 8);
	ck_assert_int_eq(r->addr[0], 10);
	ck_assert_int_eq(r->mask[0], 0xff);
	ck_assert_int_eq(r->mask[1], 0);
	ck_assert_int_eq(r->nports, 3);
	ck_assert_int_eq(r->ports[0].lo, 80);
	ck_assert_int_eq(r->ports[0].hi, 80);
	ck_assert_int_eq(r->ports[1].lo, 443);
	ck_assert_int_eq(r->ports[2].lo, 8000);
	ck_assert_int_eq(r->ports[2].hi, 8100);
	r = &pol.obj.net.rule[1];
	ck_assert_int_eq(r->action, HY_NET_DENY);
	ck_assert_int_eq(r->family, HY_NET_INET6);
	ck_assert_int_eq(r->dirs, HY_NET_ANY_DIR);
	ck_assert_int_eq(r->addr[0], 0xfd);
	ck_assert_int_eq(r->prefix, 8);
	ck_assert_int_eq(r->nports, 0);
	ck_assert_int_eq(pol.obj.net.rule[2].family, HY_NET_UNIX);
	ck_assert_int_eq(pol.obj.net.rule[2].dirs, HY_NET_BIND);
	ck_assert_int_eq(pol.obj.net.rule[3].family, HY_NET_NETLINK);
	ck_assert_int_eq(pol.obj.net.rule[3].dirs, 0);
	ck_assert_int_eq(pol.obj.net.rule[4].nports, 1);
	ck_assert_int_eq(pol.obj.net.rule[4].ports[0].lo, 53);
	ck_assert_int_eq(pol.obj.net.rule[4].ports[0].hi, 53);

	ck_assert_int_eq(pol.obj.proc.ptrace, HY_PROC_ALLOW);
	ck_assert_int_eq(pol.obj.proc.mount, HY_PROC_DENY);
	ck_assert_int_eq(pol.obj.proc.signals, HY_SIG_CONTAINER);
}
END_TEST

START_TEST(test_policy_limits)
{
	/* 64 file rules fit, 65 do not; a 255-byte path fits, 256 bytes do not */
	static char text[64 * 1024];
	char long_path[300];
	size_t len = 0;

	for (int n = 64; n <= 65; n++) {
		len = (size_t)sprintf(text, "{\"files\": [");
		for (int i = 0; i < n; i++)
			len += (size_t)sprintf(text + len,
					       "%s{\"path\": \"/d%d\", \"access\": \"r\"}",
					       i ? "," : "", i);
		strcpy(text + len, "]}");
		if (n == 64) {
			ck_assert_msg(parse(text) == 0, "%s", err.msg);
			ck_assert_int_eq(pol.obj.files.nrules, 64);
		} else {
			assert_error(text, -EINVAL,
				     "p.json:1:11: files: expected at most 64 rules, got 65");
		}
	}
	memset(long_path, 'a', sizeof(long_path));
	long_path[0] = '/';
	long_path[255] = '\0';
	snprintf(text, sizeof(text), "{\"exec\": [\"%s\"]}", long_path);
	ck_assert_msg(parse(text) == 0, "%s", err.msg);
	ck_assert_uint_eq(pol.obj.exec.rule[0].len, 255);
	long_path[255] = 'a';
	long_path[256] = '\0';
	snprintf(text, sizeof(text), "{\"exec\": [\"%s\"]}", long_path);
	assert_error(text, -EINVAL,
		     "p.json:1:11: exec[0]: expected a path shorter than 256 bytes, got one of 256 "
		     "bytes");
}
END_TEST

/* ---- object sections: malformed, full messages ------------------------------------- */

START_TEST(test_policy_files_malformed)
{
	static const struct bad b[] = {
		{ "{\"files\": [\"/etc\"]}",
		  "p.json:1:12: files[0]: expected a rule {\"path\": ..., \"access\": ...}, got "
		  "\"/etc\"" },
		{ "{\"files\": [{\"path\": \"/etc\", \"access\": \"rq\"}]}",
		  "p.json:1:39: files[0].access: expected access letters from \"rwxc\", each at "
		  "most "
		  "once, got \"rq\"" },
		{ "{\"files\": [{\"path\": \"/etc\", \"access\": \"rr\"}]}",
		  "p.json:1:39: files[0].access: expected access letters from \"rwxc\", each at "
		  "most "
		  "once, got \"rr\"" },
		{ "{\"files\": [{\"path\": \"/etc\", \"access\": 4}]}",
		  "p.json:1:39: files[0].access: expected access letters from \"rwxc\", each at "
		  "most "
		  "once, got 4" },
		{ "{\"files\": [{\"path\": \"/etc\"}]}",
		  "p.json:1:12: files[0].access: expected access letters from \"rwxc\" (\"\" for "
		  "none), got nothing (missing field)" },
		{ "{\"files\": [{\"access\": \"r\"}]}",
		  "p.json:1:12: files[0].path: expected an absolute path, got nothing (missing "
		  "field)" },
		{ "{\"files\": [{\"path\": \"/etc\", \"acess\": \"r\"}]}",
		  "p.json:1:29: files[0].acess: expected a known field (path, access), got an "
		  "unknown field" },
		{ "{\"files\": [{\"path\": \"etc\", \"access\": \"r\"}]}",
		  "p.json:1:21: files[0].path: expected an absolute normalized path (starting with "
		  "\"/\", no \".\" or \"..\" component, no \"//\", no trailing \"/\"), got "
		  "\"etc\"" },
		{ "{\"files\": [{\"path\": \"/etc/../root\", \"access\": \"r\"}]}",
		  "p.json:1:21: files[0].path: expected an absolute normalized path (starting with "
		  "\"/\", no \".\" or \"..\" component, no \"//\", no trailing \"/\"), got "
		  "\"/etc/../root\"" },
		{ "{\"files\": [{\"path\": \"/etc//x\", \"access\": \"r\"}]}",
		  "p.json:1:21: files[0].path: expected an absolute normalized path (starting with "
		  "\"/\", no \".\" or \"..\" component, no \"//\", no trailing \"/\"), got "
		  "\"/etc//x\"" },
		{ "{\"files\": [{\"path\": \"/etc/\", \"access\": \"r\"}]}",
		  "p.json:1:21: files[0].path: expected an absolute normalized path (starting with "
		  "\"/\", no \".\" or \"..\" component, no \"//\", no trailing \"/\"), got "
		  "\"/etc/\"" },
		{ "{\"files\": [{\"path\": \"/./etc\", \"access\": \"r\"}]}",
		  "p.json:1:21: files[0].path: expected an absolute normalized path (starting with "
		  "\"/\", no \".\" or \"..\" component, no \"//\", no trailing \"/\"), got "
		  "\"/./etc\"" },
		{ "{\"files\": [\n"
		  "  {\"path\": \"/etc\", \"access\": \"r\"},\n"
		  "  {\"path\": \"/etc\", \"access\": \"w\"}\n"
		  "]}",
		  "p.json:3:12: files[1].path: expected each path once, got \"/etc\" again (also "
		  "files[0])" },
		{ "{\"files\": [{\"path\": null, \"access\": \"r\"}]}",
		  "p.json:1:21: files[0].path: expected an absolute path (a string), got null" },
	};
	assert_errors(b, sizeof(b) / sizeof(b[0]));
}
END_TEST

START_TEST(test_policy_exec_malformed)
{
	static const struct bad b[] = {
		{ "{\"exec\": \"/bin\"}",
		  "p.json:1:10: exec: expected an array of absolute paths, got \"/bin\"" },
		{ "{\"exec\": [\"/bin\", \"bin\"]}",
		  "p.json:1:19: exec[1]: expected an absolute normalized path (starting with "
		  "\"/\", "
		  "no \".\" or \"..\" component, no \"//\", no trailing \"/\"), got \"bin\"" },
		{ "{\"exec\": [\"/bin\", \"/bin\"]}",
		  "p.json:1:19: exec[1]: expected each path once, got \"/bin\" again (also "
		  "exec[0])" },
		{ "{\"exec\": [{\"path\": \"/bin\"}]}",
		  "p.json:1:11: exec[0]: expected an absolute path (a string), got an object" },
	};
	assert_errors(b, sizeof(b) / sizeof(b[0]));
}
END_TEST

#define NET(rule) "{\"network\": {\"default\": \"deny\", \"rules\": [" rule "]}}"
/* column of a rule's first character inside NET() */
#define NETCOL 43

START_TEST(test_policy_network_malformed)
{
	static const struct bad b[] = {
		{ "{\"network\": \"deny\"}",
		  "p.json:1:13: network: expected an object {\"default\": ..., \"rules\": [...]}, "
		  "got "
		  "\"deny\"" },
		{ "{\"network\": {\"rules\": []}}",
		  "p.json:1:13: network.default: expected \"allow\" or \"deny\", got nothing "
		  "(missing "
		  "field)" },
		{ "{\"network\": {\"default\": \"block\"}}",
		  "p.json:1:25: network.default: expected \"allow\" or \"deny\", got \"block\"" },
		{ "{\"network\": {\"default\": \"deny\", \"rule\": []}}",
		  "p.json:1:33: network.rule: expected a known field (default, rules), got an "
		  "unknown field" },
		{ "{\"network\": {\"default\": \"deny\", \"rules\": {}}}",
		  "p.json:1:42: network.rules: expected an array of rules, got an object" },
		{ NET("{\"family\": \"inet\"}"),
		  "p.json:1:43: network.rules[0].action: expected \"allow\" or \"deny\", got "
		  "nothing "
		  "(missing field)" },
		{ NET("{\"action\": \"permit\", \"family\": \"inet\"}"),
		  "p.json:1:54: network.rules[0].action: expected \"allow\" or \"deny\", got "
		  "\"permit\"" },
		{ NET("{\"action\": \"allow\"}"),
		  "p.json:1:43: network.rules[0].family: expected \"inet\", \"inet6\", \"unix\", "
		  "\"netlink\", \"packet\" or \"raw\", got nothing (missing field)" },
		{ NET("{\"action\": \"allow\", \"family\": \"ipv4\"}"),
		  "p.json:1:73: network.rules[0].family: expected \"inet\", \"inet6\", \"unix\", "
		  "\"netlink\", \"packet\" or \"raw\", got \"ipv4\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"direction\": \"out\"}"),
		  "p.json:1:94: network.rules[0].direction: expected \"connect\" or \"bind\", got "
		  "\"out\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"port\": \"80\"}"),
		  "p.json:1:81: network.rules[0].port: expected a known field (action, family, "
		  "direction, cidr, ports), got an unknown field" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected an IPv4 CIDR like \"10.0.0.0/8\" "
		  "(address/prefix length), got \"10.0.0.0\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0/8\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected an IPv4 CIDR like \"10.0.0.0/8\", "
		  "got \"10.0.0/8\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"fd00::/8\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected an IPv4 CIDR like \"10.0.0.0/8\", "
		  "got \"fd00::/8\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"10.0.0.0/8\"}"),
		  "p.json:1:90: network.rules[0].cidr: expected an IPv6 CIDR like \"fd00::/8\", "
		  "got "
		  "\"10.0.0.0/8\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/33\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected a prefix length from 0 to 32 after "
		  "\"/\", got \"10.0.0.0/33\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"::/129\"}"),
		  "p.json:1:90: network.rules[0].cidr: expected a prefix length from 0 to 128 "
		  "after "
		  "\"/\", got \"::/129\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/-8\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected a prefix length from 0 to 32 after "
		  "\"/\", got \"10.0.0.0/-8\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.1.2.3/8\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected a network address with no host "
		  "bits set (\"10.0.0.0/8\"), got \"10.1.2.3/8\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"fd00::1/64\"}"),
		  "p.json:1:90: network.rules[0].cidr: expected a network address with no host "
		  "bits set (\"fd00::/64\"), got \"fd00::1/64\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"inet6\", "
		      "\"cidr\": \"::ffff:10.0.0.0/104\"}"),
		  "p.json:1:90: network.rules[0].cidr: expected an IPv6 network outside "
		  "::ffff:0:0/96 (IPv4-mapped addresses are decided by inet rules), got "
		  "\"::ffff:10.0.0.0/104\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"unix\", \"cidr\": \"10.0.0.0/8\"}"),
		  "p.json:1:89: network.rules[0].cidr: expected no cidr for family \"unix\" (only "
		  "inet and inet6 rules take addresses), got \"10.0.0.0/8\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"packet\", \"direction\": \"bind\"}"),
		  "p.json:1:96: network.rules[0].direction: expected no direction for family "
		  "\"packet\" (it is decided when the socket is created), got \"bind\"" },
		{ NET("{\"action\": \"allow\", \"family\": \"raw\", \"ports\": \"80\"}"),
		  "p.json:1:89: network.rules[0].ports: expected no ports for family \"raw\" (only "
		  "inet and inet6 rules take ports), got \"80\"" },
	};
	assert_errors(b, sizeof(b) / sizeof(b[0]));
}
END_TEST

START_TEST(test_policy_ports_malformed)
{
	static const struct {
		const char *ports, *msg;
	} b[] = {
		{ "\"80;443\"",
		  "expected a port list like \"80,443,8000-8100\" or a port number, got "
		  "\"80;443\"" },
		{ "\"\"",
		  "expected a port list like \"80,443,8000-8100\" or a port number, got \"\"" },
		{ "\"80,\"", "expected a port list like \"80,443,8000-8100\" or a port number, got "
			     "\"80,\"" },
		{ "\"80-\"", "expected a port list like \"80,443,8000-8100\" or a port number, got "
			     "\"80-\"" },
		{ "\"http\"",
		  "expected a port list like \"80,443,8000-8100\" or a port number, got "
		  "\"http\"" },
		{ "\"0\"", "expected ports from 1 to 65535, got \"0\"" },
		{ "\"80,65536\"", "expected ports from 1 to 65535, got \"80,65536\"" },
		{ "\"1-99999999999999999999\"",
		  "expected ports from 1 to 65535, got \"1-99999999999999999999\"" },
		{ "70000", "expected ports from 1 to 65535, got 70000" },
		{ "-1", "expected ports from 1 to 65535, got -1" },
		{ "80.5",
		  "expected a port list like \"80,443,8000-8100\" or a port number, got 80.5" },
		{ "[80]", "expected a port list like \"80,443,8000-8100\" or a port number, got an "
			  "array" },
		{ "\"8100-8000\"", "expected ranges written low-high with low <= high, got "
				   "\"8100-8000\"" },
		{ "\"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\"",
		  "expected at most 16 port ranges, got "
		  "\"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\"" },
	};

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		char text[256], msg[512];
		snprintf(text, sizeof(text),
			 NET("{\"action\": \"allow\", \"family\": \"inet\", "
			     "\"ports\": %s}"),
			 b[i].ports);
		snprintf(msg, sizeof(msg), "p.json:1:%d: network.rules[0].ports: %s", NETCOL + 47,
			 b[i].msg);
		assert_error(text, -EINVAL, msg);
	}
	/* 16 ranges are fine */
	ck_assert_int_eq(parse(NET("{\"action\": \"allow\", \"family\": \"inet\", \"ports\": "
				   "\"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16-20\"}")),
			 0);
	ck_assert_int_eq(pol.obj.net.rule[0].nports, 16);
	ck_assert_int_eq(pol.obj.net.rule[0].ports[15].hi, 20);
}
END_TEST

START_TEST(test_policy_process_events_malformed)
{
	static const struct bad b[] = {
		{ "{\"process\": [\"ptrace\"]}",
		  "p.json:1:13: process: expected an object {\"ptrace\", \"signals\", \"mount\"}, "
		  "got "
		  "an array" },
		{ "{\"process\": {\"ptrace\": \"host\"}}",
		  "p.json:1:24: process.ptrace: expected \"deny\" or \"allow\", got \"host\"" },
		{ "{\"process\": {\"signals\": \"all\"}}",
		  "p.json:1:25: process.signals: expected \"container\", got \"all\"" },
		{ "{\"process\": {\"mount\": true}}",
		  "p.json:1:23: process.mount: expected \"deny\" or \"allow\", got true" },
		{ "{\"process\": {\"kill\": \"deny\"}}",
		  "p.json:1:14: process.kill: expected a known field (ptrace, signals, mount), got "
		  "an unknown field" },
		{ "{\"events\": \"denied\"}",
		  "p.json:1:12: events: expected \"all\", \"denied-only\" or \"none\", got "
		  "\"denied\"" },
		{ "{\"events\": {\"level\": \"all\"}}",
		  "p.json:1:12: events: expected \"all\", \"denied-only\" or \"none\", got an "
		  "object" },
	};
	assert_errors(b, sizeof(b) / sizeof(b[0]));
}
END_TEST

START_TEST(test_policy_first_error_in_file_order)
{
	/* two mistakes: the one earlier in the file is reported */
	assert_error(
		"{\"events\": \"x\", \"mode\": \"y\"}", -EINVAL,
		"p.json:1:12: events: expected \"all\", \"denied-only\" or \"none\", got \"x\"");
	assert_error("{\"mode\": \"y\", \"events\": \"x\"}", -EINVAL,
		     "p.json:1:10: mode: expected \"enforce\" or \"audit\", got \"y\"");
	assert_error("{\"files\": [{\"access\": \"r\", \"pth\": \"/\"}]}", -EINVAL,
		     "p.json:1:28: files[0].pth: expected a known field (path, access), got an "
		     "unknown field");
}
END_TEST

/* ---- loading files ------------------------------------------------------------------ */

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
}

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

	write_file(path, "{\"syscalls\":{\"deny\":[\"getpid\"]}}", 32);
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), 0);
	ck_assert_int_eq(pol.sys.override[__NR_getpid], EMU_OVR_DENY);
	ck_assert_int_eq(resolve(__NR_getpid).road, EMU_ROAD_DENIED);

	unlink(path);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), -ENOENT);
	ck_assert_msg(strstr(err.msg, path), "message '%s' lacks the path", err.msg);
	assert_empty_policy();
}
END_TEST

START_TEST(test_policy_load_file_semantic_position)
{
	char path[] = "/tmp/check_policy_XXXXXX", want[256];
	int fd = mkstemp(path);
	static const char text[] = "{\n"
				   "  \"files\": [\n"
				   "    {\"path\": \"/\", \"access\": \"rx\"},\n"
				   "    {\"path\": \"/data\",\n"
				   "     \"access\": \"rwz\"}\n"
				   "  ]\n"
				   "}\n";

	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(path, text, sizeof(text) - 1);
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:5:16: files[1].access: expected access letters from \"rwxc\", each at most "
		 "once, got \"rwz\"",
		 path);
	ck_assert_str_eq(err.msg, want);
	assert_empty_policy();

	/* a NUL byte inside the file is not silently the end of the policy */
	write_file(path, "{}\0{\"mode\": 1}", 14);
	ck_assert_int_eq(hy_policy_load(path, &pol, &err), -EINVAL);
	ck_assert_msg(strncmp(err.msg, path, strlen(path)) == 0 && strstr(err.msg, ":1:"), "%s",
		      err.msg);
	unlink(path);
}
END_TEST

START_TEST(test_policy_load_bounded)
{
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(hy_policy_load("/dev/zero", &pol, &err), -EFBIG);
	ck_assert_str_eq(err.msg, "/dev/zero: expected a policy file of at most 1048576 bytes");
	assert_empty_policy();
	ck_assert_int_eq(hy_policy_load("/", &pol, &err), -EISDIR);
	ck_assert_str_eq(err.msg, "/: Is a directory");
}
END_TEST

START_TEST(test_policy_load_null_is_default)
{
	memset(&pol, 0xa5, sizeof(pol));
	ck_assert_int_eq(hy_policy_load(NULL, &pol, &err), 0);
	assert_empty_policy();
}
END_TEST

/* ---- json_pos ------------------------------------------------------------------------ */

static struct hy_json_loc loc(const struct hy_json_pos *ix, const char *path, bool key)
{
	struct hy_json_loc v = { -1, -1 }, k = { -1, -1 };

	ck_assert_msg(hy_json_pos_find(ix, path, &v, &k) == 0, "no entry for '%s'", path);
	return key ? k : v;
}

#define ASSERT_LOC(l, ln, cl)                                                                  \
	do {                                                                                   \
		struct hy_json_loc _l = (l);                                                   \
		ck_assert_msg(_l.line == (ln) && _l.col == (cl), "%d:%d, want %d:%d", _l.line, \
			      _l.col, ln, cl);                                                 \
	} while (0)

START_TEST(test_json_pos_paths_and_positions)
{
	static const char text[] = " {\"a\": [1, {\"b\": \"x\"}, [true, null]],\n"
				   "\t\"c\" :  -1.5e3 ,\"d\":{}, \"e f\": false,\n"
				   "  \"\\u00e9t\\u00e9\": \"\\\"q\\\"\", \"z\": \"é\", \"y\": 0}";
	struct hy_json_pos *ix = NULL;

	ck_assert_int_eq(hy_json_pos_build(text, strlen(text), &ix), 0);
	ASSERT_LOC(loc(ix, "", false), 1, 2);
	ASSERT_LOC(loc(ix, "a", false), 1, 8);
	ASSERT_LOC(loc(ix, "a", true), 1, 3);
	ASSERT_LOC(loc(ix, "a[0]", false), 1, 9);
	ASSERT_LOC(loc(ix, "a[0]", true), 0, 0); /* elements have no key */
	ASSERT_LOC(loc(ix, "a[1]", false), 1, 12);
	ASSERT_LOC(loc(ix, "a[1].b", false), 1, 18);
	ASSERT_LOC(loc(ix, "a[1].b", true), 1, 13);
	ASSERT_LOC(loc(ix, "a[2][1]", false), 1, 31);
	ASSERT_LOC(loc(ix, "c", true), 2, 2);
	ASSERT_LOC(loc(ix, "c", false), 2, 9);
	ASSERT_LOC(loc(ix, "d", false), 2, 21);
	ASSERT_LOC(loc(ix, "[\"e f\"]", false), 2, 32);
	/* escapes are decoded in keys; columns count characters, not bytes */
	ASSERT_LOC(loc(ix, "[\"été\"]", true), 3, 3);
	ASSERT_LOC(loc(ix, "z", false), 3, 34);
	ASSERT_LOC(loc(ix, "y", false), 3, 44);
	ck_assert_int_eq(hy_json_pos_find(ix, "a[3]", NULL, NULL), -ENOENT);
	ck_assert_int_eq(hy_json_pos_find(ix, "b", NULL, NULL), -ENOENT);
	ck_assert_int_eq(hy_json_pos_duplicate(ix, NULL, NULL, NULL), -ENOENT);
	hy_json_pos_free(ix);
}
END_TEST

START_TEST(test_json_pos_columns_match_jansson)
{
	/* jansson's column for a bad token and ours for a value agree */
	static const char *const texts[] = { "{\"é\": 1, \"x\": }", "{\n\t\"a\":\t}",
					     "[\"ü\", \"€\", \"😀\", ]" };
	static const char *const fixed[] = { "{\"é\": 1, \"x\": 0}", "{\n\t\"a\":\t0}",
					     "[\"ü\", \"€\", \"😀\", 0]" };
	static const char *const paths[] = { "x", "a", "[3]" };

	for (size_t i = 0; i < 3; i++) {
		json_error_t jerr;
		struct hy_json_pos *ix = NULL;
		json_t *j = json_loads(texts[i], 0, &jerr);
		ck_assert_ptr_null(j);
		ck_assert_int_eq(hy_json_pos_build(fixed[i], strlen(fixed[i]), &ix), 0);
		struct hy_json_loc l = loc(ix, paths[i], false);
		ck_assert_msg(l.line == jerr.line && l.col == jerr.column, "%s: %d:%d vs %d:%d",
			      texts[i], l.line, l.col, jerr.line, jerr.column);
		hy_json_pos_free(ix);
	}
}
END_TEST

START_TEST(test_json_pos_duplicates)
{
	static const char text[] = "{\"a\": {\"k\": 1, \"j\": {\"k\": 2}, \"k\": 3},\n"
				   " \"b\": 1, \"a\": 2, \"b\": 3}";
	struct hy_json_pos *ix = NULL;
	struct hy_json_loc at, first;
	const char *path;

	ck_assert_int_eq(hy_json_pos_build(text, strlen(text), &ix), 0);
	/* a.k repeats first in text order (a.j.k is another object) */
	ck_assert_int_eq(hy_json_pos_duplicate(ix, &path, &at, &first), 0);
	ck_assert_str_eq(path, "a.k");
	ASSERT_LOC(at, 1, 31);
	ASSERT_LOC(first, 1, 8);
	/* the first occurrence answers find() */
	ASSERT_LOC(loc(ix, "a.k", false), 1, 13);
	hy_json_pos_free(ix);
}
END_TEST

START_TEST(test_json_pos_refuses_non_json)
{
	static const char *const bad[] = {
		"",	 "{",	    "{\"a\" 1}", "[1,]x",  "{\"a\": tru}",
		"\"abc", "\"\\q\"", "[1] [2]",	 "{1: 2}",
	};
	struct hy_json_pos *ix = (struct hy_json_pos *)1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(hy_json_pos_build(bad[i], strlen(bad[i]), &ix) == -EINVAL, "%s",
			      bad[i]);
		ck_assert_ptr_null(ix);
	}
	/* deeper than jansson allows is refused; as deep as it allows is indexed */
	size_t depth = 2049;
	char *deep = malloc(2 * depth + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = '\0';
	ck_assert_int_eq(hy_json_pos_build(deep, 2 * depth, &ix), -EINVAL);
	ck_assert_int_eq(hy_json_pos_build(deep + 1, 2 * depth - 2, &ix), 0);
	hy_json_pos_free(ix);
	free(deep);
}
END_TEST

START_TEST(test_json_path_builders)
{
	char buf[HY_JSON_PATH_MAX], small[8];

	hy_json_path_key(buf, sizeof(buf), "", "files");
	ck_assert_str_eq(buf, "files");
	hy_json_path_index(small, sizeof(small), buf, 2);
	ck_assert_str_eq(small, "files[2");
	hy_json_path_key(buf, sizeof(buf), "files[2]", "access");
	ck_assert_str_eq(buf, "files[2].access");
	hy_json_path_key(buf, sizeof(buf), "a", "x.y");
	ck_assert_str_eq(buf, "a[\"x.y\"]");
	hy_json_path_key(buf, sizeof(buf), "", "q\"\\\n");
	ck_assert_str_eq(buf, "[\"q\\\"\\\\\\u000a\"]");
	hy_json_path_key(buf, sizeof(buf), "", "");
	ck_assert_str_eq(buf, "[\"\"]");
	hy_json_path_key(small, sizeof(small), "abcdef", "ghi");
	ck_assert_str_eq(small, "abcdef.");
}
END_TEST

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");
	TCase *obj = tcase_create("objects");
	TCase *pos = tcase_create("json_pos");

	tcase_add_test(tc, test_policy_empty_object);
	tcase_add_test(tc, test_policy_mode);
	tcase_add_test(tc, test_policy_syscalls_allow_deny);
	tcase_add_test(tc, test_policy_deny_wins_over_allow);
	tcase_add_test(tc, test_policy_syntax_error_has_line_and_column);
	tcase_add_test(tc, test_policy_duplicate_key);
	tcase_add_test(tc, test_policy_top_level_not_object);
	tcase_add_test(tc, test_policy_unknown_section);
	tcase_add_test(tc, test_policy_object_sections_are_reported);
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
	tcase_add_test(tc, test_policy_load_file_semantic_position);
	tcase_add_test(tc, test_policy_load_bounded);
	tcase_add_test(tc, test_policy_load_null_is_default);
	suite_add_tcase(s, tc);

	tcase_add_test(obj, test_policy_defaults);
	tcase_add_test(obj, test_policy_route);
	tcase_add_test(obj, test_policy_explicit_defaults_are_not_object_rules);
	tcase_add_test(obj, test_policy_full_file);
	tcase_add_test(obj, test_policy_limits);
	tcase_add_test(obj, test_policy_files_malformed);
	tcase_add_test(obj, test_policy_exec_malformed);
	tcase_add_test(obj, test_policy_network_malformed);
	tcase_add_test(obj, test_policy_ports_malformed);
	tcase_add_test(obj, test_policy_process_events_malformed);
	tcase_add_test(obj, test_policy_first_error_in_file_order);
	suite_add_tcase(s, obj);

	tcase_add_test(pos, test_json_pos_paths_and_positions);
	tcase_add_test(pos, test_json_pos_columns_match_jansson);
	tcase_add_test(pos, test_json_pos_duplicates);
	tcase_add_test(pos, test_json_pos_refuses_non_json);
	tcase_add_test(pos, test_json_path_builders);
	suite_add_tcase(s, pos);
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
