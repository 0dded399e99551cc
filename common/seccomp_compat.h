/* SPDX-License-Identifier: GPL-2.0-only */
/* Seccomp ABI newer than the build host's kernel headers (Debian 12: Linux 6.1). */
#pragma once
#include <linux/seccomp.h>

/* Linux 6.6 */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
