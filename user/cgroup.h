/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container cgroups on the cgroup v2 hierarchy: find where cgroup2 is mounted
 * (pure v2 at /sys/fs/cgroup, or the unified hierarchy of a hybrid host),
 * create the per-container leaf under a "hybox" parent, kill and remove it.
 * Runs as root in the supervisor.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct hy_cgroup {
	int dirfd;      /* open directory of the leaf, -1 if none */
	uint64_t id;    /* cgroup id (inode number of the directory) */
	char path[4096];
};

/* Find the cgroup2 mount point from /proc/self/mountinfo. Returns 0 or -ENOENT. */
int hy_cgroup2_find_mount(char *path, size_t len);
/* Same, reading a mountinfo-format text (unit-testable). */
int hy_cgroup2_parse_mountinfo(const char *mountinfo, char *path, size_t len);

/* Create <mount>/hybox/<name>. Fails with -EEXIST if the leaf exists. */
int hy_cgroup_create(struct hy_cgroup *cg, const char *mount, const char *name,
		     struct hy_err *err);
/* Open an existing <mount>/hybox/<name> (to destroy what a killed supervisor
 * left). -ENOENT when there is none. */
int hy_cgroup_open(struct hy_cgroup *cg, const char *mount, const char *name);
/* Kill every task left (cgroup.kill, or SIGKILL per pid) and remove the leaf. Idempotent. */
int hy_cgroup_destroy(struct hy_cgroup *cg);
/* Is a cgroup interface file present (e.g. "cgroup.freeze")? */
int hy_cgroup_has_file(const char *mount, const char *file);
