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
/* "CAP_KILL" for 5, NULL past the last one hybox knows; and back (-1: unknown). */
const char *hy_cap_name(int cap);
int hy_cap_from_name(const char *name);
/*
 * Capabilities no part of hybox's supervisor uses: module loading, raw I/O,
 * reboot, the clock, MAC policy, the kernel log, audit control, immutable
 * files, process accounting, tty config, leases, wake alarms, suspend.
 */
uint64_t hy_caps_supervisor_unneeded(void);
/* Those of them the container's init still needs during setup (CAP_SYS_TIME:
 * the offsets of its time namespace); dropped once the container runs. */
uint64_t hy_caps_supervisor_setup_only(void);
/* Restrict the calling task to `keep`. Async-signal-safe. Returns 0 or -errno. */
int hy_caps_restrict(uint64_t keep);

/*
 * The OCI path sets each set on its own, around the switch to the command's
 * uid (runc's order): drop the bounding set while still privileged, then,
 * after setresuid with PR_SET_KEEPCAPS, set effective/permitted/inheritable
 * and clear the ambient set. Async-signal-safe; 0 or -errno.
 */
int hy_caps_drop_bounding(uint64_t keep);
int hy_caps_set(uint64_t effective, uint64_t permitted, uint64_t inheritable);
