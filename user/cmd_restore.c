// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox restore --image DIR [--check] [RUN OPTIONS]`: check the image
 * completely (format, checksums, CPU features) before anything is created,
 * then run a new container as `hybox run` would, whose command becomes the
 * image's processes (ckpt_restore.c) instead of executing anything. The
 * run options (--id, --events, --policy, --memory...) apply as for run;
 * the hostname and the policy default to the image's. With -b/--bundle
 * anywhere among the options it is runc's `restore` instead (oci_launch.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt.h"
#include "cmd.h"
#include "oci_opts.h"
#include "run.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox restore --image DIR [RUN OPTIONS]\n"
		"       hybox restore --check --image DIR\n\n"
		"Run a container again from an image `hybox checkpoint` made: the same\n"
		"processes with the same pids, memory, registers, open files, signal handlers\n"
		"and credentials, CLOCK_MONOTONIC and CLOCK_BOOTTIME going on from where they\n"
		"were, the same hostname. The restored processes' stdio is this command's.\n"
		"hybox waits for the container and exits with its command's status, as\n"
		"`hybox run` does. The image is checked first (format version, checksums of\n"
		"every file, this CPU's features against the saved ones); a bad image is an\n"
		"error before anything is created.\n\n"
		"  -i, --image DIR, --image-path DIR\n"
		"                 the image directory\n"
		"      --check    only check the image and this host; create nothing\n"
		"  -h, --help     show this help\n\n"
		"RUN OPTIONS are those of `hybox run` (--id, --events, --policy, --memory,\n"
		"--cpus, --net, --rootfs...; see hybox run --help), without a command. The\n"
		"container gets what it had (saved in the image): its policy, hostname, root\n"
		"file system, network mode, memory and CPU limits, unless --policy,\n"
		"--hostname, --rootfs, --net, --memory or --cpus say otherwise. The files the\n"
		"processes had open or mapped must exist at the same paths.\n\n"
		"With -b/--bundle DIR among the options, this is runc's restore of an OCI\n"
		"bundle instead: hybox restore --bundle DIR --image-path IMAGE [-d] ID (see\n"
		"hybox restore --bundle . --help).\n");
}

/* Take --image/--check/--help out of argv (in place); the rest is run's. */
static int split_args(int *argc, char **argv, const char **dir, bool *check, bool *help)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			return -EINVAL; /* restore runs no command */
		if (strcmp(a, "--image") == 0 || strcmp(a, "--image-path") == 0 ||
		    strcmp(a, "-i") == 0) {
			if (i + 1 >= *argc)
				return -EINVAL;
			*dir = argv[++i];
		} else if (strncmp(a, "--image=", 8) == 0) {
			*dir = a + 8;
		} else if (strcmp(a, "--check") == 0) {
			*check = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*help = true;
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	return 0;
}

int hy_cmd_restore(const struct hy_global_opts *g, int argc, char **argv)
{
	const char *dir = NULL;
	bool check = false, help = false;
	if (hy_oci_restore_selected(argc, argv)) /* runc's `restore --bundle DIR ... ID` */
		return hy_cmd_oci_restore(g, argc, argv);
	if (split_args(&argc, argv, &dir, &check, &help) < 0 || (!help && !dir)) {
		fprintf(stderr, "hybox restore: expected --image DIR and run options, no command\n");
		usage(stderr);
		return HY_EXIT_RUNTIME;
	}
	if (help) {
		usage(stdout);
		return 0;
	}
	struct hy_err err = { 0 };
	struct ck_image img;
	int dirfd;
	if (ck_image_load(dir, &dirfd, &img, &err) < 0) {
		fprintf(stderr, "hybox restore: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	int status = 0;
	if (check) {
		printf("%s: a version %u image of container %s, %zu process%s; it can be restored "
		       "here\n",
		       dir, img.version, img.id, img.nprocs, img.nprocs == 1 ? "" : "es");
	} else {
		/* run's parser, with the image's root executable as the command */
		char **av = calloc((size_t)argc + 3, sizeof(*av));
		char policy_name[4200];
		struct hy_run_opts o;
		memcpy(av, argv, (size_t)argc * sizeof(*av));
		av[argc] = "--";
		av[argc + 1] = img.procs[0].exe;
		int r = av ? hy_run_parse(argc + 2, av, &o, &err) : -ENOMEM;
		if (r == 0) {
			/* how it ran, unless the options say otherwise */
			o.hostname = o.hostname ? o.hostname : img.hostname;
			o.rootfs = o.rootfs ? o.rootfs : img.rootfs;
			o.net_none = o.has_net ? o.net_none : img.is_net_none;
			o.memory = o.memory ? o.memory : img.memory;
			o.cpus_milli = o.cpus_milli ? o.cpus_milli : img.cpus_milli;
			if (!o.policy && img.policy) { /* the container's own, unless --policy */
				snprintf(policy_name, sizeof(policy_name), "%s/image.json: policy",
					 dir);
				o.policy = policy_name;
				o.policy_text = img.policy;
			}
			o.restore = &img;
			o.restore_dirfd = dirfd;
			status = hy_run_container(g, &o, NULL, &err);
		}
		if (err.code) {
			fprintf(stderr, "hybox restore: %s\n", err.msg);
			status = err.exit_code ? err.exit_code : HY_EXIT_RUNTIME;
		}
		free(av);
	}
	ck_image_free(&img);
	close(dirfd);
	return status;
}
