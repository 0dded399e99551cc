/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The supervisor confines itself once its container runs: an allow-list
 * seccomp filter on every thread (supervisor_filter.c says what and why).
 */
#pragma once
#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>

#include "error.h"

/* Install the filter on all threads of the calling process. 0 or -errno. */
int hy_supervisor_confine(struct hy_err *err);
/* The program it installs (compiled at build time), and its length. */
const struct sock_filter *hy_supervisor_filter_program(size_t *len);
/* The rules, as a libseccomp context (the build's generator and the unit
 * test compile it). The caller releases *ret. 0 or -errno. */
int hy_supervisor_filter_build(scmp_filter_ctx *ret, struct hy_err *err);
