/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capabilities of the container's processes: the bounding, inheritable,
 * effective and permitted sets are cut to Docker's default set (no
 * CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_NET_ADMIN, ...), so
 * root inside the container cannot undo the sandbox through the kernel.
 */
#pragma once
#include <stdint.h>

/* Docker's default capability set as a bit mask. */
uint64_t hy_caps_default(void);
/* Restrict the calling task to `keep`. Async-signal-safe. Returns 0 or -errno. */
int hy_caps_restrict(uint64_t keep);
