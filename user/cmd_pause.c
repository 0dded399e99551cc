// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox pause ID` / `hybox resume ID`: freeze or thaw every task of a
 * container through its cgroup (cgroup.freeze), done by the supervisor over
 * the control socket; both return once the kernel reports the new state.
 * Runs with the caller's privileges.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control.h"

static void usage(FILE *f, const char *verb)
{
	int pause = strcmp(verb, "pause") == 0;
	fprintf(f, "Usage: hybox %s ID\n\n"
		   "%s every process of the container (cgroup v2 freezer); returns once\n"
		   "the kernel reports the container %s.\n\n"
		   "  -h, --help  show this help\n",
		verb, pause ? "Freeze" : "Thaw", pause ? "frozen" : "running again");
}

static int freeze_verb(const struct hy_global_opts *g, int argc, char **argv, const char *verb)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout, verb);
			return 0;
		}
		fprintf(stderr, "hybox %s: bad option '%s'\n", verb, argv[optind - 1]);
		usage(stderr, verb);
		return HY_EXIT_RUNTIME;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hybox %s: expected one container ID\n", verb);
		usage(stderr, verb);
		return HY_EXIT_RUNTIME;
	}
	struct hy_err err = { 0 };
	json_t *reply = NULL, *req = json_pack("{s:s}", "op", verb);
	int r = hy_control_call(g->root, argv[optind], req, &reply, &err);
	json_decref(req);
	json_decref(reply);
	if (r < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	return 0;
}

int hy_cmd_pause(const struct hy_global_opts *g, int argc, char **argv)
{
	return freeze_verb(g, argc, argv, "pause");
}

int hy_cmd_resume(const struct hy_global_opts *g, int argc, char **argv)
{
	return freeze_verb(g, argc, argv, "resume");
}
