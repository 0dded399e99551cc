/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A `hybox exec` request, as the client sends it over exec.sock (one JSON
 * object), turned into the datagram init takes (struct hy_exec_req,
 * sync.h). Pure: the supervisor validates here everything a client says
 * before anything is started.
 *
 *   {"args": [STRING, ...],          required, the command and its arguments
 *    "env": [STRING, ...],           the whole environment (runc's --process)
 *    "client_env": [STRING, ...],    the client's own, used when the container
 *                                    has no environment of its own (hybox run)
 *    "env_add": [STRING, ...],       NAME=VALUE set on top (--env)
 *    "cwd": STRING,                  absolute; default: the command's
 *    "user": {"uid": N, "gid": N},   default the command's; another one runs without
 *                                    supplementary groups, with the command's caps
 *    "capabilities": {"bounding": [NAME...], "effective", "permitted",
 *                     "inheritable", "ambient"}: runc's process.json sets, each
 *                                    within the command's (ambient: none)
 *    "terminal": BOOL,               a pseudo-terminal opened in the container
 *    "consoleSize": {"height": N, "width": N},   its size
 *    "rlimits": [{"type": NAME, "soft": N, "hard": N}, ...]: runc's process.json
 *                                    rlimits, each a type the command's
 *                                    process.rlimits sets, hard within its hard
 *    "oomScoreAdj": N,               -1000..1000 (runc's process.json; default:
 *                                    the container's, which init has)
 *    "detach": BOOL}
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "proc_spec.h"
#include "sync.h"

struct hy_exec_defaults {
	char *const *env;    /* an OCI container's process.env; NULL: the client's */
	const char *cwd;     /* the command's working directory */
	uid_t uid;           /* the command's ids */
	gid_t gid;
	uint64_t bounding, effective, permitted, inheritable; /* the command's capabilities */
	const struct hy_rlimit *rlimits; /* the command's process.rlimits */
	size_t nrlimits;
};

/* 0, or -EINVAL / -E2BIG with err naming the field. req->seq is left alone. */
int hy_exec_req_build(const char *json, size_t len, const struct hy_exec_defaults *d,
		      struct hy_exec_req *req, bool *detach, struct hy_err *err);
