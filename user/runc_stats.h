/* SPDX-License-Identifier: GPL-2.0-only */
/* runc's stats event of a container, from its cgroup v2 leaf (runc_stats.c). */
#pragma once
#include <jansson.h>

/* {"type": "stats", "id": id, "data": {...}} (new reference). */
json_t *hy_runc_stats(int cgroup_dirfd, const char *id);
