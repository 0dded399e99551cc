/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cache of compiled seccomp filters under <state root>/.cache/ (root-only).
 * libseccomp needs several milliseconds to build our ~470-syscall filter, more
 * than the rest of container start-up; the program depends only on the road
 * decisions of every syscall, so those decisions are the cache key. The
 * complete decision vector is stored and compared byte for byte (no hash is
 * trusted), and a file that fails any check is ignored and rebuilt.
 */
#pragma once
#include "seccomp.h"

/* Fill f from the cache if a filter for exactly these decisions exists. Returns 0 or -ENOENT. */
int hy_filter_cache_load(const char *root, const struct emu_syscall_policy *p, struct hy_filter *f);
/* Store f for these decisions (best effort: errors are logged at debug level). */
void hy_filter_cache_store(const char *root, const struct emu_syscall_policy *p,
			   const struct hy_filter *f);
