/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The supervisor confines itself once its container runs: an allow-list
 * seccomp filter on every thread (supervisor_filter.c says what and why).
 */
#pragma once
#include "error.h"

/* Install the filter on all threads of the calling process. 0 or -errno. */
int hy_supervisor_confine(struct hy_err *err);
