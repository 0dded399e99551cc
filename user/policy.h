/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy files (JSON, parsed with jansson) -> the per-container policy that
 * kernel-emu and the seccomp filter consume. Parsing has no side effects;
 * every error names the file, the line/column (syntax) or the field path,
 * and what was expected.
 */
#pragma once
#include "emu.h"
#include "error.h"

/* path NULL: the default policy. */
int hy_policy_load(const char *path, struct emu_syscall_policy *p, struct hy_err *err);
/* Same, from a string (name is used in messages). */
int hy_policy_parse(const char *name, const char *text, struct emu_syscall_policy *p,
		    struct hy_err *err);
