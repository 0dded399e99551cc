// SPDX-License-Identifier: GPL-2.0-only
/*
 * The config.json parser's messages and typed readers (see oci_parse.h):
 * every refusal names the JSON path and the line:column of the value, from
 * json_pos's index of the same text. Pure, unprivileged.
 */
#include "oci_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* ---- messages and typed readers --------------------------------------------------- */

int oci_fail_at(struct oci_ctx *c, const char *at, const char *field, const char *fmt, ...)
{
	struct hy_json_loc v = { 0, 0 };
	const char *f = field[0] ? field : "(document)";
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!c->pos)
		return hy_err_set(c->err, -EINVAL, "%s: %s: %s", c->name, f, what);
	hy_json_pos_find(c->pos, at, &v, NULL);
	if (!v.line)
		v = (struct hy_json_loc){ 1, 1 };
	return hy_err_set(c->err, -EINVAL, "%s:%d:%d: %s: %s", c->name, v.line, v.col, f, what);
}

bool oci_is_empty(const json_t *v)
{
	return json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0);
}

int oci_read_below(struct oci_ctx *c, const char *path, json_t *v)
{
	(void)c, (void)path, (void)v;
	return 0;
}

int oci_read_string_below(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_want_type(c, path, v, JSON_STRING);
}

int oci_read_array_below(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_want_type(c, path, v, JSON_ARRAY);
}

struct field_table {
	const struct oci_field *fields;
	size_t n;
};

static int parse_field(struct oci_ctx *c, const char *path, const char *key, json_t *v,
		       void *data)
{
	const struct field_table *t = data;
	size_t i = 0;
	while (i < t->n && strcmp(t->fields[i].name, key) != 0)
		i++;
	if (i == t->n)
		return oci_fail(c, path, "unknown property (hybox refuses what it does not "
					 "know rather than ignore it)");
	const struct oci_field *f = &t->fields[i];
	if (f->parse)
		return f->parse(c, path, v);
	if (oci_is_empty(v))
		return 0;
	return oci_fail(c, path, "not supported yet%s%s%s", f->why ? " (" : "", f->why ? f->why : "",
			f->why ? ")" : "");
}

int oci_parse_fields(struct oci_ctx *c, const char *path, json_t *obj,
		     const struct oci_field *fields, size_t n)
{
	struct field_table t = { fields, n };
	return oci_parse_members(c, path, obj, parse_field, &t);
}

int oci_parse_each(struct oci_ctx *c, const char *path, json_t *v,
		   int (*fn)(struct oci_ctx *c, const char *path, json_t *el, size_t i, void *data),
		   void *data)
{
	size_t i;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_ARRAY)) < 0)
		return r;
	json_array_foreach (v, i, el) {
		char sub[HY_JSON_PATH_MAX];
		hy_json_path_index(sub, sizeof(sub), path, i);
		if ((r = fn(c, sub, el, i, data)) < 0)
			return r;
	}
	return 0;
}

struct strings_fn {
	int (*fn)(struct oci_ctx *c, const char *path, const char *s, void *data);
	void *data;
};

static int each_string(struct oci_ctx *c, const char *path, json_t *el, size_t i, void *data)
{
	const struct strings_fn *f = data;
	const char *s = NULL;
	int r = oci_want_string(c, path, el, &s);
	(void)i;
	return r < 0 ? r : f->fn(c, path, s, f->data);
}

int oci_parse_strings(struct oci_ctx *c, const char *path, json_t *v,
		      int (*fn)(struct oci_ctx *c, const char *path, const char *s, void *data),
		      void *data)
{
	struct strings_fn f = { fn, data };
	return oci_parse_each(c, path, v, each_string, &f);
}

int oci_parse_members(struct oci_ctx *c, const char *path, json_t *v,
		      int (*fn)(struct oci_ctx *c, const char *path, const char *key, json_t *el,
				void *data),
		      void *data)
{
	const char *key;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	json_object_foreach (v, key, el) {
		char sub[HY_JSON_PATH_MAX];
		hy_json_path_key(sub, sizeof(sub), path, key);
		if ((r = fn(c, sub, key, el, data)) < 0)
			return r;
	}
	return 0;
}

int oci_require(struct oci_ctx *c, const char *path, json_t *obj, const char *key,
		const char *expected)
{
	char sub[HY_JSON_PATH_MAX];
	if (json_object_get(obj, key))
		return 0;
	hy_json_path_key(sub, sizeof(sub), path, key);
	return oci_fail_at(c, path, sub, "expected %s, got nothing (missing field)", expected);
}

int oci_want_type(struct oci_ctx *c, const char *path, const json_t *v, json_type type)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
		[JSON_INTEGER] = "an integer", [JSON_REAL] = "a number", [JSON_TRUE] = "true",
		[JSON_FALSE] = "false", [JSON_NULL] = "null",
	};
	if (json_typeof(v) == type)
		return 0;
	return oci_fail(c, path, "expected %s, got %s", names[type], OCI_GOT(v));
}

int oci_want_string(struct oci_ctx *c, const char *path, const json_t *v, const char **ret)
{
	int r = oci_want_type(c, path, v, JSON_STRING);
	if (r == 0)
		*ret = json_string_value(v);
	return r;
}

int oci_want_bool(struct oci_ctx *c, const char *path, const json_t *v, bool *ret)
{
	if (!json_is_boolean(v))
		return oci_fail(c, path, "expected true or false, got %s", OCI_GOT(v));
	*ret = json_is_true(v);
	return 0;
}

int oci_want_uint(struct oci_ctx *c, const char *path, const json_t *v, uint64_t max,
		  uint64_t *ret)
{
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
	if (i < 0 || (uint64_t)i > max)
		return oci_fail(c, path, "expected an integer from 0 to %llu, got %s",
				(unsigned long long)max, OCI_GOT(v));
	*ret = (uint64_t)i;
	return 0;
}

int oci_want_abs_path(struct oci_ctx *c, const char *path, const json_t *v, const char **ret)
{
	const char *s = NULL;
	int r = oci_want_string(c, path, v, &s);
	if (r < 0)
		return r;
	bool bad = s[0] != '/' || strstr(s, "//") || strstr(s, "/./") || strstr(s, "/../");
	size_t n = strlen(s);
	bad = bad || (n > 1 && s[n - 1] == '/') || (n >= 2 && strcmp(s + n - 2, "/.") == 0) ||
	      (n >= 3 && strcmp(s + n - 3, "/..") == 0);
	if (bad)
		return oci_fail(c, path, "expected an absolute path without \"//\", \".\", \"..\" "
					 "or a trailing \"/\", got %s", OCI_GOT(v));
	*ret = s;
	return 0;
}
