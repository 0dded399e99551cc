/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF-only helpers shared by our .bpf.c files: errno constants (vmlinux.h
 * carries no #defines) and tiny inline helpers. No maps, no programs, no
 * state: including this header must not change what a skeleton contains.
 */
#pragma once

#ifndef EPERM
#define EPERM 1
#endif
#ifndef ENOENT
#define ENOENT 2
#endif
#ifndef E2BIG
#define E2BIG 7
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif
#ifndef EACCES
#define EACCES 13
#endif
#ifndef EINVAL
#define EINVAL 22
#endif

/* <linux/audit.h> values (EM_X86_64 / EM_386 with the 64-bit and LE bits). */
#define HY_AUDIT_ARCH_X86_64 0xc000003eU
#define HY_AUDIT_ARCH_I386 0x40000003U
