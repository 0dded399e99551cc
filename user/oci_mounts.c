// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's mounts, linux.maskedPaths and linux.readonlyPaths (see
 * oci_config.h, oci_parse.h). The standard mounts of runc's and podman's
 * specs (proc, /dev, devpts, /dev/shm, mqueue, sysfs, cgroup) are hybox's
 * own (ns.c): a config may list them with the options hybox applies there.
 * Bind mounts and tmpfs anywhere else, and the masked and read-only paths,
 * become struct hy_mount entries that the container's init applies in order
 * (ns_mounts.c). Anything else is refused with its JSON path. Pure,
 * unprivileged.
 */
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "ns.h"
#include "oci_parse.h"
#include "util.h"

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

/* One option of a standard mount: allowed there; /dev/shm's size and noexec are applied. */
static int std_option(struct oci_ctx *c, const char *path, const char *opt, void *data)
{
	const struct std_mount *m = data;
	unsigned long long size = 0;
	int r;
	if (!option_allowed(m, opt))
		return oci_fail(c, path, "\"%s\" is not supported on %s (hybox accepts there: %s)",
				opt, m->dest, m->options);
	bool is_shm = strcmp(m->dest, "/dev/shm") == 0;
	if (strncmp(opt, "size=", 5) == 0 && (r = parse_size(c, path, opt, &size)) < 0)
		return r;
	if (is_shm && size)
		c->cfg->shm_size = size;
	if (is_shm && strcmp(opt, "noexec") == 0)
		c->cfg->shm_flags |= MS_NOEXEC;
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

/* ---- bind mounts, tmpfs elsewhere, masked and read-only paths (struct hy_mount) ------- */

/* Options of a bind or tmpfs mount: flags, and for tmpfs its own options. */
static const struct {
	const char *name;
	uint64_t attr;     /* MOUNT_ATTR_* set */
	bool is_bind_only; /* bind, rbind */
} user_opts[] = {
	{ "ro", MOUNT_ATTR_RDONLY },	     { "rw", 0 },
	{ "nosuid", MOUNT_ATTR_NOSUID },     { "suid", 0 },
	{ "nodev", MOUNT_ATTR_NODEV },	     { "dev", 0 },
	{ "noexec", MOUNT_ATTR_NOEXEC },     { "exec", 0 },
	{ "noatime", MOUNT_ATTR_NOATIME },   { "strictatime", MOUNT_ATTR_STRICTATIME },
	{ "relatime", MOUNT_ATTR_RELATIME }, { "nodiratime", MOUNT_ATTR_NODIRATIME },
	{ "private", 0 },		     { "rprivate", 0 },
	{ "bind", 0, true },		     { "rbind", 0, true },
};
#define USER_OPTS "ro, rw, nosuid, suid, nodev, dev, noexec, exec, noatime, strictatime, " \
		  "relatime, nodiratime, private, rprivate"

void oci_mount_options_json(json_t *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(user_opts); i++)
		json_array_append_new(a, json_string(user_opts[i].name));
}

/* A tmpfs option key=value: size (k/m/g), mode (octal), nr_inodes, uid, gid. */
static int tmpfs_option(struct oci_ctx *c, const char *path, const char *opt, struct hy_mount *m)
{
	static const char *const keys[] = { "size=", "mode=", "nr_inodes=", "uid=", "gid=" };
	unsigned long long size;
	size_t k = 0;
	while (k < ARRAY_SIZE(keys) && strncmp(opt, keys[k], strlen(keys[k])) != 0)
		k++;
	if (k == ARRAY_SIZE(keys))
		return 1; /* not one of these */
	const char *val = opt + strlen(keys[k]);
	if (k == 0 && parse_size(c, path, opt, &size) < 0)
		return -EINVAL;
	if (k > 0 && (!*val || strspn(val, k == 1 ? "01234567" : "0123456789") != strlen(val) ||
		      strlen(val) > 10))
		return oci_fail(c, path, "expected %s%s, got \"%s\"", keys[k],
				k == 1 ? "OCTAL" : "NUMBER", opt);
	size_t used = strlen(m->data);
	int n = snprintf(m->data + used, sizeof(m->data) - used, "%s%s", used ? "," : "", opt);
	if (n < 0 || (size_t)n >= sizeof(m->data) - used)
		return oci_fail(c, path, "too many tmpfs options");
	return 0;
}

/* One option of a bind or tmpfs mount (user_opts, or tmpfs's own). */
static int user_option(struct oci_ctx *c, const char *path, const char *opt, void *data)
{
	struct hy_mount *m = data;
	size_t k = 0;
	while (k < ARRAY_SIZE(user_opts) && strcmp(user_opts[k].name, opt) != 0)
		k++;
	if (k < ARRAY_SIZE(user_opts) && (m->kind == HY_MNT_BIND || !user_opts[k].is_bind_only)) {
		m->attr |= user_opts[k].attr;
		m->is_recursive |= strcmp(opt, "rbind") == 0;
		return 0;
	}
	if (m->kind == HY_MNT_TMPFS && strcmp(opt, "tmpcopyup") == 0) {
		m->is_copyup = true;
		return 0;
	}
	int r = m->kind == HY_MNT_TMPFS ? tmpfs_option(c, path, opt, m) : 1;
	if (r <= 0)
		return r;
	return oci_fail(c, path, "\"%s\" is not supported on a %s mount (hybox accepts %s%s)", opt,
			m->kind == HY_MNT_BIND ? "bind" : "tmpfs",
			m->kind == HY_MNT_BIND ? "bind, rbind, " : "",
			USER_OPTS "; tmpfs also size=, mode=, nr_inodes=, uid=, gid=, tmpcopyup");
}

/* The next free entry, or an error when there are HY_MOUNTS_MAX already. */
static struct hy_mount *new_user_mount(struct oci_ctx *c, const char *path, enum hy_mount_kind kind,
				       const char *dest)
{
	struct hy_oci_config *cfg = c->cfg;
	if (cfg->nuser_mounts == HY_MOUNTS_MAX) {
		oci_fail(c, path, "more than %d mounts, masked and read-only paths", HY_MOUNTS_MAX);
		return NULL;
	}
	if (!cfg->user_mounts)
		cfg->user_mounts = xcalloc(HY_MOUNTS_MAX, sizeof(*cfg->user_mounts));
	struct hy_mount *m = &cfg->user_mounts[cfg->nuser_mounts++];
	*m = (struct hy_mount){ .kind = kind, .dest = dest };
	strscpy(m->name, path, sizeof(m->name));
	return m;
}

static int parse_user_mount(struct oci_ctx *c, const char *path, json_t *v, enum hy_mount_kind kind,
			    const char *dest)
{
	char spath[HY_JSON_PATH_MAX], opath[HY_JSON_PATH_MAX];
	int r;
	if (strcmp(dest, "/") == 0)
		return oci_fail(c, path, "a mount on \"/\" is not supported (root.path is the root)");
	struct hy_mount *m = new_user_mount(c, path, kind, dest);
	if (!m)
		return -EINVAL;
	hy_json_path_key(spath, sizeof(spath), path, "source");
	hy_json_path_key(opath, sizeof(opath), path, "options");
	if (kind == HY_MNT_BIND) {
		if ((r = oci_require(c, path, v, "source", "the host path to bind")) < 0 ||
		    (r = oci_want_string(c, spath, json_object_get(v, "source"), &m->source)) < 0)
			return r;
		if (!*m->source)
			return oci_fail(c, spath, "expected a path (absolute, or relative to the "
						  "bundle), got \"\"");
	}
	json_t *opts = json_object_get(v, "options");
	return opts ? oci_parse_strings(c, opath, opts, user_option, m) : 0;
}

/* linux.maskedPaths and linux.readonlyPaths: arrays of absolute paths. */
static int parse_path(struct oci_ctx *c, const char *path, json_t *v, size_t i, void *data)
{
	const enum hy_mount_kind *kind = data;
	const char *dest = NULL;
	int r;
	if ((r = oci_want_abs_path(c, path, v, &dest)) < 0)
		return r;
	if (strcmp(dest, "/") == 0)
		return oci_fail(c, path, "expected a path below \"/\", got \"/\"");
	return new_user_mount(c, path, *kind, dest) ? 0 : -EINVAL;
}

int oci_parse_masked_paths(struct oci_ctx *c, const char *path, json_t *v)
{
	enum hy_mount_kind kind = HY_MNT_MASK;
	return oci_parse_each(c, path, v, parse_path, &kind);
}

int oci_parse_readonly_paths(struct oci_ctx *c, const char *path, json_t *v)
{
	enum hy_mount_kind kind = HY_MNT_READONLY;
	return oci_parse_each(c, path, v, parse_path, &kind);
}

/* The keys of one mount: known ones typed, unknown refused. */
static int mount_keys(struct oci_ctx *c, const char *path, json_t *v)
{
	static const struct oci_field fields[] = {
		{ "destination", oci_read_string_below },
		{ "type", oci_read_string_below },
		{ "source", oci_read_string_below },
		{ "options", oci_read_array_below },
		{ "uidMappings", NULL, "no user namespaces" },
		{ "gidMappings", NULL, "no user namespaces" },
	};
	int r = oci_parse_fields(c, path, v, fields, ARRAY_SIZE(fields));
	return r < 0 ? r : oci_require(c, path, v, "destination", "an absolute path");
}

static int parse_mount(struct oci_ctx *c, const char *path, json_t *v, size_t idx, void *data)
{
	unsigned int *seen = data;
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
	size_t i = 0;
	while (i < ARRAY_SIZE(std_mounts) && strcmp(std_mounts[i].dest, dest) != 0)
		i++;
	bool is_bind = (type && strcmp(type, "bind") == 0) || has_bind_option(opts);
	/* podman's /dev/shm is a tmpfs of its own, bound in: it goes over hybox's */
	if (is_bind && i < ARRAY_SIZE(std_mounts) && strcmp(dest, "/dev/shm") != 0)
		return oci_fail(c, dpath, "a bind mount on \"%s\" is not supported (hybox mounts "
					  "it itself)", dest);
	if (is_bind)
		return parse_user_mount(c, path, v, HY_MNT_BIND, dest);
	if ((r = oci_require(c, path, v, "type", "a file system type like \"proc\"")) < 0)
		return r;
	if (!is_pseudo_type(type))
		return oci_fail(c, tpath, "\"%s\" is not supported (hybox supports " STD_MOUNTS
					  ", bind mounts and tmpfs anywhere)", type);
	if (i == ARRAY_SIZE(std_mounts) && strcmp(type, "tmpfs") == 0)
		return parse_user_mount(c, path, v, HY_MNT_TMPFS, dest);
	if (i == ARRAY_SIZE(std_mounts))
		return oci_fail(c, dpath, "%s on \"%s\" is not supported yet (hybox supports "
					  STD_MOUNTS ", bind mounts and tmpfs anywhere)", type, dest);
	const struct std_mount *m = &std_mounts[i];
	if (strcmp(type, m->types[0]) != 0 && !(m->types[1] && strcmp(type, m->types[1]) == 0))
		return oci_fail(c, tpath, "expected \"%s\" on %s, got \"%s\"", m->types[0], dest, type);
	if (*seen & (1u << i))
		return oci_fail(c, dpath, "\"%s\" is mounted twice", dest);
	if (m->extra == HY_MOUNT_CGROUP && !(c->cfg->mounts & HY_MOUNT_SYSFS))
		return oci_fail(c, dpath, "needs the sysfs mount on /sys before it");
	*seen |= 1u << i;
	c->cfg->mounts |= m->extra;
	return opts ? oci_parse_strings(c, opath, opts, std_option, (void *)m) : 0;
}

int oci_parse_mounts(struct oci_ctx *c, const char *path, json_t *v)
{
	unsigned int seen = 0;
	return oci_parse_each(c, path, v, parse_mount, &seen);
}
