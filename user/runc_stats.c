// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox events --stats ID` prints runc's stats event for the container:
 *   {"type": "stats", "id": ID, "data": {"cpu": ..., "memory": ..., "pids": ...}}
 * in the shape of runc's libcontainer (types/events.go: Stats), read from the
 * container's cgroup v2 leaf: cpu.stat (usage in ns, as runc reports it),
 * memory.current/max/peak and memory.stat (runc's "raw"), pids.current/max.
 * A file the host does not have (a controller not enabled in the cgroup2
 * mount) leaves its part out, as runc leaves out what it cannot read.
 */
#include "runc_stats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* "key value\n" lines of a cgroup file into an object of integers. */
static json_t *flat_keyed(int dirfd, const char *file)
{
	_cleanup_free_ char *text = NULL;
	if (read_file_at(dirfd, file, &text) < 0)
		return NULL;
	json_t *o = json_object();
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(l, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		json_object_set_new(o, l, json_integer((json_int_t)strtoull(sp + 1, NULL, 10)));
	}
	return o;
}

/* A single-number file; "max" (no limit) reads as runc's 0 for "none". */
static json_int_t number(int dirfd, const char *file, bool *ok)
{
	_cleanup_free_ char *text = NULL;
	*ok = read_file_at(dirfd, file, &text) >= 0;
	return *ok && strncmp(text, "max", 3) != 0 ? (json_int_t)strtoull(text, NULL, 10) : 0;
}

static json_int_t field(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static json_t *cpu_stats(int dirfd)
{
	json_t *st = flat_keyed(dirfd, "cpu.stat");
	if (!st)
		return NULL;
	json_t *cpu = json_pack("{s:{s:I,s:[],s:I,s:I},s:{s:I,s:I,s:I}}", "usage", "total",
				field(st, "usage_usec") * 1000, "percpu", "kernel",
				field(st, "system_usec") * 1000, "user", field(st, "user_usec") * 1000,
				"throttling", "periods", field(st, "nr_periods"), "throttled_periods",
				field(st, "nr_throttled"), "throttled_time",
				field(st, "throttled_usec") * 1000);
	json_decref(st);
	return cpu;
}

static json_t *memory_stats(int dirfd)
{
	bool has_cur, has_max, has_peak;
	json_int_t cur = number(dirfd, "memory.current", &has_cur);
	json_int_t limit = number(dirfd, "memory.max", &has_max);
	json_int_t peak = number(dirfd, "memory.peak", &has_peak);
	if (!has_cur)
		return NULL;
	json_t *raw = flat_keyed(dirfd, "memory.stat");
	return json_pack("{s:{s:I,s:I,s:I,s:I},s:o}", "usage", "usage", cur, "max", peak, "limit",
			 limit, "failcnt", (json_int_t)0, "raw", raw ? raw : json_object());
}

static json_t *pids_stats(int dirfd)
{
	bool has_cur, has_max;
	json_int_t cur = number(dirfd, "pids.current", &has_cur);
	json_int_t limit = number(dirfd, "pids.max", &has_max);
	return has_cur ? json_pack("{s:I,s:I}", "current", cur, "limit", limit) : NULL;
}

json_t *hy_runc_stats(int cgroup_dirfd, const char *id)
{
	json_t *data = json_object();
	json_t *cpu = cpu_stats(cgroup_dirfd), *mem = memory_stats(cgroup_dirfd);
	json_t *pids = pids_stats(cgroup_dirfd);
	if (cpu)
		json_object_set_new(data, "cpu", cpu);
	if (mem)
		json_object_set_new(data, "memory", mem);
	if (pids)
		json_object_set_new(data, "pids", pids);
	return json_pack("{s:s,s:s,s:o}", "type", "stats", "id", id, "data", data);
}
