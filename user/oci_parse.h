/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the config.json parser (oci_config.c: the document, process,
 * root and annotations; oci_linux.c: linux.*; oci_userns.c: its id maps; oci_mounts.c: mounts; oci_parse.c: these
 * helpers): the parse context, field tables and the typed readers that turn a wrong value into a message
 * naming its JSON path and position. Pure, unprivileged.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "json_describe.h"
#include "json_pos.h"
#include "oci_config.h"

struct oci_ctx {
	const char *name; /* the file, in messages */
	const struct hy_json_pos *pos; /* NULL: a document built in memory, not text */
	struct hy_err *err;
	struct hy_oci_config *cfg;
};

/* "NAME:LINE:COL: FIELD: WHAT", placed at the value at path at (1:1 if unknown);
 * "NAME: FIELD: WHAT" for a document built in memory (no pos). */
int oci_fail_at(struct oci_ctx *c, const char *at, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define oci_fail(c, path, ...) oci_fail_at(c, path, path, __VA_ARGS__)

/* "an object", "true", "\"text\"", "42" ... for "got ..." (buf of n bytes). */
#define OCI_GOT(v) HY_JSON_GOT(v)

/* null, "", [] or {}: asks for nothing. */
bool oci_is_empty(const json_t *v);

/* One member of an object: a parser, or NULL for a field hybox knows but does
 * not implement yet (accepted only when empty: null, "", [] or {}). */
struct oci_field {
	const char *name;
	int (*parse)(struct oci_ctx *c, const char *path, json_t *v);
	const char *why; /* unsupported: what to say after "not supported yet" */
};

/* A field's parser for a known member that the caller reads after oci_parse_fields. */
int oci_read_below(struct oci_ctx *c, const char *path, json_t *v);
/* oci_read_below after checking the member's JSON type. */
int oci_read_string_below(struct oci_ctx *c, const char *path, json_t *v);
int oci_read_array_below(struct oci_ctx *c, const char *path, json_t *v);
/* Dispatch each member of obj (which must be an object) to its field. */
int oci_parse_fields(struct oci_ctx *c, const char *path, json_t *obj,
		     const struct oci_field *fields, size_t n);
/* Fail with "missing field" at the parent object unless obj has key. */
int oci_require(struct oci_ctx *c, const char *path, json_t *obj, const char *key,
		const char *expected);

int oci_want_string(struct oci_ctx *c, const char *path, const json_t *v, const char **ret);
int oci_want_bool(struct oci_ctx *c, const char *path, const json_t *v, bool *ret);
int oci_want_uint(struct oci_ctx *c, const char *path, const json_t *v, uint64_t max,
		  uint64_t *ret);
int oci_want_type(struct oci_ctx *c, const char *path, const json_t *v, json_type type);
/* An absolute, normalized path (no "//", ".", ".." or trailing "/"). */
int oci_want_abs_path(struct oci_ctx *c, const char *path, const json_t *v, const char **ret);

/* Each element of the array v, with its path, index and data, to fn; stops at the first error. */
int oci_parse_each(struct oci_ctx *c, const char *path, json_t *v,
		   int (*fn)(struct oci_ctx *c, const char *path, json_t *el, size_t i, void *data),
		   void *data);
/* oci_parse_each for an array of strings: fn gets each string and its path. */
int oci_parse_strings(struct oci_ctx *c, const char *path, json_t *v,
		      int (*fn)(struct oci_ctx *c, const char *path, const char *s, void *data),
		      void *data);
/* Each member of the object v, with its path, key and data, to fn; stops at the first error. */
int oci_parse_members(struct oci_ctx *c, const char *path, json_t *v,
		      int (*fn)(struct oci_ctx *c, const char *path, const char *key, json_t *el,
				void *data),
		      void *data);

/* linux (oci_linux.c). */
int oci_parse_linux(struct oci_ctx *c, const char *path, json_t *v);
/* linux.resources, also alone (`hybox update`'s object) (oci_linux.c). */
int oci_parse_resources(struct oci_ctx *c, const char *path, json_t *v);
/* linux.uidMappings, linux.gidMappings; then the user namespace as a whole,
 * once the document is read (oci_userns.c). */
int oci_parse_uid_mappings(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_gid_mappings(struct oci_ctx *c, const char *path, json_t *v);
int oci_check_userns(struct oci_ctx *c, const char *path);
/* mounts, linux.maskedPaths and linux.readonlyPaths (oci_mounts.c). */
int oci_parse_mounts(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_masked_paths(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_readonly_paths(struct oci_ctx *c, const char *path, json_t *v);
/* linux.seccomp, compiled into cfg->profile (oci_seccomp.c). */
int oci_parse_seccomp(struct oci_ctx *c, const char *path, json_t *v);
/* For `hybox features --oci` (oci_features.c), from the tables the parser checks
 * against, so the document cannot drift: each appends names to the array a. */
void oci_namespaces_json(json_t *a); /* the namespace types linux.namespaces accepts */
void oci_mount_options_json(json_t *a); /* the options a bind mount accepts */
void oci_caps_json(json_t *a);	     /* the capabilities process.capabilities accepts */
/* Sets "actions", "operators" and "archs" of the seccomp object o (oci_seccomp.c). */
void oci_seccomp_json(json_t *o);

/* linux.devices and linux.resources.devices (oci_devices.c). */
int oci_parse_devices(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_device_rules(struct oci_ctx *c, const char *path, json_t *v);
/* linux.resources.blockIO, hugepageLimits, rdma, network and unified as files of the
 * leaf (oci_resources.c). */
int oci_parse_block_io(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_hugepage_limits(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_rdma(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_network(struct oci_ctx *c, const char *path, json_t *v);
int oci_parse_unified(struct oci_ctx *c, const char *path, json_t *v);
/* Append one file to write to w (hy_cg_writes_add), or fail at path when the list is full. */
int oci_add_write(struct oci_ctx *c, const char *path, struct hy_cg_writes *w, const char *file,
		  const char *value, enum hy_cgw_absent absent, const char *why);
/* The member at path, a cgroup v1 file's (v1_file) that cgroup v2 has no file for:
 * kept as a warning at create and update (HY_CGW_V1_ONLY); why is static text,
 * best written with OCI_V1_ONLY. */
int oci_ignore_v1(struct oci_ctx *c, const char *path, const char *v1_file, const char *why);
#define OCI_V1_ONLY(what, v1_file) \
	"cgroup v2 has " what " (cgroup v1's " v1_file "); runc ignores it there too"

