// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox state ID` (runc's): print the container's OCI state as JSON
 * (ociVersion, id, status, pid, bundle, rootfs, created, annotations).
 * Runs with the caller's privileges; reads the state directory and asks a
 * live supervisor (oci_state.c).
 */
#include <jansson.h>
#include <stdio.h>

#include "cmd.h"
#include "oci_state.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox state ID\n\n"
		   "Print the OCI state of container ID as JSON: ociVersion, id, status\n"
		   "(created, running, paused or stopped), pid (the command's host pid; 0\n"
		   "once stopped), bundle, rootfs, created (RFC 3339) and annotations. A\n"
		   "container started by 'hybox run -- CMD' has an empty bundle.\n\n"
		   "  -h, --help  show this help\n");
}

int hy_cmd_state(const struct hy_global_opts *g, int argc, char **argv)
{
	int status;
	const char *id = hy_cmd_id_arg(argc, argv, "state", usage, NULL, &status);
	if (!id)
		return status;
	struct hy_err err = { 0 };
	json_t *state = NULL;
	if (hy_oci_state_get(g->root, id, &state, &err) < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	json_dumpf(state, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(state);
	return fflush(stdout) == 0 ? 0 : HY_EXIT_RUNTIME;
}
