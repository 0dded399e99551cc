// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox spec [--bundle DIR]` (runc's): write a default config.json, in
 * runc's shape with hybox's defaults (process.terminal false, Docker's
 * capability set, the mounts and namespaces hybox provides), for a bundle
 * whose root file system goes in DIR/rootfs. Refuses to overwrite. Runs with
 * the caller's privileges; touches nothing but DIR/config.json.
 */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "oci_config.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: hybox spec [--bundle DIR]\n\n"
		   "Write DIR/config.json (default: ./config.json), an OCI runtime-spec %s\n"
		   "configuration that hybox accepts as it is: args [\"sh\"], root \"rootfs\"\n"
		   "(read-only), terminal false, the default mounts (proc, /dev, devpts, shm,\n"
		   "mqueue, sysfs, cgroup), new pid, network, ipc, uts, mount and cgroup\n"
		   "namespaces, hybox's default capabilities. An existing file is kept.\n\n"
		   "  -b, --bundle DIR  where to write config.json\n"
		   "      --rootless    not supported (no user namespaces yet)\n"
		   "  -h, --help        show this help\n",
		HY_OCI_VERSION);
}

static int write_spec(const char *dir)
{
	char path[PATH_MAX];
	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", dir) >= sizeof(path)) {
		fprintf(stderr, "hybox spec: %s: path too long\n", dir);
		return HY_EXIT_RUNTIME;
	}
	_cleanup_free_ char *text = hy_oci_config_default();
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "hybox spec: %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (remove it first)" : "");
		return HY_EXIT_RUNTIME;
	}
	if (!text || write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0) {
		fprintf(stderr, "hybox spec: write %s: %s\n", path, strerror(errno));
		unlink(path);
		return HY_EXIT_RUNTIME;
	}
	return 0;
}

int hy_cmd_spec(const struct hy_global_opts *g, int argc, char **argv)
{
	static const struct option opts[] = { { "bundle", required_argument, NULL, 'b' },
					      { "rootless", no_argument, NULL, 'R' },
					      { "help", no_argument, NULL, 'h' },
					      { 0 } };
	const char *dir = ".";
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'R':
			fprintf(stderr, "hybox spec: --rootless: not supported (no user namespaces "
					"yet)\n");
			return HY_EXIT_RUNTIME;
		default:
			fprintf(stderr, "hybox spec: bad option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return HY_EXIT_RUNTIME;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hybox spec: unexpected argument '%s'\n", argv[optind]);
		return HY_EXIT_RUNTIME;
	}
	return write_spec(dir);
}
