// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox ps [--json] ID`: list the tasks of a running container (host pid,
 * container pid, parent, state, command line), asked of its supervisor over
 * the control socket. Runs with the caller's privileges (root or the owner of
 * the state directory); reads nothing of the container itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox ps [--json] ID\n\n"
		   "List the processes of a running container: PID (on the host), CPID (in\n"
		   "the container), PPID (on the host), STAT and CMD.\n\n"
		   "  --json      the supervisor's list as a JSON array of {pid, cpid,\n"
		   "              ppid, cppid, threads, state, comm, cmdline, started}:\n"
		   "              host and container pids of the process and its parent\n"
		   "              (cppid 0: outside), its thread count, and its start in\n"
		   "              seconds after the container's init\n"
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

int hy_cmd_ps(const struct hy_global_opts *g, int argc, char **argv)
{
	bool json = false;
	int status;
	const char *id = hy_cmd_id_arg(argc, argv, "ps", usage, &json, &status);
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
	if (json) {
		json_dumpf(procs, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		print_table(procs);
	}
	if (json_is_true(json_object_get(reply, "truncated")))
		fprintf(stderr, "hybox: warning: only the first %d processes are listed\n",
			HY_CONTROL_PS_MAX);
	json_decref(reply);
	return 0;
}
