/* SPDX-License-Identifier: GPL-2.0-only */
/* runc's streaming `events --interval D ID` (runc_events.c). */
#pragma once
#include <stdint.h>

#include "error.h"

/*
 * Print runc's stats event of the container every interval_ns on stdout (one
 * JSON object per line, the first after one interval), and
 * {"type":"oom","id":ID} for each OOM kill in its cgroup as soon as the
 * kernel counts it, until the container stops. cgroup_dirfd is its leaf
 * (borrowed); root and id find its state (is the supervisor still there).
 * Returns 0 when the container stopped or stdout was closed (EPIPE: SIGPIPE
 * must be ignored), or -errno with err set.
 */
int hy_runc_events_stream(const char *root, const char *id, int cgroup_dirfd,
			  uint64_t interval_ns, struct hy_err *err);
