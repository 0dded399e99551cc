// SPDX-License-Identifier: GPL-2.0-only
/* hy_json_describe(): see json_describe.h. */
#include <stdio.h>

#include "json_describe.h"

const char *hy_json_describe(const json_t *v, char *buf, size_t n, char q)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "null";
	case JSON_INTEGER:
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:
		snprintf(buf, n, "%g", json_real_value(v));
		return buf;
	case JSON_STRING:
		break;
	}
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	size_t len = 0, max = n > 16 ? n - 12 : 0;
	buf[len++] = q;
	for (; *s && len < max; s++) {
		if (*s == q || *s == '\\')
			len += snprintf(buf + len, n - len, "\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			len += snprintf(buf + len, n - len, "\\u%04x", *s);
		else
			buf[len++] = (char)*s;
	}
	snprintf(buf + len, n - len, "%s%c", *s ? "..." : "", q);
	return buf;
}
