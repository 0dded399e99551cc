// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox kill [--all] ID [SIGNAL]`: ask a container's supervisor to signal
 * the command (or every task of the container). Runs with the caller's
 * privileges; the supervisor checks them and sends the signal.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "control.h"
#include "oci_state.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox kill [--all] ID [SIGNAL]\n\n"
		   "Send SIGNAL (default TERM) to the container's command. SIGNAL is a name\n"
		   "(TERM, SIGTERM, KILL, RTMIN+1) or a number from 1 to 64. This is runc's\n"
		   "form too; a created container (hybox create, not started) can be killed.\n\n"
		   "  -a, --all   signal every process of the container (SIGKILL through\n"
		   "              cgroup.kill, which nothing in the container can escape)\n"
		   "  -h, --help  show this help\n");
}

/* The supervisor did not take the request: has the container stopped? Then
 * runc's answers: --all succeeds (nothing is left to signal), a signal for
 * the command fails with "container not running", the words containerd's
 * shim takes for "already finished" (CRI kills every process of a container
 * after it has exited, before deleting it). */
static int kill_stopped(const struct hy_global_opts *g, const char *id, bool all)
{
	struct hy_err err = { 0 };
	if (hy_oci_state_is_stopped(g->root, id, &err) != 1)
		return -1;
	if (all)
		return 0;
	fprintf(stderr, "hybox: container not running: '%s' has stopped\n", id);
	return HY_EXIT_RUNTIME;
}

int hy_cmd_kill(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	bool all = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ah", opts, NULL)) != -1) {
		if (c == 'a') {
			all = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "hybox kill: bad option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	int nargs = argc - optind;
	if (nargs < 1 || nargs > 2) {
		fprintf(stderr, "hybox kill: expected ID [SIGNAL]\n");
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	int sig = nargs == 2 ? hy_control_signal_parse(argv[optind + 1]) : SIGTERM;
	if (sig < 0) {
		fprintf(stderr, "hybox kill: unknown signal '%s' (a name like TERM or a number "
				"from 1 to 64)\n", argv[optind + 1]);
		return HY_EXIT_RUNTIME;
	}
	struct hy_err err = { 0 };
	json_t *reply = NULL;
	json_t *req = json_pack("{s:s,s:i,s:b}", "op", "kill", "signal", sig, "all", all);
	int r = hy_control_call(g->root, argv[optind], req, &reply, &err);
	json_decref(req);
	json_decref(reply);
	if (r < 0 && r != -EIO && (r = kill_stopped(g, argv[optind], all)) >= 0)
		return r;
	if (r < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	return 0;
}
