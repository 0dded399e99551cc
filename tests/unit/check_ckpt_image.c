// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/ckpt_image.c: an image built in memory (pid 2 with two
 * threads, its child pid 3; mappings of each kind, stdio, file, pipe and
 * memfd fds, a shared memory object both map, handlers, mm with auxv) is
 * written with ck_image_write() and page files made here, read back field
 * by field, then damaged one way at a time: image.json, image.sum and page
 * files, a newer version, missing and malformed fields (by JSON path, with
 * image.sum recomputed), runs outside the pages, a process tree out of
 * order. Each refusal is checked for its code and for the file and field
 * its message names. Last, ck_image_check_cpu() against this CPU's features.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "ckpt.h"
#include "ckpt_pages.h"
#include "crc32c.h"

#define XSTATE_LEN 832
#define AUXV_LEN 48
#define PIPE_ID 0xabcULL
#define SHM_ID 0x5a5aULL
#define SOCK_ID 0x77aULL
#define PEER_ID 0x77bULL
#define SHM_SIZE (2 * CK_PAGE)
#define MONO_NS 123456789012345LL
#define BOOT_NS 223456789012345LL

static char dir[64];
static int dfd = -1;
static struct ck_image img; /* what setup() wrote */
static struct hy_err err;

/* ---- the image ------------------------------------------------------------------ */

static void *zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* Register i of thread tid: all 64 bits used, different in every thread. */
static uint64_t reg_value(pid_t tid, size_t i)
{
	return 0x8000000000000000ULL | (uint64_t)tid << 40 | 0x5a5a0000ULL | i;
}

static uint8_t xstate_byte(pid_t tid, size_t i)
{
	return (uint8_t)(i * 7 + (size_t)tid * 31);
}

/* Byte at raw offset off of pid's pages. */
static uint8_t page_byte(pid_t pid, uint64_t off)
{
	return (uint8_t)(off * 13 + off / 4096 + (uint64_t)pid);
}

static void make_thread(struct ck_thread *t, pid_t tid)
{
	uint64_t *r = (uint64_t *)&t->regs;
	t->tid = tid;
	t->host_tid = 40000 + tid;
	for (size_t i = 0; i < sizeof(t->regs) / sizeof(uint64_t); i++)
		r[i] = reg_value(tid, i);
	t->xstate_len = XSTATE_LEN;
	for (size_t i = 0; i < XSTATE_LEN; i++)
		t->xstate[i] = xstate_byte(tid, i);
	t->sigmask = 1ULL << 63 | 1ULL << (SIGUSR2 - 1) | (uint64_t)tid;
	t->sigpending = 1ULL << (SIGUSR1 - 1);
	t->rseq_addr = 0x7f1234560000ULL + (uint64_t)tid * 0x20;
	t->rseq_len = 32;
	t->rseq_sig = 0x53053053;
	t->robust_addr = 0x7f1234561000ULL + (uint64_t)tid * 0x40;
	t->robust_len = 24;
	t->tid_address = 0x7f12345629d0ULL + (uint64_t)tid;
	t->ss_sp = 0x7f1234600000ULL + (uint64_t)tid * 0x10000;
	t->ss_size = 0x10000;
	t->ss_flags = 0;
	snprintf(t->comm, sizeof(t->comm), "worker-%d", tid);
}

static void add_run(struct ck_vma *v, uint64_t addr, uint64_t npages, uint64_t offset)
{
	v->runs = realloc(v->runs, (v->nruns + 1) * sizeof(*v->runs));
	ck_assert_ptr_nonnull(v->runs);
	v->runs[v->nruns++] = (struct ck_run){ addr, npages, offset };
}

static struct ck_vma *add_vma(struct ck_proc *p, enum ck_vma_kind kind, uint64_t start,
			      uint64_t end, int prot, const char *path)
{
	struct ck_vma *v = &p->vmas[p->nvmas++];
	v->kind = kind;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->path = path ? strdup(path) : NULL;
	return v;
}

static void add_fd(struct ck_proc *p, int fd, enum ck_fd_kind kind, int flags)
{
	struct ck_fd *f = &p->fds[p->nfds++];
	f->fd = fd;
	f->kind = kind;
	f->flags = flags;
	if (kind == CK_FD_STDIO)
		f->stdio = fd;
}

static void make_proc(struct ck_proc *p, pid_t pid, pid_t ppid)
{
	p->pid = pid;
	p->ppid = ppid;
	p->pgid = 2;
	p->sid = 2;
	p->host_pid = 40000 + pid;
	p->exe = strdup(pid == 2 ? "/usr/bin/server" : "/bin/sh");
	p->cwd = strdup(pid == 2 ? "/srv/data" : "/tmp");
	p->umask = pid == 2 ? 027 : 022;
	p->dumpable = 1;
	for (int i = 0; i < 3; i++)
		p->uid[i] = 1000 + (uint32_t)i, p->gid[i] = 2000 + (uint32_t)i;
	p->groups[p->ngroups++] = 10;
	p->groups[p->ngroups++] = 4000000000U;
	p->cap_prm = p->cap_eff = 0xa80425fbULL;
	p->cap_inh = 1ULL << 40;
	p->cap_bnd = 0x1ffffffffffULL;
	p->sigpending = 1ULL << (SIGTERM - 1) | 1ULL << 63;
	struct ck_mm *m = &p->mm;
	m->start_code = 0x555555554000ULL;
	m->end_code = 0x555555556000ULL;
	m->start_data = 0x555555557000ULL;
	m->end_data = 0x555555558000ULL;
	m->start_brk = 0x555555559000ULL;
	m->brk = 0x55555557a000ULL;
	m->start_stack = 0x7ffffffde000ULL + (uint64_t)pid;
	m->arg_start = 0x7fffffffe100ULL;
	m->arg_end = 0x7fffffffe180ULL;
	m->env_start = 0x7fffffffe180ULL;
	m->env_end = 0x7fffffffefe0ULL;
	m->auxv_len = AUXV_LEN;
	for (size_t i = 0; i < AUXV_LEN; i++)
		m->auxv[i] = (uint8_t)(i * 3 + 1 + (size_t)pid);
	p->sig[SIGINT - 1] = (struct ck_sigaction){ .handler = 0x555555555123ULL,
						    .flags = 0x14000000,
						    .restorer = 0x7ffff7a42520ULL,
						    .mask = 1ULL << 63 | 2 };
	p->sig[CK_NSIG - 1] = (struct ck_sigaction){ 1, 0, 0, ~0ULL };

	p->nthreads = pid == 2 ? 2 : 1;
	p->threads = zalloc(p->nthreads, sizeof(*p->threads));
	make_thread(&p->threads[0], pid);
	if (pid == 2)
		make_thread(&p->threads[1], 5);

	p->vmas = zalloc(5, sizeof(*p->vmas));
	p->fds = zalloc(11, sizeof(*p->fds));
	if (pid == 2) {
		struct ck_vma *v = add_vma(p, CK_VMA_ANON, 0x10000000, 0x10008000, 3, NULL);
		add_run(v, 0x10000000, 2, 0);
		add_run(v, 0x10004000, 3, 0x2000);
		v = add_vma(p, CK_VMA_FILE, 0x7f0000000000ULL, 0x7f0000004000ULL, 5,
			    "/usr/lib/libtest.so.1");
		v->pgoff = 0x3000;
		add_run(v, 0x7f0000001000ULL, 1, 0x5000);
		v = add_vma(p, CK_VMA_SPECIAL, 0x7ffff7fc0000ULL, 0x7ffff7fc2000ULL, 5, "[vdso]");
		v = add_vma(p, CK_VMA_ANON, 0x7ffffffde000ULL, 0x7ffffffff000ULL, 3, NULL);
		v->growsdown = true;
		add_run(v, 0x7fffffffe000ULL, 1, 0x6000);
		v = add_vma(p, CK_VMA_SHM, 0x20000000, 0x20001000, 3, NULL);
		v->shared = true;
		v->shm = SHM_ID;
		v->pgoff = CK_PAGE;
	} else {
		struct ck_vma *v = add_vma(p, CK_VMA_FILE, 0x400000, 0x402000, 1, "/bin/sh");
		v->shared = true;
		v = add_vma(p, CK_VMA_ANON, 0x600000, 0x604000, 7, NULL);
		add_run(v, 0x603000, 1, 0);
		v = add_vma(p, CK_VMA_SHM, 0x30000000, 0x30002000, 1, NULL);
		v->shared = true;
		v->shm = SHM_ID;
	}
	add_fd(p, 0, CK_FD_STDIO, O_RDONLY);
	add_fd(p, 1, CK_FD_STDIO, O_WRONLY | O_APPEND);
	add_fd(p, 2, CK_FD_STDIO, 0100000 | O_WRONLY);
	if (pid == 2) {
		add_fd(p, 3, CK_FD_FILE, 0100000 | O_WRONLY | O_APPEND);
		p->fds[3].path = strdup("/srv/data/log.txt");
		p->fds[3].cloexec = true;
		p->fds[3].pos = 0x123456789ULL;
		add_fd(p, 7, CK_FD_PIPE, O_RDONLY | O_NONBLOCK);
		p->fds[4].obj = PIPE_ID;
		add_fd(p, 9, CK_FD_SHM, O_RDWR);
		p->fds[5].obj = SHM_ID;
		p->fds[5].pos = 0x100;
		add_fd(p, 10, CK_FD_EVENTFD, O_RDWR | O_NONBLOCK);
		p->fds[6].value = 0xfffffffffffffffeULL;
		p->fds[6].is_semaphore = true;
		add_fd(p, 11, CK_FD_TIMERFD, O_RDWR);
		p->fds[7].clockid = 7;
		p->fds[7].value = 3;
		p->fds[7].it_value_ns = 1500000000ULL;
		p->fds[7].it_interval_ns = 50000000ULL;
		add_fd(p, 12, CK_FD_EPOLL, O_RDWR);
		p->fds[8].targets = zalloc(2, sizeof(*p->fds[8].targets));
		p->fds[8].targets[0] = (struct ck_epoll_target){ 7, 0x80000019, 0x1111222233334444ULL };
		p->fds[8].targets[1] = (struct ck_epoll_target){ 10, 0x1, 10 };
		p->fds[8].ntargets = 2;
		add_fd(p, 13, CK_FD_DUP, O_RDWR);
		p->fds[9].dup_of = 12;
		add_fd(p, 14, CK_FD_SOCKET, O_RDWR);
		p->fds[10].obj = SOCK_ID;
	}
	snprintf(p->pages_file, sizeof(p->pages_file), "pages-%d.img", pid);
}

/* A page file of size pattern bytes after the header; their crc32c. */
static uint32_t write_data(const char *name, pid_t pid, uint64_t size)
{
	uint8_t head[CK_PAGES_HEADER];
	uint8_t *data = zalloc(size, 1);
	for (uint64_t i = 0; i < size; i++)
		data[i] = page_byte(pid, i);
	ck_pages_header(head, CK_COMPRESS_NONE);
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, head, sizeof(head)), sizeof(head));
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	close(fd);
	uint32_t crc = hy_crc32c(0, data, size);
	free(data);
	return crc;
}

/* p's page file: as many bytes as its runs reach. */
static void write_pages(struct ck_proc *p)
{
	uint64_t size = 0;
	for (size_t v = 0; v < p->nvmas; v++)
		for (size_t r = 0; r < p->vmas[v].nruns; r++) {
			const struct ck_run *run = &p->vmas[v].runs[r];
			if (run->offset + run->npages * CK_PAGE > size)
				size = run->offset + run->npages * CK_PAGE;
		}
	p->pages_size = p->pages_raw = size;
	p->pages_compress = CK_COMPRESS_NONE;
	p->pages_crc = write_data(p->pages_file, p->pid, size);
}

static void make_image(struct ck_image *im)
{
	memset(im, 0, sizeof(*im));
	im->version = CK_FORMAT_VERSION;
	im->id = strdup("c1");
	im->hostname = strdup("test-host");
	im->domainname = strdup("example.org");
	im->mono_ns = MONO_NS;
	im->boot_ns = BOOT_NS;
	im->xcr0 = 0x2e7;
	im->cpuid[0] = 0x7ffafbff;
	im->cpuid[1] = 0xbfebfbff;
	im->cpuid[2] = 0x029c67af;
	im->cpuid[3] = 0x40000004;
	im->nprocs = 2;
	im->procs = zalloc(2, sizeof(*im->procs));
	make_proc(&im->procs[0], 2, 1);
	make_proc(&im->procs[1], 3, 2);
	im->npipes = 1;
	im->pipes = zalloc(1, sizeof(*im->pipes));
	im->pipes[0].id = PIPE_ID;
	im->pipes[0].size = 65536;
	im->pipes[0].len = 10;
	im->pipes[0].data = zalloc(10, 1);
	memcpy(im->pipes[0].data, "hello\0pipe", 10);
	im->nshms = 1;
	im->shms = zalloc(1, sizeof(*im->shms));
	im->shms[0].id = SHM_ID;
	strcpy(im->shms[0].name, "ring");
	im->shms[0].size = im->shms[0].file_size = SHM_SIZE;
	snprintf(im->shms[0].file, sizeof(im->shms[0].file), "shm-%llx.img", SHM_ID);
	im->shms[0].compress = CK_COMPRESS_NONE;
	im->nsocks = 2;
	im->socks = zalloc(2, sizeof(*im->socks));
	im->socks[0] = (struct ck_sock){ .id = SOCK_ID, .peer = PEER_ID, .shutdown = 2,
					 .data = zalloc(4, 1), .len = 4 };
	memcpy(im->socks[0].data, "q\0ed", 4);
	im->socks[1] = (struct ck_sock){ .id = PEER_ID, .peer = SOCK_ID };
}

static void setup(void)
{
	strcpy(dir, "/tmp/check_ckpt_image.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	memset(&err, 0, sizeof(err));
	make_image(&img);
	for (size_t i = 0; i < img.nprocs; i++)
		write_pages(&img.procs[i]);
	img.shms[0].crc = write_data(img.shms[0].file, 0, SHM_SIZE);
	ck_assert_int_eq(ck_image_write(dfd, &img, &err), 0);
}

static void teardown(void)
{
	char cmd[128];
	ck_image_free(&img);
	close(dfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- files ---------------------------------------------------------------------- */

static char *slurp(const char *name, size_t *len)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	char *s = zalloc((size_t)st.st_size + 1, 1);
	ck_assert_int_eq(read(fd, s, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return s;
}

static void put(const char *name, const void *data, size_t len)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* XOR one byte of a file. */
static void flip(const char *name, off_t at, uint8_t mask)
{
	uint8_t b;
	int fd = openat(dfd, name, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &b, 1, at), 1);
	b ^= mask;
	ck_assert_int_eq(pwrite(fd, &b, 1, at), 1);
	close(fd);
}

/* image.json as a document, and back (with image.sum recomputed). */
static json_t *load_doc(void)
{
	size_t len;
	char *text = slurp(CK_IMAGE_FILE, &len);
	json_t *doc = json_loadb(text, len, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(doc);
	return doc;
}

static void save_doc(json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(1));
	char sum[64];
	ck_assert_ptr_nonnull(text);
	size_t len = strlen(text);
	int n = snprintf(sum, sizeof(sum), "hybox-image-sum 1 %08x\n", hy_crc32c(0, text, len));
	put(CK_IMAGE_FILE, text, len);
	put(CK_SUM_FILE, sum, (size_t)n);
	free(text);
	json_decref(doc);
}

/* The value at path ("procs[0].vmas[1].runs[0][2]") in doc; with last, its
 * container and the last step (key, or index in *idx with key NULL). */
static json_t *walk(json_t *doc, const char *path, json_t **parent, char *key, long *idx)
{
	json_t *cur = doc;
	*parent = NULL;
	while (*path) {
		*parent = cur;
		if (*path == '[') {
			*idx = strtol(path + 1, NULL, 10);
			key[0] = '\0';
			cur = json_array_get(cur, (size_t)*idx);
			path = strchr(path, ']') + 1;
		} else {
			size_t len = strcspn(path, ".[");
			snprintf(key, 64, "%.*s", (int)len, path);
			cur = json_object_get(cur, key);
			path += len;
		}
		if (*path == '.')
			path++;
		if (*path)
			ck_assert_msg(cur != NULL, "no %s in image.json", path);
	}
	return cur;
}

/* Set the value at path to the JSON text value, or delete it (value NULL). */
static void edit(json_t *doc, const char *path, const char *value)
{
	json_t *parent;
	char key[64];
	long idx = -1;
	ck_assert_ptr_nonnull(walk(doc, path, &parent, key, &idx));
	json_t *v = value ? json_loads(value, JSON_DECODE_ANY, NULL) : NULL;
	ck_assert(!value || v);
	if (key[0] && v)
		ck_assert_int_eq(json_object_set_new(parent, key, v), 0);
	else if (key[0])
		ck_assert_int_eq(json_object_del(parent, key), 0);
	else if (v)
		ck_assert_int_eq(json_array_set_new(parent, (size_t)idx, v), 0);
	else
		ck_assert_int_eq(json_array_remove(parent, (size_t)idx), 0);
}

static void edit_image(const char *path, const char *value)
{
	json_t *doc = load_doc();
	edit(doc, path, value);
	save_doc(doc);
}

/* ck_image_read() fails with code, naming what; the image is left empty. */
static void read_fails(int code, const char *what)
{
	struct ck_image got;
	memset(&err, 0, sizeof(err));
	int r = ck_image_read(dfd, &got, &err);
	ck_assert_msg(r == code, "ck_image_read: %d (%s), expected %d", r, err.msg, code);
	ck_assert_int_eq(err.code, code);
	ck_assert_msg(strstr(err.msg, what), "\"%s\" not in \"%s\"", what, err.msg);
	ck_assert_ptr_null(got.procs);
	ck_assert_uint_eq(got.nprocs, 0);
}

static void read_ok(struct ck_image *got)
{
	memset(&err, 0, sizeof(err));
	int r = ck_image_read(dfd, got, &err);
	ck_assert_msg(r == 0, "ck_image_read: %d (%s)", r, err.msg);
}

/* ---- round trip ----------------------------------------------------------------- */

static void assert_same_thread(const struct ck_thread *a, const struct ck_thread *b)
{
	ck_assert_int_eq(b->tid, a->tid);
	ck_assert_int_eq(b->host_tid, 0); /* never saved */
	ck_assert_mem_eq(&b->regs, &a->regs, sizeof(a->regs));
	/* spot checks of the values themselves, not only of equality */
	ck_assert_uint_eq(b->regs.r15, reg_value(a->tid, 0));
	ck_assert_uint_eq(b->regs.rip, reg_value(a->tid, 16));
	ck_assert_uint_eq(b->regs.gs, reg_value(a->tid, 26));
	ck_assert_uint_eq(b->xstate_len, XSTATE_LEN);
	ck_assert_mem_eq(b->xstate, a->xstate, XSTATE_LEN);
	ck_assert_uint_eq(b->sigmask, a->sigmask);
	ck_assert_uint_eq(b->sigpending, a->sigpending);
	ck_assert_uint_eq(b->rseq_addr, a->rseq_addr);
	ck_assert_uint_eq(b->rseq_len, 32);
	ck_assert_uint_eq(b->rseq_sig, 0x53053053);
	ck_assert_uint_eq(b->robust_addr, a->robust_addr);
	ck_assert_uint_eq(b->robust_len, 24);
	ck_assert_uint_eq(b->tid_address, a->tid_address);
	ck_assert_uint_eq(b->ss_sp, a->ss_sp);
	ck_assert_uint_eq(b->ss_size, 0x10000);
	ck_assert_int_eq(b->ss_flags, a->ss_flags);
	ck_assert_str_eq(b->comm, a->comm);
}

static void assert_same_vma(const struct ck_vma *a, const struct ck_vma *b)
{
	ck_assert_uint_eq(b->start, a->start);
	ck_assert_uint_eq(b->end, a->end);
	ck_assert_uint_eq(b->pgoff, a->pgoff);
	ck_assert_int_eq(b->prot, a->prot);
	ck_assert_int_eq(b->shared, a->shared);
	ck_assert_int_eq(b->growsdown, a->growsdown);
	ck_assert_int_eq(b->kind, a->kind);
	if (a->path)
		ck_assert_str_eq(b->path, a->path);
	else
		ck_assert_ptr_null(b->path);
	ck_assert_uint_eq(b->shm, a->kind == CK_VMA_SHM ? SHM_ID : 0);
	ck_assert_uint_eq(b->nruns, a->nruns);
	for (size_t r = 0; r < a->nruns; r++) {
		ck_assert_uint_eq(b->runs[r].addr, a->runs[r].addr);
		ck_assert_uint_eq(b->runs[r].npages, a->runs[r].npages);
		ck_assert_uint_eq(b->runs[r].offset, a->runs[r].offset);
	}
}

static void assert_same_fd(const struct ck_fd *a, const struct ck_fd *b)
{
	ck_assert_int_eq(b->fd, a->fd);
	ck_assert_int_eq(b->kind, a->kind);
	ck_assert_int_eq(b->flags, a->flags);
	ck_assert_int_eq(b->cloexec, a->cloexec);
	ck_assert_uint_eq(b->pos, a->pos);
	if (a->kind == CK_FD_STDIO)
		ck_assert_int_eq(b->stdio, a->stdio);
	ck_assert_uint_eq(b->obj, a->kind == CK_FD_PIPE	  ? PIPE_ID
				  : a->kind == CK_FD_SHM    ? SHM_ID
				  : a->kind == CK_FD_SOCKET ? SOCK_ID
							    : 0);
	ck_assert_uint_eq(b->value, a->value);
	ck_assert_int_eq(b->is_semaphore, a->is_semaphore);
	ck_assert_int_eq(b->clockid, a->clockid);
	ck_assert_uint_eq(b->it_value_ns, a->it_value_ns);
	ck_assert_uint_eq(b->it_interval_ns, a->it_interval_ns);
	ck_assert_int_eq(b->dup_of, a->dup_of);
	ck_assert_uint_eq(b->ntargets, a->ntargets);
	for (size_t i = 0; i < a->ntargets; i++) {
		ck_assert_int_eq(b->targets[i].fd, a->targets[i].fd);
		ck_assert_uint_eq(b->targets[i].events, a->targets[i].events);
		ck_assert_uint_eq(b->targets[i].data, a->targets[i].data);
	}
	if (a->kind == CK_FD_FILE)
		ck_assert_str_eq(b->path, a->path);
	else
		ck_assert_ptr_null(b->path);
}

static void assert_same_proc(const struct ck_proc *a, const struct ck_proc *b)
{
	ck_assert_int_eq(b->pid, a->pid);
	ck_assert_int_eq(b->ppid, a->ppid);
	ck_assert_int_eq(b->pgid, 2);
	ck_assert_int_eq(b->host_pid, 0); /* never saved */
	ck_assert_str_eq(b->exe, a->exe);
	ck_assert_str_eq(b->cwd, a->cwd);
	ck_assert_uint_eq(b->umask, a->umask);
	ck_assert_int_eq(b->dumpable, 1);
	ck_assert_mem_eq(b->uid, a->uid, sizeof(a->uid));
	ck_assert_mem_eq(b->gid, a->gid, sizeof(a->gid));
	ck_assert_uint_eq(b->ngroups, 2);
	ck_assert_uint_eq(b->groups[0], 10);
	ck_assert_uint_eq(b->groups[1], 4000000000U);
	ck_assert_uint_eq(b->cap_inh, 1ULL << 40);
	ck_assert_uint_eq(b->cap_prm, 0xa80425fbULL);
	ck_assert_uint_eq(b->cap_eff, 0xa80425fbULL);
	ck_assert_uint_eq(b->cap_bnd, 0x1ffffffffffULL);
	ck_assert_uint_eq(b->sigpending, a->sigpending);

	const struct ck_mm *m = &a->mm, *n = &b->mm;
	ck_assert_uint_eq(n->start_code, m->start_code);
	ck_assert_uint_eq(n->end_code, m->end_code);
	ck_assert_uint_eq(n->start_data, m->start_data);
	ck_assert_uint_eq(n->end_data, m->end_data);
	ck_assert_uint_eq(n->start_brk, m->start_brk);
	ck_assert_uint_eq(n->brk, m->brk);
	ck_assert_uint_eq(n->start_stack, m->start_stack);
	ck_assert_uint_eq(n->arg_start, m->arg_start);
	ck_assert_uint_eq(n->arg_end, m->arg_end);
	ck_assert_uint_eq(n->env_start, m->env_start);
	ck_assert_uint_eq(n->env_end, m->env_end);
	ck_assert_uint_eq(n->auxv_len, AUXV_LEN);
	ck_assert_mem_eq(n->auxv, m->auxv, AUXV_LEN);

	ck_assert_mem_eq(b->sig, a->sig, sizeof(a->sig));
	ck_assert_uint_eq(b->sig[SIGINT - 1].handler, 0x555555555123ULL);
	ck_assert_uint_eq(b->sig[SIGINT - 1].mask, 1ULL << 63 | 2);
	ck_assert_uint_eq(b->sig[CK_NSIG - 1].mask, ~0ULL);

	ck_assert_uint_eq(b->nthreads, a->nthreads);
	for (size_t t = 0; t < a->nthreads; t++)
		assert_same_thread(&a->threads[t], &b->threads[t]);
	ck_assert_uint_eq(b->nvmas, a->nvmas);
	for (size_t v = 0; v < a->nvmas; v++)
		assert_same_vma(&a->vmas[v], &b->vmas[v]);
	ck_assert_uint_eq(b->nfds, a->nfds);
	for (size_t f = 0; f < a->nfds; f++)
		assert_same_fd(&a->fds[f], &b->fds[f]);

	ck_assert_str_eq(b->pages_file, a->pages_file);
	ck_assert_uint_eq(b->pages_compress, CK_COMPRESS_NONE);
	ck_assert_uint_eq(b->pages_size, a->pages_size);
	ck_assert_uint_eq(b->pages_raw, a->pages_size);
	ck_assert_uint_eq(b->pages_crc, a->pages_crc);
}

START_TEST(test_ckpt_image_round_trip)
{
	struct ck_image got;
	read_ok(&got);
	ck_assert_uint_eq(got.version, 1);
	ck_assert_str_eq(got.id, "c1");
	ck_assert_str_eq(got.hostname, "test-host");
	ck_assert_str_eq(got.domainname, "example.org");
	ck_assert_int_eq(got.mono_ns, MONO_NS);
	ck_assert_int_eq(got.boot_ns, BOOT_NS);
	ck_assert_uint_eq(got.xcr0, 0x2e7);
	ck_assert_mem_eq(got.cpuid, img.cpuid, sizeof(img.cpuid));
	ck_assert_uint_eq(got.nprocs, 2);
	for (size_t i = 0; i < 2; i++)
		assert_same_proc(&img.procs[i], &got.procs[i]);
	/* the sizes the page files were written with */
	ck_assert_uint_eq(got.procs[0].pages_size, 7 * CK_PAGE);
	ck_assert_uint_eq(got.procs[1].pages_size, CK_PAGE);
	ck_assert_uint_eq(got.nsocks, 2);
	ck_assert_uint_eq(got.socks[0].id, SOCK_ID);
	ck_assert_uint_eq(got.socks[0].peer, PEER_ID);
	ck_assert_int_eq(got.socks[0].shutdown, 2);
	ck_assert_uint_eq(got.socks[0].len, 4);
	ck_assert_mem_eq(got.socks[0].data, "q\0ed", 4);
	ck_assert_uint_eq(got.socks[1].len, 0);
	ck_assert_ptr_eq(ck_image_sock(&got, PEER_ID), &got.socks[1]);
	ck_assert_ptr_null(ck_image_sock(&got, 1));
	ck_assert_uint_eq(got.npipes, 1);
	ck_assert_uint_eq(got.pipes[0].id, PIPE_ID);
	ck_assert_uint_eq(got.pipes[0].size, 65536);
	ck_assert_uint_eq(got.pipes[0].len, 10);
	ck_assert_mem_eq(got.pipes[0].data, "hello\0pipe", 10);
	ck_assert_uint_eq(got.nshms, 1);
	ck_assert_uint_eq(got.shms[0].id, SHM_ID);
	ck_assert_str_eq(got.shms[0].name, "ring");
	ck_assert_uint_eq(got.shms[0].size, SHM_SIZE);
	ck_assert_str_eq(got.shms[0].file, "shm-5a5a.img");
	ck_assert_uint_eq(got.shms[0].compress, CK_COMPRESS_NONE);
	ck_assert_uint_eq(got.shms[0].file_size, SHM_SIZE);
	ck_assert_uint_eq(got.shms[0].crc, img.shms[0].crc);
	ck_assert_ptr_eq(ck_image_shm(&got, SHM_ID), &got.shms[0]);
	ck_assert_ptr_null(ck_image_shm(&got, PIPE_ID));
	ck_assert_ptr_eq(ck_image_proc(&got, 3), &got.procs[1]);
	ck_assert_ptr_null(ck_image_proc(&got, 5)); /* a thread, not a process */
	ck_assert_ptr_eq(ck_image_pipe(&got, PIPE_ID), &got.pipes[0]);
	ck_assert_ptr_null(ck_image_pipe(&got, PIPE_ID + 1));
	ck_image_free(&got);
	ck_assert_ptr_null(got.procs);
	ck_assert_uint_eq(got.nprocs, 0);
}
END_TEST

/* The files' own form: image.sum's line, the JSON's hex strings, the page header. */
START_TEST(test_ckpt_image_files)
{
	size_t len, sum_len;
	char *text = slurp(CK_IMAGE_FILE, &len), *sum = slurp(CK_SUM_FILE, &sum_len);
	char want[64];
	snprintf(want, sizeof(want), "hybox-image-sum 1 %08x\n", hy_crc32c(0, text, len));
	ck_assert_str_eq(sum, want);
	json_t *doc = json_loadb(text, len, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "magic")), "hybox-image");
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "version")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "xcr0")), "0x2e7");
	json_t *p = json_array_get(json_object_get(doc, "procs"), 0);
	json_t *t = json_array_get(json_object_get(p, "threads"), 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(t, "regs"), 16)),
			 "0x800002005a5a0010");
	ck_assert_str_eq(json_string_value(json_object_get(p, "pages_compress")), "none");
	ck_assert_str_eq(json_string_value(json_object_get(p, "pages_file")), "pages-2.img");
	json_decref(doc);
	free(text);
	free(sum);

	char *pages = slurp("pages-3.img", &len);
	uint32_t version, compress;
	ck_assert_uint_eq(len, CK_PAGES_HEADER + CK_PAGE);
	ck_assert_mem_eq(pages, "HYBXPAGE", 8);
	memcpy(&version, pages + 8, 4);
	memcpy(&compress, pages + 12, 4);
	ck_assert_uint_eq(version, 1);
	ck_assert_uint_eq(compress, 0);
	ck_assert_uint_eq((uint8_t)pages[CK_PAGES_HEADER + 5], page_byte(3, 5));
	free(pages);
}
END_TEST

/* A document read and written back unchanged still reads: the edits below
 * change only what they name. */
START_TEST(test_ckpt_image_rewritten_reads)
{
	struct ck_image got;
	save_doc(load_doc());
	read_ok(&got);
	ck_assert_uint_eq(got.nprocs, 2);
	ck_image_free(&got);
}
END_TEST

/* ---- damage --------------------------------------------------------------------- */

START_TEST(test_ckpt_image_json_flipped_byte)
{
	size_t len;
	char *text = slurp(CK_IMAGE_FILE, &len);
	char *at = strstr(text, "test-host");
	ck_assert_ptr_nonnull(at);
	off_t off = at + 8 - text;
	free(text);
	/* still valid JSON, every field valid: only the checksum can tell */
	flip(CK_IMAGE_FILE, off, 0x01); /* test-hosu */
	read_fails(-EBADMSG, "image.json: checksum ");
	ck_assert_ptr_nonnull(strstr(err.msg, "the image is corrupted"));
}
END_TEST

START_TEST(test_ckpt_image_json_broken)
{
	flip(CK_IMAGE_FILE, 0, '{' ^ '['); /* an array, not an object */
	read_fails(-EINVAL, "image.json:");
}
END_TEST

START_TEST(test_ckpt_image_sum_damaged)
{
	size_t len;
	char *text = slurp(CK_IMAGE_FILE, &len), sum[64];
	uint32_t crc = hy_crc32c(0, text, len);
	free(text);
	int n = snprintf(sum, sizeof(sum), "hybox-image-sum 1 %08x\n", crc ^ 0x100);
	put(CK_SUM_FILE, sum, (size_t)n);
	snprintf(sum, sizeof(sum), "image.json: checksum %08x, but image.sum says %08x", crc,
		 crc ^ 0x100);
	read_fails(-EBADMSG, sum);
	put(CK_SUM_FILE, "hybox-image-sum x\n", 18);
	read_fails(-EINVAL, "image.sum: expected \"hybox-image-sum 1 <crc32");
	ck_assert_int_eq(unlinkat(dfd, CK_SUM_FILE, 0), 0);
	read_fails(-ENOENT, "image.sum: cannot open");
}
END_TEST

START_TEST(test_ckpt_image_pages_flipped_byte)
{
	flip("pages-2.img", CK_PAGES_HEADER + 3 * CK_PAGE + 7, 0x80);
	read_fails(-EBADMSG, "pages-2.img: checksum ");
}
END_TEST

START_TEST(test_ckpt_image_shm_flipped_byte)
{
	flip("shm-5a5a.img", CK_PAGES_HEADER + SHM_SIZE - 1, 0x04);
	read_fails(-EBADMSG, "shm-5a5a.img: checksum ");
	flip("shm-5a5a.img", CK_PAGES_HEADER + SHM_SIZE - 1, 0x04);
	ck_assert_int_eq(unlinkat(dfd, "shm-5a5a.img", 0), 0);
	read_fails(-ENOENT, "shm-5a5a.img: cannot open");
}
END_TEST

START_TEST(test_ckpt_image_pages_bad_header)
{
	flip("pages-3.img", 8, 0x03); /* version 1 -> 2 */
	read_fails(-EBADMSG, "pages-3.img: not a version 1 page file (bad header)");
	flip("pages-3.img", 8, 0x03);
	flip("pages-3.img", 12, 0x01); /* says zlib; image.json says none */
	read_fails(-EBADMSG, "pages-3.img: not a version 1 page file (bad header)");
	flip("pages-3.img", 12, 0x01);
	flip("pages-3.img", 0, 'H' ^ 'h'); /* magic */
	read_fails(-EBADMSG, "pages-3.img: not a version 1 page file (bad header)");
}
END_TEST

START_TEST(test_ckpt_image_pages_truncated)
{
	int fd = openat(dfd, "pages-3.img", O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, CK_PAGES_HEADER + CK_PAGE - 1), 0);
	close(fd);
	read_fails(-EBADMSG, "pages-3.img: 4111 bytes, image.json says 4112: truncated or grown");
}
END_TEST

START_TEST(test_ckpt_image_pages_grown_or_missing)
{
	int fd = openat(dfd, "pages-2.img", O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	read_fails(-EBADMSG, "pages-2.img: 28689 bytes, image.json says 28688: truncated or grown");
	ck_assert_int_eq(unlinkat(dfd, "pages-2.img", 0), 0);
	read_fails(-ENOENT, "pages-2.img: cannot open");
}
END_TEST

START_TEST(test_ckpt_image_newer_version)
{
	edit_image("version", "2");
	read_fails(-ENOTSUP, "image.json: version 2 is newer than this hybox reads (1)");
}
END_TEST

START_TEST(test_ckpt_image_missing_field)
{
	edit_image("procs[0].umask", NULL);
	read_fails(-EINVAL, "image.json: procs[0].umask: expected a value (the field is missing)");
}
END_TEST

/* One change to a good document each, and the path the refusal names. */
static const struct {
	const char *path;
	const char *value; /* JSON text; NULL: the field goes */
	int code;
	const char *msg;
} bad[] = {
	{ "magic", "\"hybox-imagf\"", -EINVAL, "image.json: magic: expected \"hybox-image\"" },
	{ "version", "0", -EINVAL, "image.json: version: expected an integer in [1, " },
	{ "hostname", NULL, -EINVAL,
	  "image.json: hostname: expected a value (the field is missing)" },
	{ "mono_ns", "-1", -EINVAL, "image.json: mono_ns: expected an integer in [0, " },
	{ "xcr0", "\"2e7\"", -EINVAL, "image.json: xcr0: expected a hex string \"0x...\"" },
	{ "xcr0", "\"0x\"", -EINVAL, "image.json: xcr0: expected a hex string" },
	{ "xcr0", "\"0x10000000000000000\"", -EINVAL, "image.json: xcr0: expected a hex string" },
	{ "cpuid[3]", "-1", -EINVAL, "image.json: cpuid: expected unsigned 32-bit integers" },
	{ "cpuid[3]", NULL, -EINVAL, "image.json: cpuid: expected an array of 4 to 4 elements" },
	{ "procs", "[]", -EINVAL, "image.json: procs: expected an array of 1 to 4096 elements" },
	{ "procs[1].threads[0].regs[16]", "17", -EINVAL,
	  "image.json: procs[1].threads[0].regs[]: expected a hex string" },
	{ "procs[0].threads[1].xstate", "\"abc\"", -EINVAL,
	  "image.json: procs[0].threads[1].xstate: expected a string of hex digit pairs" },
	{ "procs[0].threads[1].xstate", "\"g0\"", -EINVAL,
	  "image.json: procs[0].threads[1].xstate: expected hex digits" },
	{ "procs[0].threads[1].comm", "5", -EINVAL,
	  "image.json: procs[0].threads[1].comm: expected a string" },
	{ "procs[0].threads", "[]", -EINVAL,
	  "image.json: procs[0].threads: expected an array of 1 to 65536 elements" },
	{ "procs[0].vmas[0].kind", "\"heap\"", -EINVAL,
	  "image.json: procs[0].vmas[0].kind: expected " },
	{ "procs[0].vmas[1].path", NULL, -EINVAL,
	  "image.json: procs[0].vmas[1].path: expected a value (the field is missing)" },
	{ "procs[0].vmas[2].end", "\"0x7ffff7fc0800\"", -EINVAL,
	  "image.json: procs[0].vmas[2].start: expected page-aligned start < end" },
	{ "procs[0].vmas[0].prot", "8", -EINVAL,
	  "image.json: procs[0].vmas[0].prot: expected an integer in [0, 7]" },
	{ "procs[0].vmas[0].runs[0][0]", "\"0xfff000\"", -EINVAL,
	  "image.json: procs[0].vmas[0].runs: expected runs of pages inside the mapping" },
	{ "procs[0].vmas[0].runs[1][1]", "5", -EINVAL,
	  "image.json: procs[0].vmas[0].runs: expected runs of pages inside the mapping" },
	{ "procs[0].vmas[0].runs[1][1]", "0", -EINVAL,
	  "image.json: procs[0].vmas[0].runs[][1]: expected a page count" },
	{ "procs[0].fds[0].stdio", "3", -EINVAL,
	  "image.json: procs[0].fds[0].stdio: expected an integer in [0, 2]" },
	{ "procs[0].fds[3].kind", "\"fifo\"", -EINVAL,
	  "image.json: procs[0].fds[3].kind: expected " },
	{ "procs[0].fds[3].kind", "\"socket\"", -EINVAL,
	  "image.json: procs[0].fds[3].socket: expected a value (the field is missing)" },
	{ "procs[0].fds[4].pipe", "\"0xabd\"", -EINVAL,
	  "image.json: procs[0].fds[4]: no such object in pipes[]" },
	{ "procs[0].mm.auxv", "\"0\"", -EINVAL,
	  "image.json: procs[0].mm.auxv: expected a string of hex digit pairs" },
	{ "procs[0].mm.brk", NULL, -EINVAL,
	  "image.json: procs[0].mm.brk: expected a value (the field is missing)" },
	{ "procs[0].sigactions", "[]", -EINVAL,
	  "image.json: procs[0].sigactions: expected an array of 64 to 64 elements" },
	{ "procs[0].sigactions[1][2]", "\"x\"", -EINVAL,
	  "image.json: procs[0].sigactions[1].[2]: expected a hex string" },
	{ "procs[1].groups[0]", "4294967296", -EINVAL,
	  "image.json: procs[1].groups: expected unsigned 32-bit integers" },
	{ "procs[1].uid[2]", NULL, -EINVAL,
	  "image.json: procs[1].uid: expected an array of 3 to 3 elements" },
	{ "procs[1].umask", "512", -EINVAL,
	  "image.json: procs[1].umask: expected an integer in [0, 511]" },
	{ "procs[0].pages_file", "\"../pages-2.img\"", -EINVAL,
	  "image.json: procs[0].pages_file: expected a file name in the image directory" },
	{ "procs[0].pages_file", "\".pages\"", -EINVAL,
	  "image.json: procs[0].pages_file: expected a file name in the image directory" },
	{ "procs[0].pages_compress", "\"lz4\"", -EINVAL,
	  "image.json: procs[0].pages_compress: expected \"none\" or \"zlib\"" },
	{ "procs[0].pages_raw", "4096", -EINVAL,
	  "image.json: procs[0].pages_raw: expected pages_size, for pages that are not "
	  "compressed" },
	{ "procs[0].pages_crc", "\"0x1\"", -EBADMSG,
	  "pages-2.img: checksum " },
	{ "procs[1].threads[0].tid", "4", -EINVAL,
	  "image.json: procs[1].threads[0].tid: expected the pid 3" },
	{ "procs[1].pid", "2", -EINVAL, "image.json: procs[1].pid: 2 twice" },
	{ "procs[0].pid", "3", -EINVAL,
	  "image.json: procs[0].pid: expected 2 (the container's command), not 3" },
	{ "procs[0].ppid", "0", -EINVAL,
	  "image.json: procs[0].ppid: 0 is not an earlier process (the root's is 1)" },
	{ "procs[1].ppid", "5", -EINVAL, "image.json: procs[1].ppid: 5 is not an earlier process" },
	{ "procs[0].fds[5].shm", "\"0xabc\"", -EINVAL,
	  "image.json: procs[0].fds[5]: no such object in pipes[], shms[] or socks[]" },
	{ "procs[1].vmas[2].shm", "\"0x5a5b\"", -EINVAL,
	  "image.json: procs[1].vmas[2].shm: no such object in shms[]" },
	{ "procs[1].vmas[2].shm", NULL, -EINVAL,
	  "image.json: procs[1].vmas[2].shm: expected a value (the field is missing)" },
	{ "shms", NULL, -EINVAL, "image.json: shms: expected a value (the field is missing)" },
	{ "shms[0].file", "\"/tmp/shm\"", -EINVAL,
	  "image.json: shms[0].file: expected a file name in the image directory" },
	{ "shms[0].compress", "\"xz\"", -EINVAL,
	  "image.json: shms[0].compress: expected \"none\" or \"zlib\"" },
	{ "shms[0].file_size", "4096", -EINVAL,
	  "image.json: shms[0].file_size: expected size, for contents that are not compressed" },
	{ "shms[0].crc", "\"0x0\"", -EBADMSG, "shm-5a5a.img: checksum " },
	{ "pipes", NULL, -EINVAL, "image.json: pipes: expected a value (the field is missing)" },
	{ "pipes[0].size", "100", -EINVAL,
	  "image.json: pipes[0].size: expected an integer in [4096, 1048576]" },
};

START_TEST(test_ckpt_image_refusals)
{
	edit_image(bad[_i].path, bad[_i].value);
	read_fails(bad[_i].code, bad[_i].msg);
}
END_TEST

/* A pipe cannot hold more bytes than its size. */
START_TEST(test_ckpt_image_pipe_overfull)
{
	static char data[2 * 4097 + 3];
	struct ck_image got;
	memset(data, 'a', sizeof(data) - 1);
	data[0] = data[sizeof(data) - 2] = '"';
	data[sizeof(data) - 1] = '\0';
	json_t *doc = load_doc();
	edit(doc, "pipes[0].size", "4096");
	edit(doc, "pipes[0].data", data);
	save_doc(doc);
	read_fails(-EINVAL, "image.json: pipes[0].data: expected a string of hex digit pairs "
			    "within the size limit");
	data[sizeof(data) - 4] = '"', data[sizeof(data) - 3] = '\0'; /* 4096 bytes: full */
	doc = load_doc();
	edit(doc, "pipes[0].data", data);
	save_doc(doc);
	read_ok(&got);
	ck_assert_uint_eq(got.pipes[0].len, 4096);
	ck_assert_uint_eq(got.pipes[0].data[4095], 0xaa);
	ck_image_free(&got);
}
END_TEST

/* (g) runs against the end of the page file */
START_TEST(test_ckpt_image_run_beyond_pages)
{
	/* vmas[3]'s one page is the last of pages-2.img (0x6000..0x7000) */
	edit_image("procs[0].vmas[3].runs[0][2]", "\"0x6001\"");
	read_fails(-EINVAL, "image.json: procs[0].vmas[3].runs[0]: beyond the end of pages-2.img");
	edit_image("procs[0].vmas[3].runs[0][2]", "\"0x100000\"");
	read_fails(-EINVAL, "image.json: procs[0].vmas[3].runs[0]: beyond the end of pages-2.img");
	/* npages inside the mapping (3 of 4 pages from 0x7f0000001000) but past the file */
	edit_image("procs[0].vmas[1].runs[0][1]", "3");
	read_fails(-EINVAL, "image.json: procs[0].vmas[1].runs[0]: beyond the end of pages-2.img");
	/* and back at its place it reads again */
	json_t *doc = load_doc();
	edit(doc, "procs[0].vmas[1].runs[0][1]", "1");
	edit(doc, "procs[0].vmas[3].runs[0][2]", "\"0x6000\"");
	save_doc(doc);
	struct ck_image got;
	read_ok(&got);
	ck_image_free(&got);
}
END_TEST

/* (h) a third process, pid 4 (child of 3), listed after or before its parent */
static void add_grandchild(bool before_parent)
{
	json_t *doc = load_doc(), *procs = json_object_get(doc, "procs");
	json_t *p = json_deep_copy(json_array_get(procs, 1));
	ck_assert_ptr_nonnull(p);
	edit(p, "pid", "4");
	edit(p, "ppid", "3");
	edit(p, "threads[0].tid", "4");
	edit(p, "pages_file", "\"pages-4.img\"");
	if (before_parent)
		ck_assert_int_eq(json_array_insert_new(procs, 1, p), 0);
	else
		ck_assert_int_eq(json_array_append_new(procs, p), 0);
	save_doc(doc);
	size_t len;
	char *pages = slurp("pages-3.img", &len); /* same bytes, same crc */
	put("pages-4.img", pages, len);
	free(pages);
}

START_TEST(test_ckpt_image_tree_order)
{
	struct ck_image got;
	add_grandchild(false);
	read_ok(&got);
	ck_assert_uint_eq(got.nprocs, 3);
	ck_assert_int_eq(got.procs[2].pid, 4);
	ck_assert_int_eq(got.procs[2].ppid, 3);
	ck_image_free(&got);
}
END_TEST

START_TEST(test_ckpt_image_child_before_parent)
{
	add_grandchild(true);
	read_fails(-EINVAL, "image.json: procs[1].ppid: 3 is not an earlier process");
}
END_TEST

/* ---- CPU features --------------------------------------------------------------- */

START_TEST(test_ckpt_image_cpu)
{
	static const char *const words[] = { "cpuid.1.ecx", "cpuid.1.edx", "cpuid.7.ebx",
					     "cpuid.7.ecx" };
	uint64_t xcr0;
	uint32_t id[4];
	char want[128];
	ck_cpu_features(&xcr0, id);
	ck_assert_uint_ne(xcr0 & 3, 0); /* x87 and SSE state, on any x86_64 with XSAVE */
	ck_assert_uint_ne(id[1] & (1U << 25), 0); /* SSE, always on x86_64 */

	img.xcr0 = xcr0;
	memcpy(img.cpuid, id, sizeof(id));
	ck_assert_int_eq(ck_image_check_cpu(&img, &err), 0);
	img.xcr0 = xcr0 & 3; /* fewer features than this CPU: fine */
	memset(img.cpuid, 0, sizeof(img.cpuid));
	ck_assert_int_eq(ck_image_check_cpu(&img, &err), 0);

	img.xcr0 = xcr0 | 1ULL << 62;
	memcpy(img.cpuid, id, sizeof(id));
	ck_assert_int_eq(ck_image_check_cpu(&img, &err), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err.msg, "image.json: xcr0: the image uses CPU state "
					      "components 0x4000000000000000 this CPU lacks"));

	img.xcr0 = xcr0;
	for (int i = 0; i < 4; i++) {
		if (id[i] == UINT32_MAX)
			continue; /* every bit set: nothing this CPU lacks */
		uint32_t bit = ~id[i] & -~id[i]; /* the lowest bit this CPU lacks */
		memcpy(img.cpuid, id, sizeof(id));
		img.cpuid[i] |= bit;
		memset(&err, 0, sizeof(err));
		ck_assert_int_eq(ck_image_check_cpu(&img, &err), -ENOTSUP);
		snprintf(want, sizeof(want),
			 "image.json: %s: the image was made on a CPU with features 0x%08x "
			 "this CPU lacks",
			 words[i], bit);
		ck_assert_str_eq(err.msg, want);
	}
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ckpt_image");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ckpt_image_round_trip);
	tcase_add_test(tc, test_ckpt_image_files);
	tcase_add_test(tc, test_ckpt_image_rewritten_reads);
	tcase_add_test(tc, test_ckpt_image_json_flipped_byte);
	tcase_add_test(tc, test_ckpt_image_json_broken);
	tcase_add_test(tc, test_ckpt_image_sum_damaged);
	tcase_add_test(tc, test_ckpt_image_pages_flipped_byte);
	tcase_add_test(tc, test_ckpt_image_shm_flipped_byte);
	tcase_add_test(tc, test_ckpt_image_pages_bad_header);
	tcase_add_test(tc, test_ckpt_image_pages_truncated);
	tcase_add_test(tc, test_ckpt_image_pages_grown_or_missing);
	tcase_add_test(tc, test_ckpt_image_newer_version);
	tcase_add_test(tc, test_ckpt_image_missing_field);
	tcase_add_loop_test(tc, test_ckpt_image_refusals, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_ckpt_image_pipe_overfull);
	tcase_add_test(tc, test_ckpt_image_run_beyond_pages);
	tcase_add_test(tc, test_ckpt_image_tree_order);
	tcase_add_test(tc, test_ckpt_image_child_before_parent);
	tcase_add_test(tc, test_ckpt_image_cpu);
	suite_add_tcase(s, tc);
	return s;
}

HY_CHECK_MAIN(suite)
