// SPDX-License-Identifier: GPL-2.0-only
/* hy_cmd_id_arg(): the options of a verb that names one container (cmd.h). */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"

const char *hy_cmd_id_arg(int argc, char **argv, const char *verb, void (*usage)(FILE *),
			  bool *json, int *status)
{
	static const struct option with_json[] = { { "json", no_argument, NULL, 'j' },
						   { "help", no_argument, NULL, 'h' },
						   { 0 } };
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", json ? with_json : with_json + 1, NULL)) != -1) {
		if (c == 'j') {
			*json = true;
			continue;
		}
		*status = c == 'h' ? 0 : HY_EXIT_RUNTIME;
		if (c != 'h')
			fprintf(stderr, "hybox %s: bad option '%s'\n", verb, argv[optind - 1]);
		usage(c == 'h' ? stdout : stderr);
		return NULL;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "hybox %s: expected one container ID\n", verb);
		usage(stderr);
		*status = HY_EXIT_RUNTIME;
		return NULL;
	}
	return argv[optind];
}
