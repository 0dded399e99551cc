// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compiled-filter cache (supervisor, root). File layout:
 *   struct cache_hdr | struct decision[EMU_NR_MAX] | struct sock_filter[len]
 * written to a temporary file and renamed into place, so readers never see a
 * partial file.
 */
#define LOG_PREFIX "filter-cache: "
#include "filter_cache.h"

#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

#define CACHE_MAGIC 0x4859464c54523031ULL /* "HYFLTR01" */

struct cache_hdr {
	uint64_t magic;
	uint32_t nr_max;
	uint32_t len; /* instructions */
	uint32_t n_native, n_cond;
	uint32_t seccomp_version; /* libseccomp major<<16 | minor<<8 | micro */
	uint32_t __pad;
};

struct decision {
	uint8_t road, ncond;
	int16_t err;
	struct emu_arg_cond cond[EMU_MAX_CONDS];
};

static uint32_t libseccomp_version(void)
{
	const struct scmp_version *v = seccomp_version();
	return v ? (v->major << 16) | (v->minor << 8) | v->micro : 0;
}

static void decisions(const struct emu_syscall_policy *p, struct decision *d)
{
	memset(d, 0, sizeof(*d) * EMU_NR_MAX);
	for (int nr = 0; nr < EMU_NR_MAX; nr++) {
		struct emu_road_decision rd;
		if (emu_road_resolve(p, nr, &rd) == -ENOENT) {
			d[nr].road = 0xff;
			continue;
		}
		d[nr].road = rd.road;
		d[nr].ncond = rd.ncond;
		d[nr].err = rd.err;
		for (unsigned i = 0; i < rd.ncond && i < EMU_MAX_CONDS; i++)
			d[nr].cond[i] = rd.cond[i];
	}
}

/* The file name only spreads entries out; the content is what gets compared. */
static void cache_path(const char *root, const struct decision *d, char *out, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *b = (const unsigned char *)d;
	for (size_t i = 0; i < sizeof(*d) * EMU_NR_MAX; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	snprintf(out, len, "%s/.cache/filter-%016llx", root, (unsigned long long)h);
}

int hy_filter_cache_load(const char *root, const struct emu_syscall_policy *p, struct hy_filter *f)
{
	_cleanup_free_ struct decision *want = xcalloc(EMU_NR_MAX, sizeof(*want));
	_cleanup_free_ struct decision *have = xcalloc(EMU_NR_MAX, sizeof(*have));
	char path[4200];
	struct cache_hdr h;
	decisions(p, want);
	cache_path(root, want, path, sizeof(path));
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -ENOENT;
	size_t dsize = sizeof(*want) * EMU_NR_MAX;
	if (read_full(fd, &h, sizeof(h)) != sizeof(h) || h.magic != CACHE_MAGIC ||
	    h.nr_max != EMU_NR_MAX || h.len == 0 || h.len > BPF_MAXINSNS ||
	    h.seccomp_version != libseccomp_version() ||
	    read_full(fd, have, dsize) != (ssize_t)dsize || memcmp(want, have, dsize) != 0)
		return -ENOENT;
	struct sock_filter *insns = xmalloc(h.len * sizeof(*insns));
	char extra;
	if (read_full(fd, insns, h.len * sizeof(*insns)) != (ssize_t)(h.len * sizeof(*insns)) ||
	    read_full(fd, &extra, 1) != 0) {
		free(insns);
		return -ENOENT;
	}
	*f = (struct hy_filter){ .insns = insns, .len = h.len, .n_native = h.n_native,
				 .n_cond = h.n_cond };
	return 0;
}

static int write_cache(int fd, const struct decision *d, const struct hy_filter *f)
{
	struct cache_hdr h = { .magic = CACHE_MAGIC, .nr_max = EMU_NR_MAX, .len = f->len,
			       .n_native = f->n_native, .n_cond = f->n_cond,
			       .seccomp_version = libseccomp_version() };
	int r = write_all(fd, &h, sizeof(h));
	if (r == 0)
		r = write_all(fd, d, sizeof(*d) * EMU_NR_MAX);
	if (r == 0)
		r = write_all(fd, f->insns, f->len * sizeof(*f->insns));
	return r;
}

void hy_filter_cache_store(const char *root, const struct emu_syscall_policy *p,
			   const struct hy_filter *f)
{
	_cleanup_free_ struct decision *d = xcalloc(EMU_NR_MAX, sizeof(*d));
	char path[4200], tmp[4300], dir[4200];
	decisions(p, d);
	cache_path(root, d, path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s/.cache", root);
	if (mkdir(root, 0711) < 0 && errno != EEXIST)
		return;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, getpid());
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	int r = write_cache(fd, d, f);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		pr_debug("cannot store %s: %s", path, strerror(-r));
		unlink(tmp);
	}
}
