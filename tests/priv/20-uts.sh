#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# UTS: --hostname, and sethostname/setdomainname inside change only the
# container's names (emulated by the supervisor, in a new uts namespace).
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe

host_name=$(cat /proc/sys/kernel/hostname)
host_domain=$(cat /proc/sys/kernel/domainname)
name="hyt-h$$"

id=$(tid uname)
hy run --id "$id" --hostname "$name" -- /bin/uname -n
assert_rc 0 "uname -n runs"
assert_eq "$RUN_OUT" "$name" "uname -n shows --hostname"
assert_no_leftovers "$id"

hy run --hostname "$name" -- "$PROBE" uname
assert_eq "$RUN_OUT" "$name" "uname(2) nodename is --hostname"

new="hyt-new$$"
id=$(tid sethost)
hy run --id "$id" --hostname "$name" -- /bin/sh -c "\"$PROBE\" sethostname $new && \"$PROBE\" uname"
assert_eq "$RUN_OUT" "ok
$new" "sethostname inside succeeds and uname sees the new name"
assert_eq "$(cat /proc/sys/kernel/hostname)" "$host_name" "host hostname unchanged after sethostname inside"
assert_eq "$(uname -n)" "$host_name" "host uname -n unchanged"
assert_no_leftovers "$id"

if command -v hostname >/dev/null; then
	hy run --hostname "$name" -- /bin/sh -c "hostname $new-b; hostname"
	assert_eq "$RUN_OUT" "$new-b" "hostname NAME; hostname prints the new name"
	assert_eq "$(hostname)" "$host_name" "host hostname unchanged after hostname(1) inside"
else
	skip "no hostname(1) on the host"
	skip "no hostname(1) on the host"
fi

hy run --hostname "$name" -- "$PROBE" uname
assert_eq "$RUN_OUT" "$name" "a later container starts with its own --hostname, not the last one set"

hy run -- "$PROBE" sethostname "$(printf 'x%.0s' {1..64})"
assert_eq "$RUN_OUT" "ok" "sethostname with 64 bytes (the maximum) succeeds"
hy run -- "$PROBE" sethostname "$(printf 'x%.0s' {1..65})"
assert_eq "$RUN_OUT" "err EINVAL" "sethostname with 65 bytes fails with EINVAL"

dom="hyt-dom$$"
id=$(tid domain)
hy run --id "$id" -- /bin/sh -c "\"$PROBE\" setdomainname $dom && \"$PROBE\" domainname"
assert_eq "$RUN_OUT" "ok
$dom" "setdomainname inside succeeds and uname sees the new domain"
assert_eq "$(cat /proc/sys/kernel/domainname)" "$host_domain" "host domainname unchanged"
assert_no_leftovers "$id"

if command -v domainname >/dev/null; then
	hy run -- /bin/sh -c "domainname $dom-b && domainname"
	assert_eq "$RUN_OUT" "$dom-b" "domainname NAME; domainname prints the new domain"
else
	skip "no domainname(1) on the host"
fi

done_testing
