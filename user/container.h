/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container identity and state directory (<root>/<id>/). The supervisor holds
 * an exclusive flock on <root>/<id>/lock for the container's whole life: a
 * held lock means "live", a lockable one means a stale directory left by a
 * supervisor that was killed, which is cleaned and reused.
 */
#pragma once
#include <stddef.h>

#include <jansson.h>

#include "error.h"

#define HY_ID_MAX 65 /* 64 characters (podman and containerd use 64 hex digits) + NUL */

struct hy_state {
	char dir[4096];
	int dirfd;
	int lockfd;
};

/* Container ids: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters. */
/* Write pid to path whole or not at all (runc's pid files are read by podman
 * and containerd as soon as they exist). 0 or -errno with err naming --pid-file. */
int hy_pid_file_write(const char *path, pid_t pid, struct hy_err *err);
int hy_id_validate(const char *id, struct hy_err *err);
/* A fresh 12-hex-digit id. */
void hy_id_generate(char *buf, size_t len);

/* Create and lock <root>/<id>. -EEXIST (with message) if that container is live. */
int hy_state_create(struct hy_state *st, const char *root, const char *id, struct hy_err *err);
/* Remove the directory and release the lock. Idempotent. */
void hy_state_remove(struct hy_state *st);

/*
 * OCI containers (`hybox create`) outlive their supervisor: once the command
 * has ended, the directory stays, unlocked, with HY_STATE_OCI_FILE in it,
 * until `hybox delete`. hy_state_create() refuses such an id instead of
 * reclaiming it as stale.
 */
#define HY_STATE_OCI_FILE "state.json"
/* The policy's text (when one was given), which `hybox checkpoint` saves. */
#define HY_STATE_POLICY_FILE "policy.json"
/* How it runs (rootfs, net, memory, cpus), which `hybox checkpoint` saves,
 * and where its cgroup leaf is ("cgroup": hy_cgroup_record()). */
#define HY_STATE_RUN_FILE "run.json"
/* <root>/<id>/run.json as a new JSON object, NULL if missing or unreadable. */
json_t *hy_state_run_settings(const char *root, const char *id);
struct hy_cgroup;
/* Open container id's cgroup leaf where run.json says it is (<cgroup2>/hybox/ID
 * without one). 0, -ENOENT (no leaf) or -errno. */
int hy_state_open_cgroup(const char *root, const char *id, struct hy_cgroup *cg);
/* Release the lock and fds, keep the directory. Idempotent. */
void hy_state_release(struct hy_state *st);
/* Open and lock an existing <root>/<id>: -ENOENT (no such container), -EBUSY
 * (its supervisor is live), with a message. hy_state_remove() deletes it. */
int hy_state_open(struct hy_state *st, const char *root, const char *id, struct hy_err *err);
/* 1 when <root>/<id>'s supervisor is live (holds the lock), 0 when not, -errno. */
int hy_state_is_live(const char *root, const char *id);
