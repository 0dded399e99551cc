// SPDX-License-Identifier: GPL-2.0-only
/* A `hybox exec` request -> struct hy_exec_req (see exec_req.h). */
#include "exec_req.h"

#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "caps.h"
#include "util.h"

/* Append s and its NUL to the blob. */
static int put(struct hy_exec_req *req, const char *s, struct hy_err *err)
{
	size_t n = strlen(s) + 1;
	if (req->blob_len + n > sizeof(req->blob))
		return hy_err_set(err, -E2BIG, "the arguments and environment exceed %d bytes",
				  HY_EXEC_BLOB_MAX);
	memcpy(req->blob + req->blob_len, s, n);
	req->blob_len += (unsigned int)n;
	return 0;
}

/* An array of strings (NAME=VALUE each when is_env); NULL v: none. */
static int want_strings(json_t *v, const char *key, bool is_env, struct hy_err *err)
{
	size_t i;
	json_t *el;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return hy_err_set(err, -EINVAL, "\"%s\": expected an array of strings", key);
	json_array_foreach (v, i, el) {
		const char *s = json_string_value(el);
		if (!s)
			return hy_err_set(err, -EINVAL, "\"%s\"[%zu]: expected a string", key, i);
		if (is_env && (!strchr(s, '=') || s[0] == '='))
			return hy_err_set(err, -EINVAL, "\"%s\"[%zu]: expected NAME=VALUE, got \"%s\"",
					  key, i, s);
	}
	return 0;
}

/* Is NAME= of a the same as of b? */
static bool same_name(const char *a, const char *b)
{
	size_t n = strcspn(a, "=");
	return strncmp(a, b, n) == 0 && b[n] == '=';
}

/* The base environment, minus what env_add sets again, then env_add. */
static int put_env(struct hy_exec_req *req, json_t *base_json, char *const *base, json_t *add,
		   struct hy_err *err)
{
	size_t i, n = base_json ? json_array_size(base_json) : 0;
	json_t *el;
	int r = 0;
	for (size_t k = 0; r == 0 && (base_json ? k < n : base && base[k]); k++) {
		const char *s = base_json ? json_string_value(json_array_get(base_json, k)) : base[k];
		bool replaced = false;
		json_array_foreach (add, i, el)
			replaced |= same_name(json_string_value(el), s);
		if (!replaced && (r = put(req, s, err)) == 0)
			req->envc++;
	}
	json_array_foreach (add, i, el)
		if (r == 0 && (r = put(req, json_string_value(el), err)) == 0)
			req->envc++;
	return r;
}

/* "user": {"uid": N, "gid": N}: the command's ids need nothing; others are
 * set in the process, with no supplementary groups. */
static int parse_user(json_t *u, const struct hy_exec_defaults *d, struct hy_exec_req *req,
		      struct hy_err *err)
{
	json_t *uid = json_object_get(u, "uid"), *gid = json_object_get(u, "gid");
	if (!u)
		return 0;
	if (!json_is_object(u) || !json_is_integer(uid) || !json_is_integer(gid) ||
	    json_integer_value(uid) < 0 || json_integer_value(uid) > 4294967294LL ||
	    json_integer_value(gid) < 0 || json_integer_value(gid) > 4294967294LL)
		return hy_err_set(err, -EINVAL, "\"user\": expected {\"uid\": N, \"gid\": N}, "
						"each 0 to 4294967294");
	req->uid = (unsigned int)json_integer_value(uid);
	req->gid = (unsigned int)json_integer_value(gid);
	req->has_user = req->uid != d->uid || req->gid != d->gid;
	return 0;
}

/* One set of "capabilities": names, each within the command's set have. */
static int cap_set(json_t *caps, const char *key, uint64_t have, uint64_t *ret, struct hy_err *err)
{
	size_t i;
	json_t *el, *v = json_object_get(caps, key);
	*ret = 0;
	if (v && !json_is_array(v))
		return hy_err_set(err, -EINVAL, "\"capabilities\".%s: expected an array of names", key);
	json_array_foreach (v, i, el) {
		const char *name = json_string_value(el);
		int cap = name ? hy_cap_from_name(name) : -1;
		if (cap < 0)
			return hy_err_set(err, -EINVAL, "\"capabilities\".%s[%zu]: expected a "
							"capability name like \"CAP_KILL\"", key, i);
		if (!(have & (1ULL << cap)))
			return hy_err_set(err, -EPERM, "\"capabilities\".%s[%zu]: %s is not in the "
							"container's %s set", key, i, name, key);
		*ret |= 1ULL << cap;
	}
	return 0;
}

/* runc's process.json capabilities: each set within the command's, none ambient. */
static int parse_caps(json_t *caps, const struct hy_exec_defaults *d, struct hy_exec_req *req,
		      struct hy_err *err)
{
	uint64_t b, e, p, i, ambient;
	if (!caps)
		return 0;
	if (!json_is_object(caps))
		return hy_err_set(err, -EINVAL, "\"capabilities\": expected an object of sets");
	int r = cap_set(caps, "bounding", d->bounding, &b, err);
	if (r == 0)
		r = cap_set(caps, "effective", d->effective, &e, err);
	if (r == 0)
		r = cap_set(caps, "permitted", d->permitted, &p, err);
	if (r == 0)
		r = cap_set(caps, "inheritable", d->inheritable, &i, err);
	if (r == 0)
		r = cap_set(caps, "ambient", 0, &ambient, err);
	if (r == 0 && (e & ~p))
		r = hy_err_set(err, -EINVAL, "\"capabilities\".effective: not within permitted");
	if (r < 0)
		return r;
	req->has_caps = 1;
	req->bounding = b;
	req->effective = e;
	req->permitted = p;
	req->inheritable = i;
	return 0;
}

_Static_assert(ARRAY_SIZE(((struct hy_exec_req *)0)->rlimits) == HY_PROC_RLIMITS_MAX,
	      "an exec request carries as many rlimits as a process spec");

/* One of "rlimits": a type the command sets, soft <= hard <= the command's hard. */
static int parse_rlimit(json_t *el, size_t i, const struct hy_exec_defaults *d,
			struct hy_exec_rlimit *ret, struct hy_err *err)
{
	const char *type = json_string_value(json_object_get(el, "type"));
	json_t *soft = json_object_get(el, "soft"), *hard = json_object_get(el, "hard");
	if (!json_is_object(el) || !type || json_object_size(el) != 3 || !json_is_integer(soft) ||
	    !json_is_integer(hard) || json_integer_value(soft) < 0 || json_integer_value(hard) < 0)
		return hy_err_set(err, -EINVAL, "\"rlimits\"[%zu]: expected {\"type\": NAME, "
						"\"soft\": N, \"hard\": N}", i);
	size_t k = 0;
	while (k < d->nrlimits && strcmp(d->rlimits[k].name, type) != 0)
		k++;
	if (k == d->nrlimits)
		return hy_err_set(err, -EPERM, "\"rlimits\"[%zu]: %s is not among the container's "
						"process.rlimits (exec's are within the container's)",
				  i, type);
	ret->resource = d->rlimits[k].resource;
	ret->soft = (unsigned long long)json_integer_value(soft);
	ret->hard = (unsigned long long)json_integer_value(hard);
	if (ret->hard > d->rlimits[k].hard)
		return hy_err_set(err, -EPERM, "\"rlimits\"[%zu]: %s hard %llu is above the "
						"container's %llu", i, type, ret->hard,
				  (unsigned long long)d->rlimits[k].hard);
	if (ret->soft > ret->hard)
		return hy_err_set(err, -EINVAL, "\"rlimits\"[%zu]: %s soft %llu is above its hard "
						"limit", i, type, ret->soft);
	return 0;
}

/* runc's process.json rlimits, each within the command's; one per type. */
static int parse_rlimits(json_t *a, const struct hy_exec_defaults *d, struct hy_exec_req *req,
			 struct hy_err *err)
{
	size_t i;
	json_t *el;
	if (a && !json_is_array(a))
		return hy_err_set(err, -EINVAL, "\"rlimits\": expected an array");
	if (json_array_size(a) > ARRAY_SIZE(req->rlimits))
		return hy_err_set(err, -E2BIG, "\"rlimits\": more than %zu",
				  ARRAY_SIZE(req->rlimits));
	json_array_foreach (a, i, el) {
		int r = parse_rlimit(el, i, d, &req->rlimits[i], err);
		for (size_t j = 0; r == 0 && j < i; j++)
			if (req->rlimits[j].resource == req->rlimits[i].resource)
				r = hy_err_set(err, -EINVAL, "\"rlimits\"[%zu]: a type given twice", i);
		if (r < 0)
			return r;
		req->nrlimits = (unsigned int)i + 1;
	}
	return 0;
}

/* "terminal": true and "consoleSize": {"height": H, "width": W} (runc's names). */
static int parse_terminal(json_t *o, struct hy_exec_req *req, struct hy_err *err)
{
	json_t *t = json_object_get(o, "terminal"), *size = json_object_get(o, "consoleSize");
	json_t *h = json_object_get(size, "height"), *w = json_object_get(size, "width");
	if (t && !json_is_boolean(t))
		return hy_err_set(err, -EINVAL, "\"terminal\": expected true or false");
	if (size && (!json_is_object(size) || !json_is_integer(h) || !json_is_integer(w) ||
		     json_integer_value(h) < 0 || json_integer_value(h) > 65535 ||
		     json_integer_value(w) < 0 || json_integer_value(w) > 65535))
		return hy_err_set(err, -EINVAL, "\"consoleSize\": expected {\"height\": N, "
						"\"width\": N}, each 0 to 65535");
	req->terminal = json_is_true(t);
	req->rows = (unsigned short)json_integer_value(h);
	req->cols = (unsigned short)json_integer_value(w);
	return 0;
}

/* "oomScoreAdj": the exec'd process's own (a lower one than it inherits
 * takes CAP_SYS_RESOURCE: its setup fails with that reason otherwise). */
static int parse_oom_score_adj(json_t *v, struct hy_exec_req *req, struct hy_err *err)
{
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < -1000 || json_integer_value(v) > 1000)
		return hy_err_set(err, -EINVAL, "\"oomScoreAdj\": expected an integer from -1000 "
						"to 1000");
	req->has_oom_score_adj = 1;
	req->oom_score_adj = (int)json_integer_value(v);
	return 0;
}

static int build(json_t *o, const struct hy_exec_defaults *d, struct hy_exec_req *req,
		 bool *detach, struct hy_err *err)
{
	static const char *const known[] = { "args",	     "env",	 "client_env", "env_add",
					     "cwd",	     "user",	 "detach",     "terminal",
					     "consoleSize", "capabilities", "rlimits",
					     "oomScoreAdj" };
	const char *key, *cwd = d->cwd ? d->cwd : "/";
	json_t *v, *args = json_object_get(o, "args");
	json_object_foreach (o, key, v) {
		size_t k = 0;
		while (k < ARRAY_SIZE(known) && strcmp(known[k], key) != 0)
			k++;
		if (k == ARRAY_SIZE(known))
			return hy_err_set(err, -EINVAL, "\"%s\": unknown field", key);
	}
	int r = want_strings(args, "args", false, err);
	if (r == 0 && json_array_size(args) == 0)
		r = hy_err_set(err, -EINVAL, "\"args\": expected the command and its arguments");
	if (r == 0 && json_array_size(args) + 2 > HY_EXEC_ARGS_MAX)
		r = hy_err_set(err, -E2BIG, "\"args\": more than %d", HY_EXEC_ARGS_MAX - 2);
	if (r == 0)
		r = want_strings(json_object_get(o, "env"), "env", true, err);
	if (r == 0)
		r = want_strings(json_object_get(o, "client_env"), "client_env", true, err);
	if (r == 0)
		r = want_strings(json_object_get(o, "env_add"), "env_add", true, err);
	if (r == 0 && (v = json_object_get(o, "cwd")) &&
	    (!json_is_string(v) || json_string_value(v)[0] != '/'))
		r = hy_err_set(err, -EINVAL, "\"cwd\": expected an absolute path");
	if (r == 0 && v && (cwd = json_string_value(v)) && strlen(cwd) >= sizeof(req->cwd))
		r = hy_err_set(err, -ENAMETOOLONG, "\"cwd\": too long");
	if (r == 0 && (v = json_object_get(o, "detach")) && !json_is_boolean(v))
		r = hy_err_set(err, -EINVAL, "\"detach\": expected true or false");
	if (r == 0)
		r = parse_user(json_object_get(o, "user"), d, req, err);
	if (r == 0)
		r = parse_terminal(o, req, err);
	if (r == 0)
		r = parse_caps(json_object_get(o, "capabilities"), d, req, err);
	if (r == 0)
		r = parse_rlimits(json_object_get(o, "rlimits"), d, req, err);
	if (r == 0)
		r = parse_oom_score_adj(json_object_get(o, "oomScoreAdj"), req, err);
	if (r < 0)
		return r;
	*detach = json_is_true(json_object_get(o, "detach"));
	strscpy(req->cwd, cwd, sizeof(req->cwd));
	size_t i;
	json_array_foreach (args, i, v)
		if ((r = put(req, json_string_value(v), err)) < 0)
			return r;
	req->argc = (unsigned int)json_array_size(args);
	json_t *env = json_object_get(o, "env");
	if (!env && !d->env)
		env = json_object_get(o, "client_env");
	r = put_env(req, env, d->env, json_object_get(o, "env_add"), err);
	if (r == 0 && req->argc + req->envc > HY_EXEC_ARGS_MAX)
		r = hy_err_set(err, -E2BIG, "more than %d arguments and environment entries",
			       HY_EXEC_ARGS_MAX);
	return r;
}

int hy_exec_req_build(const char *json, size_t len, const struct hy_exec_defaults *d,
		      struct hy_exec_req *req, bool *detach, struct hy_err *err)
{
	json_error_t je;
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	req->argc = req->envc = req->blob_len = req->terminal = req->has_user = req->has_caps = 0;
	req->rows = req->cols = 0;
	req->nrlimits = req->has_oom_score_adj = 0;
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return hy_err_set(err, -EINVAL, "expected a JSON object%s%s", o ? "" : ": ",
				  o ? "" : je.text);
	}
	int r = build(o, d, req, detach, err);
	json_decref(o);
	return r;
}
