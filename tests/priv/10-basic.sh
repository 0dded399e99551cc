#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# hybox run: exit status (plain, 128+N on a signal), stdio pass-through, argv.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3

id=$(tid true)
hy run --id "$id" -- /bin/true
assert_rc 0 "/bin/true exits 0"
assert_eq "$RUN_OUT" "" "/bin/true prints nothing on stdout"
assert_no_leftovers "$id"

id=$(tid false)
hy run --id "$id" -- /bin/false
assert_rc 1 "/bin/false exits 1"
assert_no_leftovers "$id"

for code in 3 255; do
	id=$(tid "exit$code")
	hy run --id "$id" -- /bin/sh -c "exit $code"
	assert_rc "$code" "sh -c 'exit $code' exits $code"
	assert_no_leftovers "$id"
done

# 137 must come from hybox's own exit(), not from hybox being killed, which
# bash would also show as 137: ask python for the real wait status.
raw_status() {
	timeout -k 5 60 python3 -c '
import subprocess, sys
r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
print("signal %d" % -r.returncode if r.returncode < 0 else "exit %d" % r.returncode)
' "$@"
}
for sig in KILL:9 TERM:15 SEGV:11; do
	id=$(tid "sig${sig#*:}")
	got=$(raw_status "$HYBOX" run --id "$id" -- /bin/sh -c "kill -${sig%:*} \$\$; sleep 10")
	assert_eq "$got" "exit $((128 + ${sig#*:}))" "sh killed by SIG${sig%:*}: hybox exits $((128 + ${sig#*:}))"
	assert_no_leftovers "$id"
done

id=$(tid stdio)
hy run --id "$id" -- /bin/sh -c 'echo out; echo err >&2; echo out2'
assert_rc 0 "stdio: exits 0"
assert_eq "$RUN_OUT" "out
out2" "stdout passes through, and only the command's stdout"
assert_match "$RUN_ERR" "(^|
)err(
|$)" "stderr passes through"
assert_no_leftovers "$id"

id=$(tid argv)
hy run --id "$id" -- /usr/bin/printf '[%s]\n' 'a b' '' '*' '$HOME' '--id'
assert_eq "$RUN_OUT" '[a b]
[]
[*]
[$HOME]
[--id]' "argv reaches the command unchanged (spaces, empty, globs, flags)"

id=$(tid stdin)
hy run --id "$id" -- /bin/cat <<<"hello
world"
assert_eq "$RUN_OUT" "hello
world" "stdin passes through"
assert_no_leftovers "$id"

id=$(tid bigstdin)
head -c 3000000 /dev/urandom >"$TEST_TMP/big"
want=$(sha256sum <"$TEST_TMP/big")
hy run --id "$id" -- /usr/bin/sha256sum <"$TEST_TMP/big"
assert_eq "$RUN_OUT" "$want" "3 MB of stdin arrive intact"

id=$(tid eof)
hy run --id "$id" -- /bin/cat </dev/null
assert_rc 0 "stdin at EOF: cat ends and hybox exits 0"
assert_eq "$RUN_OUT" "" "stdin at EOF: nothing read"

id=$(tid pipe)
run_capture bash -c '"$1" run --id "$2" -- /bin/sh -c "seq 1 100000" | tail -n 1' _ "$HYBOX" "$id"
assert_eq "$RUN_OUT" "100000" "stdout into a pipe: all output arrives"

done_testing
