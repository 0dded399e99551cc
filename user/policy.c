// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy parsing: JSON text -> struct hy_policy, with no side effects.
 * jansson parses (syntax errors carry its line:column); json_pos.c indexes
 * the same text so every semantic error can name FILE:LINE:COL as well as
 * the field path and what was expected. Everything is validated strictly:
 * unknown fields and duplicate keys are errors, because a typo that is
 * ignored silently weakens the policy. Runs unprivileged.
 *
 * This file decides nothing at run time; the decisions live in
 * bpf/abi/policy.h and the enforcement in the roads that consume it.
 */
#include "policy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_describe.h"
#include "json_pos.h"
#include "util.h"

#define POLICY_MAX_BYTES (1 << 20)

/* Defaults of the files section: read+exec of the whole root, rw+c under
 * /tmp and /dev/shm, rw of the harmless character devices and terminals. */
static const struct {
	const char *path;
	__u32 access;
} default_files[] = {
	{ "/", HY_ACC_R | HY_ACC_X },
	{ "/tmp", HY_ACC_R | HY_ACC_W | HY_ACC_C },
	{ "/dev/shm", HY_ACC_R | HY_ACC_W | HY_ACC_C },
	{ "/dev/null", HY_ACC_R | HY_ACC_W },
	{ "/dev/zero", HY_ACC_R | HY_ACC_W },
	{ "/dev/full", HY_ACC_R | HY_ACC_W },
	{ "/dev/random", HY_ACC_R | HY_ACC_W },
	{ "/dev/urandom", HY_ACC_R | HY_ACC_W },
	{ "/dev/tty", HY_ACC_R | HY_ACC_W },
	{ "/dev/pts", HY_ACC_R | HY_ACC_W }, /* terminals: the container's devpts */
	{ "/dev/ptmx", HY_ACC_R | HY_ACC_W },
};

struct pctx {
	const char *file;
	const struct hy_json_pos *pos;
	struct hy_err *err;
	struct hy_policy *p;
};

/* ---- messages ----------------------------------------------------------- */

/* "FILE:LINE:COL: FIELD: WHAT", placed at the value of at (its key if
 * at_key); field names the offending field, which may differ from at when
 * the field is missing (then at is the object that lacks it). */
static int __attribute__((format(printf, 6, 7)))
fail_at(struct pctx *c, int r, const char *at, bool at_key, const char *field, const char *fmt, ...)
{
	struct hy_json_loc v = { 0, 0 }, k = { 0, 0 };
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	hy_json_pos_find(c->pos, at, &v, &k);
	if (at_key && k.line)
		v = k;
	if (!v.line)
		v = (struct hy_json_loc){ 1, 1 };
	return hy_err_set(c->err, r, "%s:%d:%d: %s: %s", c->file, v.line, v.col,
			  field[0] ? field : "policy", what);
}

#define fail(c, path, ...)     fail_at(c, -EINVAL, path, false, path, __VA_ARGS__)
#define fail_key(c, path, ...) fail_at(c, -EINVAL, path, true, path, __VA_ARGS__)

#define GOT(v)	HY_JSON_GOT(v)
#define NAME(v) hy_json_describe(v, (char[80]){ 0 }, 80, '\'')

/* "a", "b" or "c" */
static const char *alternatives(const char *const *names, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		const char *sep = i == 0 ? "" : ", ";
		if (i > 0 && i + 1 == n)
			sep = " or ";
		len += snprintf(buf + len, size - len, "%s\"%s\"", sep, names[i]);
	}
	return buf;
}

/* ---- generic checks ------------------------------------------------------- */

static int known_fields(struct pctx *c, const char *path, json_t *obj, const char *const *known,
			size_t nknown)
{
	const char *key;
	json_t *v;

	json_object_foreach (obj, key, v) {
		size_t i = 0;
		while (i < nknown && strcmp(known[i], key) != 0)
			i++;
		if (i < nknown)
			continue;
		char sub[HY_JSON_PATH_MAX], list[160] = "";
		size_t len = 0;
		for (i = 0; i < nknown && len < sizeof(list); i++)
			len += snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					known[i]);
		hy_json_path_key(sub, sizeof(sub), path, key);
		return fail_key(c, sub, "expected a known field (%s), got an unknown field", list);
	}
	return 0;
}

/* The member key of obj at path, or NULL; *sub gets its path. */
static json_t *member(json_t *obj, const char *path, const char *key, char sub[HY_JSON_PATH_MAX])
{
	hy_json_path_key(sub, HY_JSON_PATH_MAX, path, key);
	return json_object_get(obj, key);
}

static int missing(struct pctx *c, const char *obj_path, const char *sub, const char *expected)
{
	return fail_at(c, -EINVAL, obj_path, false, sub, "expected %s, got nothing (missing field)",
		       expected);
}

/* v must be one of the strings names[]; returns its index. */
static int pick(struct pctx *c, const char *path, const json_t *v, const char *const *names,
		size_t n)
{
	const char *s = json_string_value(v);
	char alt[160];

	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return fail(c, path, "expected %s, got %s", alternatives(names, n, alt, sizeof(alt)),
		    GOT(v));
}

#define PICK(c, path, v, names) pick(c, path, v, names, ARRAY_SIZE(names))

/* ---- mode, events ------------------------------------------------------------ */

static const char *const mode_names[] = { "enforce", "audit" };
static const char *const events_names[] = { "all", "denied-only", "none" };

static int parse_mode(struct pctx *c, const char *path, json_t *v)
{
	int i = PICK(c, path, v, mode_names);
	if (i < 0)
		return i;
	c->p->mode = i == 1 ? HY_POLICY_AUDIT : HY_POLICY_ENFORCE;
	return 0;
}

static int parse_events(struct pctx *c, const char *path, json_t *v)
{
	static const enum hy_policy_events val[] = { HY_POLICY_EVENTS_ALL,
						     HY_POLICY_EVENTS_DENIED_ONLY,
						     HY_POLICY_EVENTS_NONE };
	int i = PICK(c, path, v, events_names);
	if (i < 0)
		return i;
	c->p->events = val[i];
	return 0;
}

/* ---- syscalls ------------------------------------------------------------------ */

static int load_names(struct pctx *c, const char *path, json_t *arr, enum emu_override o)
{
	char sub[HY_JSON_PATH_MAX];
	size_t i;
	json_t *v;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(c, path, "expected an array of syscall names, got %s", GOT(arr));
	json_array_foreach (arr, i, v) {
		hy_json_path_index(sub, sizeof(sub), path, i);
		if (!json_is_string(v))
			return fail(c, sub, "expected a string (a syscall name), got %s", GOT(v));
		int r = emu_syscall_policy_set(&c->p->sys, json_string_value(v), o);
		if (r == -ENOENT)
			return fail_at(c, r, sub, false, sub,
				       "expected a syscall name; %s is not a syscall on x86_64",
				       NAME(v));
		if (r == -EPERM)
			return fail_at(
				c, r, sub, false, sub,
				"expected a syscall that a policy may allow; %s is locked by "
				"the syscall table",
				NAME(v));
		if (r < 0)
			return fail_at(c, r, sub, false, sub,
				       "expected a syscall name, got %s (%s)", GOT(v),
				       strerror(-r));
	}
	return 0;
}

static int parse_syscalls(struct pctx *c, const char *path, json_t *v)
{
	static const char *const known[] = { "allow", "deny" };
	char allow[HY_JSON_PATH_MAX], deny[HY_JSON_PATH_MAX];

	if (!json_is_object(v))
		return fail(c, path,
			    "expected an object {\"allow\": [...], \"deny\": [...]}, got %s",
			    GOT(v));
	int r = known_fields(c, path, v, known, ARRAY_SIZE(known));
	json_t *a = member(v, path, "allow", allow), *d = member(v, path, "deny", deny);
	if (r == 0)
		r = load_names(c, allow, a, EMU_OVR_ALLOW);
	if (r == 0) /* deny wins over allow for a name in both lists */
		r = load_names(c, deny, d, EMU_OVR_DENY);
	return r;
}

/* ---- files, exec --------------------------------------------------------------- */

/* Absolute, normalized: no empty, "." or ".." component, no trailing '/'. */
static bool normalized(const char *s)
{
	if (s[0] != '/')
		return false;
	if (s[1] == '\0')
		return true;
	for (const char *p = s; *p;) {
		const char *q = p + 1, *e = strchrnul(q, '/');
		size_t n = (size_t)(e - q);
		if (n == 0 || (n == 1 && q[0] == '.') || (n == 2 && q[0] == '.' && q[1] == '.'))
			return false;
		p = e;
	}
	return true;
}

/* v -> rule->path/len; refuses a path an earlier rule (prev[0..n)) has. */
static int rule_path(struct pctx *c, const char *list, const char *path, const json_t *v,
		     struct hy_path_rule *rule, const struct hy_path_rule *prev, size_t n)
{
	if (!json_is_string(v))
		return fail(c, path, "expected an absolute path (a string), got %s", GOT(v));
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (len >= HY_PATH_LEN)
		return fail(c, path, "expected a path shorter than %d bytes, got one of %zu bytes",
			    HY_PATH_LEN, len);
	if (!normalized(s))
		return fail(c, path,
			    "expected an absolute normalized path (starting with \"/\", no \".\" "
			    "or \"..\" component, no \"//\", no trailing \"/\"), got %s",
			    GOT(v));
	for (size_t i = 0; i < n; i++)
		if (strcmp(prev[i].path, s) == 0)
			return fail(c, path, "expected each path once, got %s again (also %s[%zu])",
				    GOT(v), list, i);
	memset(rule, 0, sizeof(*rule));
	memcpy(rule->path, s, len); /* zero-filled after the NUL, as the matcher wants */
	rule->len = (__u32)len;
	return 0;
}

static int rule_access(struct pctx *c, const char *path, const json_t *v, __u32 *ret)
{
	static const char letters[] = "rwxc";
	const char *s = json_string_value(v);
	__u32 acc = 0;

	for (; s && *s; s++) {
		const char *l = strchr(letters, *s);
		__u32 bit = l ? 1u << (l - letters) : 0; /* r, w, x, c: HY_ACC_R .. HY_ACC_C */
		if (!bit || (acc & bit))
			break;
		acc |= bit;
	}
	if (!s || *s)
		return fail(c, path,
			    "expected access letters from \"rwxc\", each at most once, got %s",
			    GOT(v));
	*ret = acc;
	return 0;
}
_Static_assert(HY_ACC_R == 1 && HY_ACC_W == 2 && HY_ACC_X == 4 && HY_ACC_C == 8, "rwxc order");

static int parse_file_rule(struct pctx *c, const char *path, json_t *el, size_t i)
{
	static const char *const known[] = { "path", "access" };
	struct hy_file_policy *fp = &c->p->obj.files;
	char sub[HY_JSON_PATH_MAX];
	json_t *v;

	if (!json_is_object(el))
		return fail(c, path, "expected a rule {\"path\": ..., \"access\": ...}, got %s",
			    GOT(el));
	int r = known_fields(c, path, el, known, ARRAY_SIZE(known));
	if (r < 0)
		return r;
	if (!(v = member(el, path, "path", sub)))
		return missing(c, path, sub, "an absolute path");
	r = rule_path(c, "files", sub, v, &fp->rule[i], fp->rule, i);
	if (r < 0)
		return r;
	if (!(v = member(el, path, "access", sub)))
		return missing(c, path, sub, "access letters from \"rwxc\" (\"\" for none)");
	return rule_access(c, sub, v, &fp->rule[i].access);
}

static int parse_files(struct pctx *c, const char *path, json_t *v)
{
	struct hy_file_policy *fp = &c->p->obj.files;
	char sub[HY_JSON_PATH_MAX];
	json_t *el;
	size_t i;

	if (!json_is_array(v))
		return fail(c, path, "expected an array of rules {\"path\", \"access\"}, got %s",
			    GOT(v));
	if (json_array_size(v) > HY_POL_PATH_RULES)
		return fail(c, path, "expected at most %d rules, got %zu", HY_POL_PATH_RULES,
			    json_array_size(v));
	memset(fp, 0, sizeof(*fp)); /* the section replaces the defaults */
	json_array_foreach (v, i, el) {
		hy_json_path_index(sub, sizeof(sub), path, i);
		int r = parse_file_rule(c, sub, el, i);
		if (r < 0)
			return r;
		fp->nrules = (__u32)i + 1;
	}
	return 0;
}

static int parse_exec(struct pctx *c, const char *path, json_t *v)
{
	struct hy_exec_policy *ep = &c->p->obj.exec;
	char sub[HY_JSON_PATH_MAX];
	json_t *el;
	size_t i;

	if (!json_is_array(v))
		return fail(c, path, "expected an array of absolute paths, got %s", GOT(v));
	if (json_array_size(v) > HY_POL_PATH_RULES)
		return fail(c, path, "expected at most %d paths, got %zu", HY_POL_PATH_RULES,
			    json_array_size(v));
	ep->enabled = 1;
	json_array_foreach (v, i, el) {
		hy_json_path_index(sub, sizeof(sub), path, i);
		int r = rule_path(c, "exec", sub, el, &ep->rule[i], ep->rule, i);
		if (r < 0)
			return r;
		ep->rule[i].access = HY_ACC_X;
		ep->nrules = (__u32)i + 1;
	}
	return 0;
}

/* ---- network ---------------------------------------------------------------------- */

static const char *const action_names[] = { "allow", "deny" };
static const char *const family_names[] = { "inet", "inet6", "unix", "netlink", "packet", "raw" };
static const char *const dir_names[] = { "connect", "bind" };

static int parse_cidr(struct pctx *c, const char *path, const json_t *v, struct hy_net_rule *rule)
{
	bool v6 = rule->family == HY_NET_INET6;
	const char *like = v6 ? "an IPv6 CIDR like \"fd00::/8\"" :
				"an IPv4 CIDR like \"10.0.0.0/8\"";
	unsigned max = v6 ? 128 : 32, prefix = 0;
	const char *s = json_string_value(v), *slash = s ? strchr(s, '/') : NULL;
	char addr[64];

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return fail(c, path, "expected %s (address/prefix length), got %s", like, GOT(v));
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, rule->addr) != 1)
		return fail(c, path, "expected %s, got %s", like, GOT(v));
	const char *d = slash + 1;
	size_t nd = strspn(d, "0123456789");
	if (nd == 0 || nd > 3 || d[nd] || (nd > 1 && d[0] == '0') || (prefix = atoi(d)) > max)
		return fail(c, path, "expected a prefix length from 0 to %u after \"/\", got %s",
			    max, GOT(v));
	rule->prefix = prefix;
	hy_net_rule_seal(rule);
	bool host_bits = false;
	for (size_t i = 0; i < 16; i++) {
		host_bits |= (rule->addr[i] & ~rule->mask[i]) != 0;
		rule->addr[i] &= rule->mask[i];
	}
	if (host_bits) {
		inet_ntop(v6 ? AF_INET6 : AF_INET, rule->addr, addr, sizeof(addr));
		return fail(c, path,
			    "expected a network address with no host bits set (\"%s/%u\"), "
			    "got %s",
			    addr, prefix, GOT(v));
	}
	static const __u8 mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (v6 && prefix >= 96 && memcmp(rule->addr, mapped, sizeof(mapped)) == 0)
		return fail(c, path,
			    "expected an IPv6 network outside ::ffff:0:0/96 (IPv4-mapped "
			    "addresses are decided by inet rules), got %s",
			    GOT(v));
	return 0;
}

/* "80,443,8000-8100" (spaces allowed around items) or a number. */
static int parse_ports(struct pctx *c, const char *path, const json_t *v, struct hy_net_rule *rule)
{
	const char *s = json_string_value(v);

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);
		if (n < 1 || n > 65535)
			return fail(c, path, "expected ports from 1 to 65535, got %s", GOT(v));
		rule->ports[0] = (struct hy_port_range){ (__u16)n, (__u16)n };
		rule->nports = 1;
		return 0;
	}
	for (rule->nports = 0; s;) {
		unsigned long lo, hi;
		char *end;
		s += strspn(s, " ");
		if (*s < '0' || *s > '9')
			break;
		lo = hi = strtoul(s, &end, 10);
		s = end + strspn(end, " ");
		if (*s == '-') {
			s += 1 + strspn(s + 1, " ");
			if (*s < '0' || *s > '9')
				break;
			hi = strtoul(s, &end, 10);
			s = end + strspn(end, " ");
		}
		if (lo < 1 || hi > 65535)
			return fail(c, path, "expected ports from 1 to 65535, got %s", GOT(v));
		if (lo > hi)
			return fail(c, path,
				    "expected ranges written low-high with low <= high, got %s",
				    GOT(v));
		if (rule->nports == HY_POL_PORT_RANGES)
			return fail(c, path, "expected at most %d port ranges, got %s",
				    HY_POL_PORT_RANGES, GOT(v));
		rule->ports[rule->nports++] = (struct hy_port_range){ (__u16)lo, (__u16)hi };
		if (*s == '\0')
			return 0;
		if (*s++ != ',')
			break;
	}
	return fail(c, path,
		    "expected a port list like \"80,443,8000-8100\" or a port number, got %s",
		    GOT(v));
}

/* direction, cidr and ports: meaningful only for some families. */
static int rule_options(struct pctx *c, const char *path, json_t *el, struct hy_net_rule *rule)
{
	bool ip = rule->family == HY_NET_INET || rule->family == HY_NET_INET6;
	bool addressed = ip || rule->family == HY_NET_UNIX;
	const char *fam = family_names[rule->family - 1];
	char sub[HY_JSON_PATH_MAX];
	json_t *v;
	int r;

	rule->dirs = addressed ? HY_NET_ANY_DIR : 0;
	if ((v = member(el, path, "direction", sub))) {
		if (!addressed)
			return fail(c, sub,
				    "expected no direction for family \"%s\" (it is decided "
				    "when the socket is created), got %s",
				    fam, GOT(v));
		if ((r = PICK(c, sub, v, dir_names)) < 0)
			return r;
		rule->dirs = r == 0 ? HY_NET_CONNECT : HY_NET_BIND;
	}
	if ((v = member(el, path, "cidr", sub))) {
		if (!ip)
			return fail(c, sub,
				    "expected no cidr for family \"%s\" (only inet and inet6 "
				    "rules take addresses), got %s",
				    fam, GOT(v));
		if ((r = parse_cidr(c, sub, v, rule)) < 0)
			return r;
	}
	if ((v = member(el, path, "ports", sub))) {
		if (!ip)
			return fail(c, sub,
				    "expected no ports for family \"%s\" (only inet and inet6 "
				    "rules take ports), got %s",
				    fam, GOT(v));
		if ((r = parse_ports(c, sub, v, rule)) < 0)
			return r;
	}
	return 0;
}

static int parse_net_rule(struct pctx *c, const char *path, json_t *el, struct hy_net_rule *rule)
{
	static const char *const known[] = { "action", "family", "direction", "cidr", "ports" };
	char sub[HY_JSON_PATH_MAX], alt[160];
	json_t *v;
	int r;

	if (!json_is_object(el))
		return fail(c, path, "expected a rule {\"action\", \"family\", ...}, got %s",
			    GOT(el));
	if ((r = known_fields(c, path, el, known, ARRAY_SIZE(known))) < 0)
		return r;
	memset(rule, 0, sizeof(*rule));
	if (!(v = member(el, path, "action", sub)))
		return missing(c, path, sub, alternatives(action_names, 2, alt, sizeof(alt)));
	if ((r = PICK(c, sub, v, action_names)) < 0)
		return r;
	rule->action = r == 0 ? HY_NET_ALLOW : HY_NET_DENY;
	if (!(v = member(el, path, "family", sub)))
		return missing(c, path, sub,
			       alternatives(family_names, ARRAY_SIZE(family_names), alt,
					    sizeof(alt)));
	if ((r = PICK(c, sub, v, family_names)) < 0)
		return r;
	rule->family = (__u32)r + 1; /* enum hy_net_family order */
	if ((r = rule_options(c, path, el, rule)) < 0)
		return r;
	hy_net_rule_seal(rule);
	return 0;
}
_Static_assert(HY_NET_INET == 1 && HY_NET_INET6 == 2 && HY_NET_UNIX == 3 && HY_NET_NETLINK == 4 &&
		       HY_NET_PACKET == 5 && HY_NET_RAW == 6,
	       "family_names order");

static int parse_network(struct pctx *c, const char *path, json_t *v)
{
	static const char *const known[] = { "default", "rules" };
	struct hy_net_policy *np = &c->p->obj.net;
	char sub[HY_JSON_PATH_MAX], alt[64];
	json_t *d, *rules, *el;
	size_t i;
	int r;

	if (!json_is_object(v))
		return fail(c, path,
			    "expected an object {\"default\": ..., \"rules\": [...]}, got %s",
			    GOT(v));
	if ((r = known_fields(c, path, v, known, ARRAY_SIZE(known))) < 0)
		return r;
	/* required: "allow" rules under an implicit allow default would be a no-op */
	if (!(d = member(v, path, "default", sub)))
		return missing(c, path, sub, alternatives(action_names, 2, alt, sizeof(alt)));
	if ((r = PICK(c, sub, d, action_names)) < 0)
		return r;
	np->default_action = r == 0 ? HY_NET_ALLOW : HY_NET_DENY;
	if (!(rules = member(v, path, "rules", sub)))
		return 0;
	if (!json_is_array(rules))
		return fail(c, sub, "expected an array of rules, got %s", GOT(rules));
	if (json_array_size(rules) > HY_POL_NET_RULES)
		return fail(c, sub, "expected at most %d rules, got %zu", HY_POL_NET_RULES,
			    json_array_size(rules));
	json_array_foreach (rules, i, el) {
		char rp[HY_JSON_PATH_MAX];
		hy_json_path_index(rp, sizeof(rp), sub, i);
		if ((r = parse_net_rule(c, rp, el, &np->rule[i])) < 0)
			return r;
		np->nrules = (__u32)i + 1;
	}
	return 0;
}

/* ---- process ------------------------------------------------------------------------ */

static int parse_process(struct pctx *c, const char *path, json_t *v)
{
	static const char *const known[] = { "ptrace", "signals", "mount" };
	static const char *const deny_allow[] = { "deny", "allow" };
	static const char *const signals[] = { "container" };
	struct hy_proc_policy *pp = &c->p->obj.proc;
	char sub[HY_JSON_PATH_MAX];
	json_t *f;
	int r;

	if (!json_is_object(v))
		return fail(c, path,
			    "expected an object {\"ptrace\", \"signals\", \"mount\"}, got %s",
			    GOT(v));
	if ((r = known_fields(c, path, v, known, ARRAY_SIZE(known))) < 0)
		return r;
	if ((f = member(v, path, "ptrace", sub))) {
		if ((r = PICK(c, sub, f, deny_allow)) < 0)
			return r;
		pp->ptrace = r == 1 ? HY_PROC_ALLOW : HY_PROC_DENY;
	}
	if ((f = member(v, path, "signals", sub)) && (r = PICK(c, sub, f, signals)) < 0)
		return r;
	if ((f = member(v, path, "mount", sub))) {
		if ((r = PICK(c, sub, f, deny_allow)) < 0)
			return r;
		pp->mount = r == 1 ? HY_PROC_ALLOW : HY_PROC_DENY;
	}
	return 0;
}

/* ---- the document ------------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*parse)(struct pctx *c, const char *path, json_t *v);
} sections[] = {
	{ "mode", parse_mode },	    { "syscalls", parse_syscalls }, { "files", parse_files },
	{ "exec", parse_exec },	    { "network", parse_network },   { "process", parse_process },
	{ "events", parse_events },
};

/* Sections are taken in file order, so the first error in the file is reported. */
static int load_root(struct pctx *c, json_t *root)
{
	const char *key;
	json_t *v;

	if (!json_is_object(root))
		return fail(c, "", "expected a JSON object at the top level, got %s", GOT(root));
	json_object_foreach (root, key, v) {
		size_t i = 0;
		while (i < ARRAY_SIZE(sections) && strcmp(sections[i].name, key) != 0)
			i++;
		if (i == ARRAY_SIZE(sections)) {
			const char *names[ARRAY_SIZE(sections)];
			for (i = 0; i < ARRAY_SIZE(sections); i++)
				names[i] = sections[i].name;
			return known_fields(c, "", root, names, ARRAY_SIZE(names));
		}
		char path[HY_JSON_PATH_MAX];
		hy_json_path_key(path, sizeof(path), "", key);
		int r = sections[i].parse(c, path, v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* jansson's own message and position; a duplicate key is placed by the index. */
static int syntax_error(const char *name, const char *text, size_t len, const json_error_t *jerr,
			struct hy_err *err)
{
	_cleanup_(hy_json_pos_freep) struct hy_json_pos *pos = NULL;
	struct hy_json_loc at, first;
	const char *path;

	if (json_error_code(jerr) == json_error_duplicate_key &&
	    hy_json_pos_build(text, len, &pos) == 0 &&
	    hy_json_pos_duplicate(pos, &path, &at, &first) == 0)
		return hy_err_set(
			err, -EINVAL,
			"%s:%d:%d: %s: expected each key once, got a duplicate key (first "
			"at %d:%d)",
			name, at.line, at.col, path, first.line, first.col);
	return hy_err_set(err, -EINVAL, "%s:%d:%d: %s", name, jerr->line, jerr->column, jerr->text);
}

static int parse_text(const char *name, const char *text, size_t len, struct hy_policy *p,
		      struct hy_err *err)
{
	_cleanup_(hy_json_pos_freep) struct hy_json_pos *pos = NULL;
	json_error_t jerr;
	int r;

	hy_policy_default(p);
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return syntax_error(name, text, len, &jerr, err);
	r = hy_json_pos_build(text, len, &pos);
	if (r < 0) {
		json_decref(root);
		return hy_err_setr(err, r, "%s: index the JSON text", name);
	}
	struct pctx c = { .file = name, .pos = pos, .err = err, .p = p };
	r = load_root(&c, root);
	json_decref(root);
	if (r < 0) {
		hy_policy_default(p); /* nothing half-applied survives a failure */
		return r;
	}
	p->sys.audit = p->mode == HY_POLICY_AUDIT;
	return 0;
}

int hy_policy_parse(const char *name, const char *text, struct hy_policy *p, struct hy_err *err)
{
	return parse_text(name, text, strlen(text), p, err);
}

int hy_policy_load(const char *path, struct hy_policy *p, struct hy_err *err)
{
	hy_policy_default(p);
	if (!path)
		return 0;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "%s", path);
	/* bounded: --policy /dev/zero must not eat the memory */
	_cleanup_free_ char *text = xmalloc(POLICY_MAX_BYTES + 1);
	ssize_t n = read_full(fd, text, POLICY_MAX_BYTES + 1);
	if (n < 0)
		return hy_err_setr(err, (int)n, "%s", path);
	if (n > POLICY_MAX_BYTES)
		return hy_err_set(err, -EFBIG, "%s: expected a policy file of at most %d bytes",
				  path, POLICY_MAX_BYTES);
	text[n] = '\0';
	return parse_text(path, text, (size_t)n, p, err);
}

/* ---- defaults ------------------------------------------------------------------------ */

void hy_policy_default(struct hy_policy *p)
{
	memset(p, 0, sizeof(*p)); /* enforce, events all, no exec list, ptrace/mount deny */
	for (size_t i = 0; i < ARRAY_SIZE(default_files); i++) {
		struct hy_path_rule *r = &p->obj.files.rule[i];
		r->len = (__u32)strscpy(r->path, default_files[i].path, sizeof(r->path));
		r->access = default_files[i].access;
	}
	p->obj.files.nrules = ARRAY_SIZE(default_files);
	p->obj.net.default_action = HY_NET_ALLOW; /* packet and raw stay denied */
	p->obj.proc.signals = HY_SIG_CONTAINER;
}

int hy_policy_grant(struct hy_policy *p, const char *path, uint32_t access)
{
	struct hy_file_policy *fp = &p->obj.files;
	size_t len = strlen(path), i = 0;
	if (len == 0 || len >= HY_PATH_LEN)
		return -ENAMETOOLONG;
	while (i < fp->nrules && strcmp(fp->rule[i].path, path) != 0)
		i++;
	if (i == fp->nrules && fp->nrules == HY_POL_PATH_RULES)
		return -ENOSPC;
	if (i == fp->nrules) {
		memset(&fp->rule[i], 0, sizeof(fp->rule[i]));
		memcpy(fp->rule[i].path, path, len);
		fp->rule[i].len = (__u32)len;
		fp->nrules++;
	}
	fp->rule[i].access = access;
	return 0;
}

static bool files_are_default(const struct hy_file_policy *fp)
{
	if (fp->nrules != ARRAY_SIZE(default_files))
		return false;
	/* paths are unique on both sides, so equal counts + inclusion = equal sets */
	for (size_t i = 0; i < fp->nrules; i++) {
		size_t j = 0;
		while (j < ARRAY_SIZE(default_files) &&
		       strcmp(default_files[j].path, fp->rule[i].path))
			j++;
		if (j == ARRAY_SIZE(default_files) || default_files[j].access != fp->rule[i].access)
			return false;
	}
	return true;
}

const char *hy_policy_object_section(const struct hy_policy *p)
{
	const struct hy_obj_policy *o = &p->obj;

	if (!files_are_default(&o->files))
		return "files";
	if (o->exec.enabled)
		return "exec";
	if (o->net.default_action != HY_NET_ALLOW || o->net.nrules)
		return "network";
	if (o->proc.ptrace != HY_PROC_DENY || o->proc.mount != HY_PROC_DENY ||
	    o->proc.signals != HY_SIG_CONTAINER)
		return "process";
	return NULL;
}

bool hy_policy_has_object_rules(const struct hy_policy *p)
{
	return hy_policy_object_section(p) != NULL;
}

/* ---- roads ---------------------------------------------------------------------------- */

/* Every path readable: "/" grants r and no more specific rule takes it away. */
static bool files_read_all(const struct hy_file_policy *fp)
{
	bool root_r = false;
	for (__u32 i = 0; i < fp->nrules && i < HY_POL_PATH_RULES; i++) {
		if (!(fp->rule[i].access & HY_ACC_R))
			return false;
		root_r |= !strcmp(fp->rule[i].path, "/");
	}
	return root_r;
}

void hy_policy_route(struct hy_policy *p, bool lsm)
{
	const struct hy_obj_policy *o = &p->obj;
	p->sys.ptrace = o->proc.ptrace == HY_PROC_ALLOW;
	p->sys.mount = o->proc.mount == HY_PROC_ALLOW;
	p->sys.areas = 0;
	p->sys.files_read_all = false;
	if (lsm)
		return;
	p->sys.areas = EMU_AREA_FILES | EMU_AREA_EXEC | EMU_AREA_NET;
	/* Address rules cost a trap per connect/bind/sendto: only when there are some. */
	if (o->net.default_action != HY_NET_ALLOW || o->net.nrules)
		p->sys.areas |= EMU_AREA_NET_ADDR;
	p->sys.files_read_all = files_read_all(&o->files);
}
