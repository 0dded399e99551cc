// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's linux object and mounts (see oci_config.h, oci_parse.h).
 * hybox builds the container's namespaces and mounts itself (ns.c,
 * sandbox_init.c), so a config is accepted only where it asks for what hybox
 * does: the namespaces it creates, and the standard mounts runc's and
 * podman's specs list, each with the options hybox applies there (or ones
 * documented as without effect in docs/oci.md). Anything else is refused
 * with its JSON path. Pure, unprivileged.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "ns.h"
#include "oci_parse.h"
#include "util.h"

/* ---- linux.namespaces ----------------------------------------------------------------- */

static const struct {
	const char *type;
	bool is_required; /* hybox always creates one: leaving it out (sharing the host's) fails */
	const char *unsupported;
} ns_types[] = {
	{ "pid", true },    { "network", false }, { "mount", true },  { "ipc", true },
	{ "uts", true },    { "cgroup", true },   { "user", false, "user namespaces" },
	{ "time", false }, /* hybox always makes one: boot time at the container's start */
};

static int parse_namespace(struct oci_ctx *c, const char *path, json_t *v, unsigned int *seen)
{
	char tpath[HY_JSON_PATH_MAX], ppath[HY_JSON_PATH_MAX];
	const char *key, *type = NULL, *nspath = NULL;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	json_object_foreach (v, key, el)
		if (strcmp(key, "type") != 0 && strcmp(key, "path") != 0) {
			hy_json_path_key(tpath, sizeof(tpath), path, key);
			return oci_fail(c, tpath, "unknown property (expected type and path)");
		}
	if ((r = oci_require(c, path, v, "type", "a namespace type like \"pid\"")) < 0)
		return r;
	hy_json_path_key(tpath, sizeof(tpath), path, "type");
	hy_json_path_key(ppath, sizeof(ppath), path, "path");
	if ((r = oci_want_string(c, tpath, json_object_get(v, "type"), &type)) < 0)
		return r;
	if ((el = json_object_get(v, "path")) && (r = oci_want_string(c, ppath, el, &nspath)) < 0)
		return r;
	size_t i = 0;
	while (i < ARRAY_SIZE(ns_types) && strcmp(ns_types[i].type, type) != 0)
		i++;
	if (i == ARRAY_SIZE(ns_types))
		return oci_fail(c, tpath, "expected pid, network, mount, ipc, uts, cgroup, user or "
					  "time, got %s", OCI_GOT(json_object_get(v, "type")));
	if (ns_types[i].unsupported)
		return oci_fail(c, tpath, "\"%s\" is not supported yet (no %s)", type,
				ns_types[i].unsupported);
	if (*seen & (1u << i))
		return oci_fail(c, tpath, "expected each namespace type once, got \"%s\" again", type);
	*seen |= 1u << i;
	if (nspath && *nspath)
		return oci_fail(c, ppath, "joining an existing namespace is not supported yet (hybox "
					  "creates each namespace itself; leave out \"path\")");
	if (strcmp(type, "network") == 0)
		c->cfg->is_net_none = true;
	return 0;
}

static int parse_namespaces(struct oci_ctx *c, const char *path, json_t *v)
{
	unsigned int seen = 0;
	size_t i;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_ARRAY)) < 0)
		return r;
	json_array_foreach (v, i, el) {
		char sub[HY_JSON_PATH_MAX];
		hy_json_path_index(sub, sizeof(sub), path, i);
		if ((r = parse_namespace(c, sub, el, &seen)) < 0)
			return r;
	}
	for (i = 0; i < ARRAY_SIZE(ns_types); i++)
		if (ns_types[i].is_required && !(seen & (1u << i)))
			return oci_fail(c, path, "hybox always creates a new %s namespace: sharing the "
						 "host's is not supported (add {\"type\": \"%s\"})",
					ns_types[i].type, ns_types[i].type);
	return 0;
}

static int parse_propagation(struct oci_ctx *c, const char *path, json_t *v)
{
	const char *s = NULL;
	int r = oci_want_string(c, path, v, &s);
	if (r == 0 && *s && strcmp(s, "private") != 0 && strcmp(s, "rprivate") != 0)
		return oci_fail(c, path, "%s is not supported yet (hybox makes every mount of the "
					 "container private: \"rprivate\")", OCI_GOT(v));
	return r;
}

/* ---- linux.resources ------------------------------------------------------------------ */

/* A signed limit where -1 (and, for runc, 0) means none. */
static int want_limit(struct oci_ctx *c, const char *path, const json_t *v, int64_t *ret)
{
	if (!json_is_integer(v) || json_integer_value(v) < -1)
		return oci_fail(c, path, "expected an integer (-1: no limit), got %s", OCI_GOT(v));
	*ret = json_integer_value(v);
	return 0;
}

static int parse_memory_limit(struct oci_ctx *c, const char *path, json_t *v)
{
	int64_t limit;
	int r = want_limit(c, path, v, &limit);
	if (r == 0 && limit > 0 && limit < (4 << 20))
		return oci_fail(c, path, "expected at least 4194304 bytes (4 MiB), got %s", OCI_GOT(v));
	if (r == 0)
		c->cfg->memory = limit > 0 ? (uint64_t)limit : 0;
	return r;
}

static const struct oci_field memory_fields[] = {
	{ "limit", parse_memory_limit },
	{ "reservation", NULL }, { "swap", NULL }, { "kernel", NULL }, { "kernelTCP", NULL },
	{ "swappiness", NULL }, { "disableOOMKiller", NULL }, { "useHierarchy", NULL },
	{ "checkBeforeUpdate", NULL },
};

static int parse_memory(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_fields(c, path, v, memory_fields, ARRAY_SIZE(memory_fields));
}

static int parse_cpu_quota(struct oci_ctx *c, const char *path, json_t *v)
{
	return want_limit(c, path, v, &c->cfg->cpu_quota);
}

static int parse_cpu_period(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t period;
	int r = oci_want_uint(c, path, v, 1000000, &period);
	if (r == 0 && period < 1000)
		return oci_fail(c, path, "expected 1000 to 1000000 microseconds, got %s", OCI_GOT(v));
	if (r == 0)
		c->cfg->cpu_period = period;
	return r;
}

static const struct oci_field cpu_fields[] = {
	{ "quota", parse_cpu_quota },
	{ "period", parse_cpu_period },
	{ "shares", NULL }, { "burst", NULL }, { "realtimeRuntime", NULL },
	{ "realtimePeriod", NULL }, { "cpus", NULL, "use quota and period" }, { "mems", NULL },
	{ "idle", NULL },
};

static int parse_cpu(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_fields(c, path, v, cpu_fields, ARRAY_SIZE(cpu_fields));
}

static const struct oci_field resource_fields[] = {
	{ "memory", parse_memory },
	{ "cpu", parse_cpu },
	{ "devices", NULL, "hybox's /dev is fixed: null, zero, full, random, urandom, tty, pts, shm" },
	{ "pids", NULL }, { "blockIO", NULL }, { "hugepageLimits", NULL }, { "network", NULL },
	{ "rdma", NULL }, { "unified", NULL },
};

/* memory.limit and cpu.quota/period, as `hybox run --memory --cpus` applies them. */
static int parse_resources(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_fields(c, path, v, resource_fields, ARRAY_SIZE(resource_fields));
	int64_t quota = c->cfg->cpu_quota;
	uint64_t period = c->cfg->cpu_period ? c->cfg->cpu_period : 100000;
	if (r < 0 || quota <= 0)
		return r;
	/* Thousandths of a CPU, rounded up: a quota is never loosened. */
	uint64_t milli = ((uint64_t)quota * 1000 + period - 1) / period;
	c->cfg->cpus_milli = (uint32_t)MAX(MIN(milli, (uint64_t)UINT32_MAX), 10);
	return 0;
}

static const struct oci_field linux_fields[] = {
	{ "namespaces", parse_namespaces },
	{ "rootfsPropagation", parse_propagation },
	{ "uidMappings", NULL, "no user namespaces" },
	{ "gidMappings", NULL, "no user namespaces" },
	{ "timeOffsets", NULL, "hybox sets the time namespace's offsets itself (boot time: the "
				"container's start)" },
	{ "devices", NULL, "hybox's /dev is fixed: null, zero, full, random, urandom, tty, pts, shm" },
	{ "cgroupsPath", NULL, "hybox puts each container in <cgroup2 mount>/hybox/ID" },
	{ "resources", parse_resources },
	{ "sysctl", NULL },
	{ "seccomp", NULL, "hybox's own filter applies; merging a supplied profile is not "
			   "implemented" },
	{ "maskedPaths", NULL },
	{ "readonlyPaths", NULL, "hybox mounts the whole root read-only" },
	{ "mountLabel", NULL, "no SELinux labels" },
	{ "intelRdt", NULL },
	{ "personality", NULL },
	{ "memoryPolicy", NULL },
	{ "netDevices", NULL },
};

int oci_parse_linux(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_fields(c, path, v, linux_fields, ARRAY_SIZE(linux_fields));
	if (r == 0)
		r = oci_require(c, path, v, "namespaces", "an array with at least pid, mount, ipc, "
							  "uts and cgroup");
	return r;
}

/* ---- mounts --------------------------------------------------------------------------- */

#define STD_MOUNTS                                                                                 \
	"proc on /proc, tmpfs on /dev and /dev/shm, devpts on /dev/pts, mqueue on /dev/mqueue, "   \
	"sysfs on /sys, cgroup on /sys/fs/cgroup"

/* Options accepted everywhere: propagation (hybox's is private) and rw where hybox mounts rw. */
static const struct std_mount {
	const char *dest;
	const char *types[2];
	const char *options; /* accepted, comma-separated; "size=" takes any size */
	unsigned int extra;  /* HY_MOUNT_* it turns on */
} std_mounts[] = {
	{ "/proc", { "proc" }, "nosuid,noexec,nodev,rw", 0 },
	{ "/dev", { "tmpfs" }, "nosuid,noexec,strictatime,relatime,mode=755,mode=0755,size=,rw", 0 },
	{ "/dev/pts", { "devpts" },
	  "nosuid,noexec,newinstance,ptmxmode=0666,mode=620,mode=0620,gid=5,rw", 0 },
	{ "/dev/shm", { "tmpfs" }, "nosuid,noexec,nodev,mode=1777,size=,rw", 0 },
	{ "/dev/mqueue", { "mqueue" }, "nosuid,noexec,nodev,rw", HY_MOUNT_MQUEUE },
	{ "/sys", { "sysfs" }, "nosuid,noexec,nodev,ro", HY_MOUNT_SYSFS },
	{ "/sys/fs/cgroup", { "cgroup", "cgroup2" }, "nosuid,noexec,nodev,relatime,ro",
	  HY_MOUNT_CGROUP },
};

static bool option_allowed(const struct std_mount *m, const char *opt)
{
	static const char *const everywhere[] = { "private", "rprivate" };
	char list[128];
	for (size_t i = 0; i < ARRAY_SIZE(everywhere); i++)
		if (strcmp(opt, everywhere[i]) == 0)
			return true;
	strscpy(list, m->options, sizeof(list));
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcmp(t, opt) == 0 || (strcmp(t, "size=") == 0 && strncmp(opt, "size=", 5) == 0))
			return true;
	return false;
}

/* "size=" BYTES [k|m|g] (tmpfs's own syntax, without %). */
static int parse_size(struct oci_ctx *c, const char *path, const char *opt,
		      unsigned long long *ret)
{
	const char *s = opt + 5;
	char *end;
	errno = 0;
	unsigned long long n = *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
	int shift = 0;
	if (*s >= '0' && *s <= '9' && !errno) {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		}
		if (!*end && n > 0 && n <= (~0ULL >> shift)) {
			*ret = n << shift;
			return 0;
		}
	}
	return oci_fail(c, path, "expected size=BYTES with an optional k, m or g suffix, got \"%s\"",
			opt);
}

static int parse_mount_options(struct oci_ctx *c, const char *path, json_t *v,
			       const struct std_mount *m)
{
	size_t i;
	json_t *el;
	int r;
	json_array_foreach (v, i, el) {
		char sub[HY_JSON_PATH_MAX];
		const char *opt = NULL;
		hy_json_path_index(sub, sizeof(sub), path, i);
		if ((r = oci_want_string(c, sub, el, &opt)) < 0)
			return r;
		if (!option_allowed(m, opt))
			return oci_fail(c, sub, "\"%s\" is not supported on %s (hybox accepts there: "
						"%s)", opt, m->dest, m->options);
		bool is_shm = strcmp(m->dest, "/dev/shm") == 0;
		unsigned long long size = 0;
		if (strncmp(opt, "size=", 5) == 0 && (r = parse_size(c, sub, opt, &size)) < 0)
			return r;
		if (is_shm && size)
			c->cfg->shm_size = size;
		if (is_shm && strcmp(opt, "noexec") == 0)
			c->cfg->shm_flags |= MS_NOEXEC;
	}
	return 0;
}

static bool is_pseudo_type(const char *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(std_mounts); i++)
		for (size_t j = 0; j < 2 && std_mounts[i].types[j]; j++)
			if (strcmp(std_mounts[i].types[j], t) == 0)
				return true;
	return false;
}

static bool has_bind_option(json_t *opts)
{
	size_t i;
	json_t *el;
	json_array_foreach (opts, i, el) {
		const char *s = json_string_value(el);
		if (s && (strcmp(s, "bind") == 0 || strcmp(s, "rbind") == 0))
			return true;
	}
	return false;
}

/* The keys of one mount: known ones typed, unknown refused. */
static int mount_keys(struct oci_ctx *c, const char *path, json_t *v)
{
	static const struct oci_field fields[] = {
		{ "destination", NULL }, { "type", NULL },	{ "source", NULL },
		{ "options", NULL },	 { "uidMappings", NULL, "no user namespaces" },
		{ "gidMappings", NULL, "no user namespaces" },
	};
	static const json_type types[] = { JSON_STRING, JSON_STRING, JSON_STRING, JSON_ARRAY };
	const char *key;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	json_object_foreach (v, key, el) {
		char sub[HY_JSON_PATH_MAX];
		size_t i = 0;
		hy_json_path_key(sub, sizeof(sub), path, key);
		while (i < ARRAY_SIZE(fields) && strcmp(fields[i].name, key) != 0)
			i++;
		if (i == ARRAY_SIZE(fields))
			return oci_fail(c, sub, "unknown property (expected destination, type, source, "
						"options)");
		if (i < ARRAY_SIZE(types) && (r = oci_want_type(c, sub, el, types[i])) < 0)
			return r;
		if (i >= ARRAY_SIZE(types) && json_array_size(el))
			return oci_fail(c, sub, "not supported yet (%s)", fields[i].why);
	}
	return oci_require(c, path, v, "destination", "an absolute path");
}

static int parse_mount(struct oci_ctx *c, const char *path, json_t *v, unsigned int *seen)
{
	char dpath[HY_JSON_PATH_MAX], tpath[HY_JSON_PATH_MAX], opath[HY_JSON_PATH_MAX];
	const char *dest = NULL;
	int r;
	if ((r = mount_keys(c, path, v)) < 0)
		return r;
	hy_json_path_key(dpath, sizeof(dpath), path, "destination");
	hy_json_path_key(tpath, sizeof(tpath), path, "type");
	hy_json_path_key(opath, sizeof(opath), path, "options");
	if ((r = oci_want_abs_path(c, dpath, json_object_get(v, "destination"), &dest)) < 0)
		return r;
	const char *type = json_string_value(json_object_get(v, "type"));
	json_t *opts = json_object_get(v, "options");
	if ((type && strcmp(type, "bind") == 0) || has_bind_option(opts))
		return oci_fail(c, path, "bind mounts are not supported yet (hybox supports "
					 STD_MOUNTS ")");
	if ((r = oci_require(c, path, v, "type", "a file system type like \"proc\"")) < 0)
		return r;
	if (!is_pseudo_type(type))
		return oci_fail(c, tpath, "\"%s\" is not supported (hybox supports " STD_MOUNTS
					  ")", type);
	size_t i = 0;
	while (i < ARRAY_SIZE(std_mounts) && strcmp(std_mounts[i].dest, dest) != 0)
		i++;
	if (i == ARRAY_SIZE(std_mounts))
		return oci_fail(c, dpath, "%s on \"%s\" is not supported yet (hybox supports "
					  STD_MOUNTS ")", type, dest);
	const struct std_mount *m = &std_mounts[i];
	if (strcmp(type, m->types[0]) != 0 && !(m->types[1] && strcmp(type, m->types[1]) == 0))
		return oci_fail(c, tpath, "expected \"%s\" on %s, got \"%s\"", m->types[0], dest, type);
	if (*seen & (1u << i))
		return oci_fail(c, dpath, "\"%s\" is mounted twice", dest);
	if (m->extra == HY_MOUNT_CGROUP && !(c->cfg->mounts & HY_MOUNT_SYSFS))
		return oci_fail(c, dpath, "needs the sysfs mount on /sys before it");
	*seen |= 1u << i;
	c->cfg->mounts |= m->extra;
	return opts ? parse_mount_options(c, opath, opts, m) : 0;
}

int oci_parse_mounts(struct oci_ctx *c, const char *path, json_t *v)
{
	unsigned int seen = 0;
	size_t i;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_ARRAY)) < 0)
		return r;
	json_array_foreach (v, i, el) {
		char sub[HY_JSON_PATH_MAX];
		hy_json_path_index(sub, sizeof(sub), path, i);
		if ((r = parse_mount(c, sub, el, &seen)) < 0)
			return r;
	}
	return 0;
}
