// SPDX-License-Identifier: GPL-2.0-only
/* Option parsing for `hybox run` (getopt_long; errors go to hy_err, not stderr). */
#include "run_opts.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "evfile.h"
#include "evfilter.h"
#include "trace.h"

void hy_run_usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox run [OPTIONS] [--] COMMAND [ARGS...]\n"
		"       hybox run [OCI OPTIONS] --bundle DIR ID   (runc's run: see 'hybox run -b . --help')\n"
		"\n"
		"Run COMMAND in a new container and wait for it. hybox exits with the\n"
		"command's status, or 128+N if a signal N killed it; 125 if hybox itself\n"
		"failed, 126 if COMMAND cannot be executed, 127 if it was not found.\n"
		"\n"
		"The container gets new pid, mount, UTS, IPC and cgroup namespaces, the host\n"
		"root read-only (or --rootfs), a fresh /proc, a minimal /dev, private tmpfs\n"
		"on /tmp, /dev/shm and /run, a cgroup v2 leaf hybox/ID, and the default\n"
		"syscall policy: most syscalls run natively, uname/sethostname/\n"
		"setdomainname/sysinfo/syslog are emulated by hybox, dangerous ones (bpf,\n"
		"mount, ptrace, kexec_load, ...) are denied with an event.\n"
		"\n"
		"Options:\n"
		"  --id ID            container id (default: 12 random hex digits); the\n"
		"                     state directory is ROOT/ID (see hybox --root)\n"
		"  --hostname NAME    hostname inside the container (default: the id)\n"
		"  --rootfs DIR       use DIR as the root file system (read-only)\n"
		"  --policy FILE      JSON policy file (see docs/policy.md)\n"
		"  --events SINK      write events as JSON Lines to SINK: '-' for stdout,\n"
		"                     or a file path (appended); see docs/events.md\n"
		"  --events-filter kind=KIND[,KIND...]\n"
		"                     write only these kinds to SINK (repeatable; kinds:\n"
		"                     start, exit, syscall_denied, syscall_emulated,\n"
		"                     unimplemented, suppressed, exec, fork, task_exit,\n"
		"                     lost, policy, syscall, checkpoint, restore); `lost`\n"
		"                     and `suppressed` events still come when they\n"
		"                     account for a kind you chose\n"
		"  --events-max-size SIZE\n"
		"                     rotate the events FILE before it would exceed SIZE\n"
		"                     bytes (suffix K, M or G; at least 4K): FILE becomes\n"
		"                     FILE.1, FILE.1 becomes FILE.2, ...; lines are never\n"
		"                     split across files\n"
		"  --events-keep N    rotated files to keep, FILE.1 to FILE.N (0 to 1000,\n"
		"                     default 5); older ones are deleted\n"
		"  --trace-syscalls   one `syscall` event per system call the container's\n"
		"                     tasks make (number, name, return value, duration)\n"
		"                     and per-syscall counts in `hybox stats`; while the\n"
		"                     container runs, every syscall on the host costs\n"
		"                     ~80 ns more (BPF sys_enter/sys_exit programs)\n"
		"  --events-ring-size SIZE\n"
		"                     the BPF ring buffer of exec/fork/exit, policy and\n"
		"                     syscall events: a power of two, a multiple of the\n"
		"                     page size (suffix K, M or G; default 256K); when\n"
		"                     it is full, `lost` events count what was dropped\n"
		"  --net host|none    host network (default) or a new network namespace\n"
		"                     with only the loopback interface\n"
		"  --memory SIZE      memory limit (suffix K, M or G; at least 4M): cgroup\n"
		"                     v2 memory.max where the memory controller is\n"
		"                     available; /proc/meminfo, free and sysinfo(2) show\n"
		"                     it in any case\n"
		"  --cpus N           CPU limit, e.g. 1 or 0.5: cgroup v2 cpu.max where the\n"
		"                     cpu controller is available; the command runs on\n"
		"                     the first ceil(N) of hybox's CPUs, which is what\n"
		"                     nproc, /proc/cpuinfo and /proc/stat show\n"
		"  -h, --help         show this help\n"
		"\n"
		"Inside, /proc/meminfo, /proc/cpuinfo, /proc/stat, /proc/swaps,\n"
		"/proc/loadavg and /sys/devices/system/cpu/online are the container's\n"
		"(served by hybox over FUSE), and uptime counts from the container's\n"
		"start (time namespace).\n"
		"A limit this host cannot enforce is reported on stderr and by\n"
		"'hybox features'; the views still show it.\n"
		"\n"
		"The policy file's \"events\" setting (all, denied-only, none) applies on top\n"
		"of --events-filter, and to `hybox events` followers too. Without --events,\n"
		"events are still counted (`hybox stats`) and can be followed live with\n"
		"`hybox events ID`.\n"
		"\n"
		"Examples:\n"
		"  hybox run -- /bin/sh -c 'uname -n; id'\n"
		"  hybox run --hostname box --events - -- hostname\n"
		"  hybox run --events /var/log/box.jsonl --events-max-size 10M --events-keep 3 \\\n"
		"            --events-filter kind=exec,policy,syscall_denied -- make\n"
		"  hybox run --trace-syscalls --events - --events-filter kind=syscall -- ls\n"
		"  hybox run --memory 256M --cpus 1 -- sh -c 'free -m; nproc'\n");
}

static int parse_net(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	if (strcmp(v, "host") == 0)
		o->net_none = 0;
	else if (strcmp(v, "none") == 0)
		o->net_none = 1;
	else
		return hy_err_set(err, -EINVAL, "--net: expected 'host' or 'none', got '%s'", v);
	o->has_net = true;
	return 0;
}

static int parse_max_size(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	int r = hy_size_parse(v, &o->events_max_size);
	if (r == -ERANGE)
		return hy_err_set(err, -EINVAL, "--events-max-size: '%s' is too large", v);
	if (r < 0)
		return hy_err_set(err, -EINVAL,
				  "--events-max-size: expected a size in bytes with an optional K, "
				  "M or G suffix (e.g. 10M), got '%s'", v);
	if (o->events_max_size < HY_EVFILE_MIN_SIZE)
		return hy_err_set(err, -EINVAL,
				  "--events-max-size: expected at least 4K (%d bytes), got '%s'",
				  HY_EVFILE_MIN_SIZE, v);
	return 0;
}

static int parse_keep(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-' || n > HY_EVFILE_KEEP_MAX)
		return hy_err_set(err, -EINVAL, "--events-keep: expected a number of files from 0 "
						"to %d, got '%s'", HY_EVFILE_KEEP_MAX, v);
	o->events_keep = (unsigned)n;
	return 0;
}

/* The kernel wants a power of two and a page multiple; say which rule failed. */
static int parse_ring_size(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	uint64_t n, page = (uint64_t)sysconf(_SC_PAGESIZE);
	int r = hy_size_parse(v, &n);

	if (r < 0)
		return hy_err_set(err, -EINVAL, "--events-ring-size: expected a size in bytes with "
						"an optional K, M or G suffix (e.g. 1M), got '%s'", v);
	if (n < page || n > HY_TRACE_RING_MAX || (n & (n - 1)))
		return hy_err_set(err, -EINVAL, "--events-ring-size: expected a power of two "
						"from %llu (the page size) to 1G, got '%s'",
				  (unsigned long long)page, v);
	o->events_ring_size = (uint32_t)n;
	return 0;
}

static int parse_memory(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	int r = hy_size_parse(v, &o->memory);

	if (r < 0 || o->memory < 4 << 20)
		return hy_err_set(err, -EINVAL, "--memory: expected a size of at least 4M with an "
						"optional K, M or G suffix (e.g. 256M), got '%s'", v);
	return 0;
}

int hy_cpus_parse(const char *v, unsigned max_cpus, uint32_t *milli, struct hy_err *err)
{
	unsigned long whole = 0, frac = 0, scale = 1000;
	const char *p = v;

	for (; *p >= '0' && *p <= '9' && whole <= max_cpus; p++)
		whole = whole * 10 + (unsigned long)(*p - '0');
	if (*p == '.' && p != v)
		for (p++; *p >= '0' && *p <= '9' && scale > 1; p++)
			frac += (unsigned long)(*p - '0') * (scale /= 10);
	unsigned long m = whole * 1000 + frac;
	if (p == v || *p || m < 10 || m > max_cpus * 1000UL)
		return hy_err_set(err, -EINVAL, "--cpus: expected a number of CPUs from 0.01 to %u "
						"(at most 3 decimals), got '%s'", max_cpus, v);
	*milli = (uint32_t)m;
	return 0;
}

static int parse_cpus(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	cpu_set_t set;
	unsigned n = sched_getaffinity(0, sizeof(set), &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;

	return hy_cpus_parse(v, n, &o->cpus_milli, err);
}

/* --events-filter (F), --events-max-size (S), --events-keep (K). */
static int parse_events_opt(int c, const char *v, struct hy_run_opts *o, bool *has_keep,
			    struct hy_err *err)
{
	if (c == 'F')
		return hy_evfilter_parse("--events-filter", v, &o->events_kinds, err);
	if (c == 'S')
		return parse_max_size(v, o, err);
	*has_keep = true;
	return parse_keep(v, o, err);
}

/* The --events-* options shape the --events sink: without one they mean nothing. */
static int check_events_opts(const struct hy_run_opts *o, bool has_keep, struct hy_err *err)
{
	const char *which = o->events_kinds ? "--events-filter" :
			    o->events_max_size ? "--events-max-size" :
			    has_keep ? "--events-keep" : NULL;
	if (!o->events && which)
		return hy_err_set(err, -EINVAL, "%s needs --events SINK (to follow a running "
						"container with a filter: hybox events "
						"--events-filter)", which);
	if (o->events && strcmp(o->events, "-") == 0 && (o->events_max_size || has_keep))
		return hy_err_set(err, -EINVAL, "%s: rotation needs --events FILE, not stdout",
				  o->events_max_size ? "--events-max-size" : "--events-keep");
	if (has_keep && !o->events_max_size)
		return hy_err_set(err, -EINVAL, "--events-keep needs --events-max-size SIZE (files "
						"are rotated by size)");
	return 0;
}

int hy_run_parse(int argc, char **argv, struct hy_run_opts *o, struct hy_err *err)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "rootfs", required_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "events", required_argument, NULL, 'e' },
		{ "events-filter", required_argument, NULL, 'F' },
		{ "events-max-size", required_argument, NULL, 'S' },
		{ "events-keep", required_argument, NULL, 'K' },
		{ "events-ring-size", required_argument, NULL, 'R' },
		{ "trace-syscalls", no_argument, NULL, 'T' },
		{ "net", required_argument, NULL, 'n' },
		{ "memory", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	memset(o, 0, sizeof(*o));
	o->events_keep = HY_EVFILE_KEEP_DEFAULT;
	optind = 0;
	opterr = 0;
	bool has_keep = false;
	int c, r;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o->id = optarg; break;
		case 'H': o->hostname = optarg; break;
		case 'r': o->rootfs = optarg; break;
		case 'p': o->policy = optarg; break;
		case 'e': o->events = optarg; break;
		case 'F':
		case 'S':
		case 'K':
			if ((r = parse_events_opt(c, optarg, o, &has_keep, err)) < 0)
				return r;
			break;
		case 'n':
			if ((r = parse_net(optarg, o, err)) < 0)
				return r;
			break;
		case 'R':
			if ((r = parse_ring_size(optarg, o, err)) < 0)
				return r;
			break;
		case 'm':
			if ((r = parse_memory(optarg, o, err)) < 0)
				return r;
			break;
		case 'c':
			if ((r = parse_cpus(optarg, o, err)) < 0)
				return r;
			break;
		case 'T': o->has_syscall_trace = true; break;
		case 'h': return HY_RUN_HELP;
		case ':':
			return hy_err_set(err, -EINVAL, "option '%s' needs an argument",
					  argv[optind - 1]);
		default:
			/* A short option inside a group (-xh): getopt has not moved past the word. */
			if (optopt)
				return hy_err_set(err, -EINVAL,
						  "unknown option '-%c' (see 'hybox run --help')", optopt);
			return hy_err_set(err, -EINVAL, "unknown option '%s' (see 'hybox run --help')",
					  argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return hy_err_set(err, -EINVAL, "no command given (usage: hybox run [OPTIONS] -- "
						"COMMAND [ARGS...])");
	if (o->id && (r = hy_id_validate(o->id, err)) < 0)
		return r;
	if ((r = check_events_opts(o, has_keep, err)) < 0)
		return r;
	if (o->hostname && (strlen(o->hostname) == 0 || strlen(o->hostname) > 64))
		return hy_err_set(err, -EINVAL, "--hostname: expected 1 to 64 characters");
	o->argv = argv + optind;
	return HY_RUN_PARSED;
}

bool hy_run_is_oci(int argc, char **argv)
{
	/* runc's value-taking `run` options; any other value ends the scan (safe:
	 * hybox's own options never come with --bundle). */
	static const char *const with_value[] = { "--pid-file", "--console-socket",
						  "--preserve-fds" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || strcmp(a, "--") == 0)
			return false;
		if (strcmp(a, "--bundle") == 0 || strncmp(a, "--bundle=", 9) == 0 ||
		    strncmp(a, "-b", 2) == 0)
			return true;
		for (size_t j = 0; j < sizeof(with_value) / sizeof(with_value[0]); j++)
			if (strcmp(a, with_value[j]) == 0)
				i++;
	}
	return false;
}
