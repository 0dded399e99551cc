/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Object-level policy (files, exec, network, process) in the fixed-size form
 * both enforcement roads consume, plus the PURE decision functions over it.
 * Compiled into BPF programs (bpf/lsm.bpf.c), into user space (kernel-emu's
 * emulated road, user/policy.c) and into the Check unit tests, so both roads
 * decide with the same code. Rules come from user/policy.c, which validates
 * and normalizes them; the functions here trust that (normalized paths,
 * bounded counts) but never read out of bounds if a count is wrong.
 *
 * Rules for this header (STYLE.md §3): no libc, no vmlinux.h dependency,
 * fixed-width fields with pinned layout, every loop bounded by a constant so
 * the verifier accepts it, no hidden state.
 *
 * Files: inode or string? The LSM road will NOT use hy_file_access() on a
 * string: a d_path() string in a hook can be raced (rename of a parent) and
 * is truncated by bind mounts and chroots. It resolves each rule's path to
 * dev+inode in user space when the container starts and, in the hook, walks
 * dentry parents from the object up to the root looking each (dev, ino) up in
 * a per-container map, as Landlock does; the first hit on the walk is the
 * most specific rule, which is exactly what hy_path_lookup() computes on
 * strings. The emulated road resolves the path itself with
 * openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), opens what it resolved and
 * installs that fd, so there is no window between check and use; it matches
 * the resolved, normalized container-absolute path with the string functions
 * below. One visible difference the enforcement work must settle for both
 * roads alike: an inode rule needs its path to exist at container start,
 * a string rule does not.
 */
#pragma once
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif
#include "limits.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* ---- sizes -------------------------------------------------------------- */

#define HY_POL_PATH_RULES  64 /* files rules; exec allow-list entries */
#define HY_POL_NET_RULES   32 /* network.rules */
#define HY_POL_PORT_RANGES 16 /* ranges in one rule's "ports" */

/* ---- files and exec ------------------------------------------------------ */

/* Access letters of a files rule. C: create/unlink/rename/mkdir of the entry
 * itself; it is checked on the entry's own path (old and new for rename), so
 * "/etc/shadow" with no c cannot be unlinked even when "/etc" has c. */
#define HY_ACC_R   0x1u /* r: read */
#define HY_ACC_W   0x2u /* w: write, truncate, append */
#define HY_ACC_X   0x4u /* x: execute */
#define HY_ACC_C   0x8u /* c: create / unlink / rename / mkdir */
#define HY_ACC_ALL (HY_ACC_R | HY_ACC_W | HY_ACC_X | HY_ACC_C)

/* A rule path is container-absolute and normalized: starts with '/', no "."
 * or ".." component, no "//", no trailing '/' except the root itself. */
struct hy_path_rule {
	char path[HY_PATH_LEN]; /* NUL-terminated, zero-filled after the NUL */
	__u32 len; /* strlen(path), 1 .. HY_PATH_LEN - 1 */
	__u32 access; /* HY_ACC_* (files); HY_ACC_X for exec entries */
};
_Static_assert(sizeof(struct hy_path_rule) == 264, "hy_path_rule layout");

/* files: most specific rule wins, a path grants its subtree, uncovered is denied. */
struct hy_file_policy {
	__u32 nrules;
	__u32 __pad;
	struct hy_path_rule rule[HY_POL_PATH_RULES];
};
_Static_assert(sizeof(struct hy_file_policy) == 8 + 64 * 264, "hy_file_policy layout");

/* exec: when enabled, only what an entry covers may be executed (on top of x). */
struct hy_exec_policy {
	__u32 nrules;
	__u32 enabled; /* 0: no allow-list (the files x bit alone decides) */
	struct hy_path_rule rule[HY_POL_PATH_RULES];
};
_Static_assert(sizeof(struct hy_exec_policy) == 8 + 64 * 264, "hy_exec_policy layout");

/* ---- network -------------------------------------------------------------- */

/* hy_net_rule.family and the family argument of the decisions. Callers map
 * (AF_INET|AF_INET6, SOCK_RAW) to HY_NET_RAW and every family not listed to
 * HY_NET_OTHER. */
enum hy_net_family {
	HY_NET_OTHER = 0,
	HY_NET_INET = 1,
	HY_NET_INET6 = 2,
	HY_NET_UNIX = 3,
	HY_NET_NETLINK = 4,
	HY_NET_PACKET = 5,
	HY_NET_RAW = 6,
};

/* hy_net_rule.dirs (mask) and the dir argument (one bit). */
#define HY_NET_CONNECT 0x1u
#define HY_NET_BIND    0x2u
#define HY_NET_ANY_DIR (HY_NET_CONNECT | HY_NET_BIND)

enum hy_net_action {
	HY_NET_DENY = 0,
	HY_NET_ALLOW = 1,
};

struct hy_port_range {
	__u16 lo; /* 1 .. 65535, lo <= hi */
	__u16 hi;
};

/* Fill family, dirs, action, addr, prefix, nports, ports; then call
 * hy_net_rule_seal(), which derives mask and rank from them. */
struct hy_net_rule {
	__u8 addr[16]; /* network address, network byte order; inet uses addr[0..3] */
	__u8 mask[16]; /* derived: prefix as a byte mask */
	__u32 family; /* enum hy_net_family */
	__u32 dirs; /* HY_NET_CONNECT|HY_NET_BIND; 0 for create-time families */
	__u32 action; /* enum hy_net_action */
	__u32 prefix; /* CIDR prefix length; 0 with no cidr (every address) */
	__u32 nports; /* 0: every port */
	__u32 rank; /* derived: precedence among matching rules, >= 1 */
	struct hy_port_range ports[HY_POL_PORT_RANGES];
};
_Static_assert(sizeof(struct hy_net_rule) == 120, "hy_net_rule layout");

struct hy_net_policy {
	__u32 default_action; /* enum hy_net_action */
	__u32 nrules;
	struct hy_net_rule rule[HY_POL_NET_RULES];
};
_Static_assert(sizeof(struct hy_net_policy) == 8 + 32 * 120, "hy_net_policy layout");

/* ---- process ---------------------------------------------------------------- */

enum hy_proc_action {
	HY_PROC_DENY = 0,
	HY_PROC_ALLOW = 1, /* ptrace: only tasks in the same container */
};

#define HY_SIG_CONTAINER 0 /* signals: only to tasks in the same container (the only value) */

struct hy_proc_policy {
	__u32 ptrace; /* enum hy_proc_action */
	__u32 signals; /* HY_SIG_CONTAINER */
	__u32 mount; /* enum hy_proc_action */
	__u32 __pad;
};
_Static_assert(sizeof(struct hy_proc_policy) == 16, "hy_proc_policy layout");

/* Everything one container's object-level policy says. */
struct hy_obj_policy {
	struct hy_file_policy files;
	struct hy_exec_policy exec;
	struct hy_net_policy net;
	struct hy_proc_policy proc;
};
_Static_assert(sizeof(struct hy_obj_policy) == 16904 * 2 + 3848 + 16, "hy_obj_policy layout");

/* ---- decisions: paths ------------------------------------------------------------ */

/* 8 bytes of s as a little-endian number (byte i in bits 8i..8i+7). */
static __always_inline __u64 hy_load64le(const char *s)
{
	__u64 w;

	__builtin_memcpy(&w, s, sizeof(w));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

#define HY_BYTES_HIGH 0x8080808080808080ULL

/* Lay path out as the path functions below want it: its first HY_PATH_LEN
 * bytes, zero-filled after the NUL (what strncpy() does). */
static __always_inline void hy_path_buf(char buf[HY_PATH_LEN], const char *path)
{
	__u32 i, end = 0;

	for (i = 0; i < HY_PATH_LEN; i++) {
		if (!end && path[i] == '\0')
			end = 1;
		buf[i] = end ? '\0' : path[i];
	}
}

/*
 * 1 when rule path r covers path p: p is r itself or lies below it; "/"
 * covers every absolute path; "/etc" does not cover "/etcfoo".
 * r: a rule's path buffer (HY_PATH_LEN bytes, NUL-terminated).
 * p: HY_PATH_LEN readable bytes holding the normalized absolute path,
 *    NUL-terminated when shorter; a longer path is passed as its first
 *    HY_PATH_LEN bytes (rules are shorter, so that decides). Bytes after p's
 *    NUL never change the answer: strncpy(buf, path, HY_PATH_LEN) is enough.
 * Compares 8 bytes per step, without a length: a length used as a loop
 * bound or index becomes "precise" for the verifier and, through the
 * longest-match comparison in hy_path_lookup(), defeats state pruning;
 * byte steps cost 8x more verifier instructions (64 rules x 256 bytes does
 * not fit in the 1M-instruction budget).
 */
static __always_inline int hy_path_covers(const char *r, const char p[HY_PATH_LEN])
{
	__u64 rw = 0, pw = 0, nz = 0, z, unit;
	__u32 k;

	if (r[0] != '/' || p[0] != '/')
		return 0;
	if (r[1] == '\0')
		return 1;
	/* One branch per word (the verifier pushes a state for each): run
	 * while the rule continues through the whole word and p agrees. */
	for (k = 0; k < HY_PATH_LEN / 8; k++) {
		rw = hy_load64le(r + 8 * k);
		pw = hy_load64le(p + 8 * k);
		/* 0x80 in every byte of rw that is not NUL */
		nz = (rw | ((rw & ~HY_BYTES_HIGH) + ~HY_BYTES_HIGH)) & HY_BYTES_HIGH;
		if ((nz ^ HY_BYTES_HIGH) | (pw ^ rw))
			break;
	}
	if (nz == HY_BYTES_HIGH)
		return 0; /* p differs inside a full word, or the rule is unterminated */
	/* the rule ends in this word: unit = 1 << (8 * index of its NUL) */
	z = ~nz & HY_BYTES_HIGH;
	unit = (z & (~z + 1)) >> 7;
	if ((pw ^ rw) & (unit - 1))
		return 0;
	pw &= unit * 0xff; /* p's byte where the rule ends */
	return pw == 0 || pw == unit * '/';
}

/*
 * Index of the most specific (longest) rule covering path, or -1; *ret_access
 * (may be NULL) gets that rule's access bits (0 when uncovered). Rule paths
 * are unique (the parser refuses duplicates), so the answer is unique.
 * Verifier note: the winner's access is carried through the loop as a plain
 * value; indexing rule[] with the returned index instead would make the
 * index "precise" and stop state pruning across iterations.
 */
static __always_inline __s32 hy_path_lookup(const struct hy_path_rule *rule, __u32 n,
					    const char path[HY_PATH_LEN], __u32 *ret_access)
{
	__s32 best = -1;
	__u32 best_len = 0, best_access = 0, i;

	for (i = 0; i < HY_POL_PATH_RULES; i++) {
		if (i >= n)
			break;
		if (rule[i].len <= best_len) /* len >= 1: best_len 0 is "none yet" */
			continue;
		if (hy_path_covers(rule[i].path, path)) {
			best = (__s32)i;
			best_len = rule[i].len;
			best_access = rule[i].access;
		}
	}
	if (ret_access)
		*ret_access = best_access;
	return best;
}

/* Access bits the files policy grants on path (0: uncovered or no access);
 * *ret_rule (may be NULL) gets the deciding rule's index or -1. */
static __always_inline __u32 hy_file_access(const struct hy_file_policy *fp,
					    const char path[HY_PATH_LEN], __s32 *ret_rule)
{
	__u32 access;
	__s32 i = hy_path_lookup(fp->rule, fp->nrules, path, &access);

	if (ret_rule)
		*ret_rule = i;
	return access & HY_ACC_ALL;
}

/* 1 when every bit of want (HY_ACC_*) is granted on path. */
static __always_inline int hy_file_allowed(const struct hy_file_policy *fp,
					   const char path[HY_PATH_LEN], __u32 want)
{
	return (hy_file_access(fp, path, (__s32 *)0) & want) == want;
}

/* 1 when the exec allow-list lets path run (also needs x from the files
 * rules). Entries carry HY_ACC_X; testing that bit rather than the returned
 * index keeps the index out of the verifier's precision tracking. */
static __always_inline int hy_exec_allowed(const struct hy_exec_policy *ep,
					   const char path[HY_PATH_LEN])
{
	__u32 access;

	if (!ep->enabled)
		return 1;
	hy_path_lookup(ep->rule, ep->nrules, path, &access);
	return (access & HY_ACC_X) != 0;
}

/* ---- decisions: network ------------------------------------------------------------ */

/*
 * Derive mask and rank of a filled rule. rank orders the rules that match
 * one connect/bind: longer CIDR prefix first, then a rule with a port list
 * over one without, then one naming a single direction over one naming
 * both; on a tie deny wins. Kept in the rule (not computed in the lookup)
 * so the verifier sees one unknown value instead of branch-made constants.
 */
static __always_inline void hy_net_rule_seal(struct hy_net_rule *r)
{
	__u32 i, left = r->prefix > 128 ? 128 : r->prefix;

	for (i = 0; i < 16; i++) {
		r->mask[i] = left >= 8 ? 0xff : (__u8)(0xff00u >> left);
		left = left >= 8 ? left - 8 : 0;
	}
	r->rank = (((r->prefix > 128 ? 128 : r->prefix) << 3) | (r->nports ? 4u : 0u) |
		   (r->dirs != HY_NET_ANY_DIR ? 2u : 0u) | (r->action != HY_NET_ALLOW ? 1u : 0u)) +
		  1;
}

/* 1 when addr (16 bytes; inet in addr[0..3], rest zero) lies in the rule's network. */
static __always_inline int hy_cidr_match(const struct hy_net_rule *r, const __u8 *addr)
{
	__u64 d0 = (hy_load64le((const char *)addr) ^ hy_load64le((const char *)r->addr)) &
		   hy_load64le((const char *)r->mask);
	__u64 d1 = (hy_load64le((const char *)addr + 8) ^ hy_load64le((const char *)r->addr + 8)) &
		   hy_load64le((const char *)r->mask + 8);

	return (d0 | d1) == 0;
}

/* 1 when port lies in one of the rule's ranges (or the rule has none). */
static __always_inline int hy_ports_match(const struct hy_net_rule *r, __u16 port)
{
	__u32 i;

	if (r->nports == 0)
		return 1;
	for (i = 0; i < HY_POL_PORT_RANGES; i++) {
		if (i >= r->nports)
			break;
		if (port >= r->ports[i].lo && port <= r->ports[i].hi)
			return 1;
	}
	return 0;
}

/*
 * An AF_INET6 address in ::ffff:0:0/96 is an IPv4 connection: decide it as
 * HY_NET_INET with the address moved to addr[0..3], or an inet6 "allow ::/0"
 * would open every IPv4 destination. Call before hy_net_decide().
 */
static __always_inline void hy_net_normalize(__u32 *family, __u8 *addr)
{
	__u32 i;

	if (*family != HY_NET_INET6)
		return;
	for (i = 0; i < 10; i++)
		if (addr[i])
			return;
	if (addr[10] != 0xff || addr[11] != 0xff)
		return;
	for (i = 0; i < 4; i++)
		addr[i] = addr[12 + i];
	for (i = 4; i < 16; i++)
		addr[i] = 0;
	*family = HY_NET_INET;
}

/*
 * socket(2): netlink, packet, raw and other families are decided here, once.
 * A rule naming the family decides (deny wins over allow); without one,
 * packet and raw are denied whatever the default, the rest follow the default.
 * inet, inet6 and unix sockets are always created: connect/bind decide.
 */
static __always_inline __u32 hy_net_socket_decide(const struct hy_net_policy *np, __u32 family)
{
	__u32 i, allow = 0;

	if (family == HY_NET_INET || family == HY_NET_INET6 || family == HY_NET_UNIX)
		return HY_NET_ALLOW;
	for (i = 0; i < HY_POL_NET_RULES; i++) {
		if (i >= np->nrules)
			break;
		if (np->rule[i].family != family || family == HY_NET_OTHER)
			continue;
		if (np->rule[i].action != HY_NET_ALLOW)
			return HY_NET_DENY;
		allow = 1;
	}
	if (allow)
		return HY_NET_ALLOW;
	if (family == HY_NET_PACKET || family == HY_NET_RAW)
		return HY_NET_DENY;
	return np->default_action == HY_NET_ALLOW ? HY_NET_ALLOW : HY_NET_DENY;
}

/*
 * connect(2)/bind(2) of an inet, inet6 or unix socket (dir is HY_NET_CONNECT
 * or HY_NET_BIND; addr is 16 bytes, ignored for unix, with port; call
 * hy_net_normalize() first). Among the matching rules the highest rank
 * decides (the most specific; deny on a tie, see hy_net_rule_seal()); no
 * match: the default. Other families return hy_net_socket_decide().
 * *ret_rule (may be NULL) gets the deciding rule or -1 (default); in BPF
 * store it, do not branch on it (it is a per-path constant).
 */
static __always_inline __u32 hy_net_decide(const struct hy_net_policy *np, __u32 family, __u32 dir,
					   const __u8 *addr, __u16 port, __s32 *ret_rule)
{
	const struct hy_net_rule *r;
	__s32 best = -1;
	__u32 best_rank = 0, rank, i;
	int ip = family == HY_NET_INET || family == HY_NET_INET6;

	if (ret_rule)
		*ret_rule = -1;
	if (!ip && family != HY_NET_UNIX)
		return hy_net_socket_decide(np, family);
	for (i = 0; i < HY_POL_NET_RULES; i++) {
		if (i >= np->nrules)
			break;
		r = &np->rule[i];
		if (r->family != family || !(r->dirs & dir))
			continue;
		if (ip && (!hy_cidr_match(r, addr) || !hy_ports_match(r, port)))
			continue;
		/* Only the rank takes part in decisions: a branch on the constant
		 * index would make it "precise" and stop the verifier's pruning. */
		rank = r->rank;
		if (rank > best_rank) {
			best = (__s32)i;
			best_rank = rank;
		}
	}
	if (ret_rule)
		*ret_rule = best;
	if (best_rank)
		return ((best_rank - 1) & 1) ? HY_NET_DENY : HY_NET_ALLOW;
	return np->default_action == HY_NET_ALLOW ? HY_NET_ALLOW : HY_NET_DENY;
}

/* ---- decisions: process ------------------------------------------------------------- */

/* ptrace: denied unless allowed, and then only within the container. */
static __always_inline int hy_ptrace_allowed(const struct hy_proc_policy *pp, int same_container)
{
	return pp->ptrace == HY_PROC_ALLOW && same_container;
}

/* Signals reach only tasks of the same container, whatever the policy says. */
static __always_inline int hy_signal_allowed(const struct hy_proc_policy *pp, int same_container)
{
	(void)pp;
	return same_container != 0;
}

static __always_inline int hy_mount_allowed(const struct hy_proc_policy *pp)
{
	return pp->mount == HY_PROC_ALLOW;
}
