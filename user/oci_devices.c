// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's linux.devices and linux.resources.devices (see oci_parse.h).
 * hybox's /dev is fixed (ns.c): null, zero, full, random, urandom and tty
 * bound from the host, a private devpts with ptmx, shm. There is no device
 * cgroup in cgroup v2 without a BPF program, and hybox loads none, so a list
 * is accepted only where it asks for nothing beyond that /dev: podman's and
 * containerd's leading deny-all, allows for those very devices, and mknod-only
 * allows (Docker's "c *:* m"), harmless on nodev mounts. Anything
 * that would allow another device is refused with its JSON path. Pure,
 * unprivileged.
 */
#include <string.h>

#include "oci_parse.h"
#include "util.h"

#define HYBOX_DEV                                                                                  \
	"hybox's /dev holds only char 1:3 null, 1:5 zero, 1:7 full, 1:8 random, 1:9 urandom, "    \
	"5:0 tty, 5:2 ptmx, 136:* pts (5:1 console may be allowed)"

/* The character devices a rule may allow; has_node: one hybox's /dev holds. */
static const struct std_dev {
	const char *path;
	int64_t major, minor; /* minor -1: any (the pts) */
	bool has_node;	      /* a linux.devices entry may name it */
} std_devs[] = {
	{ "/dev/null", 1, 3, true },	{ "/dev/zero", 1, 5, true },  { "/dev/full", 1, 7, true },
	{ "/dev/random", 1, 8, true },	{ "/dev/urandom", 1, 9, true }, { "/dev/tty", 5, 0, true },
	{ "/dev/console", 5, 1, false }, { "/dev/ptmx", 5, 2, false }, { "/dev/pts/*", 136, -1, false },
};

static const struct std_dev *find_dev(int64_t major, int64_t minor)
{
	for (size_t i = 0; i < ARRAY_SIZE(std_devs); i++)
		if (std_devs[i].major == major && std_devs[i].minor == minor)
			return &std_devs[i];
	return NULL;
}

/* One member of a rule or a device: known keys typed, unknown refused. */
struct dev_key {
	const char *name;
	json_type type; /* JSON_TRUE: a boolean */
	const json_t **ret;
};

struct dev_keys {
	const struct dev_key *keys;
	size_t n;
	const char *expected; /* the names, for "unknown property" */
};

static int read_key(struct oci_ctx *c, const char *path, const char *key, json_t *v, void *data)
{
	const struct dev_keys *k = data;
	size_t i = 0;
	while (i < k->n && strcmp(k->keys[i].name, key) != 0)
		i++;
	if (i == k->n)
		return oci_fail(c, path, "unknown property (expected %s)", k->expected);
	if (k->keys[i].type == JSON_TRUE && !json_is_boolean(v))
		return oci_fail(c, path, "expected true or false, got %s", OCI_GOT(v));
	*k->keys[i].ret = v;
	return k->keys[i].type == JSON_TRUE ? 0 : oci_want_type(c, path, v, k->keys[i].type);
}

static int read_keys(struct oci_ctx *c, const char *path, json_t *v, const struct dev_key *keys,
		     size_t n, const char *expected)
{
	struct dev_keys k = { keys, n, expected };
	return oci_parse_members(c, path, v, read_key, &k);
}

/* major or minor: absent or -1 mean any (-1 returned). */
static int want_dev_num(struct oci_ctx *c, const char *path, const char *key, const json_t *v,
			int64_t *ret)
{
	char sub[HY_JSON_PATH_MAX];
	*ret = v ? json_integer_value(v) : -1;
	hy_json_path_key(sub, sizeof(sub), path, key);
	if (*ret < -1 || *ret > UINT32_MAX)
		return oci_fail(c, sub, "expected -1 (any) or a device number, got %s", OCI_GOT(v));
	return 0;
}

/* ---- linux.resources.devices --------------------------------------------------------- */

struct dev_rule {
	bool allow;
	const char *type, *access; /* type "a" when absent; access "rwm" when absent */
	int64_t major, minor;	   /* -1: any */
};

static int read_rule(struct oci_ctx *c, const char *path, json_t *v, struct dev_rule *rule)
{
	const json_t *allow = NULL, *type = NULL, *major = NULL, *minor = NULL, *access = NULL;
	const struct dev_key keys[] = {
		{ "allow", JSON_TRUE, &allow },	     { "type", JSON_STRING, &type },
		{ "major", JSON_INTEGER, &major },   { "minor", JSON_INTEGER, &minor },
		{ "access", JSON_STRING, &access },
	};
	int r = read_keys(c, path, v, keys, ARRAY_SIZE(keys), "allow, type, major, minor, access");
	if (r == 0)
		r = oci_require(c, path, v, "allow", "true or false");
	if (r == 0)
		r = want_dev_num(c, path, "major", major, &rule->major);
	if (r == 0)
		r = want_dev_num(c, path, "minor", minor, &rule->minor);
	if (r < 0)
		return r;
	rule->allow = json_is_true(allow);
	rule->type = type ? json_string_value(type) : "a";
	rule->access = access ? json_string_value(access) : "rwm";
	if (!*rule->access || strspn(rule->access, "rwm") != strlen(rule->access)) {
		char sub[HY_JSON_PATH_MAX];
		hy_json_path_key(sub, sizeof(sub), path, "access");
		return oci_fail(c, sub, "expected r, w and m (any of them), got %s", OCI_GOT(access));
	}
	return 0;
}

static bool is_deny_all(const struct dev_rule *rule)
{
	return !rule->allow && strcmp(rule->type, "a") == 0 && rule->major == -1 &&
	       rule->minor == -1 && strchr(rule->access, 'r') && strchr(rule->access, 'w') &&
	       strchr(rule->access, 'm');
}

/* First a deny-all, then allows for hybox's own devices only. */
static int check_rule(struct oci_ctx *c, const char *path, size_t i, const struct dev_rule *rule)
{
	if (i == 0 && !is_deny_all(rule))
		return oci_fail(c, path, "expected a deny-all first ({\"allow\": false, \"access\": "
					 "\"rwm\"}): without it every device is allowed, and %s",
				HYBOX_DEV);
	if (i == 0)
		return 0;
	if (!rule->allow)
		return oci_fail(c, path, "a deny rule after the first is not supported (hybox "
					 "cannot take devices away: %s)", HYBOX_DEV);
	/* Docker's and containerd's "c *:* m", "b *:* m": mknod only. Every mount
	 * of the container but /dev's fixed nodes is nodev, so a node made under
	 * it cannot be opened: the rule gives nothing beyond hybox's /dev. */
	if (strcmp(rule->access, "m") == 0)
		return 0;
	if (strcmp(rule->type, "c") != 0)
		return oci_fail(c, path, "allows %s devices, which is not supported (%s)",
				strcmp(rule->type, "b") == 0 ? "block" : "all", HYBOX_DEV);
	if (rule->major == -1 || !find_dev(rule->major, rule->minor))
		return oci_fail(c, path, "allows char %lld:%lld%s, which is not supported (%s)",
				(long long)rule->major, (long long)rule->minor,
				rule->major == -1 || rule->minor == -1 ? " (-1: any)" : "", HYBOX_DEV);
	return 0;
}

static int parse_rule(struct oci_ctx *c, const char *path, json_t *v, size_t i, void *data)
{
	struct dev_rule rule;
	int r = read_rule(c, path, v, &rule);
	return r < 0 ? r : check_rule(c, path, i, &rule);
}

int oci_parse_device_rules(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_each(c, path, v, parse_rule, NULL);
}

/* ---- linux.devices -------------------------------------------------------------------- */

/* A node hybox's /dev already holds, as it is there: the host's, bound (mode
 * 0666, owned by root). */
static int check_device(struct oci_ctx *c, const char *path, const json_t *const *f,
			int64_t major, int64_t minor)
{
	const struct std_dev *d = find_dev(major, minor);
	const char *p = json_string_value(f[0]);
	if (strcmp(json_string_value(f[1]), "c") != 0 || !d || !d->has_node ||
	    strcmp(d->path, p) != 0)
		return oci_fail(c, path, "%s (%s %lld:%lld) is not supported (hybox's /dev is fixed: "
					 "null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9, "
					 "tty 5:0, each a char device at its usual path)",
				p, json_string_value(f[1]), (long long)major, (long long)minor);
	if ((f[4] && json_integer_value(f[4]) != 0666) || (f[5] && json_integer_value(f[5])) ||
	    (f[6] && json_integer_value(f[6])))
		return oci_fail(c, path, "%s: expected fileMode 438 (0666), uid 0 and gid 0 or none "
					 "(hybox binds the host's node as it is)", p);
	return 0;
}

static int parse_device(struct oci_ctx *c, const char *path, json_t *v, size_t i, void *data)
{
	const json_t *f[7] = { NULL };
	const struct dev_key keys[] = {
		{ "path", JSON_STRING, &f[0] },	   { "type", JSON_STRING, &f[1] },
		{ "major", JSON_INTEGER, &f[2] },  { "minor", JSON_INTEGER, &f[3] },
		{ "fileMode", JSON_INTEGER, &f[4] }, { "uid", JSON_INTEGER, &f[5] },
		{ "gid", JSON_INTEGER, &f[6] },
	};
	int64_t major, minor;
	int r = read_keys(c, path, v, keys, ARRAY_SIZE(keys),
			  "path, type, major, minor, fileMode, uid, gid");
	if (r == 0)
		r = oci_require(c, path, v, "path", "the device's path, like \"/dev/null\"");
	if (r == 0)
		r = oci_require(c, path, v, "type", "\"c\"");
	if (r == 0)
		r = want_dev_num(c, path, "major", f[2], &major);
	if (r == 0)
		r = want_dev_num(c, path, "minor", f[3], &minor);
	return r < 0 ? r : check_device(c, path, f, major, minor);
}

int oci_parse_devices(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_each(c, path, v, parse_device, NULL);
}
