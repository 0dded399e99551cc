/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container cgroups on the cgroup v2 hierarchy: find where cgroup2 is mounted
 * (pure v2 at /sys/fs/cgroup, or the unified hierarchy of a hybrid host),
 * create the per-container leaf (by default under a "hybox" parent, or where
 * OCI's linux.cgroupsPath says), kill and remove it, and the parents hybox
 * created for it. Runs as root in the supervisor.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "error.h"

struct hy_cgroup {
	int dirfd;	 /* open directory of the leaf, -1 if none */
	uint64_t id;	 /* cgroup id (inode number of the directory) */
	char path[4096]; /* <mount>/<leaf>, "" if none */
	size_t rel;	 /* path + rel: the leaf relative to the mount ("hybox/ID") */
	/* The parents hybox made for the leaf: every prefix of path at least this
	 * long (0: none). Never the shared <mount>/hybox, never one that existed. */
	size_t created;
};

/* Find the cgroup2 mount point from /proc/self/mountinfo. Returns 0 or -ENOENT. */
int hy_cgroup2_find_mount(char *path, size_t len);
/* Same, reading a mountinfo-format text (unit-testable). */
int hy_cgroup2_parse_mountinfo(const char *mountinfo, char *path, size_t len);

/*
 * The leaf of container id relative to the cgroup2 mount (pure): "hybox/ID"
 * without cgroups_path (NULL or ""); an absolute cgroups_path ("/a/b") is
 * relative to the mount's root ("a/b"), a relative one to hybox's parent
 * ("hybox/a/b"). The caller has validated cgroups_path. 0 or -ENAMETOOLONG.
 */
int hy_cgroup_leaf_path(const char *cgroups_path, const char *id, char *rel, size_t len);

/*
 * Create <mount>/<rel> and the parents it lacks (remembered in cg->created),
 * enabling the memory, pids, cpu, cpuset, io and hugetlb controllers on the way down. A leaf that
 * exists is taken for one a killed supervisor left (emptied and made afresh)
 * when is_reuse_stale, else refused with -EEXIST; either way a failure
 * leaves nothing hybox made.
 */
int hy_cgroup_create(struct hy_cgroup *cg, const char *mount, const char *rel, bool is_reuse_stale,
		     struct hy_err *err);
/* Open an existing <mount>/<rel> (to destroy what a killed supervisor left);
 * created: the shallowest parent hybox made for it (relative), or NULL.
 * -ENOENT when there is none. */
int hy_cgroup_open(struct hy_cgroup *cg, const char *mount, const char *rel, const char *created);
/* Kill every task left (cgroup.kill, or SIGKILL per pid), remove the leaf and
 * then, deepest first, the parents hybox created (one still in use stays). Idempotent. */
int hy_cgroup_destroy(struct hy_cgroup *cg);

/* What hy_cgroup_open_record() needs, as {"path": rel, "created": rel or null}
 * (kept in the state directory's run.json). New reference, NULL on ENOMEM. */
json_t *hy_cgroup_record(const struct hy_cgroup *cg);
/* Open the leaf a record describes; a missing record (NULL) or one without
 * a path means "hybox/<id>" (state directories of older versions). */
int hy_cgroup_open_record(struct hy_cgroup *cg, const char *mount, const json_t *rec,
			  const char *id);
/* Is name (len bytes, not terminated) one of the controllers
 * hy_cgroup_create() enables: memory, pids, cpu, cpuset, io, hugetlb (pure)? */
bool hy_cgroup_is_controller(const char *name, size_t len);
/* Is a cgroup interface file present (e.g. "cgroup.freeze")? */
int hy_cgroup_has_file(const char *mount, const char *file);
