// SPDX-License-Identifier: GPL-2.0-only
/* Container resource limits through cgroup v2 (res_limits.h). */
#include "res_limits.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "util.h"

void hy_limits_pick_cpus(uint32_t milli, const cpu_set_t *ours, cpu_set_t *out)
{
	int want = (int)((milli + 999) / 1000);

	CPU_ZERO(out);
	for (int i = 0; i < CPU_SETSIZE && CPU_COUNT(out) < want; i++)
		if (CPU_ISSET(i, ours))
			CPU_SET(i, out);
}

int hy_limits_cpus(uint32_t milli, const cpu_set_t *cpuset, const cpu_set_t *ours,
		   cpu_set_t *out)
{
	cpu_set_t allowed = *ours;

	if (cpuset)
		CPU_AND(&allowed, cpuset, ours);
	if (milli)
		hy_limits_pick_cpus(milli, &allowed, out);
	else
		*out = allowed;
	return CPU_COUNT(out) ? 0 : -ENOENT;
}

void hy_limits_cpu_max(uint32_t milli, char *buf, size_t len)
{
	if (milli == HY_CPUS_MAX)
		snprintf(buf, len, "max %d", HY_CPU_PERIOD_US);
	else
		snprintf(buf, len, "%" PRIu64 " %d", (uint64_t)milli * HY_CPU_PERIOD_US / 1000,
		 HY_CPU_PERIOD_US);
}

uint64_t hy_limits_cpu_weight(uint64_t shares)
{
	shares = MIN(MAX(shares, HY_CPU_SHARES_MIN), HY_CPU_SHARES_MAX);
	return 1 + (shares - HY_CPU_SHARES_MIN) * 9999 / (HY_CPU_SHARES_MAX - HY_CPU_SHARES_MIN);
}

uint64_t hy_limits_io_weight(uint64_t w)
{
	w = MIN(MAX(w, HY_BLKIO_WEIGHT_MIN), HY_BLKIO_WEIGHT_MAX);
	return 1 + (w - HY_BLKIO_WEIGHT_MIN) * 9999 / (HY_BLKIO_WEIGHT_MAX - HY_BLKIO_WEIGHT_MIN);
}

void hy_limits_io_max_line(uint32_t major, uint32_t minor, const char *key, uint64_t rate,
			   char *buf, size_t len)
{
	if (rate)
		snprintf(buf, len, "%" PRIu32 ":%" PRIu32 " %s=%" PRIu64, major, minor, key, rate);
	else
		snprintf(buf, len, "%" PRIu32 ":%" PRIu32 " %s=max", major, minor, key);
}

const char *hy_limits_pagesize_problem(const char *size)
{
	size_t n = strspn(size, "0123456789");

	if (n == 0)
		return "no number first";
	if (size[0] == '0')
		return "a leading 0";
	if (n > 7)
		return "more than 7 digits";
	if (strcmp(size + n, "KB") != 0 && strcmp(size + n, "MB") != 0 &&
	    strcmp(size + n, "GB") != 0)
		return "a unit other than KB, MB or GB after the number";
	return NULL;
}

/* cgroup.* files that are limits of the container's own subtree (runc writes
 * any cgroup.* key; hybox keeps procs, subtree_control, freeze, kill, type
 * and the rest to itself). */
static const char *const unified_cgroup_files[] = { "cgroup.max.depth", "cgroup.max.descendants" };

const char *hy_limits_unified_problem(const char *key)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	const char *dot = strchr(key, '.');

	if (!*key)
		return "an empty name";
	if (strchr(key, '/'))
		return "a \"/\" in it (a file of the container's own cgroup, not a path)";
	if (strlen(key) > 64)
		return "a name longer than 64 characters";
	if (key[strspn(key, ok)])
		return "a character other than letters, digits, \".\", \"_\" and \"-\"";
	if (!dot || dot == key || !dot[1] || strstr(key, "..") || key[strlen(key) - 1] == '.')
		return "not of the form CONTROLLER.NAME like \"memory.high\"";
	if (strncmp(key, "cgroup.", 7) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(unified_cgroup_files); i++)
			if (strcmp(key, unified_cgroup_files[i]) == 0)
				return NULL;
		return "hybox manages the leaf's cgroup.* files itself (only cgroup.max.depth and "
		       "cgroup.max.descendants may be set)";
	}
	if (!hy_cgroup_is_controller(key, (size_t)(dot - key)))
		return "not a file of a controller hybox enables for the container (memory, pids, "
		       "cpu, cpuset, io, hugetlb, rdma)";
	return NULL;
}

int hy_cg_writes_add(struct hy_cg_writes *w, const char *file, const char *value,
		     const char *option, enum hy_cgw_absent absent, const char *why)
{
	if (w->n == HY_CG_WRITES_MAX)
		return -E2BIG;
	if (!w->v)
		w->v = xcalloc(HY_CG_WRITES_MAX, sizeof(*w->v));
	w->v[w->n++] = (struct hy_cg_write){ .file = xstrdup(file), .value = xstrdup(value),
					     .option = xstrdup(option), .absent = absent,
					     .why = why };
	return 0;
}

const struct hy_cg_write *hy_cg_writes_find(const struct hy_cg_writes *w, const char *file)
{
	for (size_t i = 0; w && i < w->n; i++)
		if (strcmp(w->v[i].file, file) == 0)
			return &w->v[i];
	return NULL;
}

void hy_cg_writes_fini(struct hy_cg_writes *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].file);
		free(w->v[i].value);
		free(w->v[i].option);
	}
	free(w->v);
	*w = (struct hy_cg_writes){ 0 };
}

/* One limit: its cgroup file, the option that set it, its controller, what
 * still holds where it is not enforced (kernel-emu's /proc views show it,
 * init is pinned) or NULL, and why the kernel may refuse a value hybox has
 * checked (EINVAL, ERANGE) or NULL. */
struct limit {
	const char *file, *option, *controller;
	const char *still, *refused;
};

#define IN_VIEWS "the container's /proc views still show the limit"

/* Which name a limit of memory or cpu.max goes by in messages: hybox run's
 * option, hybox update's member of its resources object, or config.json's. */
enum { NAME_RUN, NAME_UPDATE, NAME_OCI };

static int name_of(const struct hy_limits *l)
{
	return l->is_update ? NAME_UPDATE : l->is_oci ? NAME_OCI : NAME_RUN;
}

static int write_limit(int dirfd, const struct limit *l, const char *value, bool is_update,
		       struct hy_err *err)
{
	const char *still = is_update ? NULL : l->still;
	int r = write_file_at(dirfd, l->file, value);

	if (r == -ENOENT) {
		fprintf(stderr, "hybox: warning: %s is not enforced: the cgroup v2 %s controller "
				"is not available to hybox on this host (see 'hybox features')%s%s\n",
			l->option, l->controller, still ? "; " : "", still ? still : "");
		return 0;
	}
	if ((r == -EINVAL || r == -ERANGE) && l->refused)
		return hy_err_set(err, r, "%s \"%s\": the kernel refused it as %s (%s): %s",
				  l->option, value, l->file, strerror(-r), l->refused);
	if (r < 0)
		return hy_err_setr(err, r, "set %s to '%s' for %s", l->file, value, l->option);
	return 0;
}

/* OCI's cpu.cpus and cpu.mems, written before any task is in the leaf. */
static int write_cpuset(int dirfd, const struct hy_limits *l, struct hy_err *err)
{
	static const struct limit cpus = { "cpuset.cpus", "linux.resources.cpu.cpus", "cpuset",
					   "the container still runs on those CPUs and its "
					   "/proc views show them",
					   "this host has no such CPU, or the parent cgroup's "
					   "cpuset does not allow it" },
				  mems = { "cpuset.mems", "linux.resources.cpu.mems", "cpuset",
					   NULL, "this host has no such memory node, or the "
					   "parent cgroup's cpuset does not allow it" };
	int r = 0;

	if (l->cpuset_cpus)
		r = write_limit(dirfd, &cpus, l->cpuset_cpus, l->is_update, err);
	if (r == 0 && l->cpuset_mems)
		r = write_limit(dirfd, &mems, l->cpuset_mems, l->is_update, err);
	return r;
}

#define NOT_ENFORCED "hybox: warning: %s is not enforced: "
#define NO_CONTROLLER "the cgroup v2 %s controller is not available to hybox on this host " \
		      "(see 'hybox features')"

/* Is the controller of file ("io" of "io.max") in the leaf's cgroup.controllers? */
static bool leaf_has_controller(int dirfd, const char *file)
{
	_cleanup_free_ char *list = NULL;
	size_t n = strcspn(file, ".");

	if (read_file_at(dirfd, "cgroup.controllers", &list) < 0)
		return false;
	for (char *save = NULL, *p = strtok_r(list, " \n", &save); p;
	     p = strtok_r(NULL, " \n", &save))
		if (strlen(p) == n && strncmp(p, file, n) == 0)
			return true;
	return false;
}

/* A missing file: not enforced (no controller, or w->absent says so), or an error. */
static int write_absent(int dirfd, const struct hy_cg_write *w, struct hy_err *err)
{
	char ctl[32];

	if (w->absent == HY_CGW_SKIP)
		return 0;
	if (strncmp(w->file, "cgroup.", 7) != 0 && !leaf_has_controller(dirfd, w->file)) {
		snprintf(ctl, sizeof(ctl), "%.*s", (int)strcspn(w->file, "."), w->file);
		fprintf(stderr, NOT_ENFORCED NO_CONTROLLER "\n", w->option, ctl);
		return 0;
	}
	if (w->absent == HY_CGW_WARN) {
		fprintf(stderr, NOT_ENFORCED "%s\n", w->option, w->why);
		return 0;
	}
	return hy_err_set(err, -ENOENT, "%s \"%s\": the container's cgroup has no file %s%s%s",
			  w->option, w->value, w->file, w->why ? ": " : "", w->why ? w->why : "");
}

static int write_extra(int dirfd, const struct hy_cg_write *w, struct hy_err *err)
{
	int r;

	if (w->absent == HY_CGW_V1_ONLY) {
		fprintf(stderr, NOT_ENFORCED "%s\n", w->option, w->why);
		return 0;
	}
	r = write_file_at(dirfd, w->file, w->value);

	if (r == -ENOENT)
		return write_absent(dirfd, w, err);
	if (r < 0)
		return hy_err_set(err, r, "%s \"%s\": the kernel refused it as %s (%s)", w->option,
				  w->value, w->file, strerror(-r));
	return 0;
}

/* blockIO.weight: BFQ's io.bfq.weight takes it as it is; else io.weight, converted (runc). */
static int write_blkio_weight(int dirfd, uint64_t weight, struct hy_err *err)
{
	static const struct limit io = { "io.weight", "linux.resources.blockIO.weight", "io",
					 NULL, "out of range" };
	char buf[32];
	int r;

	snprintf(buf, sizeof(buf), "%" PRIu64, weight);
	r = write_file_at(dirfd, "io.bfq.weight", buf);
	if (r == -ENOENT) {
		snprintf(buf, sizeof(buf), "%" PRIu64, hy_limits_io_weight(weight));
		return write_limit(dirfd, &io, buf, false, err);
	}
	if (r < 0)
		return hy_err_set(err, r, "linux.resources.blockIO.weight %s: the kernel "
					  "refused it as io.bfq.weight (%s)", buf, strerror(-r));
	return 0;
}

/* OCI's blockIO weight, then the writes and unified lists, in order. */
static int write_extras(int dirfd, const struct hy_limits *l, struct hy_err *err)
{
	const struct hy_cg_writes *lists[] = { l->writes, l->unified };
	int r = l->blkio_weight ? write_blkio_weight(dirfd, l->blkio_weight, err) : 0;

	for (size_t i = 0; i < ARRAY_SIZE(lists) && r == 0; i++)
		for (size_t j = 0; lists[i] && j < lists[i]->n && r == 0; j++)
			r = write_extra(dirfd, &lists[i]->v[j], err);
	return r;
}

/* A limit as its cgroup file takes it: the number, or "max" for HY_LIMIT_MAX. */
static const char *limit_text(uint64_t v, char *buf, size_t len)
{
	if (v == HY_LIMIT_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

/* memory.checkBeforeUpdate, as runc's CheckMemoryUsage: a limit at or below
 * memory.current is refused; best effort (no memory.current: no check). */
static int check_usage(int dirfd, const struct hy_limits *l, const char *option,
		       struct hy_err *err)
{
	_cleanup_free_ char *text = NULL;
	uint64_t usage;

	if (!l->is_check_usage || !l->memory || l->memory == HY_LIMIT_MAX ||
	    read_file_at(dirfd, "memory.current", &text) < 0 ||
	    sscanf(text, "%" SCNu64, &usage) != 1 || l->memory > usage)
		return 0;
	return hy_err_set(err, -EINVAL, "%s %" PRIu64 ": refused, as memory.checkBeforeUpdate "
				       "asks: the container uses %" PRIu64 " bytes "
				       "(memory.current)", option, l->memory, usage);
}

/* cpu.idle, cpu.weight, cpu.max.burst and cpu.max in runc's order (fs2's
 * setCPU): idle first (the kernel refuses cpu.weight while a group is idle);
 * the burst before cpu.max (a lower quota cannot go below the old burst) and,
 * where the old quota made the kernel refuse it, again after cpu.max. */
static int write_cpu(int dirfd, const struct hy_limits *l, struct hy_err *err)
{
	static const struct limit cpus[] = {
		[NAME_RUN] = { "cpu.max", "--cpus", "cpu", IN_VIEWS },
		[NAME_UPDATE] = { "cpu.max", "cpu.quota", "cpu" },
		[NAME_OCI] = { "cpu.max", "linux.resources.cpu.quota", "cpu", IN_VIEWS },
	},
				  weight = { "cpu.weight", "linux.resources.cpu.shares", "cpu" };
	char buf[64];
	int burst = 0, r = l->cpu_idle ? write_extra(dirfd, l->cpu_idle, err) : 0;

	if (r == 0 && l->cpu_weight)
		r = write_limit(dirfd, &weight, limit_text(l->cpu_weight, buf, sizeof(buf)),
				l->is_update, err);
	if (r == 0 && l->cpu_burst)
		r = burst = write_extra(dirfd, l->cpu_burst, err);
	if (burst == -EINVAL && l->cpus_milli)
		r = 0;
	if (r == 0 && l->cpus_milli) {
		hy_limits_cpu_max(l->cpus_milli, buf, sizeof(buf));
		r = write_limit(dirfd, &cpus[name_of(l)], buf, l->is_update, err);
	}
	if (r == 0 && burst == -EINVAL)
		r = write_extra(dirfd, l->cpu_burst, err);
	return r;
}

int hy_limits_apply(int cgroup_dirfd, const struct hy_limits *l, struct hy_err *err)
{
	static const struct limit mems[] = {
		[NAME_RUN] = { "memory.max", "--memory", "memory", IN_VIEWS },
		[NAME_UPDATE] = { "memory.max", "memory.limit", "memory" },
		[NAME_OCI] = { "memory.max", "linux.resources.memory.limit", "memory", IN_VIEWS },
	},
				  pid = { "pids.max", "linux.resources.pids.limit", "pids" },
				  swap = { "memory.swap.max", "linux.resources.memory.swap",
					   "memory" };
	const bool up = l->is_update;
	const struct limit *mem = &mems[name_of(l)];
	char buf[64];
	int r = check_usage(cgroup_dirfd, l, mem->option, err);

	if (r == 0 && l->memory)
		r = write_limit(cgroup_dirfd, mem, limit_text(l->memory, buf, sizeof(buf)), up,
				err);
	if (r == 0 && l->has_swap_max)
		r = write_limit(cgroup_dirfd, &swap, limit_text(l->swap_max, buf, sizeof(buf)), up,
				err);
	if (r == 0)
		r = write_cpu(cgroup_dirfd, l, err);
	if (r == 0 && l->pids)
		r = write_limit(cgroup_dirfd, &pid, limit_text(l->pids, buf, sizeof(buf)), up, err);
	if (r == 0)
		r = write_cpuset(cgroup_dirfd, l, err);
	return r < 0 ? r : write_extras(cgroup_dirfd, l, err);
}
