/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where each value of a JSON text sits (line:column), by field path.
 * jansson reports positions only for syntax errors; the policy parser needs
 * them for every semantic error ("p.json:4:17: files[2].access: ..."), so
 * this small scanner runs over the same text after jansson accepted it and
 * records, for every value, its path, its position and (for an object
 * member) the position of its key. It also finds the first duplicate key.
 * Pure: no I/O, no global state.
 *
 * Paths: "" is the top-level value; object members are "a.b" for keys made
 * of [A-Za-z0-9_-], otherwise a["odd key"] (JSON escapes); array elements
 * "a[3]". Both sides build paths with hy_json_path_key/_index so they agree.
 * Positions: line and column from 1, columns in UTF-8 characters, as
 * jansson counts them; the position of a value is its first character.
 */
#pragma once
#include <stddef.h>

#define HY_JSON_PATH_MAX 256 /* longer paths are truncated, on both sides alike */

struct hy_json_loc {
	int line; /* 0: unknown */
	int col;
};

struct hy_json_pos;

/* Index text (len bytes). Returns 0, -EINVAL (not one JSON value, or nested
 * deeper than jansson allows) or -ENOMEM. */
int hy_json_pos_build(const char *text, size_t len, struct hy_json_pos **ret);
void hy_json_pos_free(struct hy_json_pos *ix);
static inline void hy_json_pos_freep(struct hy_json_pos **ix)
{
	if (*ix)
		hy_json_pos_free(*ix);
}

/* Position of the value at path and, for an object member, of its key
 * (ret_key->line 0 otherwise). Either out pointer may be NULL. Returns 0 or
 * -ENOENT. With duplicate keys, the first occurrence answers. */
int hy_json_pos_find(const struct hy_json_pos *ix, const char *path, struct hy_json_loc *ret_value,
		     struct hy_json_loc *ret_key);

/* The first duplicate key in text order: its member path, its key position
 * and the position of the earlier key. Returns 0 or -ENOENT (none). */
int hy_json_pos_duplicate(const struct hy_json_pos *ix, const char **ret_path,
			  struct hy_json_loc *ret_key, struct hy_json_loc *ret_first);

/* Path of member key / element i under parent, into buf (truncated to n). */
void hy_json_path_key(char *buf, size_t n, const char *parent, const char *key);
void hy_json_path_index(char *buf, size_t n, const char *parent, size_t i);
