// SPDX-License-Identifier: GPL-2.0-only
/* Option parsing for `hybox create`, `hybox run ... --bundle DIR ID` and `hybox
 * restore --bundle DIR ... ID` (getopt_long; errors to hy_err). */
#include "oci_opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "criu_flags.h"

static const char *verb_name(enum hy_oci_verb verb)
{
	return verb == HY_OCI_CREATE ? "create" : verb == HY_OCI_RUN ? "run" : "restore";
}

/* What --help to point at: runc's restore needs -b to be selected. */
static const char *help_of(enum hy_oci_verb verb)
{
	return verb == HY_OCI_CREATE ? "create" : verb == HY_OCI_RUN ? "run" : "restore --bundle .";
}

static void usage_intro(enum hy_oci_verb verb, FILE *f)
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
	else if (verb == HY_OCI_RUN)
		fprintf(f,
			"Usage: hybox run [OPTIONS] --bundle DIR ID\n"
			"\n"
			"runc's 'run': create container ID from the OCI bundle DIR and start it.\n"
			"Without -d, wait for the command, exit with its status (128+N if signal N\n"
			"killed it) and delete the container; with -d, return once it runs, as\n"
			"'hybox create' + 'hybox start' would. (Without --bundle/-b, 'hybox run'\n"
			"is hybox's own: see 'hybox run --help'.)\n");
	else
		fprintf(f,
			"Usage: hybox restore [OPTIONS] --bundle DIR --image-path IMAGE ID\n"
			"\n"
			"runc's 'restore': container ID, set up from the OCI bundle DIR (root,\n"
			"mounts, namespaces, resources, hostname, annotations), runs the processes\n"
			"of IMAGE (made by 'hybox checkpoint --image-path IMAGE') instead of\n"
			"process.args: same pids, memory, registers, files, credentials, clocks.\n"
			"The policy is the bundle's org.hybox.policy annotation, else the image's;\n"
			"without a hostname in config.json, the image's. The image is checked\n"
			"completely first. Without -d, wait for the restored command, exit with its\n"
			"status and delete the container; with -d, return once it runs ('state':\n"
			"running). (Without --bundle/-b, 'hybox restore' is hybox's own: see\n"
			"'hybox restore --help'.)\n");
}

static void usage_verb_options(enum hy_oci_verb verb, FILE *f)
{
	if (verb == HY_OCI_RESTORE)
		fprintf(f,
			"      --image-path DIR    the checkpoint image (also --image; required)\n"
			"      --work-path DIR     on failure, hybox writes its error to DIR/restore.log\n"
			"                          (what CRIU's log would hold); no other work files\n"
			"      --shell-job         accepted: the container's stdio is saved as stdio\n"
			"                          and this command's replaces it, terminal or not\n"
			"      --no-subreaper      accepted: hybox's init reaps the container's orphans\n"
			"      --file-locks        accepted: hybox's images hold no file locks\n");
	if (verb != HY_OCI_CREATE)
		fprintf(f,
			"  -d, --detach            return once the container runs (the supervisor\n"
			"                          stays in the background)\n");
	if (verb == HY_OCI_RUN)
		fprintf(f,
			"      --keep              keep the stopped container until 'hybox delete'\n");
	if (verb != HY_OCI_RESTORE)
		fprintf(f,
			"      --preserve-fds N    only 0 (passing more fds is not supported yet)\n");
	if (verb == HY_OCI_RESTORE)
		fprintf(f,
			"  CRIU's options (--tcp-established, --ext-unix-sk, --file-locks,\n"
			"  --manage-cgroups-mode, --empty-ns, --lazy-pages, --auto-dedup,\n"
			"  --lsm-profile, ...) are refused by name: hybox's checkpoint has none yet.\n");
}

void hy_oci_usage(enum hy_oci_verb verb, FILE *f)
{
	usage_intro(verb, f);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -b, --bundle DIR        the bundle: DIR/config.json (%s)\n"
		"      --pid-file FILE     write the container's host pid to FILE\n",
		verb == HY_OCI_RESTORE ? "selects this form" : "default: .");
	usage_verb_options(verb, f);
	fprintf(f,
		"      --no-pivot          accepted: hybox always uses pivot_root\n"
		"      --no-new-keyring    accepted: keyring syscalls are denied in hybox\n"
		"      --console-socket S  with process.terminal true: send the pseudo-terminal's\n"
		"                          master to the unix socket S (SCM_RIGHTS), as runc does\n"
		"  -h, --help              show this help\n"
		"\n"
		"The global --root DIR places the state directory ROOT/ID (default /run/hybox),\n"
		"--log FILE receives the detached supervisor's diagnostics. See docs/oci.md for\n"
		"what config.json may hold.\n");
	if (verb == HY_OCI_RESTORE)
		fprintf(f,
			"\n"
			"Example:\n"
			"  hybox checkpoint --image-path img box1\n"
			"  hybox restore --bundle . --image-path img --detach box2\n");
	else
		fprintf(f,
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

/* Which verbs take option c (getopt's code). */
static bool verb_takes(enum hy_oci_verb verb, int c)
{
	switch (c) {
	case 'd': return verb != HY_OCI_CREATE;
	case 'k': return verb == HY_OCI_RUN;
	case 'f': return verb != HY_OCI_RESTORE;
	case 'i': case 'w': case 'S': case 'R': return verb == HY_OCI_RESTORE;
	default: return true;
	}
}

/* An option getopt did not take (c '?' or ':'), or one this verb does not
 * (c 0, named by `given`): missing value, CRIU's, or unknown. */
static int bad_option(enum hy_oci_verb verb, int c, const char *given, struct hy_err *err)
{
	const char *name = help_of(verb);
	if (c == ':')
		return hy_err_set(err, -EINVAL, "option '%s' needs an argument", given);
	if (verb == HY_OCI_RESTORE && hy_criu_flag_refuse(HY_CRIU_RESTORE, given, err) < 0)
		return -EINVAL;
	if (c == '?' && optopt)
		return hy_err_set(err, -EINVAL, "unknown option '-%c' (see 'hybox %s --help')",
				  optopt, name);
	return hy_err_set(err, -EINVAL, "unknown option '%s' (see 'hybox %s --help')", given, name);
}

/* One option getopt took: 0, or -EINVAL with err set. */
static int set_option(struct hy_oci_opts *o, int c, struct hy_err *err)
{
	switch (c) {
	case 'b': o->bundle = optarg; break;
	case 'p': o->pid_file = optarg; break;
	case 'c': o->console_socket = optarg; break;
	case 'i': o->image_path = optarg; break;
	case 'w': o->work_path = optarg; break;
	case 'd': o->is_detach = true; break;
	case 'k': o->is_keep = true; break;
	case 'f': return parse_preserve(optarg, err);
	default: break; /* accepted without effect: P, K, S, R */
	}
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
		{ "image-path", required_argument, NULL, 'i' },
		{ "image", required_argument, NULL, 'i' },
		{ "work-path", required_argument, NULL, 'w' },
		{ "shell-job", no_argument, NULL, 'S' },
		{ "no-subreaper", no_argument, NULL, 'R' },
		{ "file-locks", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *name = verb_name(verb);
	int c, r;
	*o = (struct hy_oci_opts){ .bundle = "." };
	/* containerd's go-runc spells it with one dash (Go's flag parsing takes both). */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-no-subreaper") == 0)
			argv[i] = (char *)"--no-subreaper";
	optind = 0;
	opterr = 0;
	char given[64];
	for (int idx = -1; (c = getopt_long(argc, argv, "+:b:dh", opts, &idx)) != -1; idx = -1) {
		if (c == 'h')
			return HY_OCI_HELP;
		if (c == '?' || c == ':')
			return bad_option(verb, c, argv[optind - 1], err);
		if (!verb_takes(verb, c)) {
			if (idx >= 0)
				snprintf(given, sizeof(given), "--%s", opts[idx].name);
			else
				snprintf(given, sizeof(given), "-%c", c);
			return bad_option(verb, 0, given, err);
		}
		if ((r = set_option(o, c, err)) < 0)
			return r;
	}
	if (argc - optind != 1)
		return hy_err_set(err, -EINVAL, "expected one container ID, got %d arguments (usage: "
						"hybox %s [OPTIONS] ID)", argc - optind, name);
	if (verb == HY_OCI_RESTORE && !o->image_path)
		return hy_err_set(err, -EINVAL, "--image-path DIR is needed: the checkpoint image "
						"to restore (see 'hybox restore --bundle . --help')");
	o->id = argv[optind];
	return hy_id_validate(o->id, err);
}

bool hy_oci_restore_selected(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--bundle") == 0 || strncmp(a, "--bundle=", 9) == 0 ||
		    strncmp(a, "-b", 2) == 0)
			return true;
	}
	return false;
}
