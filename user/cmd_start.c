// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox start ID` (runc's): let a created container's command exec. Its
 * supervisor does it on the control op "start", once; a container that runs
 * already or has stopped is refused with its status. Runs with the caller's
 * privileges (root or the owner of the state directory).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control.h"
#include "oci_state.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox start ID\n\n"
		   "Start a container made by 'hybox create': its command execs now (it has\n"
		   "been waiting, set up and supervised, since create). Works once; a\n"
		   "running or stopped container is refused.\n\n"
		   "  -h, --help  show this help\n");
}

int hy_cmd_start(const struct hy_global_opts *g, int argc, char **argv)
{
	int rc;
	const char *id = hy_cmd_id_arg(argc, argv, "start", usage, NULL, &rc);
	if (!id)
		return rc;
	struct hy_err err = { 0 };
	json_t *state = NULL;
	/* A stopped container has no supervisor to ask: say so, not "no socket". */
	if (hy_oci_state_get(g->root, id, &state, &err) < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	const char *status = hy_oci_state_status(state);
	if (strcmp(status, "created") != 0) {
		fprintf(stderr, "hybox: container '%s' is %s: only a created container can be "
				"started\n", id, status);
		json_decref(state);
		return HY_EXIT_RUNTIME;
	}
	json_decref(state);
	json_t *reply = NULL, *req = json_pack("{s:s}", "op", "start");
	int r = hy_control_call(g->root, id, req, &reply, &err);
	json_decref(req);
	json_decref(reply);
	if (r < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	return 0;
}
