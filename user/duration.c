// SPDX-License-Identifier: GPL-2.0-only
/*
 * Go-style durations (duration.h). Go's grammar: [-+]?(digits[.digits]unit)+,
 * with "0" alone allowed without a unit; a fraction needs digits on one side
 * of the dot at least. Here a sign or a total of 0 is refused afterwards,
 * with its own message, since an interval must be above 0.
 */
#include "duration.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define EXPECTED "expected a duration like 5s, 500ms or 1m30s"
#define MAX_NS ((uint64_t)INT64_MAX)

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	/* Longer names first: "ms" must not be read as "m" followed by "s". */
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\u00b5s", 1000 }, /* micro sign, as Go accepts */
	{ "\u03bcs", 1000 }, /* Greek mu, likewise */
	{ "ms", 1000000 },
	{ "s", 1000000000ull },
	{ "m", 60ull * 1000000000ull },
	{ "h", 3600ull * 1000000000ull },
};

/* The unit at *p (advanced past it), or 0 when none is there. */
static uint64_t unit_at(const char **p)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);
		if (strncmp(*p, units[i].name, n) == 0) {
			*p += n;
			return units[i].ns;
		}
	}
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * One "digits[.digits]unit" at *p, added to *total. Returns 0, -EINVAL for a
 * malformed component, -ERANGE when the sum passes MAX_NS.
 */
static int component(const char **p, uint64_t *total)
{
	uint64_t whole = 0, frac = 0, scale = 1, unit;
	bool has_digits = false;

	for (; is_digit(**p); (*p)++, has_digits = true)
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(**p - '0'), &whole))
			return -ERANGE;
	if (**p == '.')
		for ((*p)++; is_digit(**p); (*p)++, has_digits = true)
			if (scale < 1000000000000000000ull) /* digits past 1e-18 ns cannot count */
				frac = frac * 10 + (uint64_t)(**p - '0'), scale *= 10;
	if (!has_digits || !(unit = unit_at(p)))
		return -EINVAL;
	uint64_t v;
	if (__builtin_mul_overflow(whole, unit, &v) ||
	    __builtin_add_overflow(v, (uint64_t)((unsigned __int128)frac * unit / scale), &v) ||
	    __builtin_add_overflow(*total, v, total) || *total > MAX_NS)
		return -ERANGE;
	return 0;
}

int hy_duration_parse(const char *opt, const char *s, uint64_t *ret_ns, struct hy_err *err)
{
	const char *p = s;
	bool negative = *p == '-';
	uint64_t total = 0;
	int r;

	if (*p == '-' || *p == '+')
		p++;
	if (strcmp(p, "0") == 0)
		return hy_err_set(err, -EINVAL, "%s: expected a duration above 0, got \"%s\"", opt, s);
	if (!*p)
		return hy_err_set(err, -EINVAL, "%s: " EXPECTED ", got \"%s\"", opt, s);
	while (*p)
		if ((r = component(&p, &total)) < 0)
			return r == -ERANGE ? hy_err_set(err, r, "%s: \"%s\" is too long (at most "
							  "2562047h, Go's limit)", opt, s) :
					      hy_err_set(err, r, "%s: " EXPECTED ", got \"%s\"", opt, s);
	if (negative || total == 0)
		return hy_err_set(err, -EINVAL, "%s: expected a duration above 0, got \"%s\"", opt, s);
	*ret_ns = total;
	return 0;
}
