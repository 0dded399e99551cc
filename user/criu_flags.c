// SPDX-License-Identifier: GPL-2.0-only
/* runc's CRIU flags hybox refuses (criu_flags.h). */
#include "criu_flags.h"

#include <errno.h>
#include <string.h>

#include "util.h"

#define BOTH (HY_CRIU_CHECKPOINT | HY_CRIU_RESTORE)

static const struct {
	const char *name;
	unsigned verbs;
	const char *what;
} flags[] = {
	{ "tcp-established", BOTH, "established TCP connections" },
	{ "ext-unix-sk", BOTH, "unix sockets connected outside the container" },
	{ "manage-cgroups-mode", BOTH, "CRIU's cgroup modes; hybox always makes a leaf of its own" },
	{ "empty-ns", BOTH, "namespaces left for the caller to set up" },
	{ "lazy-pages", BOTH, "post-copy memory (lazy pages)" },
	{ "auto-dedup", BOTH, "pages deduplicated against a parent image" },
	{ "parent-path", BOTH, "incremental images on top of a pre-dump" },
	{ "page-server", HY_CRIU_CHECKPOINT, "a page server" },
	{ "pre-dump", HY_CRIU_CHECKPOINT, "pre-dumps" },
	{ "status-fd", HY_CRIU_CHECKPOINT, "CRIU's status fd" },
	{ "lsm-profile", HY_CRIU_RESTORE, "an LSM profile for the restored processes" },
	{ "lsm-mount-context", HY_CRIU_RESTORE, "an LSM mount context" },
};

int hy_criu_flag_refuse(enum hy_criu_verb verb, const char *arg, struct hy_err *err)
{
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	size_t len = strcspn(arg, "=");
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if ((flags[i].verbs & verb) && strlen(flags[i].name) == len &&
		    strncmp(arg, flags[i].name, len) == 0)
			return hy_err_set(err, -ENOTSUP, "--%s (%s): CRIU's option, which hybox's "
							 "%s does not support yet", flags[i].name,
					  flags[i].what,
					  verb == HY_CRIU_CHECKPOINT ? "checkpoint" : "restore");
	return 0;
}
