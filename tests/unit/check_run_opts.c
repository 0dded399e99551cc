// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/run_opts.c: every option, "--" handling, options after
 * the command, and each way a command line is refused (the message must name
 * what was wrong).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evfilter.h"
#include "run_opts.h"

#define MAXARGS 32

static char *args[MAXARGS];
static struct hy_run_opts o;
static struct hy_err err;

/* Parse "run" followed by the NULL-terminated words. */
static int parse_v(const char *const *words)
{
	int argc = 0;

	args[argc++] = (char *)"run";
	for (; *words; words++) {
		ck_assert_int_lt(argc, MAXARGS - 1);
		args[argc++] = (char *)*words;
	}
	args[argc] = NULL;
	memset(&err, 0, sizeof(err));
	memset(&o, 0x5a, sizeof(o)); /* the parser must reset every field */
	return hy_run_parse(argc, args, &o, &err);
}

#define PARSE(...) parse_v((const char *const[]){ __VA_ARGS__, NULL })

static void assert_einval(int r, const char *needle)
{
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_msg(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);
}

START_TEST(test_run_opts_minimal)
{
	ck_assert_int_eq(PARSE("/bin/true"), HY_RUN_PARSED);
	ck_assert_ptr_null(o.id);
	ck_assert_ptr_null(o.hostname);
	ck_assert_ptr_null(o.rootfs);
	ck_assert_ptr_null(o.policy);
	ck_assert_ptr_null(o.events);
	ck_assert_int_eq(o.net_none, 0);
	ck_assert_ptr_eq(o.argv, &args[1]);
	ck_assert_str_eq(o.argv[0], "/bin/true");
	ck_assert_ptr_null(o.argv[1]);
}
END_TEST

START_TEST(test_run_opts_every_option)
{
	int r = PARSE("--id", "box-1", "--hostname", "h.example", "--rootfs", "/srv/root",
		      "--policy", "p.json", "--events", "-", "--net", "none", "--", "/bin/sh", "-c",
		      "echo hi");

	ck_assert_int_eq(r, HY_RUN_PARSED);
	ck_assert_str_eq(o.id, "box-1");
	ck_assert_str_eq(o.hostname, "h.example");
	ck_assert_str_eq(o.rootfs, "/srv/root");
	ck_assert_str_eq(o.policy, "p.json");
	ck_assert_str_eq(o.events, "-");
	ck_assert_int_eq(o.net_none, 1);
	ck_assert_str_eq(o.argv[0], "/bin/sh");
	ck_assert_str_eq(o.argv[1], "-c");
	ck_assert_str_eq(o.argv[2], "echo hi");
	ck_assert_ptr_null(o.argv[3]);
}
END_TEST

START_TEST(test_run_opts_equals_form_and_net_host)
{
	ck_assert_int_eq(PARSE("--net=none", "--net=host", "--events=/tmp/ev.jsonl", "cmd"),
			 HY_RUN_PARSED);
	ck_assert_int_eq(o.net_none, 0); /* the last --net wins */
	ck_assert_str_eq(o.events, "/tmp/ev.jsonl");
	ck_assert_str_eq(o.argv[0], "cmd");
}
END_TEST

START_TEST(test_run_opts_double_dash)
{
	/* After "--" everything is the command, even what looks like an option. */
	ck_assert_int_eq(PARSE("--", "--help", "--id", "x"), HY_RUN_PARSED);
	ck_assert_ptr_null(o.id);
	ck_assert_str_eq(o.argv[0], "--help");
	ck_assert_str_eq(o.argv[1], "--id");
	ck_assert_str_eq(o.argv[2], "x");
	ck_assert_ptr_null(o.argv[3]);
}
END_TEST

START_TEST(test_run_opts_stops_at_command)
{
	/* Options after the command belong to the command (no permutation). */
	ck_assert_int_eq(PARSE("--id", "a", "ls", "-l", "--net", "bogus"), HY_RUN_PARSED);
	ck_assert_str_eq(o.id, "a");
	ck_assert_int_eq(o.net_none, 0);
	ck_assert_str_eq(o.argv[0], "ls");
	ck_assert_str_eq(o.argv[1], "-l");
	ck_assert_str_eq(o.argv[2], "--net");
	ck_assert_str_eq(o.argv[3], "bogus");
}
END_TEST

START_TEST(test_run_opts_missing_command)
{
	assert_einval(PARSE("--id", "abc"), "no command given");
	assert_einval(parse_v((const char *const[]){ NULL }), "no command given");
	assert_einval(PARSE("--net", "none", "--"), "no command given");
}
END_TEST

START_TEST(test_run_opts_unknown_option)
{
	assert_einval(PARSE("--bogus", "cmd"), "'--bogus'");
	assert_einval(PARSE("-x", "cmd"), "'-x'");
	ck_assert_msg(strstr(err.msg, "unknown option"), "%s", err.msg);
}
END_TEST

START_TEST(test_run_opts_unknown_option_in_group)
{
	/* "-xh": getopt reports 'x' with optind still on this word, so the
	 * message must not name argv[optind - 1] (that is the verb "run"). */
	assert_einval(PARSE("-xh", "cmd"), "-x");
}
END_TEST

START_TEST(test_run_opts_missing_argument)
{
	static const char *const opts[] = { "--id", "--hostname", "--rootfs", "--policy",
					    "--events", "--net" };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "option '%s' needs an argument", opts[i]);
		assert_einval(PARSE(opts[i]), want);
	}
}
END_TEST

START_TEST(test_run_opts_bad_net)
{
	assert_einval(PARSE("--net", "bridge", "cmd"),
		      "--net: expected 'host' or 'none', got 'bridge'");
	assert_einval(PARSE("--net", "", "cmd"), "got ''");
	assert_einval(PARSE("--net", "NONE", "cmd"), "got 'NONE'");
}
END_TEST

START_TEST(test_run_opts_bad_id)
{
	char longid[80];

	assert_einval(PARSE("--id", "-dash", "cmd"), "container id '-dash'");
	assert_einval(PARSE("--id", "a/b", "cmd"), "container id 'a/b'");
	assert_einval(PARSE("--id", "..", "cmd"), "container id '..'");
	assert_einval(PARSE("--id", "", "cmd"), "must be 1 to 64 characters");
	memset(longid, 'a', 65);
	longid[65] = '\0';
	assert_einval(PARSE("--id", longid, "cmd"), "must be 1 to 64 characters");
	longid[64] = '\0';
	ck_assert_int_eq(PARSE("--id", longid, "cmd"), HY_RUN_PARSED);
	ck_assert_str_eq(o.id, longid);
}
END_TEST

START_TEST(test_run_opts_help)
{
	ck_assert_int_eq(PARSE("--help"), HY_RUN_HELP);
	ck_assert_int_eq(PARSE("-h", "cmd"), HY_RUN_HELP);
	ck_assert_int_eq(PARSE("--id", "x", "--help", "cmd"), HY_RUN_HELP);
	ck_assert_int_eq(PARSE("--", "--help"), HY_RUN_PARSED); /* the command's --help */
}
END_TEST

START_TEST(test_run_opts_hostname_length)
{
	char name[80];

	memset(name, 'h', 65);
	name[65] = '\0';
	assert_einval(PARSE("--hostname", name, "cmd"), "--hostname: expected 1 to 64 characters");
	assert_einval(PARSE("--hostname", "", "cmd"), "--hostname");
	name[64] = '\0';
	ck_assert_int_eq(PARSE("--hostname", name, "cmd"), HY_RUN_PARSED);
	ck_assert_str_eq(o.hostname, name);
}
END_TEST

START_TEST(test_run_opts_reparse_resets_getopt)
{
	/* Two parses in one process: getopt state must not leak between them. */
	assert_einval(PARSE("--bogus", "cmd"), "--bogus");
	ck_assert_int_eq(PARSE("--id", "ok", "cmd"), HY_RUN_PARSED);
	ck_assert_str_eq(o.id, "ok");
	ck_assert_str_eq(o.argv[0], "cmd");
}
END_TEST

START_TEST(test_run_opts_usage_mentions_every_option)
{
	static const char *const want[] = { "--id",	"--hostname",	     "--rootfs",
					    "--policy", "--events",	     "--events-filter",
					    "--events-max-size", "--events-keep", "--net",
					    "--help" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	hy_run_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(text, want[i]), "usage lacks %s", want[i]);
	free(text);
}
END_TEST

START_TEST(test_run_opts_events_options)
{
	ck_assert_int_eq(PARSE("--events", "/var/log/e.jsonl", "--events-filter", "kind=exec",
			       "--events-filter", "kind=policy,lost", "--events-max-size", "10M",
			       "--events-keep", "3", "true"),
			 HY_RUN_PARSED);
	ck_assert_uint_eq(o.events_kinds, HY_EVMASK(HY_EVK_EXEC) | HY_EVMASK(HY_EVK_POLICY) |
						  HY_EVMASK(HY_EVK_LOST));
	ck_assert_uint_eq(o.events_max_size, 10ULL << 20);
	ck_assert_uint_eq(o.events_keep, 3);
	/* Defaults: every kind, no rotation, keep 5. */
	ck_assert_int_eq(PARSE("--events", "-", "true"), HY_RUN_PARSED);
	ck_assert_uint_eq(o.events_kinds, 0);
	ck_assert_uint_eq(o.events_max_size, 0);
	ck_assert_uint_eq(o.events_keep, 5);
	ck_assert_int_eq(PARSE("--events=f", "--events-max-size=4K", "--events-keep=0", "true"),
			 HY_RUN_PARSED);
	ck_assert_uint_eq(o.events_max_size, 4096);
	ck_assert_uint_eq(o.events_keep, 0);
}
END_TEST

START_TEST(test_run_opts_events_options_refused)
{
	assert_einval(PARSE("--events", "f", "--events-filter", "exec", "true"),
		      "--events-filter: expected kind=KIND[,KIND...]");
	assert_einval(PARSE("--events", "f", "--events-filter", "kind=exec,nope", "true"),
		      "unknown event kind 'nope' (valid kinds: start, exit");
	assert_einval(PARSE("--events", "f", "--events-max-size", "10MB", "true"),
		      "--events-max-size: expected a size in bytes with an optional K, M or G");
	assert_einval(PARSE("--events", "f", "--events-max-size", "100", "true"),
		      "--events-max-size: expected at least 4K");
	assert_einval(PARSE("--events", "f", "--events-max-size", "99999999999G", "true"),
		      "--events-max-size: '99999999999G' is too large");
	assert_einval(PARSE("--events", "f", "--events-max-size", "4K", "--events-keep", "x",
			    "true"),
		      "--events-keep: expected a number of files from 0 to 1000, got 'x'");
	assert_einval(PARSE("--events", "f", "--events-max-size", "4K", "--events-keep", "-1",
			    "true"),
		      "--events-keep: expected a number");
	assert_einval(PARSE("--events", "f", "--events-max-size", "4K", "--events-keep", "1001",
			    "true"),
		      "--events-keep: expected a number");
	assert_einval(PARSE("--events-filter", "kind=exec", "true"),
		      "--events-filter needs --events SINK");
	assert_einval(PARSE("--events-max-size", "1M", "true"), "--events-max-size needs --events");
	assert_einval(PARSE("--events", "-", "--events-max-size", "1M", "true"),
		      "--events-max-size: rotation needs --events FILE, not stdout");
	assert_einval(PARSE("--events", "f", "--events-keep", "2", "true"),
		      "--events-keep needs --events-max-size");
}
END_TEST

/* runc's `run ... --bundle DIR ID` goes to the OCI verb; hybox's own never does. */
START_TEST(test_run_opts_is_oci)
{
	static const struct {
		const char *const words[6];
		bool want;
	} cases[] = {
		{ { "run", "--bundle", "b", "id" }, true },
		{ { "run", "-b", "b", "id" }, true },
		{ { "run", "-bb", "id" }, true },
		{ { "run", "--bundle=b", "id" }, true },
		{ { "run", "-d", "--pid-file", "p", "-b", "b" }, true },
		{ { "run", "--pid-file", "-b", "id" }, false }, /* -b is the pid file's name */
		{ { "run", "--", "prog", "--bundle", "b" }, false },
		{ { "run", "prog", "-b" }, false },
		{ { "run", "--id", "x", "prog", "--bundle" }, false },
		{ { "run", "--net", "none", "--", "sh" }, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int argc = 0;
		while (argc < 6 && cases[i].words[argc])
			argc++;
		ck_assert_msg(hy_run_is_oci(argc, (char **)cases[i].words) == cases[i].want,
			      "case %zu", i);
	}
}
END_TEST

static Suite *run_opts_suite(void)
{
	Suite *s = suite_create("run_opts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_run_opts_minimal);
	tcase_add_test(tc, test_run_opts_every_option);
	tcase_add_test(tc, test_run_opts_equals_form_and_net_host);
	tcase_add_test(tc, test_run_opts_double_dash);
	tcase_add_test(tc, test_run_opts_stops_at_command);
	tcase_add_test(tc, test_run_opts_missing_command);
	tcase_add_test(tc, test_run_opts_unknown_option);
	tcase_add_test(tc, test_run_opts_unknown_option_in_group);
	tcase_add_test(tc, test_run_opts_missing_argument);
	tcase_add_test(tc, test_run_opts_bad_net);
	tcase_add_test(tc, test_run_opts_bad_id);
	tcase_add_test(tc, test_run_opts_help);
	tcase_add_test(tc, test_run_opts_hostname_length);
	tcase_add_test(tc, test_run_opts_reparse_resets_getopt);
	tcase_add_test(tc, test_run_opts_usage_mentions_every_option);
	tcase_add_test(tc, test_run_opts_events_options);
	tcase_add_test(tc, test_run_opts_events_options_refused);
	tcase_add_test(tc, test_run_opts_is_oci);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(run_opts_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
