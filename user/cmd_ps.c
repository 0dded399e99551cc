// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox ps [--json] ID`: list the tasks of a running container (host pid,
 * container pid, parent, state, command line), asked of its supervisor over
 * the control socket. Runs with the caller's privileges (root or the owner of
 * the state directory); reads nothing of the container itself.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox ps [--json | --format table|json] ID\n\n"
		   "List the processes of a running container: PID (on the host), CPID (in\n"
		   "the container), PPID (on the host), STAT and CMD.\n\n"
		   "  --json      the supervisor's list as a JSON array of {pid, cpid,\n"
		   "              ppid, cppid, threads, state, comm, cmdline, started}:\n"
		   "              host and container pids of the process and its parent\n"
		   "              (cppid 0: outside), its thread count, and its start in\n"
		   "              seconds after the container's init\n"
		   "  -f, --format table|json\n"
		   "              runc's: the table above, or a JSON array of the host\n"
		   "              pids alone (what containerd's shim reads)\n"
		   "  -h, --help  show this help\n");
}

static void print_table(json_t *procs)
{
	size_t i;
	json_t *p;
	printf("%-8s %-6s %-8s %-4s %s\n", "PID", "CPID", "PPID", "STAT", "CMD");
	json_array_foreach(procs, i, p) {
		const char *cmd = json_string_value(json_object_get(p, "cmdline"));
		const char *comm = json_string_value(json_object_get(p, "comm"));
		const char *state = json_string_value(json_object_get(p, "state"));
		char kthread[80];
		if (!cmd || !*cmd) { /* exiting or a zombie: show [comm] like ps does */
			snprintf(kthread, sizeof(kthread), "[%s]", comm ? comm : "?");
			cmd = kthread;
		}
		printf("%-8lld %-6lld %-8lld %-4.1s %s\n",
		       json_integer_value(json_object_get(p, "pid")),
		       json_integer_value(json_object_get(p, "cpid")),
		       json_integer_value(json_object_get(p, "ppid")), state ? state : "?", cmd);
	}
}

enum ps_format { PS_TABLE, PS_JSON, PS_PIDS };

/* --json, runc's --format table|json, -h; one ID. NULL: exit with *status. */
static const char *parse(int argc, char **argv, enum ps_format *fmt, int *status)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					       { "format", required_argument, NULL, 'f' },
					       { "help", no_argument, NULL, 'h' },
					       { 0 } };
	int c;
	optind = 0;
	opterr = 0;
	*status = HY_EXIT_RUNTIME;
	while ((c = getopt_long(argc, argv, "+:f:h", opts, NULL)) != -1) {
		if (c == 'j') {
			*fmt = PS_JSON;
		} else if (c == 'f' && (!strcmp(optarg, "table") || !strcmp(optarg, "json"))) {
			*fmt = strcmp(optarg, "json") == 0 ? PS_PIDS : PS_TABLE;
		} else if (c == 'h') {
			usage(stdout);
			*status = 0;
			return NULL;
		} else {
			fprintf(stderr, c == 'f' ? "hybox ps: --format: expected table or json, got "
						   "'%s'\n" : "hybox ps: bad option '%s'\n",
				c == 'f' ? optarg : argv[optind - 1]);
			usage(stderr);
			return NULL;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hybox ps: expected one container ID\n");
		usage(stderr);
		return NULL;
	}
	return argv[optind];
}

static void print_pids(json_t *procs)
{
	json_t *pids = json_array(), *p;
	size_t i;
	json_array_foreach (procs, i, p)
		json_array_append(pids, json_object_get(p, "pid"));
	json_dumpf(pids, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(pids);
}

int hy_cmd_ps(const struct hy_global_opts *g, int argc, char **argv)
{
	enum ps_format fmt = PS_TABLE;
	int status;
	const char *id = parse(argc, argv, &fmt, &status);
	if (!id)
		return status;
	struct hy_err err = { 0 };
	json_t *reply = NULL, *req = json_pack("{s:s}", "op", "ps");
	int r = hy_control_call(g->root, id, req, &reply, &err);
	json_decref(req);
	if (r < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	json_t *procs = json_object_get(reply, "processes");
	if (fmt == PS_JSON) {
		json_dumpf(procs, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (fmt == PS_PIDS) {
		print_pids(procs);
	} else {
		print_table(procs);
	}
	if (json_is_true(json_object_get(reply, "truncated")))
		fprintf(stderr, "hybox: warning: only the first %d processes are listed\n",
			HY_CONTROL_PS_MAX);
	json_decref(reply);
	return 0;
}
