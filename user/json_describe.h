/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a JSON value is, for error messages that say "got ...": the type for
 * containers and literals, the number itself, or a string in quotes q with
 * quotes, backslashes and control bytes escaped and long ones shortened
 * ("..."). A string can come from any file: it never reaches the terminal raw.
 */
#pragma once
#include <jansson.h>
#include <stddef.h>

const char *hy_json_describe(const json_t *v, char *buf, size_t n, char q);

/* A value as "got" text, in a buffer that lives to the end of the statement. */
#define HY_JSON_GOT(v) hy_json_describe(v, (char[80]){ 0 }, 80, '"')
