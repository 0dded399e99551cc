/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Launching an OCI container (`hybox create`, runc's `hybox run` and `hybox
 * restore`): load the bundle (and for restore the checkpoint image, whose
 * processes replace the command), then run the container through run.h
 * with hooks that record its state (oci_state.h), write the pid file, keep
 * the command waiting for `hybox start` (create) and keep the stopped
 * container until `hybox delete` (create, run -d, run --keep, restore -d).
 * create, run -d and restore -d detach the supervisor (detach.h). Runs as
 * root; prints every error itself.
 */
#pragma once
#include "cmd.h"
#include "oci_opts.h"

/* Exit status: 0 once created (create, run -d, restore -d), the command's (run,
 * restore), or 125/126/127. */
int hy_oci_launch(const struct hy_global_opts *g, enum hy_oci_verb verb,
		  const struct hy_oci_opts *o);
