/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Options of `hybox create` and runc's forms of `hybox run` and `hybox
 * restore` (--bundle DIR ... ID): parsing and validation only, no side effects. runc's flags that hybox
 * cannot honour yet are refused by name; the ones that ask for nothing
 * hybox does not already do are accepted (docs/oci.md says which).
 */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "error.h"

enum hy_oci_verb { HY_OCI_CREATE, HY_OCI_RUN, HY_OCI_RESTORE };

struct hy_oci_opts {
	const char *id;
	const char *bundle;   /* default "." */
	const char *pid_file; /* NULL: none */
	const char *console_socket; /* NULL: none; needs process.terminal true */
	const char *image_path; /* restore: the image directory (required) */
	const char *work_path;	/* restore: where restore.log goes on failure; NULL: none */
	bool is_detach;	      /* run -d, restore -d: return once it runs */
	bool is_keep;	      /* run --keep: keep the container after it stopped */
};

enum { HY_OCI_PARSED = 0, HY_OCI_HELP = 1 };

/* HY_OCI_PARSED, HY_OCI_HELP (caller prints hy_oci_usage), or -EINVAL with err set. */
int hy_oci_parse(enum hy_oci_verb verb, int argc, char **argv, struct hy_oci_opts *o,
		 struct hy_err *err);
void hy_oci_usage(enum hy_oci_verb verb, FILE *f);
/* Is this runc's `restore` (a -b/--bundle option anywhere before "--", as
 * containerd puts it after the others)? hybox's own restore has no -b. */
bool hy_oci_restore_selected(int argc, char **argv);
