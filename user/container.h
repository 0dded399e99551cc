/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container identity and state directory (<root>/<id>/). The supervisor holds
 * an exclusive flock on <root>/<id>/lock for the container's whole life: a
 * held lock means "live", a lockable one means a stale directory left by a
 * supervisor that was killed, which is cleaned and reused.
 */
#pragma once
#include <stddef.h>

#include "error.h"

#define HY_ID_MAX 64

struct hy_state {
	char dir[4096];
	int dirfd;
	int lockfd;
};

/* Container ids: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 63 characters. */
int hy_id_validate(const char *id, struct hy_err *err);
/* A fresh 12-hex-digit id. */
void hy_id_generate(char *buf, size_t len);

/* Create and lock <root>/<id>. -EEXIST (with message) if that container is live. */
int hy_state_create(struct hy_state *st, const char *root, const char *id, struct hy_err *err);
/* Remove the directory and release the lock. Idempotent. */
void hy_state_remove(struct hy_state *st);
