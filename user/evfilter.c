// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event kinds as masks (see evfilter.h). Pure: no I/O, no allocation. The
 * kind names must stay those event_json.c writes in `kind`; the unit test
 * checks every kind against the encoder.
 */
#include "evfilter.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "util.h"

static const char *const kind_names[HY_EVK__COUNT] = {
	[HY_EVK_START] = "start",
	[HY_EVK_EXIT] = "exit",
	[HY_EVK_SYSCALL_DENIED] = "syscall_denied",
	[HY_EVK_SYSCALL_EMULATED] = "syscall_emulated",
	[HY_EVK_UNIMPLEMENTED] = "unimplemented",
	[HY_EVK_SUPPRESSED] = "suppressed",
	[HY_EVK_EXEC] = "exec",
	[HY_EVK_FORK] = "fork",
	[HY_EVK_TASK_EXIT] = "task_exit",
	[HY_EVK_LOST] = "lost",
	[HY_EVK_POLICY] = "policy",
	[HY_EVK_SYSCALL] = "syscall",
	[HY_EVK_CHECKPOINT] = "checkpoint",
	[HY_EVK_RESTORE] = "restore",
};

const char *hy_evkind_name(enum hy_evkind k)
{
	return (unsigned)k < HY_EVK__COUNT ? kind_names[k] : "unknown";
}

int hy_evkind_from_name(const char *s)
{
	for (int k = 0; k < HY_EVK__COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0)
			return k;
	return -EINVAL;
}

int hy_evkind_of(const struct hy_evt_hdr *ev)
{
	switch (ev->type) {
	case HY_EVT_START:
		return HY_EVK_START;
	case HY_EVT_EXIT:
		return HY_EVK_EXIT;
	case HY_EVT_SYSCALL: {
		const struct hy_evt_syscall *e = (const void *)ev;
		if (ev->size < sizeof(*e))
			return -1;
		/* Same split as event_json.c's syscall_kind(). */
		if (e->decision == HY_DECISION_EMULATE)
			return HY_EVK_SYSCALL_EMULATED;
		if (e->decision == HY_DECISION_UNIMPLEMENTED)
			return HY_EVK_UNIMPLEMENTED;
		return HY_EVK_SYSCALL_DENIED;
	}
	case HY_EVT_SUPPRESSED:
		return HY_EVK_SUPPRESSED;
	case HY_EVT_EXEC:
		return HY_EVK_EXEC;
	case HY_EVT_FORK:
		return HY_EVK_FORK;
	case HY_EVT_TASK_EXIT:
		return HY_EVK_TASK_EXIT;
	case HY_EVT_LOST:
		return HY_EVK_LOST;
	case HY_EVT_POLICY:
		return HY_EVK_POLICY;
	case HY_EVT_SYS_TRACE:
		return HY_EVK_SYSCALL;
	case HY_EVT_CHECKPOINT:
		return HY_EVK_CHECKPOINT;
	case HY_EVT_RESTORE:
		return HY_EVK_RESTORE;
	}
	return -1;
}

bool hy_evmask_admits(uint32_t mask, const struct hy_evt_hdr *ev)
{
	int k = hy_evkind_of(ev);

	if (k < 0)
		return false;
	if (mask & HY_EVMASK(k))
		return true;
	if (k == HY_EVK_SUPPRESSED && ev->size >= sizeof(struct hy_evt_suppressed)) {
		const struct hy_evt_suppressed *s = (const void *)ev;
		if (s->kind == HY_EVT_POLICY)
			return mask & HY_EVMASK(HY_EVK_POLICY);
		return mask & (HY_EVMASK(HY_EVK_SYSCALL_DENIED) | HY_EVMASK(HY_EVK_UNIMPLEMENTED));
	}
	if (k == HY_EVK_LOST && ev->size >= sizeof(struct hy_evt_lost)) {
		const struct hy_evt_lost *l = (const void *)ev;
		if (l->source == HY_LOST_SRC_KERNEL)
			return mask & HY_EVMASK_BPF;
	}
	return false;
}

static int list_kinds(char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int k = 0; k < HY_EVK__COUNT; k++) {
		int w = snprintf(buf + n, cap - n, "%s%s", k ? ", " : "", kind_names[k]);
		if (w < 0 || (size_t)w >= cap - n)
			return -ENOSPC;
		n += w;
	}
	return (int)n;
}

#define FORM "kind=KIND[,KIND...]"

int hy_evfilter_parse(const char *opt, const char *s, uint32_t *mask, struct hy_err *err)
{
	char valid[256];
	uint32_t m = 0;

	list_kinds(valid, sizeof(valid));
	if (strncmp(s, "kind=", 5) != 0)
		return hy_err_set(err, -EINVAL, "%s: expected " FORM ", got '%s' (kinds: %s)", opt,
				  s, valid);
	s += 5;
	if (!*s)
		return hy_err_set(err, -EINVAL, "%s: kind= lists no kind (expected " FORM
						"; kinds: %s)", opt, valid);
	while (*s) {
		size_t len = strcspn(s, ",");
		char name[32];
		int k;

		if (len == 0 || len >= sizeof(name))
			k = -EINVAL;
		else {
			memcpy(name, s, len);
			name[len] = '\0';
			k = hy_evkind_from_name(name);
		}
		if (k < 0)
			return hy_err_set(err, -EINVAL,
					  "%s: unknown event kind '%.*s' (valid kinds: %s)", opt,
					  (int)MIN(len, 64), s, valid);
		m |= HY_EVMASK(k);
		s += len;
		if (*s == ',' && !s[1])
			return hy_err_set(err, -EINVAL, "%s: trailing ',' (expected " FORM ")", opt);
		if (*s == ',')
			s++;
	}
	*mask |= m;
	return 0;
}

uint32_t hy_evmask_of_policy(int events_setting)
{
	switch (events_setting) {
	case HY_POLICY_EVENTS_NONE:
		return 0;
	case HY_POLICY_EVENTS_DENIED_ONLY:
		/* Refusals (and would-be refusals in audit mode), the container's
		 * start and exit, and the accounting of what is missing. */
		return HY_EVMASK(HY_EVK_START) | HY_EVMASK(HY_EVK_EXIT) |
		       HY_EVMASK(HY_EVK_SYSCALL_DENIED) | HY_EVMASK(HY_EVK_UNIMPLEMENTED) |
		       HY_EVMASK(HY_EVK_POLICY) | HY_EVMASK(HY_EVK_SUPPRESSED) |
		       HY_EVMASK(HY_EVK_LOST);
	default:
		return HY_EVMASK_ALL;
	}
}

int hy_evmask_format(uint32_t mask, char *buf, size_t cap)
{
	size_t n = 0;

	if (cap == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if ((mask & HY_EVMASK_ALL) == HY_EVMASK_ALL || (mask & HY_EVMASK_ALL) == 0) {
		const char *w = mask ? "all" : "none";
		return strscpy(buf, w, cap) < cap ? (int)strlen(w) : -ENOSPC;
	}
	for (int k = 0; k < HY_EVK__COUNT; k++) {
		if (!(mask & HY_EVMASK(k)))
			continue;
		int w = snprintf(buf + n, cap - n, "%s%s", n ? "," : "", kind_names[k]);
		if (w < 0 || (size_t)w >= cap - n)
			return -ENOSPC;
		n += w;
	}
	return (int)n;
}

int hy_size_parse(const char *s, uint64_t *ret)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		break;
	default:
		return -EINVAL;
	}
	if (*p && p[1])
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}
