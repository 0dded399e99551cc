// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox update [--resources FILE|-] [FLAGS] ID`: runc's update, what
 * containerd's shim calls for the CRI's UpdateContainerResources. The
 * resources are parsed as config.json's linux.resources is (oci_config.c),
 * and written into the container's cgroup leaf as create writes them
 * (res_limits.c); members left out stay as they are.
 *
 * This process writes the leaf itself rather than asking the supervisor:
 * the supervisor keeps nothing that follows the limits (kernel-emu's /proc
 * views and the CPUs init was pinned to keep their start values), the leaf
 * is found through run.json as `delete` and `events --stats` find it, and
 * its files are root's, so the kernel itself refuses a caller who may not
 * change them. Runs with the caller's privileges.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cmd.h"
#include "container.h"
#include "oci_config.h"
#include "oci_state.h"
#include "res_limits.h"
#include "update_flags.h"
#include "util.h"

#define OPT_FLAG 256 /* getopt's value for hy_update_flags[i]: OPT_FLAG + i */

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox update [--resources FILE|-] [OPTIONS] ID\n"
		   "\n"
		   "Change the resource limits of container ID (created, running or paused) in\n"
		   "place, as runc's update does: the new values are written into its cgroup v2\n"
		   "leaf; what is not given stays as it is. The resources are an OCI\n"
		   "linux.resources object (runtime-spec LinuxResources), checked exactly as\n"
		   "create checks config.json's: the same members, values and messages, with\n"
		   "paths relative to the object (memory.limit). -1 lifts a limit (memory.limit,\n"
		   "memory.swap, cpu.quota, pids.limit: \"max\"); 0 or \"\" leaves it unchanged.\n"
		   "cpu.period scales cpu.quota, which hybox writes as cpu.max over the kernel's\n"
		   "100000 us period, as create does; a period alone changes nothing.\n"
		   "\n"
		   "  -r, --resources FILE        read the object from FILE, or from stdin\n"
		   "                              with - (what containerd's shim sends); no\n"
		   "                              flag with it\n");
	for (size_t i = 0; i < hy_update_nflags; i++) {
		const struct hy_update_flag *u = &hy_update_flags[i];
		char opt[40];
		snprintf(opt, sizeof(opt), "--%s %s", u->name, u->form);
		fprintf(f, "  %-28s%s.%s\n", opt, u->object, u->member);
	}
	fprintf(f, "  -h, --help                  show this help\n"
		   "\n"
		   "BYTES is a number with an optional K, M or G suffix, or -1 (no limit).\n"
		   "runc's Intel RDT flags (--l3-cache-schema, --mem-bw-schema) are refused,\n"
		   "each by name with what it asks for. --cpu-rt-period and --cpu-rt-runtime\n"
		   "are refused as their members are (cgroup v2 has no real-time control);\n"
		   "--kernel-memory* and memory.swappiness are warned about, not enforced.\n"
		   "\n"
		   "A controller the host does not give hybox is warned about, not enforced.\n"
		   "The container's /proc views (meminfo, cpuinfo, nproc) and the CPUs it was\n"
		   "pinned to at start keep their start values: a quota raised beyond the CPUs\n"
		   "pinned then (ceil(quota/period), or linux.resources.cpu.cpus) gives no more\n"
		   "CPUs. Members are written in create's order; a value the kernel refuses stops\n"
		   "there, with the member, the value and the reason (those before it stay).\n"
		   "\n"
		   "Exit status: 0, or 125 on an error (a malformed object or value, nothing\n"
		   "written; a stopped or unknown container; a refused flag).\n"
		   "\n"
		   "Examples:\n"
		   "  echo '{\"memory\": {\"limit\": 268435456}}' |\n"
		   "      hybox update --resources - box1\n"
		   "  hybox update --cpu-quota 50000 --cpu-period 100000 --pids-limit 100 box1\n");
}

struct update_args {
	const char *resources; /* --resources FILE, or NULL */
	json_t *flags;	       /* the flags' members (a linux.resources object) */
	char given[512];       /* the flags as given, for messages */
	const char *id;
};

static void build_options(struct option *opts)
{
	size_t i;

	for (i = 0; i < hy_update_nflags; i++)
		opts[i] = (struct option){ hy_update_flags[i].name, required_argument, NULL,
					   OPT_FLAG + (int)i };
	opts[i++] = (struct option){ "resources", required_argument, NULL, 'r' };
	opts[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	opts[i] = (struct option){ 0 };
}

/* An option getopt did not take: runc's refused flags by name, else unknown. */
static int bad_option(int c, const char *arg)
{
	struct hy_err err = { 0 };

	if (c != ':' && hy_update_flag_refuse(arg, &err) < 0) {
		fprintf(stderr, "hybox update: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	fprintf(stderr, "hybox update: %s '%s'\n", c == ':' ? "missing value for" : "bad option",
		arg);
	usage(stderr);
	return HY_EXIT_RUNTIME;
}

/* One of hy_update_flags into a->flags; 0 or the exit status. */
static int take_flag(struct update_args *a, size_t i, const char *value)
{
	struct hy_err err = { 0 };
	size_t n = strlen(a->given);

	if (hy_update_flag_set(a->flags, i, value, &err) < 0) {
		fprintf(stderr, "hybox update: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	snprintf(a->given + n, sizeof(a->given) - n, "%s--%s %s", n ? " " : "",
		 hy_update_flags[i].name, value);
	return 0;
}

/* Options into a: -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct update_args *a)
{
	struct option opts[hy_update_nflags + 3];
	int c, r;

	build_options(opts);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:r:h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		} else if (c == 'r') {
			a->resources = optarg;
		} else if (c >= OPT_FLAG && (r = take_flag(a, (size_t)(c - OPT_FLAG), optarg))) {
			return r;
		} else if (c < OPT_FLAG) {
			return bad_option(c, argv[optind - 1]);
		}
	}
	if (a->resources && a->given[0]) {
		fprintf(stderr, "hybox update: %s: cannot be combined with --resources (put the "
				"values in the resources object)\n", a->given);
		return HY_EXIT_RUNTIME;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hybox update: expected one container ID\n");
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	a->id = argv[optind];
	return -1;
}

static int load_resources(const struct update_args *a, struct hy_oci_config *cfg,
			  struct hy_err *err)
{
	char name[4200];

	if (!a->resources)
		return hy_oci_resources_parse_json(a->given[0] ? a->given : "(no flags)", a->flags,
						   cfg, err);
	snprintf(name, sizeof(name), "--resources %s", a->resources);
	return hy_oci_resources_load(a->resources, name, cfg, err);
}

/* A live container's leaf, or a stopped or unknown container's error. */
static int open_leaf(const struct hy_global_opts *g, const char *id, struct hy_cgroup *cg,
		     struct hy_err *err)
{
	int r = hy_oci_state_is_stopped(g->root, id, err);

	if (r < 0)
		return r;
	if (r)
		return hy_err_set(err, -ESRCH, "container '%s' is stopped: only a created, running "
					       "or paused container can be updated", id);
	if ((r = hy_state_open_cgroup(g->root, id, cg)) < 0)
		return hy_err_setr(err, r, "container '%s': open its cgroup", id);
	return 0;
}

/* The limits to write: create's, with -1 as "max" (runc's update lifts a limit so). */
static void update_limits(const struct hy_oci_config *cfg, struct hy_limits *l)
{
	hy_oci_config_limits(cfg, l);
	if (cfg->is_memory_unlimited)
		l->memory = HY_LIMIT_MAX;
	if (cfg->is_pids_unlimited)
		l->pids = HY_LIMIT_MAX;
	if (cfg->cpu_quota == -1)
		l->cpus_milli = HY_CPUS_MAX;
	l->is_update = true;
}

static int update(const struct hy_global_opts *g, const struct update_args *a, struct hy_err *err)
{
	_cleanup_(hy_oci_config_fini) struct hy_oci_config cfg = { 0 };
	struct hy_cgroup cg = { .dirfd = -1 };
	struct hy_limits l;
	int r = load_resources(a, &cfg, err);

	if (r < 0 || (r = open_leaf(g, a->id, &cg, err)) < 0)
		return r;
	update_limits(&cfg, &l);
	r = hy_limits_apply(cg.dirfd, &l, err);
	close(cg.dirfd);
	return r < 0 ? hy_err_wrap(err, "container '%s'", a->id) : 0;
}

int hy_cmd_update(const struct hy_global_opts *g, int argc, char **argv)
{
	struct update_args a = { .flags = json_object() };
	struct hy_err err = { 0 };
	int r = parse_args(argc, argv, &a);

	if (r < 0 && update(g, &a, &err) < 0) {
		fprintf(stderr, "hybox update: %s\n", err.msg);
		r = HY_EXIT_RUNTIME;
	}
	json_decref(a.flags);
	return r < 0 ? 0 : r;
}
