/* SPDX-License-Identifier: GPL-2.0-only */
/* `hybox run` options: parsing and validation only (no side effects). */
#pragma once
#include <stdio.h>

#include "error.h"

struct hy_run_opts {
	const char *id;       /* NULL: generated */
	const char *hostname; /* NULL: the id */
	const char *rootfs;
	const char *policy;
	const char *events;
	int net_none;
	char **argv; /* the command (NULL-terminated) */
};

enum { HY_RUN_PARSED = 0, HY_RUN_HELP = 1 };

/* Returns HY_RUN_PARSED, HY_RUN_HELP (--help: caller prints usage), or -EINVAL with err set. */
int hy_run_parse(int argc, char **argv, struct hy_run_opts *o, struct hy_err *err);
void hy_run_usage(FILE *f);
