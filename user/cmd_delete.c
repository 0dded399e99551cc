// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox delete [--force] ID` (runc's): remove a container and everything it
 * holds: its processes (a created container's, or with --force a running or
 * paused one's, through cgroup.kill), its supervisor, cgroup leaf and state
 * directory. A running container without --force is refused and left as it
 * is. Runs as root (the state directory and cgroup are root's).
 */
#define LOG_PREFIX "delete: "
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup.h"
#include "cmd.h"
#include "container.h"
#include "control.h"
#include "log.h"
#include "oci_state.h"

#define SUPERVISOR_EXIT_TIMEOUT_MS 10000

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox delete [--force] ID\n\n"
		   "Delete container ID: its state directory, its cgroup leaf and whatever\n"
		   "is left of its processes. A stopped or created container is deleted as\n"
		   "it is (a created one's command is killed, as runc does); a running or\n"
		   "paused one only with --force, which kills every process of it first.\n\n"
		   "  -f, --force  kill a running or paused container, then delete it; an\n"
		   "               unknown ID is not an error, a stale state directory (of a\n"
		   "               killed supervisor) is removed\n"
		   "  -h, --help   show this help\n");
}

/* The supervisor lets go of the state lock when it is gone. */
static int wait_supervisor(const struct hy_global_opts *g, const char *id, struct hy_err *err)
{
	for (int ms = 0; ms < SUPERVISOR_EXIT_TIMEOUT_MS; ms += 10) {
		int live = hy_state_is_live(g->root, id);
		if (live <= 0)
			return 0;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	return hy_err_set(err, -ETIMEDOUT, "container '%s': its supervisor did not exit within "
					   "%d ms", id, SUPERVISOR_EXIT_TIMEOUT_MS);
}

static int kill_all(const struct hy_global_opts *g, const char *id, struct hy_err *err)
{
	json_t *reply = NULL, *req = json_pack("{s:s,s:i,s:b}", "op", "kill", "signal", 9, "all", 1);
	int r = hy_control_call(g->root, id, req, &reply, err);
	json_decref(req);
	json_decref(reply);
	/* A supervisor that stopped meanwhile has nothing left to kill. */
	if (r < 0 && hy_state_is_live(g->root, id) == 0)
		r = 0;
	return r < 0 ? r : wait_supervisor(g, id, err);
}

/* What a killed supervisor may have left: the leaf (emptied by cgroup.kill),
 * where run.json says it is, and the parents the supervisor made for it. */
static void remove_cgroup(const struct hy_global_opts *g, const char *id)
{
	struct hy_cgroup cg;
	if (hy_state_open_cgroup(g->root, id, &cg) == 0)
		hy_cgroup_destroy(&cg);
}

/* The state directory (locked first: no supervisor may hold it) and the leaf. */
static int remove_all(const struct hy_global_opts *g, const char *id, struct hy_err *err)
{
	struct hy_state st;
	int r = hy_state_open(&st, g->root, id, err);
	if (r == -ENOENT) /* a `hybox run` container's supervisor removes its own */
		return 0;
	if (r < 0)
		return r;
	remove_cgroup(g, id);
	hy_state_remove(&st);
	return 0;
}

static int delete(const struct hy_global_opts *g, const char *id, bool force, struct hy_err *err)
{
	json_t *state = NULL;
	int r = hy_oci_state_get(g->root, id, &state, err);
	/* --force: no such container is fine, and a stale directory goes too. */
	if (r == -ENOENT && force && hy_state_is_live(g->root, id) == 0)
		return remove_all(g, id, err);
	if (r < 0)
		return r;
	const char *status = hy_oci_state_status(state);
	bool is_stopped = strcmp(status, "stopped") == 0;
	if (!is_stopped && strcmp(status, "created") != 0 && !force) {
		r = hy_err_set(err, -EBUSY, "container '%s' is %s: stop it first ('hybox kill %s "
					    "KILL') or use 'hybox delete --force %s'",
			       id, status, id, id);
		json_decref(state);
		return r;
	}
	json_decref(state);
	/* Stopped: the command is gone, but its supervisor may still be tearing
	 * down and holds the state directory until it exits. */
	r = is_stopped ? wait_supervisor(g, id, err) : kill_all(g, id, err);
	return r < 0 ? r : remove_all(g, id, err);
}

int hy_cmd_delete(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	bool force = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:fh", opts, NULL)) != -1) {
		if (c == 'f') {
			force = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "hybox delete: bad option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hybox delete: expected one container ID\n");
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	struct hy_err err = { 0 };
	if (delete(g, argv[optind], force, &err) < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	return 0;
}
