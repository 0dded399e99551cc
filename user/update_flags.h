/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * runc update's single-value flags (`--memory 256M`, `--pids-limit 100`, ...)
 * as members of a linux.resources object, which `hybox update` then parses
 * like `--resources`' (so both accept the same values, with the same
 * checks), and the flags hybox refuses, each by name with what it asks for.
 * One table: cmd_update.c builds its options and help from it. Pure.
 */
#pragma once
#include <stddef.h>

#include <jansson.h>

#include "error.h"

/* The flags hybox takes: name (without "--"), the member it sets
 * ("memory.limit") and the value's form, for the help text. */
struct hy_update_flag {
	const char *name, *object, *member, *form;
};
extern const struct hy_update_flag hy_update_flags[];
extern const size_t hy_update_nflags;

/*
 * Set flag i's member of res (an object) from value, as runc reads it: a
 * size ("256M", K, M or G; "-1": no limit) for --memory, --memory-swap,
 * --memory-reservation and --kernel-memory*, an integer for the others, the text for --cpuset-*. -EINVAL with err
 * naming the flag when value is not of that form (ranges are the parser's).
 */
int hy_update_flag_set(json_t *res, size_t i, const char *value, struct hy_err *err);

/* Is arg ("--name" or "--name=value") one of runc update's flags hybox
 * refuses? Then -ENOTSUP with err saying which and why; else 0. */
int hy_update_flag_refuse(const char *arg, struct hy_err *err);
