/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The OCI state of a container: what its supervisor records in
 * <root>/<id>/state.json (written atomically: created, then stopped), and
 * what `hybox state` prints: that record with the live status and pid,
 * asked of the supervisor over the control socket while it holds the state
 * lock ("created", "running", "paused"), "stopped" (pid 0) once it let go.
 * Writers run as root in the supervisor; readers with the caller's
 * privileges.
 */
#pragma once
#include <sys/types.h>

#include <jansson.h>

#include "error.h"

struct hy_oci_record {
	const char *id;
	pid_t pid;	    /* the command's host pid */
	const char *status; /* "created" or "running" */
	const char *bundle; /* absolute */
	const char *rootfs; /* absolute */
	json_t *annotations; /* borrowed; NULL: none */
};

/* Supervisor: the record of a container that now exists. */
int hy_oci_state_create(int state_dirfd, const struct hy_oci_record *rec, struct hy_err *err);
/* Supervisor: the command ended with wstatus (kept in the record, beyond OCI's fields). */
int hy_oci_state_stopped(int state_dirfd, int wstatus);

/*
 * The OCI state of container id under root, as a new JSON object: ociVersion,
 * id, status, pid, bundle, rootfs, created, annotations. A container started
 * by `hybox run` (no record) is described from its supervisor alone (bundle
 * ""). -ENOENT with "container 'ID' does not exist" when there is none.
 */
int hy_oci_state_get(const char *root, const char *id, json_t **ret, struct hy_err *err);
/* The status string of a state from hy_oci_state_get(). */
const char *hy_oci_state_status(const json_t *state);
/* Container ID's status is "stopped": 1, else 0; < 0 (and err) as hy_oci_state_get. */
int hy_oci_state_is_stopped(const char *root, const char *id, struct hy_err *err);
