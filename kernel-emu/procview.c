// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rewriting the host's /proc text into the container's (procview.h). Lines
 * this code does not understand pass through unchanged: a newer kernel's
 * extra fields must not break the view.
 */
#include "procview.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Calls fn for each line of text (without its '\n'); stops at a nonzero return. */
static int each_line(const char *text, int (*fn)(const char *line, size_t len, void *ctx),
		     void *ctx)
{
	for (const char *p = text; *p;) {
		const char *nl = strchrnul(p, '\n');
		int r = fn(p, (size_t)(nl - p), ctx);
		if (r)
			return r;
		p = *nl ? nl + 1 : nl;
	}
	return 0;
}

/* ------------------------------------------------------------- meminfo */

struct meminfo_ctx {
	FILE *out;
	const struct emu_mem_view *m;
	uint64_t total_kb, free_kb, swap_total_kb, swap_free_kb;
};

/* "Key:   1234 kB": the key's length and the value; false for other shapes. */
static bool parse_kb_line(const char *line, size_t len, size_t *klen, uint64_t *kb)
{
	const char *colon = memchr(line, ':', len);
	char buf[64];
	char *end;

	if (!colon || len >= sizeof(buf))
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	*klen = (size_t)(colon - line);
	*kb = strtoull(buf + *klen + 1, &end, 10);
	return strcmp(end, " kB") == 0;
}

static bool key_is(const char *line, size_t klen, const char *key)
{
	return strlen(key) == klen && memcmp(line, key, klen) == 0;
}

static bool key_starts(const char *line, size_t klen, const char *prefix)
{
	size_t n = strlen(prefix);
	return klen >= n && memcmp(line, prefix, n) == 0;
}

/* Page cache and reclaimable slab: free(1) counts them as buff/cache, apart
 * from "used"; the container's charge (used) already includes its own. */
static bool is_cache_key(const char *line, size_t klen)
{
	static const char *const keys[] = { "Buffers",	     "Cached",	     "SwapCached",
					    "SReclaimable",  "KReclaimable", "Shmem",
					    "Active(file)", "Inactive(file)" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (key_is(line, klen, keys[i]))
			return true;
	return false;
}

/*
 * The value this view shows for one kB line of the host's meminfo. Under a
 * limit: cache 0 and every other size at most what the container uses, so
 * that free(1)'s used = total - free - buff/cache comes out as the charge.
 */
static uint64_t meminfo_value(const struct meminfo_ctx *c, const char *line, size_t klen,
			      uint64_t kb)
{
	bool mem = c->m->limit != EMU_VIEW_UNLIMITED, swap = c->m->swap_limit != EMU_VIEW_UNLIMITED;

	if (mem && key_is(line, klen, "MemTotal"))
		return c->total_kb;
	if (mem && (key_is(line, klen, "MemFree") || key_is(line, klen, "MemAvailable")))
		return c->free_kb;
	if (swap && key_is(line, klen, "SwapTotal"))
		return c->swap_total_kb;
	if (swap && key_is(line, klen, "SwapFree"))
		return c->swap_free_kb;
	/* Sizes of the address space or of other pools are not memory in use. */
	if (!mem || key_starts(line, klen, "Swap") || key_starts(line, klen, "Vmalloc") ||
	    key_starts(line, klen, "DirectMap") || key_starts(line, klen, "Huge") ||
	    key_starts(line, klen, "Commit"))
		return kb;
	if (is_cache_key(line, klen))
		return 0;
	return MIN(kb, c->total_kb - c->free_kb);
}

static int meminfo_line(const char *line, size_t len, void *ctx)
{
	struct meminfo_ctx *c = ctx;
	size_t klen;
	uint64_t kb;

	if (!parse_kb_line(line, len, &klen, &kb)) {
		fprintf(c->out, "%.*s\n", (int)len, line);
		return 0;
	}
	/* Keep the kernel's layout: key and colon padded to 16, value to 8. */
	fprintf(c->out, "%-16.*s%8" PRIu64 " kB\n", (int)klen + 1, line,
		meminfo_value(c, line, klen, kb));
	return 0;
}

struct kb_lookup {
	const char *key;
	uint64_t kb;
};

static int find_kb(const char *line, size_t len, void *ctx)
{
	struct kb_lookup *l = ctx;
	size_t klen;
	uint64_t kb;

	if (!parse_kb_line(line, len, &klen, &kb) || !key_is(line, klen, l->key))
		return 0;
	l->kb = kb;
	return 1;
}

/* A host meminfo field in kB, 0 if missing. */
static uint64_t host_kb(const char *host, const char *key)
{
	struct kb_lookup l = { .key = key };

	each_line(host, find_kb, &l);
	return l.kb;
}

int emu_view_meminfo(FILE *out, const char *host, const struct emu_mem_view *m)
{
	struct meminfo_ctx c = { .out = out, .m = m };
	uint64_t limit_kb = m->limit / 1024, swap_kb = m->swap_limit / 1024;

	c.total_kb = MIN(host_kb(host, "MemTotal"), limit_kb);
	c.free_kb = c.total_kb - MIN(m->used / 1024, c.total_kb);
	c.swap_total_kb = MIN(host_kb(host, "SwapTotal"), swap_kb);
	c.swap_free_kb = c.swap_total_kb - MIN(m->swap_used / 1024, c.swap_total_kb);
	each_line(host, meminfo_line, &c);
	return ferror(out) ? -EIO : 0;
}

int emu_view_swaps(FILE *out, const char *host, const struct emu_mem_view *m)
{
	if (m->swap_limit == EMU_VIEW_UNLIMITED) {
		fputs(host, out);
	} else {
		uint64_t total = m->swap_limit / 1024, used = MIN(m->swap_used / 1024, total);
		fprintf(out, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
			     "none\t\t\t\t\tvirtual\t\t%" PRIu64 "\t\t%" PRIu64 "\t\t0\n",
			total, used);
	}
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------- cpuinfo */

/* "processor\t: 3" -> 3; -1 for any other line. */
static int processor_number(const char *line, size_t len)
{
	static const char key[] = "processor";
	const char *p = line + sizeof(key) - 1, *end = line + len;
	char *num_end;

	if (len <= sizeof(key) || memcmp(line, key, sizeof(key) - 1) != 0)
		return -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != ':')
		return -1;
	long n = strtol(p + 1, &num_end, 10);
	return num_end > p + 1 && num_end <= end && n >= 0 && n < CPU_SETSIZE ? (int)n : -1;
}

struct cpuinfo_ctx {
	FILE *out;
	const cpu_set_t *cpus;
	bool keep;  /* inside the block of a processor in the set */
	int blocks; /* processor lines seen */
};

static int cpuinfo_line(const char *line, size_t len, void *ctx)
{
	struct cpuinfo_ctx *c = ctx;
	int n = processor_number(line, len);

	if (n >= 0) {
		c->blocks++;
		c->keep = CPU_ISSET(n, c->cpus);
	}
	if (c->keep)
		fprintf(c->out, "%.*s\n", (int)len, line);
	return 0;
}

int emu_view_cpuinfo(FILE *out, const char *host, const cpu_set_t *cpus)
{
	struct cpuinfo_ctx c = { .cpus = cpus };
	char *buf = NULL;
	size_t n = 0;

	/* Filter into a buffer first: without processor blocks, pass through. */
	c.out = open_memstream(&buf, &n);
	if (!c.out)
		return -ENOMEM;
	each_line(host, cpuinfo_line, &c);
	int bad = fclose(c.out);
	if (!bad)
		fputs(c.blocks ? buf : host, out);
	free(buf);
	return bad ? -ENOMEM : ferror(out) ? -EIO : 0;
}

/* ---------------------------------------------------------------- stat */

#define STAT_FIELDS 10 /* user nice system idle iowait irq softirq steal guest guest_nice */

/* "cpuN v v v...": N (or -1 for the aggregate "cpu " line), fields into v. */
static int stat_cpu_line(const char *line, size_t len, uint64_t v[STAT_FIELDS], int *nfields)
{
	char buf[512];
	char *p, *end;
	int cpu = -1;

	if (len < 4 || len >= sizeof(buf) || memcmp(line, "cpu", 3) != 0)
		return -2;
	memcpy(buf, line, len);
	buf[len] = '\0';
	p = buf + 3;
	if (*p != ' ') {
		long n = strtol(p, &end, 10);
		if (end == p || *end != ' ' || n < 0 || n >= CPU_SETSIZE)
			return -2;
		cpu = (int)n;
		p = end;
	}
	for (*nfields = 0; *nfields < STAT_FIELDS; (*nfields)++) {
		v[*nfields] = strtoull(p, &end, 10);
		if (end == p)
			break;
		p = end;
	}
	return cpu;
}

struct stat_ctx {
	FILE *out;
	const cpu_set_t *cpus;
	uint64_t sum[STAT_FIELDS]; /* of the kept cpuN lines (first pass) */
	int nsum;                  /* fields they have */
};

static int stat_add(const char *line, size_t len, void *ctx)
{
	struct stat_ctx *c = ctx;
	uint64_t v[STAT_FIELDS];
	int nf, cpu = stat_cpu_line(line, len, v, &nf);

	if (cpu >= 0 && CPU_ISSET(cpu, c->cpus)) {
		for (int i = 0; i < nf; i++)
			c->sum[i] += v[i];
		c->nsum = MAX(c->nsum, nf);
	}
	return 0;
}

static int stat_line(const char *line, size_t len, void *ctx)
{
	struct stat_ctx *c = ctx;
	uint64_t v[STAT_FIELDS];
	int nf, cpu = stat_cpu_line(line, len, v, &nf);

	if (cpu == -1) { /* the aggregate: the kept lines' sum */
		fputs("cpu ", c->out);
		for (int i = 0; i < c->nsum; i++)
			fprintf(c->out, " %" PRIu64, c->sum[i]);
		fputc('\n', c->out);
	} else if (cpu == -2 || CPU_ISSET(cpu, c->cpus)) {
		fprintf(c->out, "%.*s\n", (int)len, line);
	}
	return 0;
}

int emu_view_stat(FILE *out, const char *host, const cpu_set_t *cpus)
{
	struct stat_ctx c = { .out = out, .cpus = cpus };

	each_line(host, stat_add, &c);
	each_line(host, stat_line, &c);
	return ferror(out) ? -EIO : 0;
}

int emu_view_cpulist(FILE *out, const cpu_set_t *cpus)
{
	const char *sep = "";

	for (int i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, cpus))
			continue;
		int j = i;
		while (j + 1 < CPU_SETSIZE && CPU_ISSET(j + 1, cpus))
			j++;
		if (j == i)
			fprintf(out, "%s%d", sep, i);
		else
			fprintf(out, "%s%d-%d", sep, i, j);
		sep = ",";
		i = j;
	}
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------- loadavg */

#define FSHIFT 11
#define FIXED_1 (1ULL << FSHIFT)

/* The kernel's calc_load(): exp is e^(-5s/period) in fixed point. */
static uint64_t calc_load(uint64_t load, uint64_t exp, uint64_t active)
{
	uint64_t next = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		next += FIXED_1 - 1;
	return next / FIXED_1;
}

void emu_loadavg_sample(struct emu_loadavg *l, unsigned active)
{
	static const uint64_t exp[3] = { 1884, 2014, 2037 }; /* 1, 5, 15 minutes */

	for (int i = 0; i < 3; i++)
		l->avenrun[i] = calc_load(l->avenrun[i], exp[i], (uint64_t)active * FIXED_1);
}

int emu_view_loadavg(FILE *out, const struct emu_loadavg *l, unsigned running, unsigned total,
		     int last_pid)
{
	for (int i = 0; i < 3; i++) {
		uint64_t v = l->avenrun[i] + FIXED_1 / 200; /* rounds to 2 decimals, as Linux */
		fprintf(out, "%llu.%02llu ", (unsigned long long)(v >> FSHIFT),
			(unsigned long long)(((v & (FIXED_1 - 1)) * 100) >> FSHIFT));
	}
	fprintf(out, "%u/%u %d\n", running, total, last_pid);
	return ferror(out) ? -EIO : 0;
}
