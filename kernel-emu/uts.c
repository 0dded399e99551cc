// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-container UTS names: nodename and domainname live here, not in the
 * host kernel; sysname/release/version/machine are always the host's.
 * Pure logic, no locking (the caller holds k->lock), no task memory access.
 */
#include "uts.h"

#include <errno.h>
#include <string.h>

#include "util.h"

#define UTS_NAME_MAX (EMU_UTS_LEN - 1) /* __NEW_UTS_LEN */

void emu_uts_init(struct emu_uts *u, const char *hostname, const char *domainname)
{
	memset(u, 0, sizeof(*u));
	strscpy(u->nodename, hostname ? hostname : "hybox", sizeof(u->nodename));
	strscpy(u->domainname, domainname ? domainname : "(none)", sizeof(u->domainname));
}

/* As the kernel does: copy exactly len bytes, zero the rest (embedded NULs are kept). */
static int set_name(char *dst, const char *name, size_t len)
{
	if (len > UTS_NAME_MAX)
		return -EINVAL;
	if (len)
		memcpy(dst, name, len);
	memset(dst + len, 0, EMU_UTS_LEN - len);
	return 0;
}

int emu_uts_set_nodename(struct emu_uts *u, const char *name, size_t len)
{
	return set_name(u->nodename, name, len);
}

int emu_uts_set_domainname(struct emu_uts *u, const char *name, size_t len)
{
	return set_name(u->domainname, name, len);
}

void emu_uts_fill(const struct emu_uts *u, const struct utsname *host, struct utsname *out)
{
	memset(out, 0, sizeof(*out));
	strscpy(out->sysname, host->sysname, sizeof(out->sysname));
	strscpy(out->release, host->release, sizeof(out->release));
	strscpy(out->version, host->version, sizeof(out->version));
	strscpy(out->machine, host->machine, sizeof(out->machine));
	strscpy(out->nodename, u->nodename, sizeof(out->nodename));
	strscpy(out->domainname, u->domainname, sizeof(out->domainname));
}
