/* SPDX-License-Identifier: GPL-2.0-only */
/* The container side of sandbox.c: entry point of the cloned init task. */
#pragma once
#include "sandbox.h"

/* Never returns: builds the container, runs the command, exits with its status. */
int hy_sandbox_init_main(const struct hy_sandbox_spec *spec, int sync) __attribute__((noreturn));
