// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing image.json and image.sum (docs/checkpoint-format.md). 64-bit
 * values the JSON number type cannot hold (registers, addresses) are hex
 * strings; byte strings are hex too. image.sum holds the CRC-32C of
 * image.json's bytes (common/crc32c.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt.h"
#include "crc32c.h"
#include "util.h"

#define REGS_N (sizeof(struct user_regs_struct) / sizeof(uint64_t))

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


static json_t *fd_json(const struct ck_fd *f)
{
	json_t *j = json_pack("{s:i,s:s,s:i,s:b,s:o}", "fd", f->fd, "kind", ck_fd_kinds[f->kind],
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
	json_t *itimers = json_array();
	for (int w = 0; w < 3; w++)
		add(itimers, json_pack("[o,o]", hex(p->itimer[w][0]), hex(p->itimer[w][1])));
	return json_pack("{s:o,s:i,s:i,s:i,s:i,s:s,s:s,s:i,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
			 "s:o,s:o,s:o,s:s,s:I,s:o,s:I,s:s}",
			 "itimers", itimers, "pid", p->pid, "ppid", p->ppid, "pgid", p->pgid, "sid", p->sid, "exe", p->exe, "cwd",
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

/* The objects fds and mappings refer to, saved once each. */
static void add_objects(json_t *j, const struct ck_image *img)
{
	json_t *pipes = json_array(), *shms = json_array(), *socks = json_array();
	json_t *zombies = json_array();
	for (size_t i = 0; i < img->npipes; i++) {
		const struct ck_pipe *p = &img->pipes[i];
		add(pipes, json_pack("{s:o,s:i,s:o}", "id", hex(p->id), "size", (int)p->size,
				     "data", hex_bytes(p->data, p->len)));
	}
	for (size_t i = 0; i < img->nshms; i++) {
		const struct ck_shm *m = &img->shms[i];
		add(shms, json_pack("{s:o,s:s,s:I,s:s,s:s,s:I,s:o}", "id", hex(m->id), "name",
				    m->name, "size", (json_int_t)m->size, "file", m->file, "compress",
				    m->compress ? "zlib" : "none", "file_size",
				    (json_int_t)m->file_size, "crc", hex(m->crc)));
	}
	for (size_t i = 0; i < img->nsocks; i++) {
		const struct ck_sock *k = &img->socks[i];
		add(socks, json_pack("{s:o,s:o,s:i,s:o}", "id", hex(k->id), "peer", hex(k->peer),
				     "shutdown", k->shutdown, "data", hex_bytes(k->data, k->len)));
	}
	for (size_t i = 0; i < img->nzombies; i++)
		add(zombies, json_pack("{s:i,s:i,s:i}", "pid", img->zombies[i].pid, "ppid",
				       img->zombies[i].ppid, "status", img->zombies[i].status));
	set(j, "pipes", pipes);
	set(j, "shms", shms);
	set(j, "socks", socks);
	set(j, "zombies", zombies);
}

static json_t *image_json(const struct ck_image *img)
{
	json_t *procs = json_array();
	for (size_t i = 0; i < img->nprocs; i++)
		add(procs, proc_json(&img->procs[i]));
	json_t *j = json_pack("{s:s,s:i,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o}", "magic", "hybox-image",
			      "version", CK_FORMAT_VERSION, "id", img->id, "hostname",
			      img->hostname, "domainname", img->domainname ? img->domainname : "",
			      "mono_ns", (json_int_t)img->mono_ns, "boot_ns",
			      (json_int_t)img->boot_ns, "xcr0", hex(img->xcr0), "cpuid",
			      u32_array(img->cpuid, 4), "procs", procs);
	if (!j)
		return NULL;
	set(j, "policy", img->policy ? json_string(img->policy) : json_null());
	set(j, "run", json_pack("{s:o,s:s,s:I,s:i}", "rootfs",
				img->rootfs ? json_string(img->rootfs) : json_null(), "net",
				img->is_net_none ? "none" : "host", "memory", (json_int_t)img->memory,
				"cpus_milli", (int)img->cpus_milli));
	add_objects(j, img);
	return j;
}

int ck_image_write(int dirfd, const struct ck_image *img, struct hy_err *err)
{
	encode_failed = false;
	json_t *j = image_json(img);
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
