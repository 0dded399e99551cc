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
