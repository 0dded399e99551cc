/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * runc's CRIU-specific flags of `checkpoint` and `restore` that hybox's own
 * checkpoint cannot honour yet: one table, so both verbs refuse each by name
 * with what it asks for, rather than as an unknown option. Pure lookup.
 */
#pragma once
#include "error.h"

enum hy_criu_verb { HY_CRIU_CHECKPOINT = 1, HY_CRIU_RESTORE = 2 };

/*
 * Is arg ("--name" or "--name=value") one of runc's CRIU flags for verb?
 * Then -ENOTSUP with err saying so; else 0 (err untouched).
 */
int hy_criu_flag_refuse(enum hy_criu_verb verb, const char *arg, struct hy_err *err);
