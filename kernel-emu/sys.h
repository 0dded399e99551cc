/* SPDX-License-Identifier: GPL-2.0-only */
/* Emulated syscall handlers, referenced by the syscall table. */
#pragma once
#include "call.h"
#include "emu.h"

long emu_sys_uname(struct emu_kernel *k, struct emu_call *c);
long emu_sys_sethostname(struct emu_kernel *k, struct emu_call *c);
long emu_sys_setdomainname(struct emu_kernel *k, struct emu_call *c);
long emu_sys_sysinfo(struct emu_kernel *k, struct emu_call *c);
long emu_sys_syslog(struct emu_kernel *k, struct emu_call *c);

/* files area (sys_file.c, sys_path.c): the policy's files rules */
long emu_sys_open(struct emu_kernel *k, struct emu_call *c);
long emu_sys_openat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_openat2(struct emu_kernel *k, struct emu_call *c);
long emu_sys_creat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_truncate(struct emu_kernel *k, struct emu_call *c);
long emu_sys_mkdir(struct emu_kernel *k, struct emu_call *c);
long emu_sys_mkdirat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_mknod(struct emu_kernel *k, struct emu_call *c);
long emu_sys_mknodat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_rmdir(struct emu_kernel *k, struct emu_call *c);
long emu_sys_unlink(struct emu_kernel *k, struct emu_call *c);
long emu_sys_unlinkat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_rename(struct emu_kernel *k, struct emu_call *c);
long emu_sys_renameat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_renameat2(struct emu_kernel *k, struct emu_call *c);
long emu_sys_link(struct emu_kernel *k, struct emu_call *c);
long emu_sys_linkat(struct emu_kernel *k, struct emu_call *c);
long emu_sys_symlink(struct emu_kernel *k, struct emu_call *c);
long emu_sys_symlinkat(struct emu_kernel *k, struct emu_call *c);

/* exec area (sys_exec.c): x bit and exec allow-list */
long emu_sys_execve(struct emu_kernel *k, struct emu_call *c);
long emu_sys_execveat(struct emu_kernel *k, struct emu_call *c);

/* network areas (sys_net.c): socket families, connect/bind/send addresses */
long emu_sys_socket(struct emu_kernel *k, struct emu_call *c);
long emu_sys_connect(struct emu_kernel *k, struct emu_call *c);
long emu_sys_bind(struct emu_kernel *k, struct emu_call *c);
long emu_sys_sendto(struct emu_kernel *k, struct emu_call *c);
long emu_sys_sendmsg(struct emu_kernel *k, struct emu_call *c);
long emu_sys_sendmmsg(struct emu_kernel *k, struct emu_call *c);
