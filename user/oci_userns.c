// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's user namespace: linux.uidMappings and linux.gidMappings
 * (userns.h), and how they go with linux.namespaces' "user". As runc: a
 * "user" namespace needs both mappings, mappings need it. hybox's init runs
 * as the container's root, so uid 0 and gid 0 must be mapped. A user
 * namespace joined by path comes with its maps. Pure, unprivileged.
 */
#include <string.h>

#include "oci_parse.h"
#include "util.h"

struct map_list {
	struct hy_id_map *maps;
	size_t *n;
};

static const char *const map_keys[] = { "containerID", "hostID", "size" };

static int parse_map(struct oci_ctx *c, const char *path, json_t *v, size_t idx, void *data)
{
	struct map_list *l = data;
	char kpath[HY_JSON_PATH_MAX];
	uint64_t val[3];
	const char *key;
	json_t *el;
	int r;
	if (idx >= HY_USERNS_MAP_MAX)
		return oci_fail(c, path, "expected at most %d mappings (the kernel's limit)",
				HY_USERNS_MAP_MAX);
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	json_object_foreach (v, key, el)
		if (strcmp(key, "containerID") && strcmp(key, "hostID") && strcmp(key, "size")) {
			hy_json_path_key(kpath, sizeof(kpath), path, key);
			return oci_fail(c, kpath, "unknown property (expected containerID, hostID "
						  "and size)");
		}
	for (size_t i = 0; i < ARRAY_SIZE(map_keys); i++) {
		hy_json_path_key(kpath, sizeof(kpath), path, map_keys[i]);
		if ((r = oci_require(c, path, v, map_keys[i], "an integer")) < 0 ||
		    (r = oci_want_uint(c, kpath, json_object_get(v, map_keys[i]), HY_USERNS_ID_MAX,
				       &val[i])) < 0)
			return r;
	}
	l->maps[idx] = (struct hy_id_map){ (uint32_t)val[0], (uint32_t)val[1], (uint32_t)val[2] };
	*l->n = idx + 1;
	return 0;
}

/* One of the two arrays: each mapping typed, then the set checked. */
static int parse_maps(struct oci_ctx *c, const char *path, json_t *v, struct hy_id_map *maps,
		      size_t *n)
{
	struct map_list l = { maps, n };
	char at[HY_JSON_PATH_MAX];
	size_t i;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_ARRAY)) < 0 ||
	    (r = oci_parse_each(c, path, v, parse_map, &l)) < 0)
		return r;
	const char *why = hy_userns_maps_problem(maps, *n, &i);
	if (!why)
		return 0;
	hy_json_path_index(at, sizeof(at), path, i);
	return oci_fail(c, at, "expected a range of ids that the kernel can map, got %s", why);
}

int oci_parse_uid_mappings(struct oci_ctx *c, const char *path, json_t *v)
{
	return parse_maps(c, path, v, c->cfg->userns.uid, &c->cfg->userns.nuid);
}

int oci_parse_gid_mappings(struct oci_ctx *c, const char *path, json_t *v)
{
	return parse_maps(c, path, v, c->cfg->userns.gid, &c->cfg->userns.ngid);
}

static bool is_mapped(const struct hy_id_map *m, size_t n, uint32_t id)
{
	return hy_userns_map_id(m, n, id) != (uint32_t)-1;
}

/* process.user's ids must be mapped: setresuid would fail (EINVAL) at start. */
static int check_user_mapped(struct oci_ctx *c)
{
	const struct hy_userns *u = &c->cfg->userns;
	const struct hy_proc_spec *p = &c->cfg->proc;
	if (!is_mapped(u->uid, u->nuid, p->uid))
		return oci_fail(c, "process.user.uid", "expected an id that linux.uidMappings maps");
	if (!is_mapped(u->gid, u->ngid, p->gid))
		return oci_fail(c, "process.user.gid", "expected an id that linux.gidMappings maps");
	for (size_t i = 0; i < p->ngroups; i++)
		if (!is_mapped(u->gid, u->ngid, p->groups[i]))
			return oci_fail(c, "process.user.additionalGids",
					"expected ids that linux.gidMappings maps, got %u",
					(unsigned int)p->groups[i]);
	return 0;
}

/* sysfs belongs to the network namespace: mounting it takes a network
 * namespace that the container's user namespace owns (a new one, or one
 * joined by path, which setns allows only then). */
static int check_sysfs(struct oci_ctx *c)
{
	if (!(c->cfg->mounts & HY_MOUNT_SYSFS) || c->cfg->is_net_none ||
	    c->cfg->ns_path[HY_JOIN_NET])
		return 0;
	return oci_fail(c, "linux.namespaces", "a user namespace with the host's network cannot "
			"mount sysfs on /sys (the kernel wants the network namespace to be its "
			"own): add {\"type\": \"network\"} or leave out the sysfs mount");
}

/*
 * A user namespace joined by path has its maps already (its creator wrote
 * them): mappings are for a new one. Whether they map the container's root
 * and process.user shows at start (init becomes the namespace's root).
 */
static int check_joined_userns(struct oci_ctx *c, const char *path)
{
	const struct hy_userns *u = &c->cfg->userns;
	char at[HY_JSON_PATH_MAX];
	if (u->nuid || u->ngid) {
		hy_json_path_key(at, sizeof(at), path, u->nuid ? "uidMappings" : "gidMappings");
		return oci_fail(c, at, "expected none with a user namespace joined by path (the "
				       "namespace has its maps: leave out uidMappings and "
				       "gidMappings, or the \"path\" of \"user\")");
	}
	return check_sysfs(c);
}

/* Once the document is read: the namespace, its mappings and what goes with
 * them (process.user, the mounts, joined namespaces). */
int oci_check_userns(struct oci_ctx *c, const char *path)
{
	const struct hy_userns *u = &c->cfg->userns;
	char at[HY_JSON_PATH_MAX];
	const char *missing = !u->nuid ? "uidMappings" : !u->ngid ? "gidMappings" : NULL;
	if (c->cfg->ns_path[HY_JOIN_USER])
		return check_joined_userns(c, path);
	if (!u->is_new && (u->nuid || u->ngid)) {
		hy_json_path_key(at, sizeof(at), path, u->nuid ? "uidMappings" : "gidMappings");
		return oci_fail(c, at, "needs a user namespace (add {\"type\": \"user\"} to "
				       "linux.namespaces)");
	}
	if (!u->is_new)
		return 0;
	if (missing)
		return oci_fail(c, path, "a user namespace (\"user\" in linux.namespaces) needs "
					 "uidMappings and gidMappings: %s is missing or empty", missing);
	bool has_root_uid = is_mapped(u->uid, u->nuid, 0);
	if (!has_root_uid || !is_mapped(u->gid, u->ngid, 0)) {
		hy_json_path_key(at, sizeof(at), path, has_root_uid ? "gidMappings" : "uidMappings");
		return oci_fail(c, at, "expected a mapping of containerID 0 (the container's "
				       "root, which hybox's init runs as)");
	}
	for (int j = 0; j < HY_JOIN_N; j++)
		if (c->cfg->ns_path[j]) {
			hy_json_path_key(at, sizeof(at), path, "namespaces");
			return oci_fail(c, at, "joining a %s namespace (\"path\") in a new user "
					       "namespace is not supported yet", hy_ns_join_type(j));
		}
	int r = check_user_mapped(c);
	return r < 0 ? r : check_sysfs(c);
}
