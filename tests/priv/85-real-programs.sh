#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Real programs, unchanged: busybox applets, coreutils, python3, gcc, git,
# sqlite3, make and shell redirections run inside `hybox run` with the default
# policy and must print the same stdout and stderr and exit with the same
# status as a native run of the same case. Each case works in a fresh
# directory under $TMPDIR (the container's private /tmp inside, the test's
# temp dir natively) and prints only what is the same on every run (no
# times, pids or paths). The few outputs that legitimately differ (ps, the
# hostname) are checked for sanity instead.
#
# This script is also the driver of the cases: `85-real-programs.sh --case
# NAME` runs one case (a function case_NAME below) in a fresh work directory.
# shellcheck disable=SC2016 # single-quoted $ is for the shell of the case
# shellcheck disable=SC2317 # the cases are called indirectly, as case_NAME

# --- the cases -----------------------------------------------------------------
# Each prints what it did; the driver exits with the case's status. set -e is
# off on purpose: a failing step must show in the output, not cut it short.

case_busybox() {
	local bb=busybox
	$bb mkdir -p src/a/b src/c
	$bb sh -c 'for i in 1 2 3; do echo "line $i" >"src/a/b/f$i"; done'
	$bb seq 1 2000 >src/c/numbers
	$bb ls src src/a/b
	# tar stores mtimes: make them the same on every run.
	$bb find src -exec "$bb" touch -d '2001-09-09 01:46:40' {} +
	$bb cp -a src copy && $bb ls -R copy
	# The archive follows the directory order of the filesystem: compare
	# its listing and contents, not its bytes.
	$bb tar -cf t.tar src && $bb tar -tvf t.tar | $bb sort
	$bb gzip -c t.tar >t.tar.gz && $bb gzip -t t.tar.gz && echo "gzip -t: ok"
	$bb gunzip -c t.tar.gz | $bb cmp - t.tar && echo "gunzip round trip: ok"
	$bb mkdir out && $bb tar -xzf t.tar.gz -C out && $bb find out -type f | $bb sort
	$bb sha256sum out/src/a/b/f2 out/src/c/numbers
	$bb find . -name 'f*' -type f | $bb sort
	$bb sh -c 'cd src/a/b && echo "sh cwd: ${PWD##*/}" && exit 3'
	echo "busybox sh exit: $?"
}

# ps and hostname print what legitimately differs between a host and a
# container (the processes, the UTS name): the test checks them for sanity.
case_busybox_ps() {
	busybox ps -o pid,args
}

case_busybox_hostname() {
	busybox hostname
	uname -n
	busybox hostname renamed-inside && busybox hostname && uname -n
}

case_coreutils() {
	mkdir -p d1/d2/d3 && echo "mkdir -p: $?"
	printf 'pear\napple\nfig\napple\n' >fruit
	sort fruit && sort -u fruit | tee sorted >/dev/null && cat sorted
	cp fruit d1/fruit.copy && cp -r d1 d1copy && ls -R d1copy
	mv d1copy/fruit.copy d1copy/d2/moved && ls d1copy d1copy/d2
	mv d1copy renamed && ls
	ln fruit hard && ln -s fruit soft && readlink soft && head -n 1 soft
	stat -c '%n %s %F %h %a' fruit hard soft
	stat -c '%n %F %h %a' d1 # a directory's size depends on the filesystem
	dd if=/dev/zero of=zeros bs=4096 count=256 status=none && stat -c '%n %s' zeros
	dd if=fruit of=part bs=1 skip=5 count=6 status=none && cat part
	dd if=/dev/urandom of=sparse bs=1 count=1 seek=1048575 status=none && stat -c '%n %s' sparse
	seq 1 100000 | tee big | sha256sum
	sha256sum fruit hard zeros big
	sha256sum -c <(sha256sum fruit big)
	touch -d @1000000000 fruit && stat -c '%n %Y' fruit hard
	chmod 0600 fruit && stat -c '%n %a' hard
	truncate -s 3 hard && cat fruit && echo
	sed -i 's/pea/PEA/' fruit && cat fruit && echo
	ln -sf sorted soft && readlink soft
	install -m 0750 sorted installed && stat -c '%n %a' installed
	seq 1 200000 | sort -rn -S 100K -T . | head -n 2
	ln sorted sorted.hard && tar -cf links.tar sorted sorted.hard soft
	mkdir untar && tar -xpf links.tar -C untar
	stat -c '%n %F %h' untar/sorted untar/sorted.hard untar/soft && readlink untar/soft
	d=$(mktemp -d -p . dir.XXXXXX) && rmdir "$d" && echo "mktemp -d: ok"
	rm soft hard sorted.hard installed links.tar && rm -r renamed d1 untar && ls
	rmdir nonexistent-dir 2>&1
	echo "rmdir exit: $?"
}

case_python3() {
	cat >t.py <<'EOF'
import os, socket, subprocess, sys, tempfile, threading

def worker(n, out):
    out[n] = sum(i * i for i in range(n * 10000))

out = {}
threads = [threading.Thread(target=worker, args=(n, out)) for n in range(1, 9)]
for t in threads: t.start()
for t in threads: t.join()
print("threads:", [out[n] % 99991 for n in sorted(out)])

r = subprocess.run(["sh", "-c", "echo from child; echo err >&2; exit 5"],
                   capture_output=True, text=True)
print("subprocess:", repr(r.stdout), repr(r.stderr), r.returncode)
r = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"],
                   input="piped", capture_output=True, text=True, check=True)
print("subprocess python:", r.stdout.strip())

with tempfile.TemporaryDirectory() as d:
    with tempfile.NamedTemporaryFile("w+", dir=d, delete=False) as f:
        f.write("temp data\n")
        name = f.name
    os.rename(name, os.path.join(d, "renamed"))
    print("tempfile:", sorted(os.listdir(d)), open(os.path.join(d, "renamed")).read().strip())
with tempfile.TemporaryFile() as f:
    f.write(b"x" * 5000); f.seek(0)
    print("TemporaryFile:", len(f.read()))
with tempfile.SpooledTemporaryFile(max_size=10) as f:
    f.write(b"spooled past max_size"); f.seek(0)
    print("SpooledTemporaryFile:", f.read().decode())

a, b = socket.socketpair()
a.sendall(b"ping"); print("socketpair:", b.recv(4))
b.sendall(b"pong"); print("socketpair:", a.recv(4))
r, w = os.pipe()
socket.send_fds(a, [b"fd"], [w])
msg, fds, _, _ = socket.recv_fds(b, 2, 1)
os.write(fds[0], b"through a passed fd"); os.close(fds[0]); os.close(w)
print("send_fds:", msg, os.read(r, 100))
EOF
	python3 -I -B t.py
}

case_gcc() {
	cat >prog.c <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include "lib.h"
int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10;
	printf("fib(%lu) = %lu\n", n, fib(n));
	FILE *f = fopen("result.txt", "w");
	if (!f || fprintf(f, "%lu\n", fib(n)) < 0 || fclose(f))
		return 1;
	return 0;
}
EOF
	printf 'unsigned long fib(unsigned long n);\n' >lib.h
	printf '#include "lib.h"\nunsigned long fib(unsigned long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n' >lib.c
	gcc -O2 -Wall -c lib.c && ar rcs libfib.a lib.o && echo "ar: $?"
	gcc -O2 -Wall -o prog prog.c -L. -lfib && echo "link: $?"
	./prog 30 && cat result.txt
	sha256sum prog lib.o | cut -c1-64
	echo 'int main(void) { return undeclared; }' >bad.c
	gcc -c bad.c 2>&1 | grep -c "error: 'undeclared' undeclared"
	gcc -c bad.c 2>/dev/null
	echo "gcc on bad.c: $?"
}

case_git() {
	export GIT_CONFIG_NOSYSTEM=1 HOME=$PWD
	export GIT_AUTHOR_DATE='2001-09-09T01:46:40Z' GIT_COMMITTER_DATE='2001-09-09T01:46:40Z'
	local g="git -c user.name=Hybox -c user.email=hybox@example.invalid -c init.defaultBranch=main"
	$g init -q repo && cd repo || return
	mkdir -p src && echo 'hello' >README && printf 'a\nb\n' >src/file
	$g add . && $g commit -q -m 'first' && $g log --format='%H %an %s'
	echo 'change' >>README && git rm -q src/file && $g commit -q -am 'second'
	$g log --format='%H %s' && $g status --porcelain=v1 --branch
	$g checkout -q -b topic HEAD~1 && cat src/file
	$g cat-file -p 'HEAD^{tree}'
	$g gc -q && $g fsck --no-progress 2>&1 && echo "fsck: $?"
	cd .. && $g clone -q repo clone && git -C clone log --format='%H' -1
	git -C clone ls-files
}

case_sqlite3() {
	sqlite3 db.sqlite <<'EOF'
CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER);
BEGIN;
INSERT INTO t (name, n) VALUES ('a', 1), ('b', 2), ('c', 3);
COMMIT;
SELECT name, n * 10 FROM t ORDER BY id;
PRAGMA journal_mode = WAL;
INSERT INTO t (name, n) SELECT name || name, n + 100 FROM t;
SELECT count(*), sum(n) FROM t;
PRAGMA integrity_check;
EOF
	sqlite3 db.sqlite 'SELECT group_concat(name) FROM t; PRAGMA journal_mode = DELETE;'
	sqlite3 db.sqlite 'VACUUM; SELECT max(n) FROM t;'
	ls
	sqlite3 db.sqlite 'SELECT nope FROM t;' 2>&1
	echo "sqlite3 exit: $?"
}

case_make() {
	printf 'one\n' >a.in && printf 'two\n' >b.in
	cat >Makefile <<'EOF'
OUTS := a.out b.out
all: total
%.out: %.in
	tr a-z A-Z <$< >$@
total: $(OUTS)
	cat $^ >$@
clean:
	rm -f $(OUTS) total
.PHONY: all clean
EOF
	touch -d @1000000000 a.in b.in Makefile
	make -s && cat total
	make -s && echo "second make: $?"
	touch b.in && make
	make -s clean && make -s -j2 all && cat total
	make nothing-to-make-this 2>&1
	echo "make exit: $?"
}

# Redirections, here-docs, pipes and FIFOs, in the shell given as $1.
redirections() {
	local sh=$1
	$sh -c 'echo to-null >/dev/null; echo "null: $?"'
	$sh -c 'echo to-stderr >/dev/stderr; echo to-stdout >/dev/stdout'
	$sh -c 'ls /nonexistent-hybox 2>&1 | wc -l; ls /nonexistent-hybox 2>/dev/null; echo "ls: $?"'
	$sh -c 'echo out; echo err >&2' 2>&1
	$sh -c 'exec 3>fd3; echo via-fd3 >&3; exec 3>&-; cat fd3; echo again >>fd3; cat fd3'
	$sh -c 'echo abcdef >rw; exec 4<>rw; read -r x <&4; echo "read: $x"'
	$sh -c 'set -C; echo once >clob; echo twice >clob 2>/dev/null; echo "noclobber: $?"; cat clob'
	$sh -c 'cat <<EOF
here-doc $((6 * 7))
EOF'
	$sh -c 'i=0; { while [ $i -lt 20000 ]; do echo "line $i"; i=$((i + 1)); done; } >big; cat <<EOF | wc -c
$(cat big)
EOF'
	$sh -c 'seq 1 1000 | sort -rn | head -n 3 | tr "\n" " "; echo'
	$sh -c 'mkfifo fifo && { cat fifo >got & } && echo through-fifo >fifo && wait && cat got'
	$sh -c 'mkfifo f2 && { tr a-z A-Z <f2 & } && exec 5>f2 && echo "fifo fd" >&5 && exec 5>&- && wait'
}

case_redirections_bash() {
	redirections bash
	bash -c 'cat <<<"here-string"; diff <(seq 1 3) <(seq 1 3) && echo "process substitution: ok"'
	bash -c 'echo tee-to-stderr | tee /dev/stderr >/dev/null; echo "$(echo nested $(echo subst))"'
}

case_redirections_dash() {
	redirections dash
}

case_redirections_busybox() {
	redirections 'busybox sh'
}

run_case() { # NAME: in a fresh directory under $TMPDIR, removed afterwards
	local dir rc
	dir=$(mktemp -d "${TMPDIR:-/tmp}/case-$1.XXXXXX") || exit 125
	cd "$dir" || exit 125
	"case_$1"
	rc=$?
	cd / && rm -rf "$dir"
	exit "$rc"
}

if [ "${1:-}" = --case ]; then
	run_case "$2"
fi

# --- the test ------------------------------------------------------------------
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3

# The sandbox sees the host root, but not a checkout under /tmp: run a copy.
scratch_dir || _t_skip_all "cannot make a directory outside /tmp"
SELF=$SCRATCH/real-programs.sh
cp "$0" "$SELF"
CLEAN_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C TZ=UTC0)

native() { # CASE: sets N_OUT N_ERR N_RC
	run_capture "${CLEAN_ENV[@]}" HOME="$TEST_TMP" TMPDIR="$TEST_TMP" bash "$SELF" --case "$1"
	N_OUT=$RUN_OUT N_ERR=$RUN_ERR N_RC=$RUN_RC
}

sandboxed() { # CASE [HYBOX RUN OPTIONS...]: sets RUN_OUT RUN_ERR RUN_RC
	local c=$1
	shift
	hy run --id "$(tid "$c")" "$@" -- "${CLEAN_ENV[@]}" HOME=/tmp TMPDIR=/tmp bash "$SELF" --case "$c"
}

result() { # OUT ERR RC
	printf 'exit %s\n--- stdout\n%s\n--- stderr\n%s\n' "$3" "$1" "$2"
}

# same CASE DESC [HYBOX RUN OPTIONS...]: the case exits 0 natively and
# prints the same inside.
same() {
	local want got
	native "$1"
	sandboxed "$1" "${@:3}"
	want=$(result "$N_OUT" "$N_ERR" "$N_RC")
	got=$(result "$RUN_OUT" "$RUN_ERR" "$RUN_RC")
	if [ "$N_RC" != 0 ] || [ -z "$N_OUT" ]; then
		not_ok "$2: the native run works (the case itself is broken)" "$want"
	elif [ "$got" == "$want" ]; then
		ok "$2: same output and exit status as natively"
	else
		not_ok "$2: same output and exit status as natively" \
			"$(diff -u <(echo "$want") <(echo "$got") | tail -n +3)"
	fi
}

# policy_exec_tmp: the default files rules (docs/policy.md), with x on /tmp.
policy_exec_tmp() {
	python3 -c '
import json
dev = ["null", "zero", "full", "random", "urandom", "tty", "pts", "ptmx"]
files = [{"path": "/", "access": "rx"}, {"path": "/tmp", "access": "rwxc"},
         {"path": "/dev/shm", "access": "rwc"}]
files += [{"path": "/dev/" + d, "access": "rw"} for d in dev]
print(json.dumps({"files": files}))
'
}

# have PACKAGE PROGRAM: the program is installed, or a TAP skip line says which
# package is missing.
have() {
	[ -x "$2" ] && return 0
	skip "$2 not installed (Debian package $1)"
	return 1
}

if have busybox-static /usr/bin/busybox; then
	same busybox "busybox sh, mkdir, cp, ls, tar, gzip, find, sha256sum"
	same redirections_busybox "busybox sh redirections, here-docs, pipes, FIFOs"

	# ps: the container's pid namespace shows its own few processes, the
	# host shows all of its own: compare sanity, not output.
	sandboxed busybox_ps
	assert_rc 0 "busybox ps runs inside"
	assert_match "$RUN_OUT" $'^ *PID +COMMAND\n' "busybox ps prints its header"
	assert_match "$RUN_OUT" $'\n +[0-9]+ +busybox ps -o pid,args(\n|$)' "busybox ps lists itself"
	assert_match "$RUN_OUT" $'\n +[0-9]+ +bash [^\n]*--case busybox_ps(\n|$)' "busybox ps lists the shell that started it"
	check "busybox ps sees only the container's processes ($(grep -c '' <<<"$RUN_OUT") lines)" \
		test "$(grep -c '' <<<"$RUN_OUT")" -le 6
	check "every pid busybox ps lists is small (a new pid namespace)" \
		test -z "$(awk 'NR > 1 && $1 > 10' <<<"$RUN_OUT")"

	# hostname: the container has its own UTS name (--hostname), and
	# setting it inside (emulated sethostname) shows in uname -n at once.
	sandboxed busybox_hostname --hostname real-programs
	assert_rc 0 "busybox hostname runs inside"
	assert_eq "$RUN_OUT" "real-programs
real-programs
renamed-inside
renamed-inside" "busybox hostname and uname -n print the container's name, and a new one once set"
	check "the host's hostname is unchanged ($(uname -n))" test "$(uname -n)" != renamed-inside
fi

have coreutils /usr/bin/stat && same coreutils "coreutils cp, mv, ln, rm, mkdir, sort, sha256sum, dd, tee, stat, truncate; sed -i, install, tar"
have python3 /usr/bin/python3 && same python3 "python3 threads, subprocess, tempfile, socketpair, fd passing"

# The default policy grants /tmp "rwc", not "x" (docs/policy.md): a program
# built there runs with a policy that adds "x", and is refused without it.
if have gcc /usr/bin/gcc; then
	exec_tmp="$TEST_TMP/exec-tmp.json"
	policy_exec_tmp >"$exec_tmp"
	same gcc "gcc compiles, archives, links and runs a C program in /tmp (policy: /tmp rwxc)" \
		--policy "$exec_tmp"
	sandboxed gcc
	assert_contains "$RUN_ERR" "./prog: Permission denied" \
		"default policy: gcc works in /tmp but running its output there is refused (no x on /tmp)"
fi
have git /usr/bin/git && same git "git init, add, commit, rm, checkout, gc, fsck, clone in /tmp"
have sqlite3 /usr/bin/sqlite3 && same sqlite3 "sqlite3 creates, queries, WAL and VACUUMs a database in /tmp"
have make /usr/bin/make && same make "make with pattern rules, rebuilds and -j2 in /tmp"
have bash /usr/bin/bash && same redirections_bash "bash redirections, here-docs, here-strings, pipes, FIFOs, process substitution"
have dash /usr/bin/dash && same redirections_dash "dash redirections, here-docs, pipes, FIFOs"

# `kill 0` signals the caller's process group (the `trap 'kill 0' EXIT` idiom
# of shell scripts that clean up their jobs): inside, that group must hold
# the container's processes only, not hybox or whatever shares its group
# outside. hybox runs in a session of its own here, so that a failure cannot
# reach this script; the wait status tells hybox's exit(137) from its death.
raw_status_own_session() { # CMD...: "exit N" or "signal N"
	timeout -k 5 60 python3 -c '
import subprocess, sys
r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, start_new_session=True)
print("signal %d" % -r.returncode if r.returncode < 0 else "exit %d" % r.returncode)
' "$@"
}
id=$(tid kill0)
got=$(raw_status_own_session "$HYBOX" run --id "$id" -- sh -c 'kill -KILL 0; sleep 5')
assert_eq "$got" "exit 137" "sh -c 'kill -KILL 0' kills the container's processes, not hybox (exit 137)"
assert_no_leftovers "$id"
# What a killed hybox leaves: its state directory and cgroup leaf.
rm -rf "${HYBOX_STATE_ROOT:?}/$id"
leaf="$(cg2_mount)/hybox/$id"
[ -d "$leaf" ] && wait_for 5 rmdir "$leaf" 2>/dev/null

done_testing
