// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox create [OPTIONS] ID` (runc's): create a container from an OCI bundle
 * and leave its command waiting for `hybox start`; the supervisor detaches.
 * And `hybox run [OPTIONS] --bundle DIR ID`, runc's run, which `hybox run`
 * hands over when it sees --bundle, and runc's `hybox restore --bundle DIR
 * --image-path IMAGE ID` likewise. Run as root (see oci_launch.c).
 */
#include <stdio.h>

#include "cmd.h"
#include "oci_launch.h"
#include "oci_opts.h"

static int oci_verb(const struct hy_global_opts *g, enum hy_oci_verb verb, int argc, char **argv)
{
	struct hy_oci_opts o;
	struct hy_err err = { 0 };
	int r = hy_oci_parse(verb, argc, argv, &o, &err);
	if (r == HY_OCI_HELP) {
		hy_oci_usage(verb, stdout);
		return 0;
	}
	if (r < 0) {
		fprintf(stderr, "hybox %s: %s\n",
			verb == HY_OCI_CREATE ? "create" : verb == HY_OCI_RUN ? "run" : "restore",
			err.msg);
		return HY_EXIT_RUNTIME;
	}
	return hy_oci_launch(g, verb, &o);
}

int hy_cmd_create(const struct hy_global_opts *g, int argc, char **argv)
{
	return oci_verb(g, HY_OCI_CREATE, argc, argv);
}

int hy_cmd_oci_run(const struct hy_global_opts *g, int argc, char **argv)
{
	return oci_verb(g, HY_OCI_RUN, argc, argv);
}

int hy_cmd_oci_restore(const struct hy_global_opts *g, int argc, char **argv)
{
	return oci_verb(g, HY_OCI_RESTORE, argc, argv);
}
