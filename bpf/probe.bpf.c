// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Feature probe programs for `hybox features` (user/features.c). Each program
 * is loaded on its own (bpf_program__set_autoload) to learn whether the host
 * accepts that program type, attached for a moment and destroyed. They must
 * never change behaviour: the LSM hook passes `ret` through untouched and the
 * tracepoint does nothing. No maps, no bpf_printk.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "common.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* BPF LSM: refused at load (EPERM) where the host kernel lacks or blocks it. */
SEC("lsm/file_open")
int BPF_PROG(hy_probe_lsm, struct file *file, int ret)
{
	return ret;
}

/* BTF-enabled tracepoint: the road telemetry (trace.bpf.c) takes. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(hy_probe_tp, struct task_struct *p)
{
	return 0;
}
