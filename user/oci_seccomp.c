// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux.seccomp: a supplied profile (Docker's, podman's, containerd's) is
 * compiled with libseccomp into a second filter that the container's tasks
 * install on top of hybox's (sandbox_init.c). The kernel runs both and
 * takes the stricter action for every call (KILL > TRAP > ERRNO >
 * USER_NOTIF > LOG > ALLOW), so a syscall the profile denies stays denied
 * and hybox's table can only narrow what the profile allows: the merge the
 * runtime-spec asks for, done by the kernel on each call rather than by
 * hand once. Argument conditions are the profile's own, compiled as runc
 * compiles them (several on one argument: one rule each, i.e. OR).
 * Syscall names libseccomp does not know are skipped as runc does; such a
 * number is unknown to hybox's table too, which denies it.
 */
#include <errno.h>
#include <string.h>

#include <seccomp.h>

#include "oci_parse.h"
#include "seccomp.h"
#include "util.h"

#define ARG_MAX 6

static const struct {
	const char *name;
	uint32_t action; /* SCMP_ACT_ERRNO(0): errnoRet filled in */
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS }, { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/* An action name (+ its errnoRet) at path; errno_key names errnoRet's member. */
static int want_action(struct oci_ctx *c, const char *path, json_t *obj, const char *key,
		       const char *errno_key, uint32_t *ret)
{
	char apath[HY_JSON_PATH_MAX], epath[HY_JSON_PATH_MAX];
	const char *name = NULL;
	uint64_t e = EPERM;
	hy_json_path_key(apath, sizeof(apath), path, key);
	hy_json_path_key(epath, sizeof(epath), path, errno_key);
	int r = oci_require(c, path, obj, key, "an action like \"SCMP_ACT_ERRNO\"");
	if (r == 0)
		r = oci_want_string(c, apath, json_object_get(obj, key), &name);
	json_t *ev = json_object_get(obj, errno_key);
	if (r == 0 && ev && (r = oci_want_uint(c, epath, ev, 4095, &e)) < 0)
		return r;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(actions); i++)
		if (strcmp(actions[i].name, name) == 0) {
			*ret = actions[i].action == SCMP_ACT_ERRNO(0) ? SCMP_ACT_ERRNO((uint16_t)e) :
								       actions[i].action;
			return 0;
		}
	if (r == 0 && (!strcmp(name, "SCMP_ACT_NOTIFY") || !strcmp(name, "SCMP_ACT_TRACE")))
		return oci_fail(c, apath, "%s is not supported (hybox's supervisor is the only "
					  "listener and tracer of the container)", name);
	return r < 0 ? r : oci_fail(c, apath, "expected SCMP_ACT_ALLOW, ERRNO, KILL, KILL_THREAD, "
					       "KILL_PROCESS, TRAP or LOG, got \"%s\"", name);
}

/* One args[] element into a comparison. */
static int want_arg(struct oci_ctx *c, const char *path, json_t *v, struct scmp_arg_cmp *cmp)
{
	static const struct oci_field fields[] = { { "index", oci_read_below }, { "value", oci_read_below },
						   { "valueTwo", oci_read_below }, { "op", oci_read_below } };
	char p[HY_JSON_PATH_MAX];
	uint64_t idx = 0, val = 0, val2 = 0;
	const char *op = NULL;
	int r = oci_parse_fields(c, path, v, fields, ARRAY_SIZE(fields));
	if (r == 0 && (r = oci_require(c, path, v, "index", "an argument index, 0 to 5")) == 0) {
		hy_json_path_key(p, sizeof(p), path, "index");
		r = oci_want_uint(c, p, json_object_get(v, "index"), ARG_MAX - 1, &idx);
	}
	if (r == 0 && (r = oci_require(c, path, v, "op", "an operator like \"SCMP_CMP_EQ\"")) == 0) {
		hy_json_path_key(p, sizeof(p), path, "op");
		r = oci_want_string(c, p, json_object_get(v, "op"), &op);
	}
	hy_json_path_key(p, sizeof(p), path, "value");
	if (r == 0 && json_object_get(v, "value"))
		r = oci_want_uint(c, p, json_object_get(v, "value"), UINT64_MAX, &val);
	hy_json_path_key(p, sizeof(p), path, "valueTwo");
	if (r == 0 && json_object_get(v, "valueTwo"))
		r = oci_want_uint(c, p, json_object_get(v, "valueTwo"), UINT64_MAX, &val2);
	if (r < 0)
		return r;
	*cmp = (struct scmp_arg_cmp){ .arg = (unsigned int)idx, .datum_a = val, .datum_b = val2 };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, op) == 0) {
			cmp->op = ops[i].op;
			return 0;
		}
	hy_json_path_key(p, sizeof(p), path, "op");
	return oci_fail(c, p, "expected SCMP_CMP_EQ, NE, LT, LE, GE, GT or MASKED_EQ, got \"%s\"", op);
}

/* Add the rule for one syscall: its comparisons ANDed when on distinct
 * arguments, else one rule each (runc's reading of the spec). */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *a,
		    unsigned int n)
{
	bool distinct = true;
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int j = 0; j < i; j++)
			distinct &= a[i].arg != a[j].arg;
	if (distinct)
		return seccomp_rule_add_array(ctx, action, nr, n, a);
	int r = 0;
	for (unsigned int i = 0; i < n && r == 0; i++)
		r = seccomp_rule_add_array(ctx, action, nr, 1, &a[i]);
	return r;
}

/* What the callbacks below share about the rule or profile being compiled. */
struct compiling {
	scmp_filter_ctx ctx;
	uint32_t default_action, action; /* the profile's; the rule's */
	struct scmp_arg_cmp args[ARG_MAX];
	unsigned int nargs;
};

static int each_arg(struct oci_ctx *c, const char *path, json_t *el, size_t i, void *data)
{
	struct compiling *k = data;
	(void)i;
	return want_arg(c, path, el, &k->args[k->nargs++]);
}

/* The args of a rule (absent: none), at most ARG_MAX. */
static int want_args(struct oci_ctx *c, const char *path, json_t *v, struct compiling *k)
{
	k->nargs = 0;
	if (v && json_is_array(v) && json_array_size(v) > ARG_MAX)
		return oci_fail(c, path, "expected at most %d comparisons", ARG_MAX);
	return v ? oci_parse_each(c, path, v, each_arg, k) : 0;
}

/* One of a rule's names. Unknown to libseccomp: skipped (hybox's table denies
 * unknown numbers anyway); with the profile's default action: a no-op. */
static int each_name(struct oci_ctx *c, const char *path, const char *name, void *data)
{
	struct compiling *k = data;
	int nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR || k->action == k->default_action)
		return 0;
	int e = add_rule(k->ctx, k->action, nr, k->args, k->nargs);
	return e < 0 ? oci_fail(c, path, "libseccomp refused the rule for %s: %s", name,
				strerror(-e)) : 0;
}

/* One syscalls[] element: names, action, errnoRet, args. */
static int each_rule(struct oci_ctx *c, const char *path, json_t *v, size_t i, void *data)
{
	static const struct oci_field fields[] = {
		{ "names", oci_read_below }, { "action", oci_read_below }, { "errnoRet", oci_read_below },
		{ "args", oci_read_below },	 { "comment", oci_read_below },
	};
	struct compiling *k = data;
	char p[HY_JSON_PATH_MAX];
	(void)i;
	hy_json_path_key(p, sizeof(p), path, "args");
	int r = oci_parse_fields(c, path, v, fields, ARRAY_SIZE(fields));
	if (r == 0)
		r = want_action(c, path, v, "action", "errnoRet", &k->action);
	if (r == 0)
		r = want_args(c, p, json_object_get(v, "args"), k);
	if (r == 0)
		r = oci_require(c, path, v, "names", "an array of syscall names");
	hy_json_path_key(p, sizeof(p), path, "names");
	return r < 0 ? r : oci_parse_strings(c, p, json_object_get(v, "names"), each_name, k);
}

/* architectures: SCMP_ARCH_* names; the native one is always in the filter. */
static int each_arch(struct oci_ctx *c, const char *path, const char *name, void *data)
{
	struct compiling *k = data;
	char lower[32];
	size_t n = 0;
	const char *s = strncmp(name, "SCMP_ARCH_", 10) == 0 ? name + 10 : "";
	for (; s[n] && n < sizeof(lower) - 1; n++)
		lower[n] = (char)(s[n] >= 'A' && s[n] <= 'Z' ? s[n] - 'A' + 'a' : s[n]);
	lower[n] = '\0';
	uint32_t arch = seccomp_arch_resolve_name(lower);
	if (!arch)
		return oci_fail(c, path, "expected an architecture like \"SCMP_ARCH_X86_64\", got "
					 "\"%s\"", name);
	int e = seccomp_arch_add(k->ctx, arch);
	if (e < 0 && e != -EEXIST)
		return oci_fail(c, path, "libseccomp cannot add %s: %s", name, strerror(-e));
	return 0;
}

/* The profile's top level into a libseccomp filter, exported into cfg->profile. */
static int compile(struct oci_ctx *c, const char *path, json_t *v, struct compiling *k)
{
	char p[HY_JSON_PATH_MAX];
	json_t *arches = json_object_get(v, "architectures"), *rules = json_object_get(v, "syscalls");
	int r = 0;
	hy_json_path_key(p, sizeof(p), path, "architectures");
	if (arches)
		r = oci_parse_strings(c, p, arches, each_arch, k);
	hy_json_path_key(p, sizeof(p), path, "syscalls");
	if (r == 0 && rules)
		r = oci_parse_each(c, p, rules, each_rule, k);
	struct hy_err err = { 0 };
	if (r == 0 && hy_seccomp_export(k->ctx, &c->cfg->profile, &err) < 0)
		return oci_fail(c, path, "%s", err.msg);
	return r;
}

int oci_parse_seccomp(struct oci_ctx *c, const char *path, json_t *v)
{
	static const struct oci_field fields[] = {
		{ "defaultAction", oci_read_below }, { "defaultErrnoRet", oci_read_below },
		{ "architectures", oci_read_below }, { "syscalls", oci_read_below },
		{ "flags", NULL, "hybox installs the profile without flags" },
		{ "listenerPath", NULL, "hybox's supervisor is the container's only listener" },
		{ "listenerMetadata", NULL, "hybox's supervisor is the container's only listener" },
	};
	uint32_t def;
	int r = oci_parse_fields(c, path, v, fields, ARRAY_SIZE(fields));
	if (r == 0)
		r = want_action(c, path, v, "defaultAction", "defaultErrnoRet", &def);
	if (r < 0)
		return r;
	struct compiling k = { .ctx = seccomp_init(def), .default_action = def };
	if (!k.ctx)
		return oci_fail(c, path, "libseccomp could not start a filter");
	/* A foreign architecture the profile does not list: killed, as runc's. */
	seccomp_attr_set(k.ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	hy_seccomp_fini(&c->cfg->profile);
	r = compile(c, path, v, &k);
	seccomp_release(k.ctx);
	return r;
}

void oci_seccomp_json(json_t *o)
{
	static const char *const archs[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" };
	json_t *a = json_array(), *p = json_array(), *r = json_array();
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		json_array_append_new(a, json_string(actions[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		json_array_append_new(p, json_string(ops[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(archs); i++)
		json_array_append_new(r, json_string(archs[i]));
	json_object_set_new(o, "actions", a);
	json_object_set_new(o, "operators", p);
	json_object_set_new(o, "archs", r);
}
