// SPDX-License-Identifier: GPL-2.0-only
/* Option parsing for `hybox run` (getopt_long; errors go to hy_err, not stderr). */
#include "run_opts.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "container.h"

void hy_run_usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox run [OPTIONS] [--] COMMAND [ARGS...]\n"
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
		"                     or a file path (appended)\n"
		"  --net host|none    host network (default) or a new network namespace\n"
		"                     with only the loopback interface\n"
		"  -h, --help         show this help\n"
		"\n"
		"Examples:\n"
		"  hybox run -- /bin/sh -c 'uname -n; id'\n"
		"  hybox run --hostname box --events - -- hostname\n");
}

static int parse_net(const char *v, struct hy_run_opts *o, struct hy_err *err)
{
	if (strcmp(v, "host") == 0)
		o->net_none = 0;
	else if (strcmp(v, "none") == 0)
		o->net_none = 1;
	else
		return hy_err_set(err, -EINVAL, "--net: expected 'host' or 'none', got '%s'", v);
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
		{ "net", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	int c, r;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': o->id = optarg; break;
		case 'H': o->hostname = optarg; break;
		case 'r': o->rootfs = optarg; break;
		case 'p': o->policy = optarg; break;
		case 'e': o->events = optarg; break;
		case 'n':
			if ((r = parse_net(optarg, o, err)) < 0)
				return r;
			break;
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
	if (o->hostname && (strlen(o->hostname) == 0 || strlen(o->hostname) > 64))
		return hy_err_set(err, -EINVAL, "--hostname: expected 1 to 64 characters");
	o->argv = argv + optind;
	return HY_RUN_PARSED;
}
