// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal JSON scanner that records where each value is (see json_pos.h).
 * It accepts what jansson accepts (it runs after jansson did) and refuses
 * anything else with -EINVAL; it keeps nothing of the values but their
 * positions, paths and member keys. Runs unprivileged, no I/O.
 */
#include "json_pos.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* jansson's JSON_PARSER_MAX_DEPTH: whatever it parsed, we can index. */
#define MAX_DEPTH 2048

struct entry {
	char *path;
	char *key; /* decoded member key, NULL for elements and the top level */
	size_t obj; /* containing object (1, 2, ...), 0 when not a member */
	struct hy_json_loc val;
	struct hy_json_loc key_loc;
};

struct hy_json_pos {
	struct entry *e;
	size_t n, cap;
};

struct scan {
	const unsigned char *s;
	size_t len, i;
	struct hy_json_loc at; /* position of s[i] */
	int depth;
	size_t nobj;
	char *kbuf; /* decoded key being read */
	size_t klen, kcap;
	struct hy_json_pos *ix;
};

/* ---- paths ------------------------------------------------------------ */

struct sbuf {
	char *b;
	size_t n, len;
};

static void sb_putc(struct sbuf *sb, char c)
{
	if (sb->len + 1 < sb->n)
		sb->b[sb->len++] = c;
	sb->b[sb->len] = '\0';
}

static void sb_puts(struct sbuf *sb, const char *s)
{
	while (*s)
		sb_putc(sb, *s++);
}

static bool plain_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-'))
			return false;
	return true;
}

void hy_json_path_key(char *buf, size_t n, const char *parent, const char *key)
{
	struct sbuf sb = { buf, n, 0 };

	if (n == 0)
		return;
	buf[0] = '\0';
	sb_puts(&sb, parent);
	if (plain_key(key)) {
		if (*parent)
			sb_putc(&sb, '.');
		sb_puts(&sb, key);
		return;
	}
	sb_puts(&sb, "[\"");
	for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
		char esc[8];
		if (*k == '"' || *k == '\\') {
			sb_putc(&sb, '\\');
			sb_putc(&sb, (char)*k);
		} else if (*k < 0x20 || *k == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *k);
			sb_puts(&sb, esc);
		} else {
			sb_putc(&sb, (char)*k);
		}
	}
	sb_puts(&sb, "\"]");
}

void hy_json_path_index(char *buf, size_t n, const char *parent, size_t i)
{
	snprintf(buf, n, "%s[%zu]", parent, i);
}

/* ---- the index -------------------------------------------------------- */

void hy_json_pos_free(struct hy_json_pos *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->e[i].path);
		free(ix->e[i].key);
	}
	free(ix->e);
	free(ix);
}

static int add_entry(struct scan *sc, const char *path, const char *key, size_t obj,
		     struct hy_json_loc val, struct hy_json_loc key_loc)
{
	struct hy_json_pos *ix = sc->ix;

	if (ix->n == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 64;
		struct entry *e = realloc(ix->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		ix->e = e;
		ix->cap = cap;
	}
	struct entry *e = &ix->e[ix->n];
	*e = (struct entry){ .obj = obj, .val = val, .key_loc = key_loc };
	e->path = strdup(path);
	e->key = key ? strdup(key) : NULL;
	ix->n++; /* counted even on failure so hy_json_pos_free() releases it */
	if (!e->path || (key && !e->key))
		return -ENOMEM;
	return 0;
}

/* ---- the scanner ------------------------------------------------------ */

static int peek(const struct scan *sc)
{
	return sc->i < sc->len ? sc->s[sc->i] : -1;
}

/* Columns count characters, as jansson does: UTF-8 continuation bytes do not. */
static void adv(struct scan *sc)
{
	unsigned char c = sc->s[sc->i++];

	if (c == '\n') {
		sc->at.line++;
		sc->at.col = 1;
	} else if ((c & 0xc0) != 0x80) {
		sc->at.col++;
	}
}

static void skip_ws(struct scan *sc)
{
	for (int c = peek(sc); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = peek(sc))
		adv(sc);
}

static int key_put(struct scan *sc, const char *p, size_t n)
{
	if (sc->klen + n + 1 > sc->kcap) {
		size_t cap = (sc->klen + n + 1) * 2;
		char *b = realloc(sc->kbuf, cap);
		if (!b)
			return -ENOMEM;
		sc->kbuf = b;
		sc->kcap = cap;
	}
	memcpy(sc->kbuf + sc->klen, p, n);
	sc->klen += n;
	sc->kbuf[sc->klen] = '\0';
	return 0;
}

static int key_put_utf8(struct scan *sc, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return key_put(sc, u, n);
}

static int hex4(struct scan *sc, uint32_t *ret)
{
	uint32_t v = 0;

	for (int k = 0; k < 4; k++) {
		int c = peek(sc);
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
		adv(sc);
	}
	*ret = v;
	return 0;
}

/* \uXXXX (the "\u" is consumed), and a low surrogate right after a high one. */
static int unicode_escape(struct scan *sc, bool decode)
{
	uint32_t cp, lo;
	int r = hex4(sc, &cp);

	if (r < 0)
		return r;
	if (cp >= 0xd800 && cp < 0xdc00 && peek(sc) == '\\' && sc->i + 1 < sc->len &&
	    sc->s[sc->i + 1] == 'u') {
		adv(sc);
		adv(sc);
		r = hex4(sc, &lo);
		if (r < 0)
			return r;
		if (lo >= 0xdc00 && lo < 0xe000) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else {
			/* not a pair: jansson refuses this text anyway */
			if (decode && (r = key_put_utf8(sc, cp)) < 0)
				return r;
			cp = lo;
		}
	}
	return decode ? key_put_utf8(sc, cp) : 0;
}

/* A string at s[i] == '"'; decoded into sc->kbuf when decode. */
static int string(struct scan *sc, bool decode)
{
	static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
	int r = 0;

	sc->klen = 0;
	if (decode && (r = key_put(sc, "", 0)) < 0)
		return r;
	adv(sc);
	for (;;) {
		int c = peek(sc);
		if (c < 0 || c < 0x20)
			return -EINVAL;
		adv(sc);
		if (c == '"')
			return 0;
		if (c != '\\') {
			char ch = (char)c;
			if (decode && (r = key_put(sc, &ch, 1)) < 0)
				return r;
			continue;
		}
		c = peek(sc);
		if (c < 0)
			return -EINVAL;
		adv(sc);
		if (c == 'u') {
			r = unicode_escape(sc, decode);
		} else {
			const char *e = strchr(esc_in, c);
			if (!e || c == 0)
				return -EINVAL;
			if (decode)
				r = key_put(sc, &esc_out[e - esc_in], 1);
		}
		if (r < 0)
			return r;
	}
}

static int literal(struct scan *sc, const char *word)
{
	size_t n = strlen(word);

	if (sc->len - sc->i < n || memcmp(sc->s + sc->i, word, n) != 0)
		return -EINVAL;
	while (n--)
		adv(sc);
	return 0;
}

static int number(struct scan *sc)
{
	size_t start = sc->i;

	for (int c = peek(sc); c > 0 && strchr("-+.eE0123456789", c); c = peek(sc))
		adv(sc);
	return sc->i > start ? 0 : -EINVAL;
}

static int value(struct scan *sc, const char *path, const char *key, size_t obj,
		 struct hy_json_loc key_loc);

/* After an object member or array element: ',' (1, go on), the closing
 * bracket (0, done) or a syntax error (-EINVAL). */
static int after_item(struct scan *sc, int close)
{
	skip_ws(sc);
	int c = peek(sc);
	if (c < 0)
		return -EINVAL;
	adv(sc);
	if (c == close)
		return 0;
	return c == ',' ? 1 : -EINVAL;
}

static int members(struct scan *sc, const char *path, char *child)
{
	size_t obj = ++sc->nobj;

	adv(sc); /* '{' */
	skip_ws(sc);
	if (peek(sc) == '}') {
		adv(sc);
		return 0;
	}
	for (;;) {
		skip_ws(sc);
		if (peek(sc) != '"')
			return -EINVAL;
		struct hy_json_loc key_loc = sc->at;
		int r = string(sc, true);
		if (r < 0)
			return r;
		skip_ws(sc);
		if (peek(sc) != ':')
			return -EINVAL;
		adv(sc);
		hy_json_path_key(child, HY_JSON_PATH_MAX, path, sc->kbuf);
		_cleanup_free_ char *key = strdup(sc->kbuf);
		if (!key)
			return -ENOMEM;
		r = value(sc, child, key, obj, key_loc);
		if (r < 0)
			return r;
		if ((r = after_item(sc, '}')) <= 0)
			return r;
	}
}

static int elements(struct scan *sc, const char *path, char *child)
{
	adv(sc); /* '[' */
	skip_ws(sc);
	if (peek(sc) == ']') {
		adv(sc);
		return 0;
	}
	for (size_t i = 0;; i++) {
		hy_json_path_index(child, HY_JSON_PATH_MAX, path, i);
		int r = value(sc, child, NULL, 0, (struct hy_json_loc){ 0, 0 });
		if (r < 0)
			return r;
		if ((r = after_item(sc, ']')) <= 0)
			return r;
	}
}

static int value(struct scan *sc, const char *path, const char *key, size_t obj,
		 struct hy_json_loc key_loc)
{
	skip_ws(sc);
	int r = add_entry(sc, path, key, obj, sc->at, key_loc);
	if (r < 0)
		return r;
	switch (peek(sc)) {
	case '{':
	case '[': {
		if (++sc->depth > MAX_DEPTH)
			return -EINVAL;
		/* on the heap: MAX_DEPTH path buffers would not fit on a stack */
		_cleanup_free_ char *child = malloc(HY_JSON_PATH_MAX);
		if (!child)
			return -ENOMEM;
		r = peek(sc) == '{' ? members(sc, path, child) : elements(sc, path, child);
		sc->depth--;
		return r;
	}
	case '"':
		return string(sc, false);
	case 't':
		return literal(sc, "true");
	case 'f':
		return literal(sc, "false");
	case 'n':
		return literal(sc, "null");
	default:
		return number(sc);
	}
}

int hy_json_pos_build(const char *text, size_t len, struct hy_json_pos **ret)
{
	struct scan sc = { .s = (const unsigned char *)text, .len = len, .at = { 1, 1 } };
	int r;

	*ret = NULL;
	sc.ix = calloc(1, sizeof(*sc.ix));
	if (!sc.ix)
		return -ENOMEM;
	r = value(&sc, "", NULL, 0, (struct hy_json_loc){ 0, 0 });
	if (r == 0) {
		skip_ws(&sc);
		if (sc.i != sc.len)
			r = -EINVAL;
	}
	free(sc.kbuf);
	if (r < 0) {
		hy_json_pos_free(sc.ix);
		return r;
	}
	*ret = sc.ix;
	return 0;
}

int hy_json_pos_find(const struct hy_json_pos *ix, const char *path, struct hy_json_loc *ret_value,
		     struct hy_json_loc *ret_key)
{
	for (size_t i = 0; ix && i < ix->n; i++) {
		if (strcmp(ix->e[i].path, path) != 0)
			continue;
		if (ret_value)
			*ret_value = ix->e[i].val;
		if (ret_key)
			*ret_key = ix->e[i].key_loc;
		return 0;
	}
	return -ENOENT;
}

static int cmp_member(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a,
			   *y = *(const struct entry *const *)b;
	int c;

	if (x->obj != y->obj)
		return x->obj < y->obj ? -1 : 1;
	c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x < y ? -1 : x > y; /* entries are in text order */
}

/* Sorting keeps this O(n log n): a hostile file with many keys stays cheap. */
int hy_json_pos_duplicate(const struct hy_json_pos *ix, const char **ret_path,
			  struct hy_json_loc *ret_key, struct hy_json_loc *ret_first)
{
	_cleanup_free_ const struct entry **m = NULL;
	const struct entry *dup = NULL, *first = NULL;
	size_t n = 0;

	if (!ix || ix->n == 0)
		return -ENOENT;
	m = calloc(ix->n, sizeof(*m));
	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i < ix->n; i++)
		if (ix->e[i].key)
			m[n++] = &ix->e[i];
	qsort(m, n, sizeof(*m), cmp_member);
	for (size_t i = 1; i < n; i++) {
		if (m[i]->obj != m[i - 1]->obj || strcmp(m[i]->key, m[i - 1]->key) != 0)
			continue;
		if (!dup || m[i] < dup) {
			size_t j = i - 1; /* the earliest of this run of equal keys */
			while (j > 0 && m[j - 1]->obj == m[i]->obj &&
			       strcmp(m[j - 1]->key, m[i]->key) == 0)
				j--;
			dup = m[i];
			first = m[j];
		}
	}
	if (!dup)
		return -ENOENT;
	if (ret_path)
		*ret_path = dup->path;
	if (ret_key)
		*ret_key = dup->key_loc;
	if (ret_first)
		*ret_first = first->key_loc;
	return 0;
}
