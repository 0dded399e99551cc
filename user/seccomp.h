/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container's seccomp filter, generated from kernel-emu's syscall table
 * plus the policy with libseccomp (binary-tree optimisation on), never
 * written by hand. NATIVE syscalls are ALLOWed (with argument conditions
 * where the table has them); everything else - emulated, denied, unknown
 * numbers and foreign architectures (i386 via int 0x80, x32) - goes to the
 * supervisor with SECCOMP_RET_USER_NOTIF, which emulates or denies it and
 * emits an event, so no denial is silent.
 */
#pragma once
#include <linux/filter.h>
#include <seccomp.h>

#include "emu.h"
#include "error.h"

struct hy_filter {
	struct sock_filter *insns;
	unsigned short len;
	unsigned int n_native; /* syscalls allowed without argument checks */
	unsigned int n_cond;   /* allowed only under argument conditions */
};

/* Build the filter program (in the supervisor, before the container starts). */
int hy_seccomp_build(const struct emu_syscall_policy *p, struct hy_filter *f, struct hy_err *err);
void hy_seccomp_fini(struct hy_filter *f);

/* The program of a libseccomp filter into f (libseccomp 2.5 exports only to
 * an fd: through a memfd). 0 or -errno with err filled. */
int hy_seccomp_export(scmp_filter_ctx ctx, struct hy_filter *f, struct hy_err *err);

/* In the container task: install f and return the listener fd (or -errno).
 * Sets no_new_privs first. Async-signal-safe (no allocation). */
int hy_seccomp_install(const struct hy_filter *f);
