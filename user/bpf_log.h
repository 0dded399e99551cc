/* SPDX-License-Identifier: GPL-2.0-only */
/* libbpf's messages, routed to hybox's debug log (commands report errors themselves). */
#pragma once
#include <bpf/libbpf.h>

/* Install the debug-log printer; returns the previous one for hy_bpf_log_restore(). */
libbpf_print_fn_t hy_bpf_log_quiet(void);
static inline void hy_bpf_log_restore(libbpf_print_fn_t old)
{
	libbpf_set_print(old);
}
