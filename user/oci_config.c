// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json -> struct hy_oci_config (see oci_config.h): the document, the
 * process, the root and the annotations, plus the default config.json of
 * `hybox spec`. linux.* and mounts are in oci_linux.c. Parsing has no side
 * effects; an inline org.hybox.policy is parsed (not applied) here so that
 * its errors surface before anything is created. Runs unprivileged.
 */
#define LOG_PREFIX "oci: "
#include "oci_config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "caps.h"
#include "oci_parse.h"
#include "policy.h"
#include "util.h"

/* ---- process --------------------------------------------------------------------- */

static int parse_strings(struct oci_ctx *c, const char *path, json_t *v, char ***ret, bool is_env)
{
	size_t i;
	json_t *el;
	int r;

	if ((r = oci_want_type(c, path, v, JSON_ARRAY)) < 0)
		return r;
	char **list = xcalloc(json_array_size(v) + 1, sizeof(*list));
	json_array_foreach (v, i, el) {
		char sub[HY_JSON_PATH_MAX];
		const char *s = NULL;
		hy_json_path_index(sub, sizeof(sub), path, i);
		if ((r = oci_want_string(c, sub, el, &s)) < 0)
			goto err;
		if (is_env && (s[0] == '=' || !strchr(s, '='))) {
			r = oci_fail(c, sub, "expected \"NAME=VALUE\", got %s", OCI_GOT(el));
			goto err;
		}
		list[i] = (char *)s;
	}
	free(*ret);
	*ret = list;
	return 0;
err:
	free(list);
	return r;
}

static int parse_args(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = parse_strings(c, path, v, &c->cfg->args, false);
	if (r == 0 && !c->cfg->args[0])
		return oci_fail(c, path, "expected the command and its arguments, got an empty "
					 "array");
	return r;
}

static int parse_env(struct oci_ctx *c, const char *path, json_t *v)
{
	return parse_strings(c, path, v, &c->cfg->env, true);
}

static int parse_cwd(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_want_abs_path(c, path, v, &c->cfg->cwd);
}

/* true: a pseudo-terminal, whose master goes to --console-socket (console.h). */
static int parse_terminal(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_want_bool(c, path, v, &c->cfg->proc.terminal);
}

/* The terminal's rows and columns (ignored without one, as the spec says). */
static int parse_console_size(struct oci_ctx *c, const char *path, json_t *v)
{
	static const char *const keys[] = { "height", "width" };
	unsigned short *dst[] = { &c->cfg->proc.console_rows, &c->cfg->proc.console_cols };
	int r;
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char sub[HY_JSON_PATH_MAX];
		json_t *el = json_object_get(v, keys[i]);
		uint64_t n = 0;
		hy_json_path_key(sub, sizeof(sub), path, keys[i]);
		if (el && (r = oci_want_uint(c, sub, el, UINT16_MAX, &n)) < 0)
			return r;
		*dst[i] = (unsigned short)n;
	}
	return 0;
}

static int parse_no_new_privs(struct oci_ctx *c, const char *path, json_t *v)
{
	bool on = false;
	int r = oci_want_bool(c, path, v, &on);
	if (r == 0 && !on)
		return oci_fail(c, path, "false is not supported (hybox always sets no_new_privs: "
					 "its seccomp filter needs it)");
	return r;
}

/* process.oomScoreAdj: set in the container's init, so the command and every
 * exec'd process inherit it (a Kubernetes pod's QoS class). */
static int parse_oom_score_adj(struct oci_ctx *c, const char *path, json_t *v)
{
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
	if (!json_is_integer(v) || n < -1000 || n > 1000)
		return oci_fail(c, path, "expected an integer from -1000 to 1000, got %s",
				OCI_GOT(v));
	c->cfg->proc.has_oom_score_adj = true;
	c->cfg->proc.oom_score_adj = (int)n;
	return 0;
}

/* -- user -- */

static int parse_id(struct oci_ctx *c, const char *path, json_t *v, uint64_t *ret)
{
	return oci_want_uint(c, path, v, UINT32_MAX - 1, ret); /* (uid_t)-1 means "unchanged" */
}

static int parse_uid(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t id = 0;
	int r = parse_id(c, path, v, &id);
	c->cfg->proc.uid = (uid_t)id;
	return r;
}

static int parse_gid(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t id = 0;
	int r = parse_id(c, path, v, &id);
	c->cfg->proc.gid = (gid_t)id;
	return r;
}

static int parse_umask(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t m = 0;
	int r = oci_want_uint(c, path, v, 0777, &m);
	c->cfg->proc.umask = (mode_t)m;
	c->cfg->proc.has_umask = r == 0;
	return r;
}

static int parse_groups(struct oci_ctx *c, const char *path, json_t *v)
{
	size_t i;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_ARRAY)) < 0)
		return r;
	if (json_array_size(v) > HY_PROC_GROUPS_MAX)
		return oci_fail(c, path, "expected at most %d groups, got %zu", HY_PROC_GROUPS_MAX,
				json_array_size(v));
	json_array_foreach (v, i, el) {
		char sub[HY_JSON_PATH_MAX];
		uint64_t id = 0;
		hy_json_path_index(sub, sizeof(sub), path, i);
		if ((r = parse_id(c, sub, el, &id)) < 0)
			return r;
		c->cfg->proc.groups[i] = (gid_t)id;
	}
	c->cfg->proc.ngroups = json_array_size(v);
	return 0;
}

static const struct oci_field user_fields[] = {
	{ "uid", parse_uid },
	{ "gid", parse_gid },
	{ "umask", parse_umask },
	{ "additionalGids", parse_groups },
	{ "username", NULL, "a Windows field" },
};

static int parse_user(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_fields(c, path, v, user_fields, ARRAY_SIZE(user_fields));
	if (r == 0)
		r = oci_require(c, path, v, "uid", "an integer (the user id)");
	if (r == 0)
		r = oci_require(c, path, v, "gid", "an integer (the group id)");
	return r;
}

/* -- capabilities -- */


void oci_caps_json(json_t *a)
{
	for (int i = 0; hy_cap_name(i); i++)
		if (hy_caps_default() & (1ULL << i))
			json_array_append_new(a, json_string(hy_cap_name(i)));
}

/* One capability name of a set: known, within hybox's set. */
static int cap_in_set(struct oci_ctx *c, const char *path, const char *s, void *data)
{
	uint64_t *ret = data;
	int n = hy_cap_from_name(s);
	if (n < 0)
		return oci_fail(c, path, "expected a capability name like \"CAP_KILL\", got \"%s\"",
				s);
	if (!(hy_caps_default() & (1ULL << n)))
		return oci_fail(c, path, "%s is outside hybox's capability set (Docker's default "
					 "set; granting more is not supported)", s);
	*ret |= 1ULL << n;
	return 0;
}

static int parse_cap_set(struct oci_ctx *c, const char *path, json_t *v, uint64_t *ret)
{
	*ret = 0;
	return oci_parse_strings(c, path, v, cap_in_set, ret);
}

/* Each set at key (missing: empty, as the spec says) must lie within bounding. */
static int cap_set_at(struct oci_ctx *c, const char *path, json_t *caps, const char *key,
		      uint64_t bounding, uint64_t *ret)
{
	char sub[HY_JSON_PATH_MAX];
	json_t *v = json_object_get(caps, key);
	int r;
	*ret = 0;
	if (!v)
		return 0;
	hy_json_path_key(sub, sizeof(sub), path, key);
	if ((r = parse_cap_set(c, sub, v, ret)) < 0)
		return r;
	for (size_t i = 0; i < json_array_size(v); i++) {
		const char *s = json_string_value(json_array_get(v, i));
		int n = hy_cap_from_name(s);
		if (bounding & (1ULL << n))
			continue;
		char at[HY_JSON_PATH_MAX];
		hy_json_path_index(at, sizeof(at), sub, i);
		return oci_fail(c, at, "%s is not in the bounding set", s);
	}
	return 0;
}

static int parse_capabilities(struct oci_ctx *c, const char *path, json_t *v)
{
	static const struct oci_field fields[] = {
		{ "bounding", oci_read_below },	 { "effective", oci_read_below },
		{ "permitted", oci_read_below }, { "inheritable", oci_read_below },
		{ "ambient", NULL, "no ambient capabilities" },
	};
	struct hy_proc_caps *caps = &c->cfg->proc.caps;
	int r;
	if ((r = oci_parse_fields(c, path, v, fields, ARRAY_SIZE(fields))) < 0)
		return r;
	/* bounding first: the others must lie within it. */
	if ((r = cap_set_at(c, path, v, "bounding", ~0ULL, &caps->bounding)) < 0 ||
	    (r = cap_set_at(c, path, v, "effective", caps->bounding, &caps->effective)) < 0 ||
	    (r = cap_set_at(c, path, v, "permitted", caps->bounding, &caps->permitted)) < 0 ||
	    (r = cap_set_at(c, path, v, "inheritable", caps->bounding, &caps->inheritable)) < 0)
		return r;
	if (caps->effective & ~caps->permitted) {
		char sub[HY_JSON_PATH_MAX];
		hy_json_path_key(sub, sizeof(sub), path, "effective");
		return oci_fail(c, sub, "every effective capability must also be permitted");
	}
	return 0;
}

/* -- rlimits -- */

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },		{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },		{ "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },		{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static int parse_rlimit(struct oci_ctx *c, const char *path, json_t *v, struct hy_rlimit *rl)
{
	char sub[3][HY_JSON_PATH_MAX];
	const char *type = NULL;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	const char *key;
	json_t *el;
	json_object_foreach (v, key, el)
		if (strcmp(key, "type") && strcmp(key, "soft") && strcmp(key, "hard")) {
			hy_json_path_key(sub[0], sizeof(sub[0]), path, key);
			return oci_fail(c, sub[0], "unknown property (expected type, soft, hard)");
		}
	if ((r = oci_require(c, path, v, "type", "a name like \"RLIMIT_NOFILE\"")) < 0 ||
	    (r = oci_require(c, path, v, "soft", "an integer")) < 0 ||
	    (r = oci_require(c, path, v, "hard", "an integer")) < 0)
		return r;
	hy_json_path_key(sub[0], sizeof(sub[0]), path, "type");
	hy_json_path_key(sub[1], sizeof(sub[1]), path, "soft");
	hy_json_path_key(sub[2], sizeof(sub[2]), path, "hard");
	if ((r = oci_want_string(c, sub[0], json_object_get(v, "type"), &type)) < 0 ||
	    (r = oci_want_uint(c, sub[1], json_object_get(v, "soft"), INT64_MAX, &rl->soft)) < 0 ||
	    (r = oci_want_uint(c, sub[2], json_object_get(v, "hard"), INT64_MAX, &rl->hard)) < 0)
		return r;
	size_t i = 0;
	while (i < ARRAY_SIZE(rlimit_names) && strcmp(rlimit_names[i].name, type) != 0)
		i++;
	if (i == ARRAY_SIZE(rlimit_names))
		return oci_fail(c, sub[0], "expected a name like \"RLIMIT_NOFILE\", got %s",
				OCI_GOT(json_object_get(v, "type")));
	rl->resource = rlimit_names[i].resource;
	rl->name = rlimit_names[i].name;
	if (rl->soft > rl->hard)
		return oci_fail(c, sub[1], "%llu is above the hard limit %llu",
				(unsigned long long)rl->soft, (unsigned long long)rl->hard);
	return 0;
}

static int each_rlimit(struct oci_ctx *c, const char *path, json_t *el, size_t i, void *data)
{
	struct hy_proc_spec *p = data;
	struct hy_rlimit rl;
	int r;
	if (i >= HY_PROC_RLIMITS_MAX)
		return oci_fail(c, path, "expected at most %d rlimits", HY_PROC_RLIMITS_MAX);
	if ((r = parse_rlimit(c, path, el, &rl)) < 0)
		return r;
	for (size_t j = 0; j < p->nrlimits; j++)
		if (p->rlimits[j].resource == rl.resource)
			return oci_fail(c, path, "expected each rlimit type once, got %s again",
					json_string_value(json_object_get(el, "type")));
	p->rlimits[p->nrlimits++] = rl;
	return 0;
}

static int parse_rlimits(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_each(c, path, v, each_rlimit, &c->cfg->proc);
}

static const struct oci_field process_fields[] = {
	{ "terminal", parse_terminal },
	{ "consoleSize", parse_console_size },
	{ "user", parse_user },
	{ "args", parse_args },
	{ "commandLine", NULL, "a Windows field" },
	{ "env", parse_env },
	{ "cwd", parse_cwd },
	{ "capabilities", parse_capabilities },
	{ "rlimits", parse_rlimits },
	{ "noNewPrivileges", parse_no_new_privs },
	{ "apparmorProfile", NULL, "no AppArmor profiles" },
	{ "selinuxLabel", NULL, "no SELinux labels" },
	{ "oomScoreAdj", parse_oom_score_adj },
	{ "scheduler", NULL },
	{ "ioPriority", NULL },
	{ "execCPUAffinity", NULL },
};

static int parse_process(struct oci_ctx *c, const char *path, json_t *v)
{
	struct hy_proc_spec *p = &c->cfg->proc;
	/* Absent capabilities: hybox's default set, as `hybox run` has. */
	uint64_t def = hy_caps_default();
	p->caps = (struct hy_proc_caps){ def, def, def, def };
	int r = oci_parse_fields(c, path, v, process_fields, ARRAY_SIZE(process_fields));
	if (r == 0)
		r = oci_require(c, path, v, "args", "the command and its arguments (an array)");
	if (r == 0)
		r = oci_require(c, path, v, "cwd", "an absolute path (the working directory)");
	if (r == 0)
		r = oci_require(c, path, v, "user", "an object with uid and gid");
	return r;
}

/* ---- root, names, annotations ------------------------------------------------------ */

static int parse_root_path(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_want_string(c, path, v, &c->cfg->root_path);
	if (r == 0 && !c->cfg->root_path[0])
		return oci_fail(c, path, "expected a directory (relative to the bundle), got \"\"");
	return r;
}

static int parse_root_readonly(struct oci_ctx *c, const char *path, json_t *v)
{
	bool ro = false;
	int r = oci_want_bool(c, path, v, &ro);
	c->cfg->is_root_writable = !ro;
	return r;
}

static int parse_root(struct oci_ctx *c, const char *path, json_t *v)
{
	static const struct oci_field fields[] = {
		{ "path", parse_root_path },
		{ "readonly", parse_root_readonly },
	};
	c->cfg->is_root_writable = true; /* the spec's default: readonly false */
	int r = oci_parse_fields(c, path, v, fields, ARRAY_SIZE(fields));
	if (r == 0)
		r = oci_require(c, path, v, "path", "the root directory (relative to the bundle)");
	return r;
}

static int parse_name(struct oci_ctx *c, const char *path, json_t *v, const char **ret,
		      size_t min)
{
	int r = oci_want_string(c, path, v, ret);
	size_t n = r == 0 ? strlen(*ret) : 0;
	if (r == 0 && (n < min || n > 64))
		return oci_fail(c, path, "expected %zu to 64 characters, got %s", min, OCI_GOT(v));
	return r;
}

static int parse_hostname(struct oci_ctx *c, const char *path, json_t *v)
{
	return parse_name(c, path, v, &c->cfg->hostname, 1);
}

static int parse_domainname(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = parse_name(c, path, v, &c->cfg->domainname, 0);
	if (r == 0 && !c->cfg->domainname[0])
		c->cfg->domainname = NULL;
	return r;
}

static int parse_version(struct oci_ctx *c, const char *path, json_t *v)
{
	const char *s = NULL;
	int r = oci_want_string(c, path, v, &s);
	if (r == 0 && strncmp(s, "1.", 2) != 0)
		return oci_fail(c, path, "expected a runtime-spec 1.x version like \"1.0.2\", got %s",
				OCI_GOT(v));
	return r;
}

static int parse_hybox_annotation(struct oci_ctx *c, const char *path, const char *key,
				  const char *s)
{
	struct hy_oci_config *cfg = c->cfg;
	if (strcmp(key, HY_OCI_ANN_EVENTS) == 0) {
		if (!*s)
			return oci_fail(c, path, "expected \"-\" (stdout) or a file, got \"\"");
		cfg->events = s;
		return 0;
	}
	if (strcmp(key, HY_OCI_ANN_POLICY) != 0)
		return oci_fail(c, path, "unknown hybox annotation (expected " HY_OCI_ANN_POLICY
					 " or " HY_OCI_ANN_EVENTS ")");
	const char *t = s + strspn(s, " \t\r\n");
	if (!*t)
		return oci_fail(c, path, "expected a policy file or an inline JSON policy, got \"\"");
	cfg->policy = s;
	cfg->is_policy_inline = *t == '{';
	if (!cfg->is_policy_inline)
		return 0;
	/* Parsed now for its errors (FILE:LINE:COL inside the annotation's text). */
	char name[HY_JSON_PATH_MAX + 64];
	snprintf(name, sizeof(name), "%s %s", c->name, path);
	struct hy_policy *p = xcalloc(1, sizeof(*p));
	int r = hy_policy_parse(name, s, p, c->err);
	free(p);
	return r;
}

static int parse_annotation(struct oci_ctx *c, const char *path, const char *key, json_t *v,
			    void *data)
{
	const char *s = NULL;
	int r = oci_want_string(c, path, v, &s);
	if (r == 0 && strncmp(key, "org.hybox.", 10) == 0)
		r = parse_hybox_annotation(c, path, key, s);
	return r;
}

static int parse_annotations(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_members(c, path, v, parse_annotation, NULL);
	if (r < 0)
		return r;
	c->cfg->annotations = v;
	return 0;
}

static const struct oci_field top_fields[] = {
	{ "ociVersion", parse_version },
	{ "root", parse_root },
	{ "mounts", oci_parse_mounts },
	{ "process", parse_process },
	{ "hostname", parse_hostname },
	{ "domainname", parse_domainname },
	{ "annotations", parse_annotations },
	{ "linux", oci_parse_linux },
	{ "hooks", NULL, "no hooks are run" },
	{ "solaris", NULL, "a Solaris field" },
	{ "windows", NULL, "a Windows field" },
	{ "vm", NULL, "hybox is not a VM runtime" },
	{ "zos", NULL, "a z/OS field" },
};

static int parse_document(struct oci_ctx *c, json_t *doc)
{
	int r = oci_parse_fields(c, "", doc, top_fields, ARRAY_SIZE(top_fields));
	if (r == 0)
		r = oci_require(c, "", doc, "ociVersion", "the runtime-spec version (\"1.0.2\")");
	if (r == 0)
		r = oci_require(c, "", doc, "root", "an object with path and readonly");
	if (r == 0)
		r = oci_require(c, "", doc, "process", "an object (the command to run)");
	if (r == 0)
		r = oci_require(c, "", doc, "linux", "an object with namespaces");
	if (r == 0)
		r = oci_check_userns(c, "linux");
	return r;
}

/* ---- entry points ------------------------------------------------------------------ */

static int syntax_error(const char *name, const char *text, size_t len, const json_error_t *je,
			struct hy_err *err)
{
	_cleanup_(hy_json_pos_freep) struct hy_json_pos *pos = NULL;
	struct hy_json_loc at, first;
	const char *path;

	if (json_error_code(je) == json_error_duplicate_key && hy_json_pos_build(text, len, &pos) == 0 &&
	    hy_json_pos_duplicate(pos, &path, &at, &first) == 0)
		return hy_err_set(err, -EINVAL, "%s:%d:%d: %s: expected each key once, got a "
						"duplicate key (first at %d:%d)",
				  name, at.line, at.col, path, first.line, first.col);
	return hy_err_set(err, -EINVAL, "%s:%d:%d: %s (not valid JSON)", name, je->line, je->column,
			  je->text);
}

typedef int (*doc_parser)(struct oci_ctx *c, json_t *doc);

static int parse_object(struct oci_ctx *c, json_t *doc, doc_parser parse)
{
	if (!json_is_object(doc))
		return oci_fail(c, "", "expected an object, got %s", OCI_GOT(doc));
	return parse(c, doc);
}

/* text as JSON into cfg->doc, then parse over it with positions; on failure cfg is empty. */
static int parse_text(const char *name, const char *text, size_t len, doc_parser parse,
		      struct hy_oci_config *cfg, struct hy_err *err)
{
	_cleanup_(hy_json_pos_freep) struct hy_json_pos *pos = NULL;
	json_error_t je;

	*cfg = (struct hy_oci_config){ 0 };
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return syntax_error(name, text, len, &je, err);
	cfg->doc = doc;
	int r = hy_json_pos_build(text, len, &pos);
	if (r < 0) {
		hy_oci_config_fini(cfg);
		return hy_err_setr(err, r, "%s: index the JSON text", name);
	}
	struct oci_ctx c = { .name = name, .pos = pos, .err = err, .cfg = cfg };
	r = parse_object(&c, doc, parse);
	if (r < 0)
		hy_oci_config_fini(cfg);
	return r;
}

int hy_oci_config_parse(const char *name, const char *text, size_t len, struct hy_oci_config *cfg,
			struct hy_err *err)
{
	int r = parse_text(name, text, len, parse_document, cfg, err);
	if (r < 0)
		return r;
	if (!cfg->env)
		cfg->env = xcalloc(1, sizeof(*cfg->env));
	cfg->proc.envp = cfg->env;
	return 0;
}

/* fd (path in messages) read whole into *ret, at most HY_OCI_CONFIG_MAX bytes: its length. */
static ssize_t read_text(int fd, const char *path, char **ret, struct hy_err *err)
{
	if (fd < 0)
		return hy_err_setr(err, -errno, "%s", path);
	_cleanup_free_ char *text = xmalloc(HY_OCI_CONFIG_MAX + 1);
	ssize_t n = read_full(fd, text, HY_OCI_CONFIG_MAX + 1);
	if (n < 0)
		return hy_err_setr(err, (int)n, "%s", path);
	if (n > HY_OCI_CONFIG_MAX)
		return hy_err_set(err, -EFBIG, "%s: expected at most %d bytes", path,
				  HY_OCI_CONFIG_MAX);
	*ret = TAKE_PTR(text);
	return n;
}

int hy_oci_config_load(const char *path, const char *name, struct hy_oci_config *cfg,
		       struct hy_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	ssize_t n = read_text(fd, path, &text, err);

	*cfg = (struct hy_oci_config){ 0 };
	return n < 0 ? (int)n : hy_oci_config_parse(name, text, (size_t)n, cfg, err);
}

/* ---- a linux.resources object alone (hybox update) ---------------------------------- */

static int parse_resources_doc(struct oci_ctx *c, json_t *doc)
{
	return oci_parse_resources(c, "", doc);
}

int hy_oci_resources_load(const char *file, const char *name, struct hy_oci_config *cfg,
			  struct hy_err *err)
{
	bool is_stdin = strcmp(file, "-") == 0;
	_cleanup_close_ int fd = is_stdin ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
					  : open(file, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *text = NULL;
	ssize_t n = read_text(fd, is_stdin ? "stdin" : file, &text, err);

	*cfg = (struct hy_oci_config){ 0 };
	return n < 0 ? (int)n : parse_text(name, text, (size_t)n, parse_resources_doc, cfg, err);
}

int hy_oci_resources_parse_json(const char *name, json_t *res, struct hy_oci_config *cfg,
				struct hy_err *err)
{
	struct oci_ctx c = { .name = name, .err = err, .cfg = cfg };

	*cfg = (struct hy_oci_config){ .doc = json_incref(res) };
	int r = parse_object(&c, res, parse_resources_doc);
	if (r < 0)
		hy_oci_config_fini(cfg);
	return r;
}

void hy_oci_config_limits(const struct hy_oci_config *cfg, struct hy_limits *l)
{
	*l = (struct hy_limits){ .memory = cfg->memory,
				 .cpus_milli = cfg->cpus_milli,
				 .pids = cfg->pids,
				 .cpu_weight = cfg->cpu_weight,
				 .has_swap_max = cfg->has_swap_max,
				 .swap_max = cfg->swap_max,
				 .cpuset_cpus = cfg->cpuset_cpus,
				 .cpuset_mems = cfg->cpuset_mems,
				 .blkio_weight = cfg->blkio_weight,
				 .writes = &cfg->cg_writes,
				 .unified = &cfg->unified,
				 .cpu_idle = hy_cg_writes_find(&cfg->cpu_writes, "cpu.idle"),
				 .cpu_burst = hy_cg_writes_find(&cfg->cpu_writes, "cpu.max.burst"),
				 .is_check_usage = cfg->is_check_usage };
}

void hy_oci_config_fini(struct hy_oci_config *cfg)
{
	free(cfg->args);
	free(cfg->env);
	free(cfg->user_mounts);
	hy_seccomp_fini(&cfg->profile);
	free(cfg->sysctls);
	hy_cg_writes_fini(&cfg->cg_writes);
	hy_cg_writes_fini(&cfg->unified);
	hy_cg_writes_fini(&cfg->cpu_writes);
	json_decref(cfg->doc);
	*cfg = (struct hy_oci_config){ 0 };
}

/* ---- the default config.json ------------------------------------------------------- */

static json_t *strings_csv(const char *csv)
{
	json_t *a = json_array();
	char buf[256];
	strscpy(buf, csv, sizeof(buf));
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(a, json_string(t));
	return a;
}

/* runc's default mounts, which hybox provides (oci_linux.c says how). */
static json_t *default_mounts(void)
{
	static const struct {
		const char *dest, *type, *source, *options;
	} m[] = {
		{ "/proc", "proc", "proc", "" },
		{ "/dev", "tmpfs", "tmpfs", "nosuid,strictatime,mode=755,size=65536k" },
		{ "/dev/pts", "devpts", "devpts",
		  "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5" },
		{ "/dev/shm", "tmpfs", "shm", "nosuid,noexec,nodev,mode=1777,size=65536k" },
		{ "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev" },
		{ "/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro" },
		{ "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid,noexec,nodev,relatime,ro" },
	};
	json_t *a = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		json_t *o = json_pack("{s:s,s:s,s:s}", "destination", m[i].dest, "type", m[i].type,
				      "source", m[i].source);
		if (m[i].options[0])
			json_object_set_new(o, "options", strings_csv(m[i].options));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *default_caps(void)
{
	json_t *set = json_array();
	oci_caps_json(set);
	return json_pack("{s:O,s:O,s:O,s:o}", "bounding", set, "effective", set, "permitted", set,
			 "inheritable", set);
}

char *hy_oci_config_default(void)
{
	json_t *ns = json_array();
	static const char *const types[] = { "pid", "network", "ipc", "uts", "mount", "cgroup" };
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		json_array_append_new(ns, json_pack("{s:s}", "type", types[i]));
	json_t *doc = json_pack(
		"{s:s,s:{s:b,s:{s:i,s:i},s:[s],s:[s,s],s:s,s:o,s:[{s:s,s:i,s:i}],s:b},"
		"s:{s:s,s:b},s:s,s:o,s:{s:o}}",
		"ociVersion", HY_OCI_VERSION, "process", "terminal", 0, "user", "uid", 0, "gid", 0,
		"args", "sh", "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm", "cwd", "/", "capabilities", default_caps(), "rlimits", "type",
		"RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1, "root", "path",
		"rootfs", "readonly", 1, "hostname", "hybox", "mounts", default_mounts(), "linux",
		"namespaces", ns);
	/* runc's: kernel interfaces a container has no business reading or changing. */
	json_t *lx = json_object_get(doc, "linux");
	json_object_set_new(lx, "maskedPaths",
			    strings_csv("/proc/acpi,/proc/asound,/proc/kcore,/proc/keys,"
					"/proc/latency_stats,/proc/timer_list,/proc/timer_stats,"
					"/proc/sched_debug,/sys/firmware,/proc/scsi"));
	json_object_set_new(lx, "readonlyPaths",
			    strings_csv("/proc/bus,/proc/fs,/proc/irq,/proc/sys,/proc/sysrq-trigger"));
	char *s = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	return s;
}
