// SPDX-License-Identifier: GPL-2.0-only
/* runc update's flags: taken as linux.resources members, or refused (update_flags.h). */
#include "update_flags.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "evfilter.h"
#include "util.h"

#define SIZE "BYTES"
#define INT "N"
#define LIST "LIST"

const struct hy_update_flag hy_update_flags[] = {
	{ "memory", "memory", "limit", SIZE },
	{ "memory-swap", "memory", "swap", SIZE },
	{ "memory-reservation", "memory", "reservation", SIZE },
	{ "kernel-memory", "memory", "kernel", SIZE },
	{ "kernel-memory-tcp", "memory", "kernelTCP", SIZE },
	{ "cpu-period", "cpu", "period", INT },
	{ "cpu-quota", "cpu", "quota", INT },
	{ "cpu-burst", "cpu", "burst", INT },
	{ "cpu-share", "cpu", "shares", INT },
	{ "cpu-idle", "cpu", "idle", INT },
	{ "cpu-rt-period", "cpu", "realtimePeriod", INT },
	{ "cpu-rt-runtime", "cpu", "realtimeRuntime", INT },
	{ "cpuset-cpus", "cpu", "cpus", LIST },
	{ "cpuset-mems", "cpu", "mems", LIST },
	{ "pids-limit", "pids", "limit", INT },
	{ "blkio-weight", "blockIO", "weight", INT },
};
const size_t hy_update_nflags = ARRAY_SIZE(hy_update_flags);

static const struct {
	const char *name, *what;
} refused[] = {
	{ "l3-cache-schema", "Intel RDT's L3 cache allocation (linux.intelRdt), which hybox "
			     "does not support" },
	{ "mem-bw-schema", "Intel RDT's memory bandwidth allocation (linux.intelRdt), which "
			   "hybox does not support" },
};

/* "-1", or a size with an optional K, M or G suffix. */
static int parse_size(const char *v, json_int_t *ret)
{
	uint64_t n;

	if (strcmp(v, "-1") == 0) {
		*ret = -1;
		return 0;
	}
	if (hy_size_parse(v, &n) < 0 || n > INT64_MAX)
		return -EINVAL;
	*ret = (json_int_t)n;
	return 0;
}

/* A decimal integer, signed, whole. */
static int parse_int(const char *v, json_int_t *ret)
{
	char *end;

	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || errno)
		return -EINVAL;
	*ret = n;
	return 0;
}

static json_t *flag_value(const struct hy_update_flag *f, const char *v, struct hy_err *err)
{
	json_int_t n;

	bool is_size = strcmp(f->form, SIZE) == 0;

	if (strcmp(f->form, LIST) == 0)
		return json_string(v);
	if (is_size ? parse_size(v, &n) == 0 : parse_int(v, &n) == 0)
		return json_integer(n);
	if (is_size)
		hy_err_set(err, -EINVAL, "--%s: expected a size in bytes with an optional K, M or "
					 "G suffix (e.g. 256M), or -1 (no limit), got '%s'",
			   f->name, v);
	else
		hy_err_set(err, -EINVAL, "--%s: expected an integer, got '%s'", f->name, v);
	return NULL;
}

int hy_update_flag_set(json_t *res, size_t i, const char *value, struct hy_err *err)
{
	const struct hy_update_flag *f = &hy_update_flags[i];
	json_t *v = flag_value(f, value, err), *obj = json_object_get(res, f->object);

	if (!v)
		return -EINVAL;
	if (!obj) {
		obj = json_object();
		json_object_set_new(res, f->object, obj);
	}
	json_object_set_new(obj, f->member, v);
	return 0;
}

int hy_update_flag_refuse(const char *arg, struct hy_err *err)
{
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	size_t len = strcspn(arg, "=");
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (strlen(refused[i].name) == len && strncmp(arg, refused[i].name, len) == 0)
			return hy_err_set(err, -ENOTSUP, "--%s: not supported: it asks for %s",
					  refused[i].name, refused[i].what);
	return 0;
}
