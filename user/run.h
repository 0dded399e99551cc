/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The life of a container that `hybox run` and the OCI verbs share
 * (implemented in cmd_run.c as a table of phases): set it up, start the
 * command, supervise it, tear everything down. The OCI verbs add hooks: the
 * command may wait for the control op "start" (`hybox start`), the container
 * is reported once it exists, and its state directory may stay after the
 * command ended, until `hybox delete`. Runs as root.
 */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "cmd.h"
#include "error.h"
#include "run_opts.h"

struct hy_run_hooks {
	void *ctx;
	bool is_wait_start; /* the command waits for the control op "start" */
	bool is_kept;	    /* keep the state directory (unlocked) once the command ended */
	bool is_adopted;    /* init goes to the caller's subreaper (sandbox.h
			     * is_init_adopted); created and state report its pid */
	/* The container exists, its control socket listens, its command runs or
	 * waits for start. Failure tears everything down (err says why). */
	int (*created)(void *ctx, int state_dirfd, pid_t pid, struct hy_err *err);
	/* With is_kept: the command ended with wstatus and all but the state
	 * directory is gone; the directory is still locked. May be NULL. */
	void (*stopped)(void *ctx, int state_dirfd, int wstatus);
};

/*
 * Run a container as o says (o->id NULL: a generated id); hooks may be NULL.
 * Returns the exit status to use (the command's, 128+N for signal N); when
 * err->code is set, the caller prints err->msg and exits with err->exit_code
 * (125 if unset) instead.
 */
int hy_run_container(const struct hy_global_opts *g, const struct hy_run_opts *o,
		     const struct hy_run_hooks *hooks, struct hy_err *err);
