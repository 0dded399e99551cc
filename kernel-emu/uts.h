/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-container UTS names (nodename, domainname), owned by kernel-emu rather
 * than the host. Pure logic; the handlers in sys_uts.c copy in/out.
 */
#pragma once
#include <stddef.h>
#include <sys/utsname.h>

#define EMU_UTS_LEN 65 /* __NEW_UTS_LEN + 1 */

struct emu_uts {
	char nodename[EMU_UTS_LEN];
	char domainname[EMU_UTS_LEN];
};

/* hostname NULL -> "hybox"; domainname NULL -> "(none)". Over-long names are truncated. */
void emu_uts_init(struct emu_uts *u, const char *hostname, const char *domainname);
/* Set from a (not NUL-terminated) buffer of len bytes, as sethostname(2) takes it:
 * returns 0, or -EINVAL if len > 64. */
int emu_uts_set_nodename(struct emu_uts *u, const char *name, size_t len);
int emu_uts_set_domainname(struct emu_uts *u, const char *name, size_t len);
/* The container's utsname: host's sysname/release/version/machine, our names. */
void emu_uts_fill(const struct emu_uts *u, const struct utsname *host, struct utsname *out);
