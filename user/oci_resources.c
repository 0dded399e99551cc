// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's linux.resources.blockIO, hugepageLimits, rdma, network and
 * unified (see oci_parse.h): checked here and kept as files of the
 * container's cgroup leaf (struct hy_cg_writes), which res_limits.c writes as
 * runc writes them on cgroup v2, or, for cgroup v1's members that cgroup v2
 * has no file for, as warnings. Pure, unprivileged: whether the host has the
 * controller, the page size or the device is for the kernel to say at create.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "oci_parse.h"
#include "res_limits.h"
#include "util.h"

#define DEV_MAJOR_MAX 4095    /* the kernel's dev_t: 12 bits of major, */
#define DEV_MINOR_MAX 1048575 /* 20 of minor */

/* Refuse a member of the object v that is not one of keys (NULL-terminated). */
static int want_keys(struct oci_ctx *c, const char *path, json_t *v, const char *const *keys,
		     const char *expected)
{
	char at[HY_JSON_PATH_MAX];
	const char *key;
	json_t *el;
	int r = oci_want_type(c, path, v, JSON_OBJECT);

	if (r < 0)
		return r;
	json_object_foreach (v, key, el) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], key) != 0)
			i++;
		hy_json_path_key(at, sizeof(at), path, key);
		if (!keys[i])
			return oci_fail(c, at, "unknown property (expected %s)", expected);
	}
	return 0;
}

/* The member key of obj as an integer from 0 to max, which must be there. */
static int want_member_uint(struct oci_ctx *c, const char *path, json_t *obj, const char *key,
			    uint64_t max, uint64_t *ret)
{
	char at[HY_JSON_PATH_MAX];
	int r = oci_require(c, path, obj, key, "an integer");

	hy_json_path_key(at, sizeof(at), path, key);
	return r < 0 ? r : oci_want_uint(c, at, json_object_get(obj, key), max, ret);
}

int oci_add_write(struct oci_ctx *c, const char *path, struct hy_cg_writes *w, const char *file,
		  const char *value, enum hy_cgw_absent absent, const char *why)
{
	if (hy_cg_writes_add(w, file, value, path, absent, why) < 0)
		return oci_fail(c, path, "expected at most %d cgroup files from linux.resources",
				HY_CG_WRITES_MAX);
	return 0;
}

int oci_ignore_v1(struct oci_ctx *c, const char *path, const char *v1_file, const char *why)
{
	return oci_add_write(c, path, &c->cfg->cg_writes, v1_file, "", HY_CGW_V1_ONLY, why);
}

/* ---- hugepageLimits ------------------------------------------------------------------ */

/* {"pageSize": "2MB", "limit": N}: hugetlb.2MB.max, and hugetlb.2MB.rsvd.max
 * where the kernel has it (Linux 5.7), as runc sets both. */
static int parse_hugepage_limit(struct oci_ctx *c, const char *path, json_t *v, size_t i,
				void *data)
{
	static const char *const keys[] = { "pageSize", "limit", NULL };
	char sp[HY_JSON_PATH_MAX], file[64], value[32];
	const char *size = NULL, *why;
	uint64_t limit;
	int r = want_keys(c, path, v, keys, "pageSize and limit");

	(void)i, (void)data;
	hy_json_path_key(sp, sizeof(sp), path, "pageSize");
	if (r == 0)
		r = oci_require(c, path, v, "pageSize", "a huge page size like \"2MB\"");
	if (r == 0)
		r = oci_want_string(c, sp, json_object_get(v, "pageSize"), &size);
	if (r == 0 && (why = hy_limits_pagesize_problem(size)))
		return oci_fail(c, sp, "expected a huge page size as the kernel names it, like "
				       "\"2MB\" or \"1GB\", got %s: %s",
				OCI_GOT(json_object_get(v, "pageSize")), why);
	if (r == 0)
		r = want_member_uint(c, path, v, "limit", INT64_MAX, &limit);
	if (r < 0)
		return r;
	snprintf(file, sizeof(file), "hugetlb.%s.max", size);
	if (hy_cg_writes_find(&c->cfg->cg_writes, file))
		return oci_fail(c, sp, "expected each page size once, got \"%s\" again", size);
	snprintf(value, sizeof(value), "%" PRIu64, limit);
	r = oci_add_write(c, path, &c->cfg->cg_writes, file, value, HY_CGW_ERROR,
		      "this host has no huge pages of that size (see /sys/kernel/mm/hugepages)");
	snprintf(file, sizeof(file), "hugetlb.%s.rsvd.max", size);
	return r < 0 ? r
		     : oci_add_write(c, path, &c->cfg->cg_writes, file, value, HY_CGW_SKIP, NULL);
}

int oci_parse_hugepage_limits(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_each(c, path, v, parse_hugepage_limit, NULL);
}

/* ---- blockIO ------------------------------------------------------------------------- */

/* weight: 0 unset, 10 to 1000 (cgroup v1's blkio.weight scale). */
static int want_weight(struct oci_ctx *c, const char *path, const json_t *v, uint64_t *ret)
{
	int r = oci_want_uint(c, path, v, HY_BLKIO_WEIGHT_MAX, ret);
	if (r == 0 && *ret && *ret < HY_BLKIO_WEIGHT_MIN)
		return oci_fail(c, path, "expected 0 (unset) or %d to %d, got %s",
				HY_BLKIO_WEIGHT_MIN, HY_BLKIO_WEIGHT_MAX, OCI_GOT(v));
	return r;
}

static int parse_blkio_weight(struct oci_ctx *c, const char *path, json_t *v)
{
	return want_weight(c, path, v, &c->cfg->blkio_weight);
}

/* cgroup v1's blkio.leaf_weight has nothing to map to on v2 (runc drops it
 * there); hybox does not pretend to apply it. */
static int refuse_leaf_weight(struct oci_ctx *c, const char *path, json_t *v)
{
	if (json_is_null(v) || (json_is_integer(v) && json_integer_value(v) == 0))
		return 0;
	return oci_fail(c, path, "not supported: cgroup v2 has no leaf weight (leave it out)");
}

static int want_dev(struct oci_ctx *c, const char *path, json_t *v, uint64_t *major,
		    uint64_t *minor)
{
	int r = want_member_uint(c, path, v, "major", DEV_MAJOR_MAX, major);
	return r < 0 ? r : want_member_uint(c, path, v, "minor", DEV_MINOR_MAX, minor);
}

/* {"major", "minor", "weight"}: "MAJ:MIN W" in io.bfq.weight, where BFQ is
 * the device's scheduler (cgroup v2's io.weight has no per-device form that
 * takes v1's scale; runc writes these to BFQ alone). */
static int parse_weight_device(struct oci_ctx *c, const char *path, json_t *v, size_t i,
			       void *data)
{
	static const char *const keys[] = { "major", "minor", "weight", "leafWeight", NULL };
	char at[HY_JSON_PATH_MAX], line[64];
	uint64_t major, minor, weight;
	int r = want_keys(c, path, v, keys, "major, minor and weight");

	(void)i, (void)data;
	if (r == 0)
		r = want_dev(c, path, v, &major, &minor);
	hy_json_path_key(at, sizeof(at), path, "leafWeight");
	if (r == 0 && json_object_get(v, "leafWeight"))
		r = refuse_leaf_weight(c, at, json_object_get(v, "leafWeight"));
	hy_json_path_key(at, sizeof(at), path, "weight");
	if (r == 0)
		r = oci_require(c, path, v, "weight", "a weight from 10 to 1000");
	if (r == 0)
		r = want_weight(c, at, json_object_get(v, "weight"), &weight);
	if (r < 0 || weight == 0)
		return r;
	snprintf(line, sizeof(line), "%" PRIu64 ":%" PRIu64 " %" PRIu64, major, minor, weight);
	return oci_add_write(c, path, &c->cfg->cg_writes, "io.bfq.weight", line, HY_CGW_WARN,
			 "per-device weights are BFQ's (io.bfq.weight), and the BFQ I/O "
			 "scheduler is not loaded");
}

/* {"major", "minor", "rate"}: one io.max line; data is its key (rbps ...). */
static int parse_throttle(struct oci_ctx *c, const char *path, json_t *v, size_t i, void *data)
{
	static const char *const keys[] = { "major", "minor", "rate", NULL };
	char line[96];
	uint64_t major, minor, rate;
	int r = want_keys(c, path, v, keys, "major, minor and rate");

	(void)i;
	if (r == 0)
		r = want_dev(c, path, v, &major, &minor);
	if (r == 0)
		r = want_member_uint(c, path, v, "rate", INT64_MAX, &rate);
	if (r < 0)
		return r;
	hy_limits_io_max_line((uint32_t)major, (uint32_t)minor, data, rate, line, sizeof(line));
	return oci_add_write(c, path, &c->cfg->cg_writes, "io.max", line, HY_CGW_ERROR, NULL);
}

#define THROTTLE(name, key)                                                                    \
	static int parse_##name(struct oci_ctx *c, const char *path, json_t *v)                 \
	{                                                                                       \
		return oci_parse_each(c, path, v, parse_throttle, (void *)key);                 \
	}
THROTTLE(rbps, "rbps")
THROTTLE(wbps, "wbps")
THROTTLE(riops, "riops")
THROTTLE(wiops, "wiops")

static int parse_weight_devices(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_each(c, path, v, parse_weight_device, NULL);
}

static const struct oci_field blkio_fields[] = {
	{ "weight", parse_blkio_weight },
	{ "leafWeight", refuse_leaf_weight },
	{ "weightDevice", parse_weight_devices },
	{ "throttleReadBpsDevice", parse_rbps },
	{ "throttleWriteBpsDevice", parse_wbps },
	{ "throttleReadIOPSDevice", parse_riops },
	{ "throttleWriteIOPSDevice", parse_wiops },
};

int oci_parse_block_io(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_fields(c, path, v, blkio_fields, ARRAY_SIZE(blkio_fields));
}

/* ---- rdma ---------------------------------------------------------------------------- */

#define RDMA_NAME_MAX 63 /* the kernel's IB_DEVICE_NAME_MAX, less its NUL */

/* "mlx5_0": {"hcaHandles": N, "hcaObjects": M}: the line "mlx5_0 hca_handle=N
 * hca_object=M" in rdma.max, as runc writes it; neither limit: nothing. */
static int parse_rdma_device(struct oci_ctx *c, const char *path, const char *key, json_t *v,
			     void *data)
{
	static const char *const keys[] = { "hcaHandles", "hcaObjects", NULL };
	static const char *const names[] = { "hca_handle", "hca_object" };
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	char at[HY_JSON_PATH_MAX], line[128];
	size_t n = strlen(key);
	int r = want_keys(c, path, v, keys, "hcaHandles and hcaObjects");

	(void)data;
	if (r == 0 && (n == 0 || n > RDMA_NAME_MAX || key[strspn(key, ok)]))
		return oci_fail(c, path, "expected an RDMA device name like \"mlx5_0\" (1 to %d "
					 "letters, digits, \".\", \"_\" and \"-\")", RDMA_NAME_MAX);
	snprintf(line, sizeof(line), "%s", key);
	for (size_t i = 0; r == 0 && keys[i]; i++) {
		json_t *el = json_object_get(v, keys[i]);
		uint64_t limit;

		hy_json_path_key(at, sizeof(at), path, keys[i]);
		if (!el || json_is_null(el))
			continue;
		if ((r = oci_want_uint(c, at, el, UINT32_MAX, &limit)) < 0)
			break;
		n = strlen(line);
		snprintf(line + n, sizeof(line) - n, " %s=%" PRIu64, names[i], limit);
	}
	if (r < 0 || strlen(line) == strlen(key))
		return r;
	return oci_add_write(c, path, &c->cfg->cg_writes, "rdma.max", line, HY_CGW_ERROR, NULL);
}

int oci_parse_rdma(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_members(c, path, v, parse_rdma_device, NULL);
}

/* ---- network ------------------------------------------------------------------------- */

/* classID (net_cls) and priorities (net_prio): cgroup v1 controllers only. */
static int parse_net_class_id(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t id;
	int r = json_is_null(v) ? 0 : oci_want_uint(c, path, v, UINT32_MAX, &id);

	if (r < 0 || json_is_null(v) || id == 0)
		return r;
	return oci_ignore_v1(c, path, "net_cls.classid",
			     OCI_V1_ONLY("no net_cls controller", "net_cls.classid"));
}

static int parse_net_priority(struct oci_ctx *c, const char *path, json_t *v, size_t i,
			      void *data)
{
	static const char *const keys[] = { "name", "priority", NULL };
	char at[HY_JSON_PATH_MAX];
	const char *name;
	uint64_t prio;
	int r = want_keys(c, path, v, keys, "name and priority");

	(void)i, (void)data;
	hy_json_path_key(at, sizeof(at), path, "name");
	if (r == 0)
		r = oci_require(c, path, v, "name", "a network interface name");
	if (r == 0)
		r = oci_want_string(c, at, json_object_get(v, "name"), &name);
	return r < 0 ? r : want_member_uint(c, path, v, "priority", UINT32_MAX, &prio);
}

static int parse_net_priorities(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_each(c, path, v, parse_net_priority, NULL);

	if (r < 0 || json_array_size(v) == 0)
		return r;
	return oci_ignore_v1(c, path, "net_prio.ifpriomap",
			     OCI_V1_ONLY("no net_prio controller", "net_prio.ifpriomap"));
}

static const struct oci_field network_fields[] = {
	{ "classID", parse_net_class_id },
	{ "priorities", parse_net_priorities },
};

int oci_parse_network(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_fields(c, path, v, network_fields, ARRAY_SIZE(network_fields));
}

/* ---- unified ------------------------------------------------------------------------- */

#define UNIFIED_VALUE_MAX 4096

static int parse_unified_entry(struct oci_ctx *c, const char *path, const char *key, json_t *v,
			       void *data)
{
	const char *s = NULL, *why;
	int r;

	(void)data;
	if ((why = hy_limits_unified_problem(key)))
		return oci_fail(c, path, "expected a cgroup v2 file name like \"memory.high\", got "
					 "%s", why);
	if ((r = oci_want_string(c, path, v, &s)) < 0)
		return r;
	if (!*s || strlen(s) != json_string_length(v) || strchr(s, '\n') ||
	    strlen(s) > UNIFIED_VALUE_MAX)
		return oci_fail(c, path, "expected a value of one line (1 to %d bytes, no newline "
					 "or NUL), got %s", UNIFIED_VALUE_MAX, OCI_GOT(v));
	return oci_add_write(c, path, &c->cfg->unified, key, s, HY_CGW_ERROR,
			 "the controller has no such file on this kernel");
}

int oci_parse_unified(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_members(c, path, v, parse_unified_entry, NULL);
}
