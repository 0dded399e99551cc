/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Socket addresses for the network handlers (sys_net.c): which policy family
 * a socket belongs to, how a socket address copied from the task is bounded
 * and read, and the decision taken on that copy. No task access beyond the
 * one copy, no side effects. Internal to kernel-emu/.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "abi/limits.h"
#include "abi/policy.h"
#include "call.h"

/* Which syscall supplies the address: the AF_UNSPEC and length rules differ. */
enum emu_net_use {
	EMU_NET_CONNECT = 1, /* connect(2): AF_UNSPEC dissolves the association */
	EMU_NET_BIND = 2,    /* bind(2) */
	EMU_NET_SEND = 3,    /* sendto/sendmsg/sendmmsg destination (decided as connect) */
};

/* What the policy (and the event) sees in one copied socket address. */
struct emu_net_addr {
	uint32_t family;        /* enum hy_net_family, after v4-mapped normalization */
	uint16_t port;          /* inet/inet6: host byte order */
	uint8_t addr[16];       /* inet in addr[0..3], inet6 all 16; network byte order */
	bool is_none;           /* no destination (AF_UNSPEC disconnect, udp6 "no address") */
	bool is_unix_path;      /* a unix pathname address: resolved in the task's root and cwd */
	char path[HY_PATH_LEN]; /* unix: sun_path; abstract as '@' + name; "" unnamed */
};

/* Policy family of a socket of (domain, type): the socket(2) mapping, and the
 * one connect/bind use on the socket's SO_DOMAIN and SO_TYPE. */
uint32_t emu_net_family(int domain, int type);

/*
 * Copy a socket address from the task ONCE into *ret_ss. len is the task's
 * socklen_t (the kernel reads an int). clamp: sendmsg's rule (a longer
 * msg_namelen is cut to sizeof(*ss)); else connect/bind/sendto's (longer is
 * -EINVAL). Returns the copied length (0: nothing to copy), -EINVAL or -EFAULT.
 */
int emu_net_addr_copy(struct emu_call *c, uint64_t uaddr, uint64_t len, bool clamp,
		      struct sockaddr_storage *ret_ss);

/*
 * Read a copied address the way the kernel will for a socket of (domain,
 * type) used by use. Returns 0, or the -errno the kernel would give a
 * malformed address (too short for its family: -EINVAL; a family the socket
 * does not take: -EAFNOSUPPORT). Families other than inet, inet6 and unix are
 * decided on the socket's family alone.
 */
int emu_net_addr_parse(const struct sockaddr_storage *ss, int len, int domain, int type,
		       enum emu_net_use use, struct emu_net_addr *ret);

/* The network rules of obj; obj NULL (no object policy): default deny, no
 * rules, so a routed call fails closed. */
const struct hy_net_policy *emu_net_policy(const struct hy_obj_policy *obj);

/* HY_NET_ALLOW or HY_NET_DENY for a parsed address (np may be NULL: deny all). */
uint32_t emu_net_addr_decide(const struct hy_net_policy *np, const struct emu_net_addr *a,
			     enum emu_net_use use);

/* 1 when the socket(2) arguments name SCTP, whose setsockopt connectx/bindx
 * and address control messages the emulated road cannot see. */
bool emu_net_is_sctp(int domain, int type, int protocol);
