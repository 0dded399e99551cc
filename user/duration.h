/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Durations written as Go's time.ParseDuration reads them (runc's
 * `events --interval 5s`): one or more decimal numbers, each with an optional
 * fraction and a unit (ns, us, µs, ms, s, m, h), e.g. 5s, 500ms, 1m30s, 1.5h.
 * Pure functions, no I/O.
 */
#pragma once
#include <stdint.h>

#include "error.h"

/*
 * Parse s, the value of option opt, into nanoseconds. Only durations above 0
 * are accepted (an interval of 0 or less means nothing). Returns 0, or
 * -EINVAL (malformed, 0, negative) / -ERANGE (above 2^63-1 ns, Go's limit)
 * with err naming opt and what was expected.
 */
int hy_duration_parse(const char *opt, const char *s, uint64_t *ret_ns, struct hy_err *err);
