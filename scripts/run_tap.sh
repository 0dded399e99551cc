#!/bin/bash
# Run TAP test scripts; each prints "ok N - ..." / "not ok N - ..." lines.
# Exit 77 from a script means skipped: its reason must be on stdout. Under
# HYBOX_MUST_WORK=1 a skip counts as a failure.
set -u
pass=0 fail=0 skip=0
failures=""
for t in "$@"; do
	out=$(bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s|^|$(basename "$t"): |"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p))
	fail=$((fail + f))
	failures+=$(printf '%s\n' "$out" | grep '^not ok ' | sed "s|^|$(basename "$t"): |"; true)
	[ "$f" -gt 0 ] && failures+=$'\n'
	if [ "$rc" -eq 77 ]; then
		if [ "${HYBOX_MUST_WORK:-0}" = 1 ]; then
			fail=$((fail + 1))
			failures+="$(basename "$t"): skipped under HYBOX_MUST_WORK=1"$'\n'
		else
			skip=$((skip + 1))
		fi
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$(basename "$t"): exited $rc without a failing test line"
		failures+="$(basename "$t"): exited $rc without a failing test line"$'\n'
		fail=$((fail + 1))
	fi
done
# Repeat the failures last: CI logs are often read from the tail.
[ -n "$failures" ] && printf 'failed:\n%s' "$failures"
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
