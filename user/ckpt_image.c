// SPDX-License-Identifier: GPL-2.0-only
/*
 * The image on disk (docs/checkpoint-format.md): image.json (jansson) with
 * magic and version, image.sum (its crc32c, common/crc32c.h), and one
 * pages-PID.img per process (ckpt_pages.h), whose size and crc32c image.json
 * records. 64-bit values the JSON number type cannot hold (registers,
 * addresses) are hex strings. Reading checks everything
 * before the caller creates anything, and every error names the file and
 * the field.
 */
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt.h"
#include "crc32c.h"
#include "ckpt_pages.h"
#include "util.h"

#define REGS_N (sizeof(struct user_regs_struct) / sizeof(uint64_t))

void ck_image_free(struct ck_image *img)
{
	for (size_t i = 0; i < img->nprocs; i++) {
		struct ck_proc *p = &img->procs[i];
		for (size_t v = 0; v < p->nvmas; v++) {
			free(p->vmas[v].path);
			free(p->vmas[v].runs);
		}
		for (size_t f = 0; f < p->nfds; f++) {
			free(p->fds[f].path);
			free(p->fds[f].targets);
		}
		free(p->vmas);
		free(p->fds);
		free(p->threads);
		free(p->exe);
		free(p->cwd);
	}
	for (size_t i = 0; i < img->npipes; i++)
		free(img->pipes[i].data);
	free(img->pipes);
	free(img->shms);
	for (size_t i = 0; i < img->nsocks; i++)
		free(img->socks[i].data);
	free(img->socks);
	free(img->procs);
	free(img->id);
	free(img->hostname);
	free(img->domainname);
	memset(img, 0, sizeof(*img));
}

struct ck_proc *ck_image_proc(const struct ck_image *img, pid_t pid)
{
	for (size_t i = 0; i < img->nprocs; i++)
		if (img->procs[i].pid == pid)
			return &img->procs[i];
	return NULL;
}

struct ck_shm *ck_image_shm(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->nshms; i++)
		if (img->shms[i].id == id)
			return &img->shms[i];
	return NULL;
}

struct ck_sock *ck_image_sock(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->nsocks; i++)
		if (img->socks[i].id == id)
			return &img->socks[i];
	return NULL;
}

struct ck_pipe *ck_image_pipe(const struct ck_image *img, uint64_t id)
{
	for (size_t i = 0; i < img->npipes; i++)
		if (img->pipes[i].id == id)
			return &img->pipes[i];
	return NULL;
}

void ck_cpu_features(uint64_t *xcr0, uint32_t cpuid[4])
{
	unsigned a, b, c, d;
	memset(cpuid, 0, 4 * sizeof(uint32_t));
	*xcr0 = 0;
	if (__get_cpuid(1, &a, &b, &c, &d)) {
		cpuid[0] = c;
		cpuid[1] = d;
		if (c & bit_OSXSAVE) {
			uint32_t lo, hi;
			__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
			*xcr0 = (uint64_t)hi << 32 | lo;
		}
	}
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		cpuid[2] = b;
		cpuid[3] = c;
	}
	/* Bits that say what the OS or this moment enables, not what the CPU can
	 * do: OSXSAVE follows the kernel, leaf 1 ecx bit 27; keep it anyway. */
}

int ck_image_check_cpu(const struct ck_image *img, struct hy_err *err)
{
	static const char *const words[] = { "cpuid.1.ecx", "cpuid.1.edx", "cpuid.7.ebx",
					     "cpuid.7.ecx" };
	uint64_t xcr0;
	uint32_t id[4];
	ck_cpu_features(&xcr0, id);
	if (img->xcr0 & ~xcr0)
		return hy_err_set(err, -ENOTSUP,
				  "%s: xcr0: the image uses CPU state components 0x%" PRIx64
				  " this CPU lacks (it has 0x%" PRIx64 ")",
				  CK_IMAGE_FILE, img->xcr0 & ~xcr0, xcr0);
	/* Leaf 1 ecx bit 31 says "under a hypervisor", not a feature code uses. */
	for (int i = 0; i < 4; i++)
		if (img->cpuid[i] & ~id[i] & (i == 0 ? 0x7fffffffu : ~0u))
			return hy_err_set(err, -ENOTSUP,
					  "%s: %s: the image was made on a CPU with features 0x%08x "
					  "this CPU lacks",
					  CK_IMAGE_FILE, words[i], img->cpuid[i] & ~id[i]);
	return 0;
}

/* ---- writing --------------------------------------------------------------- */

/*
 * A value jansson could not make (a string that is not UTF-8, no memory)
 * must fail the write, not vanish from the image: add() and set() note it
 * here, ck_image_write() checks. The dumper refuses such strings earlier
 * with a clearer message; this is the backstop. Writing is single-threaded.
 */
static bool encode_failed;

static void add(json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v) < 0)
		encode_failed = true;
}

static void set(json_t *o, const char *key, json_t *v)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		encode_failed = true;
}

static json_t *hex(uint64_t v)
{
	char b[24];
	snprintf(b, sizeof(b), "0x%" PRIx64, v);
	return json_string(b);
}

static json_t *hex_bytes(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = 0;
	json_t *j = json_stringn(s, 2 * n);
	free(s);
	return j;
}

static json_t *thread_json(const struct ck_thread *t)
{
	json_t *regs = json_array();
	const uint64_t *r = (const uint64_t *)&t->regs;
	for (size_t i = 0; i < REGS_N; i++)
		add(regs, hex(r[i]));
	return json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:i,s:s}", "tid",
			 t->tid, "regs", regs, "xstate", hex_bytes(t->xstate, t->xstate_len),
			 "sigmask", hex(t->sigmask), "sigpending", hex(t->sigpending),
			 "rseq_addr", hex(t->rseq_addr), "rseq_len", (json_int_t)t->rseq_len,
			 "rseq_sig", hex(t->rseq_sig), "robust_addr", hex(t->robust_addr),
			 "robust_len", hex(t->robust_len), "tid_address", hex(t->tid_address),
			 "ss_sp", hex(t->ss_sp), "ss_size", hex(t->ss_size), "ss_flags",
			 t->ss_flags, "comm", t->comm);
}

static json_t *vma_json(const struct ck_vma *v)
{
	static const char *const kinds[] = { "anon", "file", "special", "shm" };
	json_t *runs = json_array();
	for (size_t i = 0; i < v->nruns; i++)
		add(runs, json_pack("[o,I,o]", hex(v->runs[i].addr),
						      (json_int_t)v->runs[i].npages,
						      hex(v->runs[i].offset)));
	json_t *j = json_pack("{s:o,s:o,s:o,s:i,s:b,s:b,s:s,s:o}", "start", hex(v->start), "end",
			      hex(v->end), "pgoff", hex(v->pgoff), "prot", v->prot, "shared",
			      v->shared, "growsdown", v->growsdown, "kind", kinds[v->kind], "runs",
			      runs);
	if (v->path)
		set(j, "path", json_string(v->path));
	if (v->kind == CK_VMA_SHM)
		set(j, "shm", hex(v->shm));
	return j;
}

static const char *const fd_kinds[] = { "file",	   "stdio",   "pipe",  "shm", "eventfd",
					"signalfd", "timerfd", "epoll", "dup", "socket" };

static json_t *fd_json(const struct ck_fd *f)
{
	json_t *j = json_pack("{s:i,s:s,s:i,s:b,s:o}", "fd", f->fd, "kind", fd_kinds[f->kind],
			      "flags", f->flags, "cloexec", f->cloexec, "pos", hex(f->pos));
	json_t *t;
	switch (f->kind) {
	case CK_FD_EVENTFD:
		set(j, "count", hex(f->value));
		set(j, "semaphore", json_boolean(f->is_semaphore));
		return j;
	case CK_FD_SIGNALFD:
		set(j, "sigmask", hex(f->value));
		return j;
	case CK_FD_TIMERFD:
		set(j, "timer", json_pack("{s:i,s:o,s:o,s:o}", "clockid", f->clockid,
							  "ticks", hex(f->value), "value_ns",
							  hex(f->it_value_ns), "interval_ns",
							  hex(f->it_interval_ns)));
		return j;
	case CK_FD_EPOLL:
		t = json_array();
		for (size_t i = 0; i < f->ntargets; i++)
			add(t, json_pack("[i,i,o]", f->targets[i].fd,
							   (int)f->targets[i].events,
							   hex(f->targets[i].data)));
		set(j, "targets", t);
		return j;
	case CK_FD_DUP:
		set(j, "dup_of", json_integer(f->dup_of));
		return j;
	case CK_FD_SOCKET:
		set(j, "socket", hex(f->obj));
		return j;
	default:
		break;
	}
	if (f->kind == CK_FD_STDIO)
		set(j, "stdio", json_integer(f->stdio));
	else if (f->kind == CK_FD_PIPE || f->kind == CK_FD_SHM)
		set(j, f->kind == CK_FD_PIPE ? "pipe" : "shm", hex(f->obj));
	else
		set(j, "path", json_string(f->path));
	return j;
}

static json_t *mm_json(const struct ck_mm *m)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "start_code",
			 hex(m->start_code), "end_code", hex(m->end_code), "start_data",
			 hex(m->start_data), "end_data", hex(m->end_data), "start_brk",
			 hex(m->start_brk), "brk", hex(m->brk), "start_stack", hex(m->start_stack),
			 "arg_start", hex(m->arg_start), "arg_end", hex(m->arg_end), "env_start",
			 hex(m->env_start), "env_end", hex(m->env_end), "auxv",
			 hex_bytes(m->auxv, m->auxv_len));
}

static json_t *u32_array(const uint32_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		add(a, json_integer(v[i]));
	return a;
}

static json_t *proc_json(const struct ck_proc *p)
{
	json_t *threads = json_array(), *vmas = json_array(), *fds = json_array();
	json_t *sigs = json_array();
	for (size_t i = 0; i < p->nthreads; i++)
		add(threads, thread_json(&p->threads[i]));
	for (size_t i = 0; i < p->nvmas; i++)
		add(vmas, vma_json(&p->vmas[i]));
	for (size_t i = 0; i < p->nfds; i++)
		add(fds, fd_json(&p->fds[i]));
	for (int s = 0; s < CK_NSIG; s++) {
		const struct ck_sigaction *a = &p->sig[s];
		add(sigs, json_pack("[o,o,o,o]", hex(a->handler), hex(a->flags),
						      hex(a->restorer), hex(a->mask)));
	}
	return json_pack("{s:i,s:i,s:i,s:s,s:s,s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
			 "s:o,s:o,s:o,s:s,s:I,s:o,s:I,s:s}",
			 "pid", p->pid, "ppid", p->ppid, "pgid", p->pgid, "exe", p->exe, "cwd",
			 p->cwd, "umask", (int)p->umask, "dumpable", p->dumpable, "uid",
			 u32_array(p->uid, 3), "gid", u32_array(p->gid, 3), "groups",
			 u32_array(p->groups, p->ngroups), "cap_inh", hex(p->cap_inh), "cap_prm",
			 hex(p->cap_prm), "cap_eff", hex(p->cap_eff), "cap_bnd", hex(p->cap_bnd),
			 "sigpending", hex(p->sigpending), "mm", mm_json(&p->mm), "sigactions",
			 sigs, "threads", threads, "vmas", vmas, "fds", fds, "pages_file", p->pages_file,
			 "pages_size", (json_int_t)p->pages_size, "pages_crc",
			 hex(p->pages_crc), "pages_raw", (json_int_t)p->pages_raw, "pages_compress",
			 p->pages_compress ? "zlib" : "none");
}

static int write_file(int dirfd, const char *name, const char *data, size_t len,
		      struct hy_err *err)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return hy_err_setr(err, -errno, "create %s", name);
	if (write(fd, data, len) != (ssize_t)len)
		return hy_err_setr(err, -(errno ? errno : EIO), "write %s", name);
	return 0;
}

int ck_image_write(int dirfd, const struct ck_image *img, struct hy_err *err)
{
	encode_failed = false;
	json_t *procs = json_array(), *pipes = json_array();
	for (size_t i = 0; i < img->nprocs; i++)
		add(procs, proc_json(&img->procs[i]));
	for (size_t i = 0; i < img->npipes; i++) {
		const struct ck_pipe *p = &img->pipes[i];
		add(pipes, json_pack("{s:o,s:i,s:o}", "id", hex(p->id), "size",
						       (int)p->size, "data",
						       hex_bytes(p->data, p->len)));
	}
	json_t *j = json_pack("{s:s,s:i,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o}", "magic", "hybox-image",
			      "version", CK_FORMAT_VERSION, "id", img->id, "hostname",
			      img->hostname, "domainname", img->domainname ? img->domainname : "",
			      "mono_ns", (json_int_t)img->mono_ns, "boot_ns",
			      (json_int_t)img->boot_ns, "xcr0", hex(img->xcr0), "cpuid",
			      u32_array(img->cpuid, 4), "procs", procs);
	json_t *shms = json_array();
	for (size_t i = 0; i < img->nshms; i++) {
		const struct ck_shm *m = &img->shms[i];
		add(shms, json_pack("{s:o,s:s,s:I,s:s,s:s,s:I,s:o}", "id",
						      hex(m->id), "name", m->name, "size",
						      (json_int_t)m->size, "file", m->file,
						      "compress", m->compress ? "zlib" : "none",
						      "file_size", (json_int_t)m->file_size, "crc",
						      hex(m->crc)));
	}
	json_t *socks = json_array();
	for (size_t i = 0; i < img->nsocks; i++) {
		const struct ck_sock *k = &img->socks[i];
		add(socks, json_pack("{s:o,s:o,s:i,s:o}", "id", hex(k->id), "peer",
						       hex(k->peer), "shutdown", k->shutdown,
						       "data", hex_bytes(k->data, k->len)));
	}
	if (j) {
		set(j, "pipes", pipes);
		set(j, "shms", shms);
		set(j, "socks", socks);
	} else {
		json_decref(pipes);
		json_decref(shms);
		json_decref(socks);
	}
	if (!j || encode_failed) {
		json_decref(j);
		return hy_err_set(err, -EINVAL, "encode %s: a value could not be encoded (a name "
						"or path that is not UTF-8?)", CK_IMAGE_FILE);
	}
	char *s = json_dumps(j, JSON_INDENT(1));
	json_decref(j);
	if (!s)
		return hy_err_set(err, -ENOMEM, "encode %s", CK_IMAGE_FILE);
	size_t len = strlen(s);
	char sum[64];
	int n = snprintf(sum, sizeof(sum), "hybox-image-sum %d %08lx\n", CK_FORMAT_VERSION,
			 (unsigned long)hy_crc32c(0, s, len));
	int r = write_file(dirfd, CK_IMAGE_FILE, s, len, err);
	free(s);
	return r < 0 ? r : write_file(dirfd, CK_SUM_FILE, sum, (size_t)n, err);
}

/* ---- reading ---------------------------------------------------------------- */

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

static size_t get_bytes(struct rd *rd, json_t *o, const char *path, const char *key, uint8_t *out,
			size_t max)
{
	json_t *v = get(rd, o, path, key);
	const char *s = v ? json_string_value(v) : NULL;
	size_t n = s ? strlen(s) : 0;
	if (!v)
		return 0;
	if (!s || n % 2 || n / 2 > max) {
		bad(rd, path, key, "a string of hex digit pairs within the size limit");
		return 0;
	}
	for (size_t i = 0; i < n / 2; i++) {
		unsigned x;
		if (sscanf(s + 2 * i, "%2x", &x) != 1) {
			bad(rd, path, key, "hex digits");
			return 0;
		}
		out[i] = (uint8_t)x;
	}
	return n / 2;
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
	char sub[300];
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
		while (k < ARRAY_SIZE(fd_kinds) && strcmp(kind, fd_kinds[k]) != 0)
			k++;
		if (k == ARRAY_SIZE(fd_kinds))
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

#define EACH(arr, i, e, n, path, fmt)                                                              \
	for (i = 0; i < (n) && !rd->failed && (e = json_array_get(arr, i)) &&                      \
		    (snprintf(path, sizeof(path), fmt, i), 1);                                     \
	     i++)

static void read_proc(struct rd *rd, json_t *o, const char *path, struct ck_proc *p)
{
	char sub[160];
	size_t i;
	json_t *e;
	p->pid = (pid_t)get_int(rd, o, path, "pid", 1, 4194304);
	p->ppid = (pid_t)get_int(rd, o, path, "ppid", 0, 4194304);
	p->pgid = (pid_t)get_int(rd, o, path, "pgid", 0, 4194304);
	p->exe = get_str(rd, o, path, "exe");
	p->cwd = get_str(rd, o, path, "cwd");
	p->umask = (unsigned)get_int(rd, o, path, "umask", 0, 0777);
	p->dumpable = (int)get_int(rd, o, path, "dumpable", 0, 2);
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
		char full[256];
		snprintf(full, sizeof(full), "%s.%s", path, sub);
		p->sig[i].handler = hex_value(rd, json_array_get(e, 0), full, "[0]");
		p->sig[i].flags = hex_value(rd, json_array_get(e, 1), full, "[1]");
		p->sig[i].restorer = hex_value(rd, json_array_get(e, 2), full, "[2]");
		p->sig[i].mask = hex_value(rd, json_array_get(e, 3), full, "[3]");
	}
	json_t *a = get_array(rd, o, path, "threads", 1, 65536);
	p->nthreads = a ? json_array_size(a) : 0;
	p->threads = calloc(p->nthreads ? p->nthreads : 1, sizeof(*p->threads));
	EACH(a, i, e, p->nthreads, sub, "threads[%zu]")
	{
		char full[256];
		snprintf(full, sizeof(full), "%s.%s", path, sub);
		read_thread(rd, e, full, &p->threads[i]);
	}
	a = get_array(rd, o, path, "vmas", 1, 1 << 20);
	p->nvmas = a ? json_array_size(a) : 0;
	p->vmas = calloc(p->nvmas ? p->nvmas : 1, sizeof(*p->vmas));
	EACH(a, i, e, p->nvmas, sub, "vmas[%zu]")
	{
		char full[256];
		snprintf(full, sizeof(full), "%s.%s", path, sub);
		read_vma(rd, e, full, &p->vmas[i]);
	}
	a = get_array(rd, o, path, "fds", 0, 1 << 20);
	p->nfds = a ? json_array_size(a) : 0;
	p->fds = calloc(p->nfds ? p->nfds : 1, sizeof(*p->fds));
	EACH(a, i, e, p->nfds, sub, "fds[%zu]")
	{
		char full[256];
		snprintf(full, sizeof(full), "%s.%s", path, sub);
		read_fd(rd, e, full, &p->fds[i]);
	}
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
	for (size_t i = 0; i < img->nprocs; i++) {
		const struct ck_proc *p = &img->procs[i];
		bool parent = i == 0 ? p->ppid == 1 : false;
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

static int read_json(json_t *j, struct ck_image *img, struct hy_err *err)
{
	struct rd rdc = { .err = err }, *rd = &rdc;
	char sub[64];
	size_t i;
	json_t *e;
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
	img->mono_ns = get_int(rd, j, "", "mono_ns", 0, INT64_MAX);
	img->boot_ns = get_int(rd, j, "", "boot_ns", 0, INT64_MAX);
	img->xcr0 = get_hex(rd, j, "", "xcr0");
	read_u32s(rd, j, "", "cpuid", img->cpuid, 4, 4, NULL);
	json_t *procs = get_array(rd, j, "", "procs", 1, 4096);
	img->nprocs = procs ? json_array_size(procs) : 0;
	img->procs = calloc(img->nprocs ? img->nprocs : 1, sizeof(*img->procs));
	if (!img->procs)
		return hy_err_set(err, -ENOMEM, "read %s", CK_IMAGE_FILE);
	EACH(procs, i, e, img->nprocs, sub, "procs[%zu]")
	read_proc(rd, e, sub, &img->procs[i]);
	json_t *pipes = get_array(rd, j, "", "pipes", 0, 4096);
	img->npipes = pipes ? json_array_size(pipes) : 0;
	img->pipes = calloc(img->npipes + 1, sizeof(*img->pipes));
	if (!img->pipes)
		return hy_err_set(err, -ENOMEM, "read %s", CK_IMAGE_FILE);
	EACH(pipes, i, e, img->npipes, sub, "pipes[%zu]")
	{
		struct ck_pipe *p = &img->pipes[i];
		p->id = get_hex(rd, e, sub, "id");
		p->size = (uint32_t)get_int(rd, e, sub, "size", 4096, CK_PIPE_MAX);
		p->data = malloc(CK_PIPE_MAX);
		p->len = p->data ? get_bytes(rd, e, sub, "data", p->data, p->size) : 0;
	}
	json_t *shms = get_array(rd, j, "", "shms", 0, 4096);
	img->nshms = shms ? json_array_size(shms) : 0;
	img->shms = calloc(img->nshms + 1, sizeof(*img->shms));
	if (!img->shms)
		return hy_err_set(err, -ENOMEM, "read %s", CK_IMAGE_FILE);
	EACH(shms, i, e, img->nshms, sub, "shms[%zu]")
	read_shm(rd, e, sub, &img->shms[i]);
	json_t *socks = get_array(rd, j, "", "socks", 0, 4096);
	img->nsocks = socks ? json_array_size(socks) : 0;
	img->socks = calloc(img->nsocks + 1, sizeof(*img->socks));
	if (!img->socks)
		return hy_err_set(err, -ENOMEM, "read %s", CK_IMAGE_FILE);
	EACH(socks, i, e, img->nsocks, sub, "socks[%zu]")
	{
		struct ck_sock *k = &img->socks[i];
		k->id = get_hex(rd, e, sub, "id");
		k->peer = get_hex(rd, e, sub, "peer");
		k->shutdown = (int)get_int(rd, e, sub, "shutdown", 0, 3);
		k->data = malloc(CK_SOCK_DATA_MAX);
		k->len = k->data ? get_bytes(rd, e, sub, "data", k->data, CK_SOCK_DATA_MAX) : 0;
	}
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
