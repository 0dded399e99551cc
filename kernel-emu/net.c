// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket addresses as the network policy sees them (see net.h): pure
 * functions over copies, no task access. The reading of an address follows
 * the kernel's per-family rules closely because the call is later performed
 * with the same bytes: what is decided here must be what the kernel uses.
 */
#include "net.h"

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/un.h>

#include "util.h"

#define NET_SIN6_MIN  24  /* SIN6_LEN_RFC2133: sockaddr_in6 without sin6_scope_id */
#define NET_TYPE_MASK 0xf /* SOCK_TYPE_MASK: type without SOCK_NONBLOCK/SOCK_CLOEXEC */

uint32_t emu_net_family(int domain, int type)
{
	int t = type & NET_TYPE_MASK;

	switch (domain) {
	case AF_INET:
		if (t == SOCK_RAW)
			return HY_NET_RAW;
		/* __sock_create() turns (AF_INET, SOCK_PACKET) into an AF_PACKET socket. */
		return t == SOCK_PACKET ? HY_NET_PACKET : HY_NET_INET;
	case AF_INET6:
		return t == SOCK_RAW ? HY_NET_RAW : HY_NET_INET6;
	case AF_UNIX:
		return HY_NET_UNIX;
	case AF_NETLINK:
		return HY_NET_NETLINK;
	case AF_PACKET:
		return HY_NET_PACKET;
	default:
		return HY_NET_OTHER;
	}
}

bool emu_net_is_sctp(int domain, int type, int protocol)
{
	if (domain != AF_INET && domain != AF_INET6)
		return false;
	/* inet_create() gives protocol 0 of SOCK_SEQPACKET to SCTP. */
	return protocol == IPPROTO_SCTP || ((type & NET_TYPE_MASK) == SOCK_SEQPACKET && protocol == 0);
}

int emu_net_addr_copy(struct emu_call *c, uint64_t uaddr, uint64_t len, bool clamp,
		      struct sockaddr_storage *ret_ss)
{
	int n = (int)(uint32_t)len; /* the kernel's int addrlen / msg_namelen */

	memset(ret_ss, 0, sizeof(*ret_ss));
	if (n < 0)
		return -EINVAL;
	if (n > (int)sizeof(*ret_ss)) {
		if (!clamp)
			return -EINVAL;
		n = sizeof(*ret_ss);
	}
	if (n == 0)
		return 0;
	if (emu_call_read(c, uaddr, ret_ss, (size_t)n) < 0)
		return -EFAULT;
	return n;
}

static int parse_inet(const struct sockaddr_storage *ss, int len, int domain, int type,
		      enum emu_net_use use, struct emu_net_addr *ret)
{
	int fam;

	if (len == 0 && use == EMU_NET_SEND) {
		ret->is_none = true;
		return 0;
	}
	if (len < (int)sizeof(sa_family_t))
		return -EINVAL;
	fam = ss->ss_family;
	if (fam == AF_UNSPEC) {
		/* connect(AF_UNSPEC) dissolves the association: no destination. */
		if (use == EMU_NET_CONNECT) {
			ret->is_none = true;
			return 0;
		}
		/* udpv6_sendmsg() takes a short AF_UNSPEC as "no address" (rawv6: EINVAL). */
		if (domain == AF_INET6 && use == EMU_NET_SEND && len < NET_SIN6_MIN) {
			ret->is_none = true;
			return 0;
		}
		/* inet_bind(), udp_sendmsg(), raw_sendmsg() and rawv6_sendmsg() read it
		 * as the socket's own family: so do we. */
		fam = domain;
	}
	if (fam == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		if (len < (int)sizeof(*sin))
			return -EINVAL;
		memcpy(ret->addr, &sin->sin_addr, 4);
		ret->port = ntohs(sin->sin_port);
		ret->family = HY_NET_INET;
	} else if (fam == AF_INET6 && domain == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		if (len < NET_SIN6_MIN)
			return -EINVAL;
		memcpy(ret->addr, &sin6->sin6_addr, 16);
		ret->port = ntohs(sin6->sin6_port);
		ret->family = HY_NET_INET6;
		hy_net_normalize(&ret->family, ret->addr);
	} else {
		return -EAFNOSUPPORT;
	}
	if ((type & NET_TYPE_MASK) == SOCK_RAW)
		ret->family = HY_NET_RAW; /* decided at the family level; addr for the event */
	return 0;
}

/* The unix decision does not depend on the address; the path is for the event
 * and tells the caller to resolve it in the task's root and cwd. The kernel
 * validates the rest (family, length). */
static int parse_unix(const struct sockaddr_storage *ss, int len, enum emu_net_use use,
		      struct emu_net_addr *ret)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path), n;

	ret->family = HY_NET_UNIX;
	if (len == 0 && use == EMU_NET_SEND) {
		ret->is_none = true;
		return 0;
	}
	if (len >= (int)sizeof(sa_family_t) && ss->ss_family == AF_UNSPEC && use == EMU_NET_CONNECT) {
		ret->is_none = true; /* unix_dgram_connect(): disconnect */
		return 0;
	}
	if (ss->ss_family != AF_UNIX || len <= (int)off)
		return 0; /* unnamed: autobind, or the kernel's EINVAL */
	n = MIN((size_t)len - off, sizeof(sun->sun_path));
	if (sun->sun_path[0] == '\0') {
		ret->path[0] = '@';
		memcpy(ret->path + 1, sun->sun_path + 1, n - 1);
		ret->path[n] = '\0';
		ret->path[strnlen(ret->path + 1, n - 1) + 1] = '\0';
	} else {
		n = strnlen(sun->sun_path, n); /* unix_mkname_bsd() ends it at len */
		memcpy(ret->path, sun->sun_path, n);
		ret->path[n] = '\0';
		ret->is_unix_path = true;
	}
	return 0;
}

int emu_net_addr_parse(const struct sockaddr_storage *ss, int len, int domain, int type,
		       enum emu_net_use use, struct emu_net_addr *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->family = emu_net_family(domain, type);
	if (len < 0 || len > (int)sizeof(*ss))
		return -EINVAL;
	switch (domain) {
	case AF_INET:
	case AF_INET6:
		/* (AF_INET, SOCK_PACKET) sockets report SO_DOMAIN AF_PACKET: not here. */
		return parse_inet(ss, len, domain, type, use, ret);
	case AF_UNIX:
		return parse_unix(ss, len, use, ret);
	default:
		/* netlink, packet, others: the socket's family decides, whatever
		 * the address; the kernel checks it. */
		return 0;
	}
}

static const struct hy_net_policy deny_all; /* default deny, no rules: fail closed */

const struct hy_net_policy *emu_net_policy(const struct hy_obj_policy *obj)
{
	return obj ? &obj->net : &deny_all;
}

uint32_t emu_net_addr_decide(const struct hy_net_policy *np, const struct emu_net_addr *a,
			     enum emu_net_use use)
{
	if (a->is_none)
		return HY_NET_ALLOW;
	if (!np)
		np = &deny_all;
	return hy_net_decide(np, a->family, use == EMU_NET_BIND ? HY_NET_BIND : HY_NET_CONNECT,
			     a->addr, a->port, NULL);
}
