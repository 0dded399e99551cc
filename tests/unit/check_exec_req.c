// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/exec_req.c: a `hybox exec` request into the datagram
 * init takes: argv and env in the blob, where the environment comes from,
 * --env on top, cwd, user, rlimits within the container's, and every refusal.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "exec_req.h"

static struct hy_exec_req *req;
static char *oci_env[] = { "PATH=/oci/bin", "HOME=/root", NULL };
static const struct hy_exec_defaults plain = { .cwd = "/work", .uid = 0, .gid = 0 };
static const struct hy_rlimit oci_rlimits[] = {
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE, 1024, 1024 },
	{ "RLIMIT_NPROC", RLIMIT_NPROC, 50, 100 },
};
static const struct hy_exec_defaults oci = { .env = oci_env, .cwd = "/srv", .uid = 1000,
					     .gid = 100, .rlimits = oci_rlimits, .nrlimits = 2 };

static void setup(void)
{
	req = calloc(1, sizeof(*req));
}

static void teardown(void)
{
	free(req);
}

static int build(const char *json, const struct hy_exec_defaults *d, bool *detach,
		 struct hy_err *err)
{
	return hy_exec_req_build(json, strlen(json), d, req, detach, err);
}

/* The blob's strings joined by '|', argv and env apart: "a|b / X=1|Y=2". */
static const char *dump(void)
{
	static char out[1024];
	size_t o = 0;
	unsigned int k = 0;
	for (unsigned int off = 0; off < req->blob_len; k++) {
		const char *s = req->blob + off;
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s",
				      k == 0 ? "" : k == req->argc ? " / " : "|", s);
		off += (unsigned int)strlen(s) + 1;
	}
	return out;
}

START_TEST(test_args_and_client_env)
{
	struct hy_err err = { 0 };
	bool detach = true;
	ck_assert_int_eq(build("{\"args\": [\"sh\", \"-c\", \"\"], \"client_env\": [\"A=1\", "
			       "\"B=2\"], \"env_add\": [\"B=3\", \"C=4\"]}", &plain, &detach, &err), 0);
	ck_assert_uint_eq(req->argc, 3);
	ck_assert_uint_eq(req->envc, 3);
	ck_assert_str_eq(dump(), "sh|-c| / A=1|B=3|C=4");
	ck_assert_str_eq(req->cwd, "/work"); /* the command's */
	ck_assert(!detach);
}
END_TEST

START_TEST(test_oci_env_wins_over_the_clients)
{
	struct hy_err err = { 0 };
	bool detach;
	ck_assert_int_eq(build("{\"args\": [\"id\"], \"client_env\": [\"A=1\"], \"cwd\": \"/tmp\", "
			       "\"user\": {\"uid\": 1000, \"gid\": 100}, \"detach\": true}", &oci,
			       &detach, &err), 0);
	ck_assert_str_eq(dump(), "id / PATH=/oci/bin|HOME=/root");
	ck_assert_str_eq(req->cwd, "/tmp");
	ck_assert(detach);
	ck_assert_uint_eq(req->terminal, 0);
	ck_assert_uint_eq(req->has_user, 0); /* the command's own ids: nothing to change */
	ck_assert_int_eq(build("{\"args\": [\"id\"], \"user\": {\"uid\": 5, \"gid\": 6}}", &oci,
			       &detach, &err), 0);
	ck_assert_uint_eq(req->has_user, 1);
	ck_assert_uint_eq(req->uid, 5);
	ck_assert_uint_eq(req->gid, 6);
	ck_assert_int_eq(build("{\"args\": [\"sh\"], \"terminal\": true, \"consoleSize\": "
			       "{\"height\": 40, \"width\": 120}}", &oci, &detach, &err), 0);
	ck_assert_uint_eq(req->terminal, 1);
	ck_assert_uint_eq(req->rows, 40);
	ck_assert_uint_eq(req->cols, 120);
	/* runc's --process: its env is the whole environment */
	ck_assert_int_eq(build("{\"args\": [\"id\"], \"env\": [\"PATH=/p\"]}", &oci, &detach, &err),
			 0);
	ck_assert_str_eq(dump(), "id / PATH=/p");
}
END_TEST

/* containerd's exec process.json repeats the container's rlimits; lower is fine. */
START_TEST(test_rlimits_within_the_containers)
{
	struct hy_err err = { 0 };
	bool detach;
	ck_assert_int_eq(build("{\"args\": [\"a\"], \"rlimits\": [{\"type\": \"RLIMIT_NPROC\", "
			       "\"soft\": 10, \"hard\": 20}, {\"type\": \"RLIMIT_NOFILE\", "
			       "\"soft\": 1024, \"hard\": 1024}]}", &oci, &detach, &err), 0);
	ck_assert_uint_eq(req->nrlimits, 2);
	ck_assert_int_eq(req->rlimits[0].resource, RLIMIT_NPROC);
	ck_assert_uint_eq(req->rlimits[0].soft, 10);
	ck_assert_uint_eq(req->rlimits[0].hard, 20);
	ck_assert_int_eq(req->rlimits[1].resource, RLIMIT_NOFILE);
	ck_assert_int_eq(build("{\"args\": [\"a\"], \"rlimits\": []}", &oci, &detach, &err), 0);
	ck_assert_uint_eq(req->nrlimits, 0);
}
END_TEST

/* containerd's exec process.json repeats the container's oomScoreAdj (CRI sets it). */
START_TEST(test_oom_score_adj)
{
	struct hy_err err = { 0 };
	bool detach;
	ck_assert_int_eq(build("{\"args\": [\"a\"], \"oomScoreAdj\": -998}", &oci, &detach, &err),
			 0);
	ck_assert_uint_eq(req->has_oom_score_adj, 1);
	ck_assert_int_eq(req->oom_score_adj, -998);
	ck_assert_int_eq(build("{\"args\": [\"a\"]}", &oci, &detach, &err), 0);
	ck_assert_uint_eq(req->has_oom_score_adj, 0);
	static const char *const bad[] = { "1001", "-1001", "\"5\"", "1.5", "null" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char json[96];
		snprintf(json, sizeof(json), "{\"args\": [\"a\"], \"oomScoreAdj\": %s}", bad[i]);
		ck_assert_int_eq(build(json, &oci, &detach, &err), -EINVAL);
		ck_assert_str_eq(err.msg, "\"oomScoreAdj\": expected an integer from -1000 to 1000");
	}
}
END_TEST

#define RL(x) "{\"args\": [\"a\"], \"rlimits\": " x "}"
static const struct {
	const char *json, *msg;
} bad_rlimits[] = {
	{ RL("{}"), "\"rlimits\": expected an array" },
	{ RL("[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1}]"), "\"rlimits\"[0]: expected {" },
	{ RL("[{\"type\": \"RLIMIT_NOFILE\", \"soft\": -1, \"hard\": 1}]"), "\"rlimits\"[0]: expected {" },
	{ RL("[{\"type\": \"RLIMIT_CORE\", \"soft\": 0, \"hard\": 0}]"),
	  "\"rlimits\"[0]: RLIMIT_CORE is not among the container's process.rlimits" },
	{ RL("[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1024, \"hard\": 4096}]"),
	  "\"rlimits\"[0]: RLIMIT_NOFILE hard 4096 is above the container's 1024" },
	{ RL("[{\"type\": \"RLIMIT_NPROC\", \"soft\": 60, \"hard\": 40}]"),
	  "\"rlimits\"[0]: RLIMIT_NPROC soft 60 is above its hard limit" },
	{ RL("[{\"type\": \"RLIMIT_NPROC\", \"soft\": 1, \"hard\": 1}, "
	     "{\"type\": \"RLIMIT_NPROC\", \"soft\": 1, \"hard\": 1}]"),
	  "\"rlimits\"[1]: a type given twice" },
};

START_TEST(test_rlimits_refused)
{
	struct hy_err err = { 0 };
	bool detach;
	ck_assert_int_lt(build(bad_rlimits[_i].json, &oci, &detach, &err), 0);
	ck_assert_msg(strstr(err.msg, bad_rlimits[_i].msg), "case %d: got '%s'", _i, err.msg);
	/* hybox run's command sets none: any is refused */
	ck_assert_int_lt(build(RL("[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}]"),
			       &plain, &detach, &err), 0);
}
END_TEST

static const struct {
	const char *json, *msg;
} bad[] = {
	{ "[1]", "expected a JSON object" },
	{ "{\"args\": [\"a\"],", "expected a JSON object: " },
	{ "{\"args\": []}", "\"args\": expected the command and its arguments" },
	{ "{}", "\"args\": expected the command and its arguments" },
	{ "{\"args\": [\"a\", 7]}", "\"args\"[1]: expected a string" },
	{ "{\"args\": \"a\"}", "\"args\": expected an array of strings" },
	{ "{\"args\": [\"a\"], \"env_add\": [\"NOEQ\"]}", "\"env_add\"[0]: expected NAME=VALUE" },
	{ "{\"args\": [\"a\"], \"env\": [\"=x\"]}", "\"env\"[0]: expected NAME=VALUE" },
	{ "{\"args\": [\"a\"], \"cwd\": \"rel\"}", "\"cwd\": expected an absolute path" },
	{ "{\"args\": [\"a\"], \"detach\": 1}", "\"detach\": expected true or false" },
	{ "{\"args\": [\"a\"], \"tty\": true}", "\"tty\": unknown field" },
	{ "{\"args\": [\"a\"], \"terminal\": 1}", "\"terminal\": expected true or false" },
	{ "{\"args\": [\"a\"], \"consoleSize\": {\"height\": 70000, \"width\": 1}}",
	  "\"consoleSize\": expected {\"height\": N, \"width\": N}, each 0 to 65535" },
	{ "{\"args\": [\"a\"], \"user\": {\"uid\": -5, \"gid\": 0}}",
	  "\"user\": expected {\"uid\": N, \"gid\": N}, each 0 to 4294967294" },
	{ "{\"args\": [\"a\"], \"user\": {\"uid\": \"0\"}}", "\"user\": expected {\"uid\": N" },
};

START_TEST(test_refusals)
{
	struct hy_err err = { 0 };
	bool detach;
	ck_assert_int_lt(build(bad[_i].json, &plain, &detach, &err), 0);
	ck_assert_msg(strstr(err.msg, bad[_i].msg), "case %d: got '%s'", _i, err.msg);
}
END_TEST

START_TEST(test_too_big)
{
	struct hy_err err = { 0 };
	bool detach;
	size_t n = HY_EXEC_BLOB_MAX + 100;
	char *json = malloc(n + 64);
	strcpy(json, "{\"args\": [\"");
	memset(json + strlen(json), 'x', n);
	strcpy(json + 11 + n, "\"]}");
	ck_assert_int_eq(build(json, &plain, &detach, &err), -E2BIG);
	ck_assert(strstr(err.msg, "exceed"));
	free(json);
}
END_TEST

static Suite *exec_req_suite(void)
{
	Suite *s = suite_create("exec_req");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_args_and_client_env);
	tcase_add_test(tc, test_oci_env_wins_over_the_clients);
	tcase_add_loop_test(tc, test_refusals, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_rlimits_within_the_containers);
	tcase_add_test(tc, test_oom_score_adj);
	tcase_add_loop_test(tc, test_rlimits_refused, 0,
			    sizeof(bad_rlimits) / sizeof(bad_rlimits[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(exec_req_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
