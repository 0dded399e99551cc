// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seccomp filter generation (supervisor, root) and installation (container
 * task, between fork and exec: no allocation there).
 */
#define LOG_PREFIX "seccomp: "
#include "seccomp.h"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* (arg & mask) == value on the low 32 bits: the kernel truncates int arguments,
 * so the upper half must not take part (a 64-bit compare could be bypassed). */
static struct scmp_arg_cmp masked_eq(unsigned arg, uint32_t mask, uint32_t value)
{
	return (struct scmp_arg_cmp){ .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = mask,
				      .datum_b = value };
}

static int add_allow(scmp_filter_ctx ctx, int nr, const struct scmp_arg_cmp *fixed,
		     unsigned nfixed, const struct scmp_arg_cmp *extra)
{
	struct scmp_arg_cmp cmp[EMU_MAX_CONDS + 1];
	memcpy(cmp, fixed, nfixed * sizeof(*cmp));
	if (extra)
		cmp[nfixed++] = *extra;
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, nfixed, cmp);
}

/*
 * "arg not in {v...}" as ALLOW rules (ORed), since libseccomp allows one
 * comparison per argument in a rule and cannot express an exception to an
 * unconditional rule. A value differs from every excluded one if it differs
 * in a bit where they all agree (one rule per such bit); the few values that
 * agree on all those bits are enumerated, minus the excluded ones.
 */
static int add_not_in(scmp_filter_ctx ctx, int nr, const struct scmp_arg_cmp *fixed,
		      unsigned nfixed, unsigned arg, const uint32_t *vals, unsigned nvals)
{
	uint32_t agree = 0xffffffffu;
	for (unsigned i = 1; i < nvals; i++)
		agree &= ~(vals[0] ^ vals[i]);
	uint32_t pattern = vals[0] & agree, free_bits = ~agree;
	if (__builtin_popcount(free_bits) > 6)
		return -E2BIG;
	int r = 0;
	for (int b = 0; b < 32 && r == 0; b++)
		if (agree & (1u << b)) {
			struct scmp_arg_cmp c = masked_eq(arg, 1u << b, ~pattern & (1u << b));
			r = add_allow(ctx, nr, fixed, nfixed, &c);
		}
	/* Enumerate the subsets of free_bits (standard submask walk). */
	for (uint32_t sub = free_bits;; sub = (sub - 1) & free_bits) {
		uint32_t v = pattern | sub;
		bool excluded = false;
		for (unsigned i = 0; i < nvals; i++)
			excluded |= vals[i] == v;
		if (!excluded && r == 0) {
			struct scmp_arg_cmp c = masked_eq(arg, 0xffffffffu, v);
			r = add_allow(ctx, nr, fixed, nfixed, &c);
		}
		if (sub == 0)
			break;
	}
	return r;
}

static int add_native_rule(scmp_filter_ctx ctx, int nr, const struct emu_road_decision *d)
{
	struct scmp_arg_cmp fixed[EMU_MAX_CONDS];
	uint32_t ne_vals[EMU_MAX_CONDS];
	unsigned nfixed = 0, nne = 0, ne_arg = 0;
	for (unsigned i = 0; i < d->ncond; i++) {
		const struct emu_arg_cond *c = &d->cond[i];
		if (c->op == EMU_CMP_NE) {
			if (nne && c->arg != ne_arg)
				return -EINVAL; /* exclusions on two args: not needed, not supported */
			ne_arg = c->arg;
			ne_vals[nne++] = c->value;
		} else if (c->op == EMU_CMP_NULL) {
			fixed[nfixed++] = (struct scmp_arg_cmp){ .arg = c->arg, .op = SCMP_CMP_EQ };
		} else {
			fixed[nfixed++] = masked_eq(c->arg, c->mask, c->value);
		}
	}
	if (nne)
		return add_not_in(ctx, nr, fixed, nfixed, ne_arg, ne_vals, nne);
	return add_allow(ctx, nr, fixed, nfixed, NULL);
}

static int add_rules(scmp_filter_ctx ctx, const struct emu_syscall_policy *p, struct hy_filter *f,
		     struct hy_err *err)
{
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		struct emu_road_decision d;
		int r = emu_road_resolve(p, nr, &d);
		/* EMULATED with conds: native while they hold (read-only opens). */
		if (r == -ENOENT || (d.road != EMU_ROAD_NATIVE &&
				     !(d.road == EMU_ROAD_EMULATED && d.ncond)))
			continue;
		r = add_native_rule(ctx, nr, &d);
		if (r < 0)
			return hy_err_setr(err, r, "seccomp rule for %s (%d)", emu_syscall_name(nr), nr);
		if (d.ncond)
			f->n_cond++;
		else
			f->n_native++;
	}
	return 0;
}

/* libseccomp 2.5 exports only to an fd: round-trip through a memfd. */
int hy_seccomp_export(scmp_filter_ctx ctx, struct hy_filter *f, struct hy_err *err)
{
	_cleanup_close_ int fd = memfd_create("hybox-filter", MFD_CLOEXEC);
	if (fd < 0)
		return hy_err_setr(err, -errno, "memfd for the seccomp filter");
	int r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return hy_err_setr(err, r, "export seccomp filter");
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) || size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return hy_err_set(err, -EINVAL, "seccomp filter has a bad size (%lld bytes)",
				  (long long)size);
	f->insns = xmalloc(size);
	if (pread(fd, f->insns, size, 0) != size)
		return hy_err_setr(err, -errno, "read back seccomp filter");
	f->len = size / sizeof(struct sock_filter);
	return 0;
}

int hy_seccomp_build(const struct emu_syscall_policy *p, struct hy_filter *f, struct hy_err *err)
{
	memset(f, 0, sizeof(*f));
	_cleanup_(ctx_releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_NOTIFY);
	if (!ctx)
		return hy_err_set(err, -ENOMEM, "seccomp_init failed");
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_NOTIFY);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r == 0) /* we set no_new_privs ourselves, right before loading */
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return hy_err_setr(err, r, "configure libseccomp");
	if ((r = add_rules(ctx, p, f, err)) < 0 || (r = hy_seccomp_export(ctx, f, err)) < 0) {
		hy_seccomp_fini(f);
		return r;
	}
	pr_debug("filter: %u instructions, %u native, %u conditional", f->len, f->n_native,
		 f->n_cond);
	return 0;
}

void hy_seccomp_fini(struct hy_filter *f)
{
	free(f->insns);
	f->insns = NULL;
	f->len = 0;
}

int hy_seccomp_install(const struct hy_filter *f)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &prog);
	return fd < 0 ? -errno : (int)fd;
}
