/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A user namespace of the container's own (OCI linux.namespaces "user" with
 * linux.uidMappings / linux.gidMappings): its id maps, checked by the parser
 * (oci_userns.c) and written by the supervisor (root, in the initial user
 * namespace) into /proc/INIT/uid_map and gid_map right after clone, before
 * init does anything else (sandbox.c). setgroups stays "allow": the writer
 * has CAP_SETGID over the parent namespace, so the kernel does not ask for
 * "deny", and runc leaves it too.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HY_USERNS_MAP_MAX 340 /* lines the kernel takes in one uid_map (since 4.15) */
#define HY_USERNS_ID_MAX 4294967294ULL /* (uid_t)-1 is never an id */

struct hy_id_map {
	uint32_t inner; /* containerID */
	uint32_t outer; /* hostID */
	uint32_t count; /* size */
};

struct hy_userns {
	bool is_new; /* a new user namespace with these maps; false: the host's, or one
		      * joined by path (ns_join.h), which has its maps already */
	size_t nuid, ngid;
	struct hy_id_map uid[HY_USERNS_MAP_MAX];
	struct hy_id_map gid[HY_USERNS_MAP_MAX];
};

/* What is wrong with the n maps (each range inside 0..2^32-2, no two
 * overlapping inside or outside), or NULL; *ret_i: the map it is about. */
const char *hy_userns_maps_problem(const struct hy_id_map *m, size_t n, size_t *ret_i);
/* The host id that id maps to, or (uint32_t)-1 when it is not mapped. */
uint32_t hy_userns_map_id(const struct hy_id_map *m, size_t n, uint32_t id);
/* The maps as uid_map text ("inner outer count\n" each) into buf; its length,
 * or -ENOBUFS. */
int hy_userns_format(const struct hy_id_map *m, size_t n, char *buf, size_t size);
/* Write pid's uid_map and gid_map (the supervisor, right after clone). 0 or
 * -errno, *ret_step naming the file that failed. */
int hy_userns_write_maps(pid_t pid, const struct hy_userns *u, const char **ret_step);
/* The host uid that uid 0 of pid's user namespace maps to, read from
 * /proc/PID/uid_map (by a reader in the initial namespace). 0 or -errno
 * (-ENOENT: uid 0 is not mapped). */
int hy_userns_read_root(pid_t pid, uint32_t *ret_uid);
