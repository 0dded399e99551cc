/* SPDX-License-Identifier: GPL-2.0-only */
/* The container side of sandbox.c: entry point of the cloned init task. */
#pragma once
#include "sandbox.h"

/* Never returns: builds the container, runs the command, serves exec requests
 * on exec_fd, exits with the command's status. */
int hy_sandbox_init_main(const struct hy_sandbox_spec *spec, int sync, int exec_fd)
	__attribute__((noreturn));
/* The command's road (and that of an exec'd process): drop privileges,
 * install the filter, hand over the listener on sync, wait for HY_SYNC_GO,
 * exec spec->argv. Never returns. */
void hy_sandbox_cmd_main(const struct hy_sandbox_spec *spec, int sync) __attribute__((noreturn));
/* init_exec.c: reap every child and serve exec requests on exec_fd until the
 * command (cmd) has ended, or the supervisor has (sync hangs up: the
 * container must not run unsupervised); returns the command's wait status,
 * or SIGKILL's. */
int hy_init_serve(const struct hy_sandbox_spec *spec, pid_t cmd, int exec_fd, int sync);
