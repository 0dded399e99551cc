/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An OCI bundle on disk: its config.json parsed (oci_config.h) and checked
 * against the files it names: the root directory (relative to the bundle),
 * the working directory and the command inside that root (as runc checks at
 * create), a policy file and an events file (relative to the bundle). Turns
 * the bundle into `hybox run`'s options. Reads files, changes nothing; runs
 * with the caller's privileges.
 */
#pragma once
#include <limits.h>

#include "oci_config.h"
#include "run_opts.h"
#include "sandbox.h"

struct hy_oci_bundle {
	char dir[PATH_MAX];	    /* absolute */
	char rootfs[PATH_MAX];	    /* absolute, symlinks resolved */
	char policy[PATH_MAX + 64]; /* the policy file, or the annotation's name for inline JSON */
	char events[PATH_MAX];	    /* "-" or an absolute path */
	struct hy_oci_config cfg;
	char *bind_sources[HY_MOUNTS_MAX]; /* relative bind sources made absolute (owned) */
	struct hy_ns_joins joins; /* namespaces to join (linux.namespaces[].path) */
	char uts_host[HY_UTS_NAME_LEN], uts_domain[HY_UTS_NAME_LEN]; /* a joined UTS's */
	struct hy_sandbox_spec sandbox; /* process and mount settings for hy_run_opts.sandbox */
};

/* Load dir (the bundle; messages name DIR/config.json as given). */
int hy_oci_bundle_load(const char *dir, struct hy_oci_bundle *b, struct hy_err *err);
void hy_oci_bundle_fini(struct hy_oci_bundle *b);

struct hy_policy;
/*
 * A bundle without the org.hybox.policy annotation gets the default policy
 * plus what its mounts need: "/" rwxc for a writable root, and for each bind
 * or tmpfs its destination r, plus w and c unless read-only, plus x unless
 * noexec. 0 or -errno (more than the policy's 64 rules) with err filled.
 */
int hy_oci_policy_for_mounts(struct hy_policy *p, const struct hy_sandbox_spec *sb,
			     struct hy_err *err);

/* `hybox run`'s options for container id from bundle b (pointers into b). */
void hy_oci_bundle_run_opts(struct hy_oci_bundle *b, const char *id, struct hy_run_opts *o);
