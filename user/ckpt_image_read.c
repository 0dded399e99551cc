// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading and checking an image (docs/checkpoint-format.md): the format
 * version, image.sum, every field (an error names image.json and the field's
 * path, and what was expected), the process tree's order, and each data
 * file's header, size and CRC-32C, all before the caller creates anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt.h"
#include "ckpt_pages.h"
#include "crc32c.h"
#include "util.h"

#define REGS_N (sizeof(struct user_regs_struct) / sizeof(uint64_t))

/* The first error wins; later getters return zeros once one failed. */
struct rd {
	struct hy_err *err;
	int failed;
};

static int bad(struct rd *rd, const char *path, const char *key, const char *want)
{
	if (!rd->failed)
		hy_err_set(rd->err, -EINVAL, "%s: %s%s%s: expected %s", CK_IMAGE_FILE, path,
			   *path ? "." : "", key, want);
	rd->failed = 1;
	return -EINVAL;
}

static json_t *get(struct rd *rd, json_t *o, const char *path, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		bad(rd, path, key, "a value (the field is missing)");
	return v;
}

/* v (named path.key in errors) as a "0x..." string's value. */
static uint64_t hex_value(struct rd *rd, json_t *v, const char *path, const char *key)
{
	const char *s = v ? json_string_value(v) : NULL;
	char *end = NULL;
	errno = 0;
	unsigned long long x = s && strncmp(s, "0x", 2) == 0 ? strtoull(s + 2, &end, 16) : 0;
	if (!s || strncmp(s, "0x", 2) || !s[2] || *end || errno) {
		bad(rd, path, key, "a hex string \"0x...\"");
		return 0;
	}
	return x;
}

static uint64_t get_hex(struct rd *rd, json_t *o, const char *path, const char *key)
{
	json_t *v = get(rd, o, path, key);
	return v ? hex_value(rd, v, path, key) : 0;
}

static int64_t get_int(struct rd *rd, json_t *o, const char *path, const char *key, int64_t min,
		       int64_t max)
{
	json_t *v = get(rd, o, path, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		char want[96];
		snprintf(want, sizeof(want), "an integer in [%" PRId64 ", %" PRId64 "]", min, max);
		bad(rd, path, key, want);
		return 0;
	}
	return json_integer_value(v);
}

static char *get_str(struct rd *rd, json_t *o, const char *path, const char *key)
{
	json_t *v = get(rd, o, path, key);
	if (v && !json_is_string(v)) {
		bad(rd, path, key, "a string");
		return NULL;
	}
	return v ? strdup(json_string_value(v)) : NULL;
}

static int nibble(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* A hex string of at most max bytes (its length in *n), or NULL when absent
 * or bad (an error noted). */
static const char *hex_string(struct rd *rd, json_t *o, const char *path, const char *key,
			      size_t max, size_t *n)
{
	json_t *v = get(rd, o, path, key);
	const char *s = v ? json_string_value(v) : NULL;
	size_t len = s ? strlen(s) : 0;
	*n = 0;
	if (!v)
		return NULL;
	if (!s || len % 2 || len / 2 > max) {
		bad(rd, path, key, "a string of hex digit pairs within the size limit");
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (nibble(s[i]) < 0) {
			bad(rd, path, key, "hex digits");
			return NULL;
		}
	*n = len / 2;
	return s;
}

static void decode(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
}

/* A hex string into out (at most max bytes); how many. */
static size_t get_bytes(struct rd *rd, json_t *o, const char *path, const char *key, uint8_t *out,
			size_t max)
{
	size_t n;
	const char *s = hex_string(rd, o, path, key, max, &n);
	if (s)
		decode(s, out, n);
	return s ? n : 0;
}

/* A hex string of at most max bytes, decoded into a buffer of its size. */
static uint8_t *get_bytes_dup(struct rd *rd, json_t *o, const char *path, const char *key,
			      size_t max, size_t *n)
{
	const char *s = hex_string(rd, o, path, key, max, n);
	uint8_t *out = s ? malloc(*n + 1) : NULL;
	if (out)
		decode(s, out, *n);
	else
		*n = 0;
	return out;
}

static json_t *get_array(struct rd *rd, json_t *o, const char *path, const char *key, size_t min,
			 size_t max)
{
	json_t *v = get(rd, o, path, key);
	if (v && (!json_is_array(v) || json_array_size(v) < min || json_array_size(v) > max)) {
		char want[96];
		snprintf(want, sizeof(want), "an array of %zu to %zu elements", min, max);
		bad(rd, path, key, want);
		return NULL;
	}
	return v;
}

static void read_thread(struct rd *rd, json_t *o, const char *path, struct ck_thread *t)
{
	json_t *regs = get_array(rd, o, path, "regs", REGS_N, REGS_N);
	uint64_t *r = (uint64_t *)&t->regs;
	t->tid = (pid_t)get_int(rd, o, path, "tid", 1, 4194304);
	for (size_t i = 0; regs && i < REGS_N; i++)
		r[i] = hex_value(rd, json_array_get(regs, i), path, "regs[]");
	t->xstate_len = get_bytes(rd, o, path, "xstate", t->xstate, sizeof(t->xstate));
	t->sigmask = get_hex(rd, o, path, "sigmask");
	t->sigpending = get_hex(rd, o, path, "sigpending");
	t->rseq_addr = get_hex(rd, o, path, "rseq_addr");
	t->rseq_len = (uint32_t)get_int(rd, o, path, "rseq_len", 0, 1 << 16);
	t->rseq_sig = get_hex(rd, o, path, "rseq_sig");
	t->robust_addr = get_hex(rd, o, path, "robust_addr");
	t->robust_len = get_hex(rd, o, path, "robust_len");
	t->tid_address = get_hex(rd, o, path, "tid_address");
	t->ss_sp = get_hex(rd, o, path, "ss_sp");
	t->ss_size = get_hex(rd, o, path, "ss_size");
	t->ss_flags = (int)get_int(rd, o, path, "ss_flags", INT32_MIN, INT32_MAX); /* SS_AUTODISARM is bit 31 */
	_cleanup_free_ char *comm = get_str(rd, o, path, "comm");
	snprintf(t->comm, sizeof(t->comm), "%s", comm ? comm : "");
}

static void read_vma(struct rd *rd, json_t *o, const char *path, struct ck_vma *v)
{
	v->start = get_hex(rd, o, path, "start");
	v->end = get_hex(rd, o, path, "end");
	v->pgoff = get_hex(rd, o, path, "pgoff");
	v->prot = (int)get_int(rd, o, path, "prot", 0, 7);
	json_t *b = get(rd, o, path, "shared");
	v->shared = b && json_is_true(b);
	b = get(rd, o, path, "growsdown");
	v->growsdown = b && json_is_true(b);
	_cleanup_free_ char *kind = get_str(rd, o, path, "kind");
	if (kind && strcmp(kind, "anon") == 0)
		v->kind = CK_VMA_ANON;
	else if (kind && strcmp(kind, "file") == 0)
		v->kind = CK_VMA_FILE;
	else if (kind && strcmp(kind, "special") == 0)
		v->kind = CK_VMA_SPECIAL;
	else if (kind && strcmp(kind, "shm") == 0)
		v->kind = CK_VMA_SHM;
	else
		bad(rd, path, "kind", "\"anon\", \"file\", \"special\" or \"shm\"");
	if (v->kind == CK_VMA_FILE || v->kind == CK_VMA_SPECIAL)
		v->path = get_str(rd, o, path, "path");
	if (v->kind == CK_VMA_SHM)
		v->shm = get_hex(rd, o, path, "shm");
	if (v->start % CK_PAGE || v->end % CK_PAGE || v->end <= v->start)
		bad(rd, path, "start", "page-aligned start < end");
	json_t *runs = get_array(rd, o, path, "runs", 0, (v->end - v->start) / CK_PAGE + 1);
	size_t n = runs ? json_array_size(runs) : 0;
	v->runs = calloc(n ? n : 1, sizeof(*v->runs));
	v->nruns = n;
	for (size_t i = 0; i < n && !rd->failed; i++) {
		json_t *e = json_array_get(runs, i), *np = json_array_get(e, 1);
		struct ck_run *run = &v->runs[i];
		run->addr = hex_value(rd, json_array_get(e, 0), path, "runs[][0]");
		run->offset = hex_value(rd, json_array_get(e, 2), path, "runs[][2]");
		if (!json_is_integer(np) || json_integer_value(np) < 1)
			bad(rd, path, "runs[][1]", "a page count");
		else
			run->npages = (uint64_t)json_integer_value(np);
		if (run->addr < v->start || run->addr >= v->end || run->addr % CK_PAGE ||
		    run->npages > (v->end - run->addr) / CK_PAGE)
			bad(rd, path, "runs", "runs of pages inside the mapping");
	}
}

static void read_anon_fd(struct rd *rd, json_t *o, const char *path, enum ck_fd_kind kind,
			 struct ck_fd *f)
{
	char sub[400];
	json_t *a, *e, *t;
	size_t i;
	f->kind = kind;
	switch (kind) {
	case CK_FD_EVENTFD:
		f->value = get_hex(rd, o, path, "count");
		f->is_semaphore = json_is_true(get(rd, o, path, "semaphore"));
		break;
	case CK_FD_SIGNALFD:
		f->value = get_hex(rd, o, path, "sigmask");
		break;
	case CK_FD_TIMERFD:
		snprintf(sub, sizeof(sub), "%s.timer", path);
		if (!(t = get(rd, o, path, "timer")))
			break;
		f->clockid = (int)get_int(rd, t, sub, "clockid", 0, 11);
		f->value = get_hex(rd, t, sub, "ticks");
		f->it_value_ns = get_hex(rd, t, sub, "value_ns");
		f->it_interval_ns = get_hex(rd, t, sub, "interval_ns");
		break;
	case CK_FD_EPOLL:
		a = get_array(rd, o, path, "targets", 0, 1 << 20);
		f->targets = calloc(json_array_size(a) + 1, sizeof(*f->targets));
		json_array_foreach(a, i, e)
		{
			json_t *fd = json_array_get(e, 0), *ev = json_array_get(e, 1);
			if (!json_is_integer(fd) || !json_is_integer(ev) || !f->targets) {
				bad(rd, path, "targets", "[fd, events, \"0x data\"] triples");
				break;
			}
			f->targets[i] = (struct ck_epoll_target){
				(int)json_integer_value(fd), (uint32_t)json_integer_value(ev),
				hex_value(rd, json_array_get(e, 2), path, "targets[][2]")
			};
			f->ntargets = i + 1;
		}
		break;
	case CK_FD_SOCKET:
		f->obj = get_hex(rd, o, path, "socket");
		break;
	default:
		f->dup_of = (int)get_int(rd, o, path, "dup_of", 0, f->fd - 1);
	}
}

static void read_fd(struct rd *rd, json_t *o, const char *path, struct ck_fd *f)
{
	f->fd = (int)get_int(rd, o, path, "fd", 0, 1 << 20);
	f->flags = (int)get_int(rd, o, path, "flags", 0, INT32_MAX);
	json_t *b = get(rd, o, path, "cloexec");
	f->cloexec = b && json_is_true(b);
	f->pos = get_hex(rd, o, path, "pos");
	_cleanup_free_ char *kind = get_str(rd, o, path, "kind");
	if (kind && strcmp(kind, "stdio") == 0) {
		f->kind = CK_FD_STDIO;
		f->stdio = (int)get_int(rd, o, path, "stdio", 0, 2);
	} else if (kind && strcmp(kind, "file") == 0) {
		f->kind = CK_FD_FILE;
		f->path = get_str(rd, o, path, "path");
	} else if (kind && strcmp(kind, "pipe") == 0) {
		f->kind = CK_FD_PIPE;
		f->obj = get_hex(rd, o, path, "pipe");
	} else if (kind && strcmp(kind, "shm") == 0) {
		f->kind = CK_FD_SHM;
		f->obj = get_hex(rd, o, path, "shm");
	} else if (kind) {
		size_t k = CK_FD_EVENTFD;
		while (k < CK_FD__COUNT && strcmp(kind, ck_fd_kinds[k]) != 0)
			k++;
		if (k == CK_FD__COUNT)
			bad(rd, path, "kind",
			    "file, stdio, pipe, shm, eventfd, signalfd, timerfd, epoll, dup or "
			    "socket");
		else
			read_anon_fd(rd, o, path, (enum ck_fd_kind)k, f);
	}
}

static void read_mm(struct rd *rd, json_t *o, const char *path, struct ck_mm *m)
{
	m->start_code = get_hex(rd, o, path, "start_code");
	m->end_code = get_hex(rd, o, path, "end_code");
	m->start_data = get_hex(rd, o, path, "start_data");
	m->end_data = get_hex(rd, o, path, "end_data");
	m->start_brk = get_hex(rd, o, path, "start_brk");
	m->brk = get_hex(rd, o, path, "brk");
	m->start_stack = get_hex(rd, o, path, "start_stack");
	m->arg_start = get_hex(rd, o, path, "arg_start");
	m->arg_end = get_hex(rd, o, path, "arg_end");
	m->env_start = get_hex(rd, o, path, "env_start");
	m->env_end = get_hex(rd, o, path, "env_end");
	m->auxv_len = get_bytes(rd, o, path, "auxv", m->auxv, sizeof(m->auxv));
}

static void read_u32s(struct rd *rd, json_t *o, const char *path, const char *key, uint32_t *out,
		      size_t min, size_t max, size_t *n)
{
	json_t *a = get_array(rd, o, path, key, min, max);
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e)
	{
		if (!json_is_integer(e) || json_integer_value(e) < 0 ||
		    json_integer_value(e) > UINT32_MAX)
			bad(rd, path, key, "unsigned 32-bit integers");
		else
			out[i] = (uint32_t)json_integer_value(e);
	}
	if (n)
		*n = a ? json_array_size(a) : 0;
}

static void read_shm(struct rd *rd, json_t *o, const char *path, struct ck_shm *m)
{
	m->id = get_hex(rd, o, path, "id");
	m->size = (uint64_t)get_int(rd, o, path, "size", 0, INT64_MAX);
	m->file_size = (uint64_t)get_int(rd, o, path, "file_size", 0, INT64_MAX);
	m->crc = (uint32_t)get_hex(rd, o, path, "crc");
	_cleanup_free_ char *name = get_str(rd, o, path, "name");
	_cleanup_free_ char *file = get_str(rd, o, path, "file");
	_cleanup_free_ char *compress = get_str(rd, o, path, "compress");
	snprintf(m->name, sizeof(m->name), "%s", name ? name : "");
	if (file && (strlen(file) >= sizeof(m->file) || strchr(file, '/') || file[0] == '.'))
		bad(rd, path, "file", "a file name in the image directory");
	else if (file)
		strcpy(m->file, file);
	m->compress = compress && strcmp(compress, "zlib") == 0 ? CK_COMPRESS_ZLIB : CK_COMPRESS_NONE;
	if (compress && strcmp(compress, "zlib") && strcmp(compress, "none"))
		bad(rd, path, "compress", "\"none\" or \"zlib\"");
	if (m->compress == CK_COMPRESS_NONE && m->file_size != m->size)
		bad(rd, path, "file_size", "size, for contents that are not compressed");
}

/* path.key: an array of min..max objects, each read into (*arr)[i] by fn
 * (named path.key[i] in errors); *arr is calloc'ed, *n set. */
#define READ_LIST(rd, o, path, key, min, max, arr, n, fn)                                          \
	do {                                                                                       \
		json_t *list_ = get_array(rd, o, path, key, min, max);                             \
		char full_[320];                                                                   \
		*(n) = list_ ? json_array_size(list_) : 0;                                         \
		*(arr) = calloc(*(n) ? *(n) : 1, sizeof(**(arr)));                                 \
		if (!*(arr)) {                                                                     \
			*(n) = 0;                                                                  \
			bad(rd, path, key, "memory enough to read it");                            \
		}                                                                                  \
		for (size_t i_ = 0; i_ < *(n) && !(rd)->failed; i_++) {                            \
			snprintf(full_, sizeof(full_), *(path) ? "%s.%s[%zu]" : "%s%s[%zu]", path, \
				 key, i_);                                                         \
			fn(rd, json_array_get(list_, i_), full_, &(*(arr))[i_]);                   \
		}                                                                                  \
	} while (0)

#define EACH(arr, i, e, n, path, fmt)                                                              \
	for (i = 0; i < (n) && !rd->failed && (e = json_array_get(arr, i)) &&                      \
		    (snprintf(path, sizeof(path), fmt, i), 1);                                     \
	     i++)

static void read_proc(struct rd *rd, json_t *o, const char *path, struct ck_proc *p)
{
	char sub[400];
	size_t i;
	json_t *e;
	p->pid = (pid_t)get_int(rd, o, path, "pid", 1, 4194304);
	p->ppid = (pid_t)get_int(rd, o, path, "ppid", 0, 4194304);
	p->pgid = (pid_t)get_int(rd, o, path, "pgid", 0, 4194304);
	p->sid = (pid_t)get_int(rd, o, path, "sid", 1, 4194304);
	p->exe = get_str(rd, o, path, "exe");
	p->cwd = get_str(rd, o, path, "cwd");
	p->umask = (unsigned)get_int(rd, o, path, "umask", 0, 0777);
	p->dumpable = (int)get_int(rd, o, path, "dumpable", 0, 2);
	json_t *its = get_array(rd, o, path, "itimers", 3, 3);
	for (size_t w = 0; its && w < 3; w++)
		for (size_t k = 0; k < 2; k++)
			p->itimer[w][k] = hex_value(rd, json_array_get(json_array_get(its, w), k), path,
						    "itimers[][]");
	read_u32s(rd, o, path, "uid", p->uid, 3, 3, NULL);
	read_u32s(rd, o, path, "gid", p->gid, 3, 3, NULL);
	read_u32s(rd, o, path, "groups", p->groups, 0, ARRAY_SIZE(p->groups), &p->ngroups);
	p->cap_inh = get_hex(rd, o, path, "cap_inh");
	p->cap_prm = get_hex(rd, o, path, "cap_prm");
	p->cap_eff = get_hex(rd, o, path, "cap_eff");
	p->cap_bnd = get_hex(rd, o, path, "cap_bnd");
	p->sigpending = get_hex(rd, o, path, "sigpending");
	json_t *mm = get(rd, o, path, "mm");
	snprintf(sub, sizeof(sub), "%s.mm", path);
	if (mm)
		read_mm(rd, mm, sub, &p->mm);
	json_t *sigs = get_array(rd, o, path, "sigactions", CK_NSIG, CK_NSIG);
	EACH(sigs, i, e, CK_NSIG, sub, "sigactions[%zu]")
	{
		char full[800];
		snprintf(full, sizeof(full), "%s.%s", path, sub);
		p->sig[i].handler = hex_value(rd, json_array_get(e, 0), full, "[0]");
		p->sig[i].flags = hex_value(rd, json_array_get(e, 1), full, "[1]");
		p->sig[i].restorer = hex_value(rd, json_array_get(e, 2), full, "[2]");
		p->sig[i].mask = hex_value(rd, json_array_get(e, 3), full, "[3]");
	}
	READ_LIST(rd, o, path, "threads", 1, 65536, &p->threads, &p->nthreads, read_thread);
	READ_LIST(rd, o, path, "vmas", 1, 1 << 20, &p->vmas, &p->nvmas, read_vma);
	READ_LIST(rd, o, path, "fds", 0, 1 << 20, &p->fds, &p->nfds, read_fd);
	_cleanup_free_ char *pf = get_str(rd, o, path, "pages_file");
	if (pf && (strlen(pf) >= sizeof(p->pages_file) || strchr(pf, '/') || pf[0] == '.'))
		bad(rd, path, "pages_file", "a file name in the image directory");
	else if (pf)
		strcpy(p->pages_file, pf);
	p->pages_size = (uint64_t)get_int(rd, o, path, "pages_size", 0, INT64_MAX);
	p->pages_raw = (uint64_t)get_int(rd, o, path, "pages_raw", 0, INT64_MAX);
	_cleanup_free_ char *compress = get_str(rd, o, path, "pages_compress");
	if (compress && strcmp(compress, "zlib") == 0)
		p->pages_compress = CK_COMPRESS_ZLIB;
	else if (compress && strcmp(compress, "none") != 0)
		bad(rd, path, "pages_compress", "\"none\" or \"zlib\"");
	if (!p->pages_compress && p->pages_raw != p->pages_size)
		bad(rd, path, "pages_raw", "pages_size, for pages that are not compressed");
	p->pages_crc = (uint32_t)get_hex(rd, o, path, "pages_crc");
}

/* The whole of a small file; NUL-terminated. */
static int slurp(int dirfd, const char *name, char **ret, size_t *len, size_t max,
		 struct hy_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return hy_err_setr(err, -errno, "%s: cannot open (is this a hybox image directory?)",
				   name);
	if (fstat(fd, &st) < 0 || st.st_size > (off_t)max)
		return hy_err_set(err, -EFBIG, "%s: larger than %zu bytes", name, max);
	char *buf = malloc((size_t)st.st_size + 1);
	ssize_t n = buf ? pread(fd, buf, (size_t)st.st_size, 0) : -1;
	if (n != st.st_size) {
		free(buf);
		return hy_err_setr(err, n < 0 ? -errno : -EIO, "read %s", name);
	}
	buf[n] = 0;
	*ret = buf;
	*len = (size_t)n;
	return 0;
}

static int check_sum(int dirfd, const char *text, size_t len, struct hy_err *err)
{
	_cleanup_free_ char *sum = NULL;
	size_t n;
	unsigned version;
	unsigned long want;
	int r = slurp(dirfd, CK_SUM_FILE, &sum, &n, 256, err);
	if (r < 0)
		return r;
	if (sscanf(sum, "hybox-image-sum %u %lx", &version, &want) != 2 ||
	    version != CK_FORMAT_VERSION)
		return hy_err_set(err, -EINVAL, "%s: expected \"hybox-image-sum %d <crc32c>\"",
				  CK_SUM_FILE, CK_FORMAT_VERSION);
	unsigned long got = hy_crc32c(0, text, len);
	if (got != want)
		return hy_err_set(err, -EBADMSG,
				  "%s: checksum %08lx, but %s says %08lx: the image is corrupted",
				  CK_IMAGE_FILE, got, CK_SUM_FILE, want);
	return 0;
}

/* A page file (or shm file): header, size and crc32c as image.json says. */
static int check_data_file(int dirfd, const char *name, uint32_t compress, uint64_t size,
			   uint32_t want_crc, struct hy_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	uint8_t head[CK_PAGES_HEADER], want[CK_PAGES_HEADER];
	struct stat st;
	if (fd < 0)
		return hy_err_setr(err, -errno, "%s: cannot open", name);
	ck_pages_header(want, compress);
	if (pread(fd, head, sizeof(head), 0) != (ssize_t)sizeof(head) ||
	    memcmp(head, want, sizeof(head)) != 0)
		return hy_err_set(err, -EBADMSG, "%s: not a version %d page file (bad header)",
				  name, CK_FORMAT_VERSION);
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != CK_PAGES_HEADER + size)
		return hy_err_set(err, -EBADMSG, "%s: %lld bytes, %s says %llu: truncated or grown",
				  name, (long long)st.st_size, CK_IMAGE_FILE,
				  (unsigned long long)(CK_PAGES_HEADER + size));
	static uint8_t buf[1 << 20];
	uint32_t crc = 0;
	for (uint64_t off = 0; off < size;) {
		ssize_t n = pread(fd, buf, MIN(sizeof(buf), size - off),
				  (off_t)(CK_PAGES_HEADER + off));
		if (n <= 0)
			return hy_err_setr(err, n < 0 ? -errno : -EIO, "read %s", name);
		crc = hy_crc32c(crc, buf, (size_t)n);
		off += (uint64_t)n;
	}
	if (crc != want_crc)
		return hy_err_set(err, -EBADMSG,
				  "%s: checksum %08x, but %s says %08x: the image is corrupted", name,
				  crc, CK_IMAGE_FILE, want_crc);
	return 0;
}

/* Parents before children, unique pids, every run inside its page file. */
static int check_tree(const struct ck_image *img, struct hy_err *err)
{
	for (size_t i = 0; i < img->nzombies; i++)
		if (!ck_image_proc(img, img->zombies[i].ppid) || ck_image_proc(img, img->zombies[i].pid))
			return hy_err_set(err, -EINVAL,
					  "%s: zombies[%zu]: expected the pid of no process, and the "
					  "ppid of one",
					  CK_IMAGE_FILE, i);
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct ck_proc *p = &img->procs[i];
		bool parent = p->ppid == 1; /* the command, or an orphan init adopted */
		for (size_t j = 0; j < i; j++) {
			if (img->procs[j].pid == p->pid)
				return hy_err_set(err, -EINVAL, "%s: procs[%zu].pid: %d twice",
						  CK_IMAGE_FILE, i, p->pid);
			parent |= img->procs[j].pid == p->ppid;
		}
		if (i == 0 && p->pid != 2)
			return hy_err_set(err, -EINVAL,
					  "%s: procs[0].pid: expected 2 (the container's command), not %d",
					  CK_IMAGE_FILE, p->pid);
		if (!parent)
			return hy_err_set(err, -EINVAL,
					  "%s: procs[%zu].ppid: %d is not an earlier process%s",
					  CK_IMAGE_FILE, i, p->ppid, i ? "" : " (the root's is 1)");
		for (size_t f = 0; f < p->nfds; f++)
			if ((p->fds[f].kind == CK_FD_PIPE && !ck_image_pipe(img, p->fds[f].obj)) ||
			    (p->fds[f].kind == CK_FD_SHM && !ck_image_shm(img, p->fds[f].obj)) ||
			    (p->fds[f].kind == CK_FD_SOCKET && !ck_image_sock(img, p->fds[f].obj)))
				return hy_err_set(err, -EINVAL,
						  "%s: procs[%zu].fds[%zu]: no such object in pipes[], "
						  "shms[] or socks[]",
						  CK_IMAGE_FILE, i, f);
		for (size_t v = 0; v < p->nvmas; v++)
			if (p->vmas[v].kind == CK_VMA_SHM && !ck_image_shm(img, p->vmas[v].shm))
				return hy_err_set(err, -EINVAL,
						  "%s: procs[%zu].vmas[%zu].shm: no such object in shms[]",
						  CK_IMAGE_FILE, i, v);
		if (p->threads[0].tid != p->pid)
			return hy_err_set(err, -EINVAL,
					  "%s: procs[%zu].threads[0].tid: expected the pid %d",
					  CK_IMAGE_FILE, i, p->pid);
		for (size_t v = 0; v < p->nvmas; v++)
			for (size_t r = 0; r < p->vmas[v].nruns; r++) {
				const struct ck_run *run = &p->vmas[v].runs[r];
				if (run->offset > p->pages_raw ||
				    run->npages * CK_PAGE > p->pages_raw - run->offset)
					return hy_err_set(err, -EINVAL,
							  "%s: procs[%zu].vmas[%zu].runs[%zu]: "
							  "beyond the end of %s",
							  CK_IMAGE_FILE, i, v, r, p->pages_file);
			}
	}
	return 0;
}

static void read_pipe(struct rd *rd, json_t *e, const char *path, struct ck_pipe *p)
{
	p->id = get_hex(rd, e, path, "id");
	p->size = (uint32_t)get_int(rd, e, path, "size", 4096, CK_PIPE_MAX);
	p->data = get_bytes_dup(rd, e, path, "data", p->size, &p->len);
}

static void read_zombie(struct rd *rd, json_t *e, const char *path, struct ck_zombie *z)
{
	z->pid = (pid_t)get_int(rd, e, path, "pid", 3, 4194304);
	z->ppid = (pid_t)get_int(rd, e, path, "ppid", 2, 4194304);
	z->status = (int)get_int(rd, e, path, "status", 0, 0xffff);
}

static void read_sock(struct rd *rd, json_t *e, const char *path, struct ck_sock *k)
{
	k->id = get_hex(rd, e, path, "id");
	k->peer = get_hex(rd, e, path, "peer");
	k->shutdown = (int)get_int(rd, e, path, "shutdown", 0, 3);
	k->data = get_bytes_dup(rd, e, path, "data", CK_SOCK_DATA_MAX, &k->len);
}

static int read_json(json_t *j, struct ck_image *img, struct hy_err *err)
{
	struct rd rdc = { .err = err }, *rd = &rdc;
	_cleanup_free_ char *magic = get_str(rd, j, "", "magic");
	if (!rd->failed && strcmp(magic, "hybox-image") != 0)
		return hy_err_set(err, -EINVAL, "%s: magic: expected \"hybox-image\"",
				  CK_IMAGE_FILE);
	img->version = (unsigned)get_int(rd, j, "", "version", 1, INT32_MAX);
	if (!rd->failed && img->version > CK_FORMAT_VERSION)
		return hy_err_set(err, -ENOTSUP,
				  "%s: version %u is newer than this hybox reads (%d): restore it "
				  "with a newer hybox",
				  CK_IMAGE_FILE, img->version, CK_FORMAT_VERSION);
	img->id = get_str(rd, j, "", "id");
	img->hostname = get_str(rd, j, "", "hostname");
	img->domainname = get_str(rd, j, "", "domainname");
	json_t *pol = get(rd, j, "", "policy");
	if (pol && !json_is_null(pol) && !json_is_string(pol))
		bad(rd, "", "policy", "the policy's text, or null");
	img->policy = json_is_string(pol) ? strdup(json_string_value(pol)) : NULL;
	json_t *run = get(rd, j, "", "run");
	if (run) {
		json_t *rootfs = get(rd, run, "run", "rootfs");
		if (rootfs && !json_is_null(rootfs) && !json_is_string(rootfs))
			bad(rd, "run", "rootfs", "an absolute path, or null");
		img->rootfs = json_is_string(rootfs) ? strdup(json_string_value(rootfs)) : NULL;
		_cleanup_free_ char *net = get_str(rd, run, "run", "net");
		if (net && strcmp(net, "none") && strcmp(net, "host"))
			bad(rd, "run", "net", "\"none\" or \"host\"");
		img->is_net_none = net && strcmp(net, "none") == 0;
		img->memory = (uint64_t)get_int(rd, run, "run", "memory", 0, INT64_MAX);
		img->cpus_milli = (uint32_t)get_int(rd, run, "run", "cpus_milli", 0, 1 << 20);
	}
	img->mono_ns = get_int(rd, j, "", "mono_ns", 0, INT64_MAX);
	img->boot_ns = get_int(rd, j, "", "boot_ns", 0, INT64_MAX);
	img->xcr0 = get_hex(rd, j, "", "xcr0");
	read_u32s(rd, j, "", "cpuid", img->cpuid, 4, 4, NULL);
	READ_LIST(rd, j, "", "procs", 1, 4096, &img->procs, &img->nprocs, read_proc);
	READ_LIST(rd, j, "", "pipes", 0, 4096, &img->pipes, &img->npipes, read_pipe);
	READ_LIST(rd, j, "", "shms", 0, 4096, &img->shms, &img->nshms, read_shm);
	READ_LIST(rd, j, "", "zombies", 0, 4096, &img->zombies, &img->nzombies, read_zombie);
	READ_LIST(rd, j, "", "socks", 0, 4096, &img->socks, &img->nsocks, read_sock);
	return rd->failed ? err->code : 0;
}

int ck_image_read(int dirfd, struct ck_image *img, struct hy_err *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	json_error_t je;
	memset(img, 0, sizeof(*img));
	int r = slurp(dirfd, CK_IMAGE_FILE, &text, &len, 256 << 20, err);
	if (r < 0)
		return r;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		return hy_err_set(err, -EINVAL, "%s:%d:%d: %s", CK_IMAGE_FILE, je.line, je.column,
				  j ? "expected an object" : je.text);
	}
	r = read_json(j, img, err);
	json_decref(j);
	/* The version first (a newer image says so), then the checksum. */
	if (r == 0)
		r = check_sum(dirfd, text, len, err);
	if (r == 0)
		r = check_tree(img, err);
	for (size_t i = 0; r == 0 && i < img->nprocs; i++)
		r = check_data_file(dirfd, img->procs[i].pages_file, img->procs[i].pages_compress,
				    img->procs[i].pages_size, img->procs[i].pages_crc, err);
	for (size_t i = 0; r == 0 && i < img->nshms; i++)
		r = check_data_file(dirfd, img->shms[i].file, img->shms[i].compress,
				    img->shms[i].file_size, img->shms[i].crc, err);
	if (r < 0)
		ck_image_free(img);
	return r;
}
