/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Process settings of a container's command beyond its argv and cwd:
 * environment, credentials, umask, capability sets and resource limits. The
 * OCI verbs fill one from config.json (oci_config.c); `hybox run` passes none
 * (the command keeps the caller's environment and runs as root with hybox's
 * default capabilities). Plain data with fixed sizes: the container side
 * reads it between clone and exec, where nothing may be allocated.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HY_PROC_GROUPS_MAX 64
#define HY_PROC_RLIMITS_MAX 16

struct hy_rlimit {
	const char *name; /* "RLIMIT_NOFILE" (static), for messages */
	int resource;	  /* RLIMIT_* */
	uint64_t soft, hard;
};

/* Capability sets as bit masks (bit N = capability N). Ambient is always empty. */
struct hy_proc_caps {
	uint64_t bounding, effective, permitted, inheritable;
};

struct hy_proc_spec {
	char **envp; /* the command's whole environment, NULL-terminated */
	uid_t uid;
	gid_t gid;
	gid_t groups[HY_PROC_GROUPS_MAX]; /* supplementary groups (replace the caller's) */
	size_t ngroups;
	bool has_umask;
	mode_t umask;
	struct hy_proc_caps caps;
	struct hy_rlimit rlimits[HY_PROC_RLIMITS_MAX];
	size_t nrlimits;
	bool has_oom_score_adj;
	int oom_score_adj; /* -1000..1000, for the container's init and all it starts */
	bool terminal;		   /* process.terminal: a pty, its master to --console-socket */
	unsigned short console_rows; /* process.consoleSize, 0: the kernel's default */
	unsigned short console_cols;
};
