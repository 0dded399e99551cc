// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.json's linux object (see oci_config.h, oci_parse.h).
 * hybox builds the container's namespaces itself (ns.c, sandbox_init.c), so
 * a config is accepted only where it asks for what hybox does: the
 * namespaces it creates, the resources it limits. Anything else is refused
 * with its JSON path. Pure, unprivileged.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "cpulist.h"
#include "ns.h"
#include "oci_parse.h"
#include "res_limits.h"
#include "util.h"

/* ---- linux.namespaces ----------------------------------------------------------------- */

static const struct {
	const char *type;
	bool is_required; /* hybox always creates one: leaving it out (sharing the host's) fails */
	const char *no_join; /* why "path" is refused (NULL: it can be joined, ns_join.h) */
} ns_types[] = {
	{ "pid", true },
	{ "network", false },
	{ "mount", true, "hybox builds the container's root, /proc and /dev in a mount "
		   "namespace of its own; another's would be shared and changed" },
	{ "ipc", true },
	{ "user", false },
	/* hybox always makes these three, listed or not: only stricter than asked.
	 * uts: left out, it holds the host's names, which the container cannot
	 * change (Kubernetes' hostNetwork pods; gVisor does the same); cgroup:
	 * podman leaves it out on cgroup v1 hosts; time: the container's boot. */
	{ "uts", false },
	{ "cgroup", false, "hybox roots the container's cgroup namespace at its own "
			   "cgroup leaf; another's would show that container's tree" },
	{ "time", false, "hybox sets a new time namespace's clocks to the container's "
			 "boot; a joined one's offsets are fixed by its first process" },
};

void oci_namespaces_json(json_t *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++)
		json_array_append_new(a, json_string(ns_types[i].type));
}

static int parse_namespace(struct oci_ctx *c, const char *path, json_t *v, size_t idx, void *data)
{
	unsigned int *seen = data;
	char tpath[HY_JSON_PATH_MAX], ppath[HY_JSON_PATH_MAX];
	const char *key, *type = NULL, *nspath = NULL;
	json_t *el;
	int r;
	if ((r = oci_want_type(c, path, v, JSON_OBJECT)) < 0)
		return r;
	json_object_foreach (v, key, el)
		if (strcmp(key, "type") != 0 && strcmp(key, "path") != 0) {
			hy_json_path_key(tpath, sizeof(tpath), path, key);
			return oci_fail(c, tpath, "unknown property (expected type and path)");
		}
	if ((r = oci_require(c, path, v, "type", "a namespace type like \"pid\"")) < 0)
		return r;
	hy_json_path_key(tpath, sizeof(tpath), path, "type");
	hy_json_path_key(ppath, sizeof(ppath), path, "path");
	if ((r = oci_want_string(c, tpath, json_object_get(v, "type"), &type)) < 0)
		return r;
	if ((el = json_object_get(v, "path")) && (r = oci_want_string(c, ppath, el, &nspath)) < 0)
		return r;
	size_t i = 0;
	while (i < ARRAY_SIZE(ns_types) && strcmp(ns_types[i].type, type) != 0)
		i++;
	if (i == ARRAY_SIZE(ns_types))
		return oci_fail(c, tpath, "expected pid, network, mount, ipc, uts, cgroup, user or "
					  "time, got %s", OCI_GOT(json_object_get(v, "type")));
	if (*seen & (1u << i))
		return oci_fail(c, tpath, "expected each namespace type once, got \"%s\" again", type);
	*seen |= 1u << i;
	int join = hy_ns_join_by_type(type);
	if (strcmp(type, "user") == 0 && !(nspath && *nspath))
		c->cfg->userns.is_new = true; /* its mappings: oci_userns.c */
	if (nspath && *nspath && join < 0)
		return oci_fail(c, ppath, "joining an existing %s namespace is refused: %s (leave "
					  "out \"path\"; user, network, ipc, uts and pid namespaces "
					  "can be joined)", type, ns_types[i].no_join);
	if (nspath && *nspath)
		c->cfg->ns_path[join] = nspath; /* checked to be one when the bundle is loaded */
	else if (join == HY_JOIN_NET)
		c->cfg->is_net_none = true;
	return 0;
}

static int parse_namespaces(struct oci_ctx *c, const char *path, json_t *v)
{
	unsigned int seen = 0;
	size_t i;
	int r;
	if ((r = oci_parse_each(c, path, v, parse_namespace, &seen)) < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(ns_types); i++)
		if (ns_types[i].is_required && !(seen & (1u << i)))
			return oci_fail(c, path, "hybox always creates a new %s namespace: sharing the "
						 "host's is not supported (add {\"type\": \"%s\"})",
					ns_types[i].type, ns_types[i].type);
		else if (strcmp(ns_types[i].type, "uts") == 0 && !(seen & (1u << i)))
			c->cfg->is_uts_host = true;
	return 0;
}

static int parse_propagation(struct oci_ctx *c, const char *path, json_t *v)
{
	const char *s = NULL;
	int r = oci_want_string(c, path, v, &s);
	if (r == 0 && *s && strcmp(s, "private") != 0 && strcmp(s, "rprivate") != 0)
		return oci_fail(c, path, "%s is not supported yet (hybox makes every mount of the "
					 "container private: \"rprivate\")", OCI_GOT(v));
	return r;
}

/* ---- linux.resources ------------------------------------------------------------------ */

/* A signed limit where -1 (and, for runc, 0) means none. */
static int want_limit(struct oci_ctx *c, const char *path, const json_t *v, int64_t *ret)
{
	if (!json_is_integer(v) || json_integer_value(v) < -1)
		return oci_fail(c, path, "expected an integer (-1: no limit), got %s", OCI_GOT(v));
	*ret = json_integer_value(v);
	return 0;
}

static int parse_memory_limit(struct oci_ctx *c, const char *path, json_t *v)
{
	int64_t limit;
	int r = want_limit(c, path, v, &limit);
	if (r == 0 && limit > 0 && limit < (4 << 20))
		return oci_fail(c, path, "expected at least 4194304 bytes (4 MiB), got %s", OCI_GOT(v));
	if (r == 0) {
		c->cfg->memory = limit > 0 ? (uint64_t)limit : 0;
		c->cfg->is_memory_unlimited = limit == -1;
	}
	return r;
}

/* memory.swap: memory + swap together (runc's reading); -1 unlimited, 0 unset. */
static int parse_memory_swap(struct oci_ctx *c, const char *path, json_t *v)
{
	return want_limit(c, path, v, &c->cfg->memory_swap);
}

/* reservation: the leaf's memory.low, as runc writes it on cgroup v2 (-1:
 * "max", 0: unset). */
static int parse_memory_reservation(struct oci_ctx *c, const char *path, json_t *v)
{
	char value[32] = "max";
	int64_t low;
	int r = want_limit(c, path, v, &low);

	if (r < 0 || low == 0)
		return r;
	if (low > 0)
		snprintf(value, sizeof(value), "%" PRId64, low);
	return oci_add_write(c, path, &c->cfg->cg_writes, "memory.low", value, HY_CGW_ERROR, NULL);
}

/* kernel, kernelTCP: limits of their own on cgroup v1; on v2 kernel memory
 * counts in memory.max (runc: "Kernel memory settings are ignored"). */
static int ignore_kernel_limit(struct oci_ctx *c, const char *path, json_t *v,
			       const char *v1_file, const char *why)
{
	int64_t limit;
	int r = want_limit(c, path, v, &limit);

	return r < 0 || limit <= 0 ? r : oci_ignore_v1(c, path, v1_file, why);
}

static int parse_memory_kernel(struct oci_ctx *c, const char *path, json_t *v)
{
	return ignore_kernel_limit(c, path, v, "memory.kmem.limit_in_bytes",
				   OCI_V1_ONLY("no kernel memory limit of its own: it counts in "
					       "memory.max", "memory.kmem.limit_in_bytes"));
}

static int parse_memory_kernel_tcp(struct oci_ctx *c, const char *path, json_t *v)
{
	return ignore_kernel_limit(c, path, v, "memory.kmem.tcp.limit_in_bytes",
				   OCI_V1_ONLY("no TCP buffer limit of its own: they count in "
					       "memory.max", "memory.kmem.tcp.limit_in_bytes"));
}

static int parse_memory_swappiness(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t swappiness;
	int r = oci_want_uint(c, path, v, 100, &swappiness);

	if (r < 0)
		return r;
	return oci_ignore_v1(c, path, "memory.swappiness",
			     OCI_V1_ONLY("no swappiness per cgroup", "memory.swappiness"));
}

/* disableOOMKiller true, useHierarchy false: what cgroup v2 cannot do. */
static int parse_memory_oom(struct oci_ctx *c, const char *path, json_t *v)
{
	bool is_off;
	int r = oci_want_bool(c, path, v, &is_off);

	if (r < 0 || !is_off)
		return r;
	return oci_ignore_v1(c, path, "memory.oom_control",
			     OCI_V1_ONLY("no way to turn the OOM killer off",
					 "memory.oom_control"));
}

static int parse_memory_hierarchy(struct oci_ctx *c, const char *path, json_t *v)
{
	bool is_on;
	int r = oci_want_bool(c, path, v, &is_on);

	if (r < 0 || is_on)
		return r;
	return oci_ignore_v1(c, path, "memory.use_hierarchy",
			     OCI_V1_ONLY("only hierarchical accounting", "memory.use_hierarchy"));
}

static int parse_memory_check(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_want_bool(c, path, v, &c->cfg->is_check_usage);
}

static const struct oci_field memory_fields[] = {
	{ "limit", parse_memory_limit },
	{ "swap", parse_memory_swap },
	{ "reservation", parse_memory_reservation },
	{ "kernel", parse_memory_kernel },
	{ "kernelTCP", parse_memory_kernel_tcp },
	{ "swappiness", parse_memory_swappiness },
	{ "disableOOMKiller", parse_memory_oom },
	{ "useHierarchy", parse_memory_hierarchy },
	{ "checkBeforeUpdate", parse_memory_check },
};

/* swap.max = swap - limit, as runc maps it onto cgroup v2; needs a limit
 * (or, for both unlimited, -1 twice: `hybox update --memory -1 --memory-swap -1`). */
static int parse_memory(struct oci_ctx *c, const char *path, json_t *v)
{
	char sp[HY_JSON_PATH_MAX];
	int r = oci_parse_fields(c, path, v, memory_fields, ARRAY_SIZE(memory_fields));
	int64_t swap = c->cfg->memory_swap;
	hy_json_path_key(sp, sizeof(sp), path, "swap");
	if (r < 0 || swap == 0)
		return r;
	if (!c->cfg->memory && !(swap < 0 && c->cfg->is_memory_unlimited))
		return oci_fail(c, sp, "needs memory.limit (swap is memory + swap together)");
	if (swap > 0 && (uint64_t)swap < c->cfg->memory)
		return oci_fail(c, sp, "expected at least memory.limit (%llu: memory + swap "
				       "together), got %lld", (unsigned long long)c->cfg->memory,
				(long long)swap);
	c->cfg->has_swap_max = true;
	c->cfg->swap_max = swap < 0 ? UINT64_MAX : (uint64_t)swap - c->cfg->memory;
	return 0;
}

static int parse_cpu_quota(struct oci_ctx *c, const char *path, json_t *v)
{
	return want_limit(c, path, v, &c->cfg->cpu_quota);
}

static int parse_cpu_period(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t period;
	int r = oci_want_uint(c, path, v, 1000000, &period);
	if (r == 0 && period < 1000)
		return oci_fail(c, path, "expected 1000 to 1000000 microseconds, got %s", OCI_GOT(v));
	if (r == 0)
		c->cfg->cpu_period = period;
	return r;
}

/* shares (cgroup v1's relative weight; containerd's ctr sets 1024, the
 * kubelet the pod's CPU request) as cpu.weight; 0: not set. */
static int parse_cpu_shares(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t shares;
	int r = oci_want_uint(c, path, v, HY_CPU_SHARES_MAX, &shares);
	if (r == 0 && shares == 1)
		return oci_fail(c, path, "expected 0 (unset) or %d to %d, got 1", HY_CPU_SHARES_MIN,
				HY_CPU_SHARES_MAX);
	if (r == 0 && shares)
		c->cfg->cpu_weight = hy_limits_cpu_weight(shares);
	return r;
}

/* A CPU or memory node list in the kernel's format ("0-3,5"); "": unset. */
static int want_cpulist(struct oci_ctx *c, const char *path, json_t *v, const char *what,
			cpu_set_t *set, const char **ret)
{
	const char *s = NULL, *why = NULL;
	int r = json_is_null(v) ? 0 : oci_want_string(c, path, v, &s);

	if (!s)
		return r; /* null: unset, as "" */

	if (r == 0 && hy_cpulist_parse(s, HY_CPULIST_MAX, set, &why) < 0)
		return oci_fail(c, path, "expected a list of %s like \"0-3,5\" (numbers 0 to %d and "
					 "ranges a-b with a <= b, comma separated, no spaces), got "
					 "%s: %s", what, HY_CPULIST_MAX, OCI_GOT(v), why);
	if (r == 0)
		*ret = *s ? s : NULL;
	return r;
}

/* cpus (Kubernetes' static CPU manager, podman --cpuset-cpus): cpuset.cpus,
 * and the CPUs init is pinned to and the views show. */
static int parse_cpu_cpus(struct oci_ctx *c, const char *path, json_t *v)
{
	return want_cpulist(c, path, v, "CPUs", &c->cfg->cpuset, &c->cfg->cpuset_cpus);
}

static int parse_cpu_mems(struct oci_ctx *c, const char *path, json_t *v)
{
	cpu_set_t nodes;
	return want_cpulist(c, path, v, "memory nodes", &nodes, &c->cfg->cpuset_mems);
}

/* idle (Linux 5.15): the leaf's cpu.idle, 1 for SCHED_IDLE, 0 not. */
static int parse_cpu_idle(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t idle;
	int r = oci_want_uint(c, path, v, 1, &idle);

	if (r < 0)
		return r;
	return oci_add_write(c, path, &c->cfg->cpu_writes, "cpu.idle", idle ? "1" : "0",
			     HY_CGW_ERROR, "cpu.idle needs Linux 5.15");
}

/* realtimeRuntime, realtimePeriod: cgroup v2 has no real-time group control
 * (runc ignores them there in silence, crun refuses them; hybox too). */
static int refuse_cpu_rt(struct oci_ctx *c, const char *path, json_t *v)
{
	if (json_is_null(v) || (json_is_integer(v) && json_integer_value(v) == 0))
		return 0;
	return oci_fail(c, path, "not supported: cgroup v2 has no real-time CPU time per cgroup "
				 "(cgroup v1's cpu.rt_runtime_us and cpu.rt_period_us); leave it "
				 "out or 0");
}

static const struct oci_field cpu_fields[] = {
	{ "quota", parse_cpu_quota },
	{ "period", parse_cpu_period },
	{ "shares", parse_cpu_shares }, { "burst", oci_read_below },
	{ "realtimeRuntime", refuse_cpu_rt }, { "realtimePeriod", refuse_cpu_rt },
	{ "cpus", parse_cpu_cpus }, { "mems", parse_cpu_mems }, { "idle", parse_cpu_idle },
};

/* burst (Linux 5.14): the leaf's cpu.max.burst, in microseconds per
 * cpu.period, so scaled as cpu.quota is to cpu.max's 100000 us period. */
static int parse_cpu_burst(struct oci_ctx *c, const char *path, json_t *v)
{
	uint64_t period = c->cfg->cpu_period ? c->cfg->cpu_period : HY_CPU_PERIOD_US, burst;
	char value[32];
	int r = oci_want_uint(c, path, v, INT64_MAX / HY_CPU_PERIOD_US, &burst);

	if (r == 0 && c->cfg->cpu_quota > 0 && burst > (uint64_t)c->cfg->cpu_quota)
		return oci_fail(c, path, "expected at most cpu.quota (%lld), got %llu: the kernel "
					 "refuses a burst above the quota",
				(long long)c->cfg->cpu_quota, (unsigned long long)burst);
	if (r < 0)
		return r;
	snprintf(value, sizeof(value), "%" PRIu64, burst * HY_CPU_PERIOD_US / period);
	return oci_add_write(c, path, &c->cfg->cpu_writes, "cpu.max.burst", value, HY_CGW_ERROR,
			     "cpu.max.burst needs Linux 5.14");
}

static int parse_cpu(struct oci_ctx *c, const char *path, json_t *v)
{
	char bp[HY_JSON_PATH_MAX];
	json_t *burst = json_object_get(v, "burst");
	int r = oci_parse_fields(c, path, v, cpu_fields, ARRAY_SIZE(cpu_fields));

	hy_json_path_key(bp, sizeof(bp), path, "burst");
	if (r < 0 || !burst || json_is_null(burst))
		return r;
	return parse_cpu_burst(c, bp, burst);
}

static int parse_pids_limit(struct oci_ctx *c, const char *path, json_t *v)
{
	int64_t limit;
	int r = want_limit(c, path, v, &limit);
	if (r == 0) {
		c->cfg->pids = limit > 0 ? (uint64_t)limit : 0;
		c->cfg->is_pids_unlimited = limit == -1;
	}
	return r;
}

static const struct oci_field pids_fields[] = {
	{ "limit", parse_pids_limit },
};

static int parse_pids(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_fields(c, path, v, pids_fields, ARRAY_SIZE(pids_fields));
}

static const struct oci_field resource_fields[] = {
	{ "memory", parse_memory },
	{ "cpu", parse_cpu },
	{ "pids", parse_pids },
	{ "devices", oci_parse_device_rules },
	{ "blockIO", oci_parse_block_io },
	{ "hugepageLimits", oci_parse_hugepage_limits },
	{ "network", oci_parse_network }, { "rdma", oci_parse_rdma },
	{ "unified", oci_parse_unified },
};

/* memory.limit and cpu.quota/period, as `hybox run --memory --cpus` applies
 * them; pids.limit as pids.max. */
int oci_parse_resources(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_fields(c, path, v, resource_fields, ARRAY_SIZE(resource_fields));
	int64_t quota = c->cfg->cpu_quota;
	uint64_t period = c->cfg->cpu_period ? c->cfg->cpu_period : 100000;
	if (r < 0 || quota <= 0)
		return r;
	/* Thousandths of a CPU, rounded up: a quota is never loosened. */
	uint64_t milli = ((uint64_t)quota * 1000 + period - 1) / period;
	c->cfg->cpus_milli = (uint32_t)MAX(MIN(milli, (uint64_t)UINT32_MAX), 10);
	return 0;
}

/* ---- linux.cgroupsPath --------------------------------------------------------------- */

/* What is wrong with a cgroupsPath (no colons), or NULL. */
static const char *cgroups_path_problem(const char *s)
{
	if (strlen(s) > 1024)
		return "longer than 1024 characters";
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a control character in it";
	const char *p = s + (*s == '/');
	if (!*p)
		return "the root cgroup cannot hold a container";
	for (;;) {
		size_t n = strcspn(p, "/");
		if (n == 0)
			return "an empty component (\"//\" or a trailing \"/\")";
		if (p[0] == '.' && (n == 1 || (n == 2 && p[1] == '.')))
			return "a \".\" or \"..\" component";
		if (!p[n])
			return NULL;
		p += n + 1;
	}
}

/*
 * "/a/b": <cgroup2 mount>/a/b; "a/b": <cgroup2 mount>/hybox/a/b (cgroup.h).
 * runc's systemd form "slice:prefix:name" is refused: hybox does not ask
 * systemd for its cgroups.
 */
static int parse_cgroups_path(struct oci_ctx *c, const char *path, json_t *v)
{
	const char *s = NULL, *why;
	int r = oci_want_string(c, path, v, &s);
	if (r < 0 || !*s)
		return r;
	if (strchr(s, ':'))
		return oci_fail(c, path, "%s: systemd cgroups (\"slice:prefix:name\") are not "
					 "supported (hybox manages its cgroup v2 directories itself; "
					 "give a path like \"/default/ID\")", OCI_GOT(v));
	if ((why = cgroups_path_problem(s)))
		return oci_fail(c, path, "expected a cgroup path like \"/default/ID\" or "
					 "\"group/ID\", got %s: %s", OCI_GOT(v), why);
	c->cfg->cgroups_path = s;
	return 0;
}

/* ---- linux.sysctl -------------------------------------------------------------------- */

/* The IPC namespace's (hybox always creates one), as runc lists them; also fs.mqueue.*. */
static const char *const ipc_sysctls[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* key's dots as slashes into out (n bytes), or what is wrong with it as a name
 * below /proc/sys: no "/", no empty, "." or ".." component can get through. */
static const char *sysctl_path(const char *key, char *out, size_t n)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t len = strlen(key);
	if (len >= n)
		return "a name longer than 95 characters";
	for (size_t i = 0; i <= len; i++) {
		bool is_end = key[i] == '.' || !key[i];
		if (is_end && (i == 0 || key[i - 1] == '.'))
			return "an empty component (\"..\", or a leading or trailing \".\")";
		if (!is_end && !strchr(ok, key[i]))
			return "a character other than letters, digits, \"_\", \"-\" and \".\"";
		out[i] = key[i] == '.' ? '/' : key[i];
	}
	return NULL;
}

/* Refuse a sysctl that is not the container's own. net.* is checked once the
 * whole linux object is read (linux.namespaces may come later). */
static int sysctl_scope(struct oci_ctx *c, const char *path, const char *key)
{
	if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0)
		return oci_fail(c, path, "not supported (use %s)", key + 7);
	for (size_t i = 0; i < ARRAY_SIZE(ipc_sysctls); i++)
		if (strcmp(key, ipc_sysctls[i]) == 0)
			return 0;
	if (strncmp(key, "fs.mqueue.", 10) == 0 || strncmp(key, "net.", 4) == 0)
		return 0;
	return oci_fail(c, path, "not namespaced: it would change the host (hybox accepts "
				 "kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* and, with a "
				 "network namespace, net.*)");
}

static int parse_sysctl_entry(struct oci_ctx *c, const char *path, const char *key, json_t *v,
			      void *data)
{
	struct hy_oci_config *cfg = c->cfg;
	struct hy_sysctl *s;
	const char *why;
	int r;
	if (!cfg->sysctls)
		cfg->sysctls = xcalloc(HY_SYSCTLS_MAX, sizeof(*cfg->sysctls));
	if (cfg->nsysctls == HY_SYSCTLS_MAX)
		return oci_fail(c, path, "expected at most %d sysctls", HY_SYSCTLS_MAX);
	s = &cfg->sysctls[cfg->nsysctls];
	if ((why = sysctl_path(key, s->path, sizeof(s->path))))
		return oci_fail(c, path, "expected a dotted name like \"kernel.shmmax\", got %s", why);
	if ((r = sysctl_scope(c, path, key)) < 0)
		return r;
	if ((r = oci_want_string(c, path, v, &s->value)) < 0)
		return r;
	if (!*s->value)
		return oci_fail(c, path, "expected a value, got \"\"");
	/* path fits: the name is short and needs no escapes. */
	strscpy(s->step, "write ", sizeof(s->step));
	strscpy(s->step + 6, path, sizeof(s->step) - 6);
	cfg->nsysctls++;
	return 0;
}

static int parse_sysctl(struct oci_ctx *c, const char *path, json_t *v)
{
	return oci_parse_members(c, path, v, parse_sysctl_entry, NULL);
}

/* net.* belongs to the container only in a network namespace of its own. */
static int check_sysctl_net(struct oci_ctx *c, const char *path, json_t *linux_obj)
{
	json_t *v = json_object_get(linux_obj, "sysctl"), *el;
	const char *key;
	if (c->cfg->is_net_none || c->cfg->ns_path[HY_JOIN_NET] || !json_is_object(v))
		return 0;
	json_object_foreach (v, key, el) {
		char sub[HY_JSON_PATH_MAX], at[HY_JSON_PATH_MAX];
		if (strncmp(key, "net.", 4) != 0)
			continue;
		hy_json_path_key(sub, sizeof(sub), path, "sysctl");
		hy_json_path_key(at, sizeof(at), sub, key);
		return oci_fail(c, at, "the container shares the host's network (no \"network\" in "
				       "linux.namespaces): it would change the host");
	}
	return 0;
}

static const struct oci_field linux_fields[] = {
	{ "namespaces", parse_namespaces },
	{ "rootfsPropagation", parse_propagation },
	{ "uidMappings", oci_parse_uid_mappings },
	{ "gidMappings", oci_parse_gid_mappings },
	{ "timeOffsets", NULL, "hybox sets the time namespace's offsets itself (boot time: the "
				"container's start)" },
	{ "devices", oci_parse_devices },
	{ "cgroupsPath", parse_cgroups_path },
	{ "resources", oci_parse_resources },
	{ "sysctl", parse_sysctl },
	{ "seccomp", oci_parse_seccomp },
	{ "maskedPaths", oci_parse_masked_paths },
	{ "readonlyPaths", oci_parse_readonly_paths },
	{ "mountLabel", NULL, "no SELinux labels" },
	{ "intelRdt", NULL },
	{ "personality", NULL },
	{ "memoryPolicy", NULL },
	{ "netDevices", NULL },
};

int oci_parse_linux(struct oci_ctx *c, const char *path, json_t *v)
{
	int r = oci_parse_fields(c, path, v, linux_fields, ARRAY_SIZE(linux_fields));
	if (r == 0)
		r = oci_require(c, path, v, "namespaces", "an array with at least pid, mount, ipc, "
							  "uts and cgroup");
	if (r == 0)
		r = check_sysctl_net(c, path, v);
	return r;
}

