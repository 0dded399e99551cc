// SPDX-License-Identifier: GPL-2.0-only
/* Option parsing for `hybox create` and `hybox run ID --bundle DIR` (getopt_long; errors to hy_err). */
#include "oci_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"

static const char *verb_name(enum hy_oci_verb verb)
{
	return verb == HY_OCI_CREATE ? "create" : "run";
}

void hy_oci_usage(enum hy_oci_verb verb, FILE *f)
{
	if (verb == HY_OCI_CREATE)
		fprintf(f,
			"Usage: hybox create [OPTIONS] ID\n"
			"\n"
			"Create container ID from an OCI bundle (runc's command line): check\n"
			"BUNDLE/config.json, set the container up (namespaces, cgroup, root, mounts,\n"
			"seccomp supervision) and leave its command waiting for 'hybox start ID'.\n"
			"The supervisor stays in the background (its diagnostics go to --log); the\n"
			"command keeps this command's stdin, stdout and stderr. Exits 0 once the\n"
			"container is created, 125 (with one error line) if it could not be.\n");
	else
		fprintf(f,
			"Usage: hybox run [OPTIONS] --bundle DIR ID\n"
			"\n"
			"runc's 'run': create container ID from the OCI bundle DIR and start it.\n"
			"Without -d, wait for the command, exit with its status (128+N if signal N\n"
			"killed it) and delete the container; with -d, return once it runs, as\n"
			"'hybox create' + 'hybox start' would. (Without --bundle/-b, 'hybox run'\n"
			"is hybox's own: see 'hybox run --help'.)\n");
	fprintf(f,
		"\n"
		"Options:\n"
		"  -b, --bundle DIR        the bundle: DIR/config.json (default: .)\n"
		"      --pid-file FILE     write the command's host pid to FILE\n");
	if (verb == HY_OCI_RUN)
		fprintf(f,
			"  -d, --detach            return once the container runs (the supervisor\n"
			"                          stays in the background)\n"
			"      --keep              keep the stopped container until 'hybox delete'\n");
	fprintf(f,
		"      --no-pivot          accepted: hybox always uses pivot_root\n"
		"      --no-new-keyring    accepted: keyring syscalls are denied in hybox\n"
		"      --preserve-fds N    only 0 (passing more fds is not supported yet)\n"
		"      --console-socket S  with process.terminal true: send the pseudo-terminal's\n"
		"                          master to the unix socket S (SCM_RIGHTS), as runc does\n"
		"  -h, --help              show this help\n"
		"\n"
		"The global --root DIR places the state directory ROOT/ID (default /run/hybox),\n"
		"--log FILE receives the detached supervisor's diagnostics. See docs/oci.md for\n"
		"what config.json may hold.\n"
		"\n"
		"Example:\n"
		"  mkdir -p b/rootfs && cd b && hybox spec   # then fill rootfs/\n"
		"  hybox create --bundle . box1 && hybox start box1 && hybox state box1\n");
}

static int parse_preserve(const char *v, struct hy_err *err)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end || errno || n < 0)
		return hy_err_set(err, -EINVAL, "--preserve-fds: expected a number, got '%s'", v);
	if (n > 0)
		return hy_err_set(err, -EINVAL, "--preserve-fds %ld: not supported yet (only 0: "
						"the command gets stdin, stdout and stderr)", n);
	return 0;
}

int hy_oci_parse(enum hy_oci_verb verb, int argc, char **argv, struct hy_oci_opts *o,
		 struct hy_err *err)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "no-pivot", no_argument, NULL, 'P' },
		{ "no-new-keyring", no_argument, NULL, 'K' },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *name = verb_name(verb);
	int c, r;
	*o = (struct hy_oci_opts){ .bundle = "." };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:dh", opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case 'p': o->pid_file = optarg; break;
		case 'P': case 'K': break;
		case 'f':
			if ((r = parse_preserve(optarg, err)) < 0)
				return r;
			break;
		case 'c': o->console_socket = optarg; break;
		case 'd':
		case 'k':
			if (verb != HY_OCI_RUN)
				return hy_err_set(err, -EINVAL, "unknown option '%s' (see 'hybox %s "
								"--help')", argv[optind - 1], name);
			if (c == 'd')
				o->is_detach = true;
			else
				o->is_keep = true;
			break;
		case 'h': return HY_OCI_HELP;
		case ':':
			return hy_err_set(err, -EINVAL, "option '%s' needs an argument",
					  argv[optind - 1]);
		default:
			if (optopt)
				return hy_err_set(err, -EINVAL, "unknown option '-%c' (see 'hybox %s "
								"--help')", optopt, name);
			return hy_err_set(err, -EINVAL, "unknown option '%s' (see 'hybox %s --help')",
					  argv[optind - 1], name);
		}
	}
	if (argc - optind != 1)
		return hy_err_set(err, -EINVAL, "expected one container ID, got %d arguments (usage: "
						"hybox %s [OPTIONS] ID)", argc - optind, name);
	o->id = argv[optind];
	return hy_id_validate(o->id, err);
}
