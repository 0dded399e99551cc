# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Helpers for the guest test scripts (tests/vm/NN-topic.sh), sourced after
# tests/lib/libtest.sh. Not a test itself: the guest's /init runs only
# tests/vm/[0-9][0-9]-*.sh. The guest has busybox and bash but no python3,
# so libtest.sh's feature_state/require FEATURE and events_query cannot be
# used here; JSON is read with json_flat instead.

# json_flat: reads one JSON document on stdin and prints one line per scalar,
# PATH=VALUE, where PATH joins object keys and array indexes with dots
# (features.bpf_lsm.available=true, roads.files.road=bpf-lsm). String values
# are printed without their quotes, escapes left as they are.
json_flat() {
	awk '
	function path(   p, k) {
		p = ""
		for (k = 1; k <= d; k++)
			p = p (k > 1 ? "." : "") key[k]
		return p
	}
	{ s = s $0 "\n" }
	END {
		n = length(s); i = 1; d = 0; want_key = 0
		while (i <= n) {
			c = substr(s, i, 1)
			if (c == " " || c == "\t" || c == "\n" || c == "\r") { i++; continue }
			if (c == "{") { d++; type[d] = "o"; key[d] = ""; want_key = 1; i++; continue }
			if (c == "[") { d++; type[d] = "a"; key[d] = 0; want_key = 0; i++; continue }
			if (c == "}" || c == "]") { d--; want_key = 0; i++; continue }
			if (c == ":") { want_key = 0; i++; continue }
			if (c == ",") {
				if (type[d] == "o") want_key = 1; else key[d]++
				i++; continue
			}
			if (c == "\"") {
				j = i + 1
				while (j <= n) {
					cj = substr(s, j, 1)
					if (cj == "\\") j += 2
					else if (cj == "\"") break
					else j++
				}
				str = substr(s, i + 1, j - i - 1); i = j + 1
				if (want_key) key[d] = str; else print path() "=" str
				continue
			}
			j = i
			while (j <= n && substr(s, j, 1) !~ /[],} \t\r\n]/) j++
			print path() "=" substr(s, i, j - i); i = j
		}
	}'
}

# json_value FLAT PATH: the value at PATH in the output of json_flat (empty
# when absent).
json_value() {
	printf '%s\n' "$1" | awk -v p="$2=" 'index($0, p) == 1 { print substr($0, length(p) + 1); exit }'
}
