#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The policy's "files" and "exec" sections, end to end, in a busybox rootfs
# (read-only, with fixtures under /data and /opt; /tmp is the container's
# tmpfs). For every rule kind an allowed operation goes through and a denied
# one fails with EACCES and exactly one "policy" event; audit mode lets the
# same calls run (they end as the kernel decides: EROFS on the read-only
# rootfs, success in /tmp) and reports them with decision "audit". Paths are
# resolved in the container: "..", absolute and relative symlinks never leave
# its root. A thread flipping the path under an open never gets the denied
# file. Without --policy ordinary shell redirections keep working, two
# containers with different policies running at once do not affect each
# other, and the host can still write every fixture afterwards.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3
FSPROBE=${PAYLOAD_DIR:-/nonexistent}/fsprobe
[ -x "$FSPROBE" ] || _t_skip_all "no fsprobe payload at $FSPROBE (make payloads)"

# --- the rootfs and its fixtures ---------------------------------------------

scratch_dir
ROOTFS=$SCRATCH/rootfs
MARK="hyt-root-$$-$RANDOM"   # the container's /etc/hostname
SECRET="secret-$$-$RANDOM"   # the container's /etc/secret

make_rootfs() {
	"$REPO_DIR/scripts/mkrootfs.sh" "$ROOTFS" "$FSPROBE" >/dev/null || return 1
	(
		set -e
		cd "$ROOTFS"
		echo "$MARK" >etc/hostname
		echo "$SECRET" >etc/secret
		mkdir -p data/ro data/rw/dir data/rwc/dir data/none data/race opt/ok uncovered
		for d in ro rw rwc none; do echo "$d-content" >"data/$d/file"; done
		echo uncovered-content >uncovered/file
		ln -s /etc/secret data/lnk-secret
		ln -s /etc/hostname data/lnk-hostname
		ln -s ../../../../../../etc/hostname data/lnk-up
		ln -s "$HYBOX" data/lnk-host # exists on the host, not in the container
		# Race files: names differ in one byte, so a torn path is one of them.
		echo ALLOWED >data/race/A
		echo DENIED >data/race/D
		cp bin/fsprobe opt/ok/tool
		cp bin/fsprobe opt/ok/nox
		cp bin/fsprobe opt/other
	)
}

if ! make_rootfs || [ ! -x "$ROOTFS/opt/other" ]; then
	not_ok "build the busybox rootfs with the fixtures"
	done_testing
fi
ok "busybox rootfs with fixtures in $ROOTFS"
[ "$(cat /etc/hostname 2>/dev/null)" != "$MARK" ] || _t_skip_all "host /etc/hostname equals the marker"
snapshot() { (cd "$ROOTFS" && find . -printf '%p %y %m %s %T@\n' | sort); }
BEFORE=$(snapshot)

# --- policies ----------------------------------------------------------------

ENFORCE=$TEST_TMP/enforce.json
cat >"$ENFORCE" <<'EOF'
{
  "mode": "enforce",
  "files": [
    { "path": "/bin",         "access": "rx" },
    { "path": "/etc",         "access": "r" },
    { "path": "/etc/secret",  "access": "" },
    { "path": "/data",        "access": "r" },
    { "path": "/data/rw",     "access": "rw" },
    { "path": "/data/rwc",    "access": "rwc" },
    { "path": "/data/none",   "access": "" },
    { "path": "/data/race/D", "access": "" },
    { "path": "/opt",         "access": "rx" },
    { "path": "/opt/ok/nox",  "access": "r" },
    { "path": "/tmp",         "access": "rwc" },
    { "path": "/tmp/noc",     "access": "rw" },
    { "path": "/dev/null",    "access": "rw" },
    { "path": "/dev/zero",    "access": "r" }
  ],
  "exec": ["/bin", "/opt/ok"]
}
EOF
AUDIT=$TEST_TMP/audit.json
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["mode"]="audit"; print(json.dumps(p))' \
	"$ENFORCE" >"$AUDIT"

# --- running and checking ----------------------------------------------------

# run_fs NAME POLICY|- CMD...: hybox run in the rootfs, events to $TEST_TMP/NAME.jsonl (EV).
run_fs() {
	local name=$1 pfile=$2 pol=()
	shift 2
	[ "$pfile" = - ] || pol=(--policy "$pfile")
	EV="$TEST_TMP/$name.jsonl"
	hy run --id "$(tid "$name")" --rootfs "$ROOTFS" "${pol[@]}" --events "$EV" -- "$@"
}

# fs NAME POLICY SUBCOMMAND...: fsprobe in the rootfs; with SETUP set (fsprobe
# arguments), that runs first and must print "ok".
fs() {
	local name=$1 pfile=$2
	shift 2
	if [ -z "${SETUP:-}" ]; then
		run_fs "$name" "$pfile" /bin/fsprobe "$@"
	else
		run_fs "$name" "$pfile" /bin/sh -c 'r=$(/bin/fsprobe '"$SETUP"')
			[ "$r" = ok ] || echo "setup '"$SETUP"': $r"; exec /bin/fsprobe "$@"' sh "$@"
	fi
}

assert_out() { # WANT DESC: stdout of the last run
	if [ "$RUN_OUT" = "$1" ]; then
		ok "$2"
	else
		not_ok "$2" "expected: $1" "got:      $RUN_OUT" "exit $RUN_RC, stderr: $RUN_ERR"
	fi
}

POL="kind('policy')"

no_policy_event() { # DESC
	assert_events "$EV" "len($POL) == 0 and len(kind('exit')) == 1" "$1: no policy event"
}

# policy_event DECISION AREA OP ACCESS PATH PATH2 DESC: exactly one policy
# event in $EV, with these fields (PATH2 "" means absent).
policy_event() {
	local e="${POL}[0]" x
	x="len($POL) == 1 and get($e, 'area') == '$2' and get($e, 'op') == '$3'"
	x="$x and get($e, 'decision') == '$1' and get($e, 'road') in ('emulated', 'bpf-lsm')"
	x="$x and sorted(get($e, 'access') or '') == sorted('$4') and get($e, 'path') == '$5'"
	if [ -n "$6" ]; then
		x="$x and get($e, 'path2') == '$6'"
	else
		x="$x and get($e, 'path2') is None"
	fi
	if [ "$1" = deny ]; then
		x="$x and get($e, 'errno') == 'EACCES'"
	else
		x="$x and get($e, 'errno') is None"
	fi
	assert_events "$EV" "$x" "$7: one $1 event: $2 $3 '$4' $5${6:+ -> $6}"
}

# denied NAME AUDIT_OUT AREA OP ACCESS PATH PATH2 SUBCOMMAND...: under the
# enforcing policy the call fails with EACCES and one deny event; under the
# audit policy it runs (AUDIT_OUT is what the kernel made of it) and is
# reported with one audit event.
denied() {
	local name=$1 audit_out=$2 area=$3 op=$4 acc=$5 path=$6 path2=$7
	shift 7
	fs "$name" "$ENFORCE" "$@"
	assert_out "err EACCES" "$name: fsprobe $* fails with EACCES"
	policy_event deny "$area" "$op" "$acc" "$path" "$path2" "$name"
	fs "$name-audit" "$AUDIT" "$@"
	assert_out "$audit_out" "$name (audit): fsprobe $* runs: $audit_out"
	policy_event audit "$area" "$op" "$acc" "$path" "$path2" "$name (audit)"
}

# allowed NAME WANT SUBCOMMAND...: under the enforcing policy, no event.
allowed() {
	local name=$1 want=$2
	shift 2
	fs "$name" "$ENFORCE" "$@"
	assert_out "$want" "$name: fsprobe $* -> $want"
	no_policy_event "$name"
}

# --- allowed by the rules ----------------------------------------------------

test_allowed() {
	allowed read-etc "$MARK" cat /etc/hostname
	allowed read-r "ro-content" cat /data/ro/file
	# The rootfs is read-only: EROFS proves the rules let the call through.
	allowed write-rw "err EROFS" open /data/rw/file w
	allowed rdwr-rw "err EROFS" open /data/rw/file rw
	allowed trunc-rw "err EROFS" truncate /data/rw/file
	allowed unlink-rwc "err EROFS" unlink /data/rwc/file
	allowed rmdir-rwc "err EROFS" rmdir /data/rwc/dir
	allowed mkdir-rwc "err EROFS" mkdir /data/rwc/new
	allowed rename-rwc "err EROFS" rename /data/rwc/file /data/rwc/moved
	allowed create-rwc "err EROFS" open /data/rwc/new creat
	allowed exec-bin "ok" exec /bin/busybox true
	allowed exec-list "ok" exec /opt/ok/tool stat /
	allowed execveat-list "ok" execveat /opt/ok/tool stat /
	allowed null-write "ok" open /dev/null w
	allowed opath-none "ok" open /data/none/file path
}

# Everything c, r and w allow in /tmp, in one container.
test_tmp_ops() {
	run_fs tmp-ops "$ENFORCE" /bin/sh -c '
		f=/bin/fsprobe
		$f open /tmp/a excl; $f write /tmp/a hello; $f cat /tmp/a
		$f mkdir /tmp/d; $f rename /tmp/a /tmp/d/b; $f link /tmp/d/b /tmp/c
		$f symlink /tmp/c /tmp/s; $f cat /tmp/s; $f mkfifo /tmp/p; $f truncate /tmp/c
		$f cat /tmp/c; $f unlink /tmp/c; $f unlink /tmp/d/b; $f rmdir /tmp/d; $f stat /tmp/d'
	assert_out "$(printf '%s\n' ok ok hello ok ok ok ok hello ok ok "" ok ok ok "err ENOENT")" \
		"/tmp (rwc): create, write, read, mkdir, rename, link, symlink, mkfifo, truncate, unlink, rmdir"
	no_policy_event "tmp-ops"
}

# O_CREAT, mkdir and mknod where c is granted: the file appears with the mode
# asked for, minus the umask.
test_create_modes() {
	run_fs umask027 "$ENFORCE" /bin/sh -c 'f=/bin/fsprobe
		$f umask 027 open /tmp/f creat; $f stat /tmp/f
		$f umask 027 mkdir /tmp/d; $f stat /tmp/d
		$f umask 077 mkfifo /tmp/p; $f stat /tmp/p'
	assert_out "$(printf '%s\n' ok "f 0640" ok "d 0750" ok "p 0600")" \
		"umask 027/077: open(O_CREAT, 0666) -> 0640, mkdir(0777) -> 0750, mknod(fifo 0666) -> 0600"
	run_fs umask002 "$ENFORCE" /bin/sh -c 'f=/bin/fsprobe
		$f umask 002 creat /tmp/f; $f stat /tmp/f; $f umask 002 openat2 /tmp/g creat; $f stat /tmp/g'
	assert_out "$(printf '%s\n' ok "f 0664" ok "f 0664")" "umask 002: creat(0666) and openat2(O_CREAT, 0666) -> 0664"
	no_policy_event "umask002"
}

# --- denied by the rules, and the same calls audited -------------------------

test_denied_files() {
	#      name         audit result      area  op       access path          path2 ("" none)  fsprobe arguments
	denied write-ro     "err EROFS"       files open     w   /data/ro/file      "" open /data/ro/file w
	denied rdwr-ro      "err EROFS"       files open     rw  /data/ro/file      "" open /data/ro/file rw
	denied append-ro    "err EROFS"       files open     w   /data/ro/file      "" open /data/ro/file append
	denied otrunc-ro    "err EROFS"       files open     w   /data/ro/file      "" open /data/ro/file trunc
	denied rtrunc-ro    "err EROFS"       files open     rw  /data/ro/file      "" open /data/ro/file rtrunc
	denied creat-ro     "err EROFS"       files open     w   /data/ro/file      "" creat /data/ro/file
	denied truncate-ro  "err EROFS"       files truncate w   /data/ro/file      "" truncate /data/ro/file
	denied read-none    "none-content"    files open     r   /data/none/file    "" cat /data/none/file
	denied read-uncov   "uncovered-content" files open   r   /uncovered/file    "" cat /uncovered/file
	denied openat-none  "ok"              files open     r   /data/none/file    "" openat /data none/file r
	denied openat2-none "ok"              files open     r   /data/none/file    "" openat2 /data/none/file r
	denied zero-write   "ok"              files open     w   /dev/zero          "" open /dev/zero w
	# c: the entry itself, on a writable file system (/tmp/noc is rw) and on the rootfs
	denied create-noc   "ok"              files create   wc  /tmp/noc           "" open /tmp/noc creat
	denied creat-noc    "ok"              files create   wc  /tmp/noc           "" creat /tmp/noc
	denied openat2-noc  "ok"              files create   wc  /tmp/noc           "" openat2 /tmp/noc creat
	denied create-rw    "err EROFS"       files create   wc  /data/rw/new       "" open /data/rw/new creat
	denied mkdir-noc    "ok"              files mkdir    c   /tmp/noc           "" mkdir /tmp/noc
	denied mkfifo-noc   "ok"              files create   c   /tmp/noc           "" mkfifo /tmp/noc
	denied symlink-noc  "ok"              files create   c   /tmp/noc           "" symlink /etc/hostname /tmp/noc
	denied unlink-rw    "err EROFS"       files unlink   c   /data/rw/file      "" unlink /data/rw/file
	denied rmdir-rw     "err EROFS"       files unlink   c   /data/rw/dir       "" rmdir /data/rw/dir
	denied link-rw      "err EROFS"       files link     c   /data/rw/file /data/rw/l2 link /data/rw/file /data/rw/l2
	SETUP="creat /tmp/f" \
	denied link-noc     "ok"              files link     c   /tmp/f        /tmp/noc   link /tmp/f /tmp/noc
	# rename: c on the source (path) and on the destination (path2)
	denied rename-src   "err EROFS"       files rename   c   /data/rw/file /data/rwc/x rename /data/rw/file /data/rwc/x
	SETUP="creat /tmp/f" \
	denied rename-dst   "ok"              files rename   c   /tmp/f        /tmp/noc   rename /tmp/f /tmp/noc
}

test_denied_exec() {
	denied exec-nox     "ok"              exec  exec     x   /opt/ok/nox        "" exec /opt/ok/nox stat /
	denied exec-list    "ok"              exec  exec     x   /opt/other         "" exec /opt/other stat /
	denied execveat-list "ok"             exec  exec     x   /opt/other         "" execveat /opt/other stat /
}

# --- resolution stays in the container ---------------------------------------

test_resolution() {
	allowed dotdot-rel "$MARK" relative /data ../../../../../etc/hostname
	allowed dotdot-tmp "$MARK" relative /tmp ../../../../../../../etc/hostname
	allowed dotdot-abs "$MARK" cat /../../../etc/hostname
	allowed lnk-abs "$MARK" cat /data/lnk-hostname
	allowed lnk-up "$MARK" cat /data/lnk-up
	allowed lnk-host "err ENOENT" cat /data/lnk-host
	allowed openat-up "ok" openat /data ../../../../etc/hostname r
	allowed openat2-in-root "ok" openat2 ../../../../etc/hostname r in-root
	denied lnk-secret "$SECRET" files open r /etc/secret "" cat /data/lnk-secret
	denied dotdot-secret "$SECRET" files open r /etc/secret "" relative /data ../../../../../etc/secret
	denied openat-secret "ok" files open r /etc/secret "" openat /data ../../../etc/secret r
	# O_PATH needs no rule; reading through its /proc/self/fd magic link does.
	denied reopen-secret "$SECRET" files open r /etc/secret "" reopen /etc/secret
}

# --- the race: the path changes under the open --------------------------------

race() { # NAME ALLOWED DENIED MODE
	run_fs "race-$1" "$ENFORCE" /bin/fsprobe race "$2" "$3" 3 "$4"
	local stats=${RUN_OUT%%$'\n'*}
	assert_out "$stats"$'\nRACE-OK' "race $1: 3 s of open($4) on a path flipping $2 <-> $3 never opens $3 ($stats)"
	check "race $1: both paths were opened and denied (the race happened)" \
		bash -c '[[ $1 =~ allowed=[1-9][0-9]*\ denied=[1-9] ]]' _ "$stats"
	assert_events "$EV" "len($POL) >= 1 and all(get(e, 'path') == '$3' and get(e, 'decision') == 'deny' for e in $POL)" \
		"race $1: every policy event names $3 (never $2)"
}

test_race() {
	race read /data/race/A /data/race/D r
	race write /dev/null /dev/zero w
}

# --- streams and the default policy ------------------------------------------

# run_piped NAME POLICY|- CMD...: like run_fs with stdout and stderr to pipes.
run_piped() {
	local name=$1 pfile=$2 pol=()
	shift 2
	[ "$pfile" = - ] || pol=(--policy "$pfile")
	EV="$TEST_TMP/$name.jsonl"
	run_capture bash -c 'set -o pipefail; { "$@" 2>&1 1>&3 3>&- | cat >&2; } 3>&1 | cat' _ \
		"$HYBOX" run --id "$(tid "$name")" --rootfs "$ROOTFS" "${pol[@]}" --events "$EV" -- "$@"
}

# run_files NAME CMD...: default policy, stdout and stderr to regular files
# outside /tmp (as in `hybox run ... >log 2>err`); sets RUN_OUT/RUN_ERR/RUN_RC.
run_files() {
	local name=$1
	shift
	EV="$TEST_TMP/$name.jsonl"
	run_capture bash -c '"$@" >"$0.out" 2>"$0.err"' "$SCRATCH/$name" \
		"$HYBOX" run --id "$(tid "$name")" --rootfs "$ROOTFS" --events "$EV" -- "$@"
	RUN_OUT=$(cat "$SCRATCH/$name.out")
	RUN_ERR=$(cat "$SCRATCH/$name.err")
}

SHELL_SCRIPT='echo hi > /tmp/x; cat /tmp/x; echo err >&2; echo y > /dev/null; cat /dev/null
	echo err2 > /dev/stderr; echo out2 > /dev/stdout; echo out3 >> /dev/stdout'

# The redirections a shell makes to its own streams, with no file in /tmp:
# what the host's busybox sh writes to regular files is the reference
# (O_TRUNC of "> /dev/stdout" truncates a regular file).
STREAM_SCRIPT='echo out1; echo err1 >&2; echo out2 > /dev/stdout; echo err2 > /dev/stderr
	echo out3 >> /dev/stdout; echo err3 >> /dev/stderr; echo out4'

check_shell_output() { # DESC
	assert_out "$(printf '%s\n' hi out2 out3)" "$1: stdout"
	assert_eq "$RUN_ERR" "$(printf '%s\n' err err2)" "$1: stderr"
	assert_rc 0 "$1: exit 0"
}

test_default_policy() {
	local want_out want_err
	run_piped default-sh - /bin/sh -c "$SHELL_SCRIPT"
	check_shell_output "default policy, pipes: echo > /tmp/x, cat, >&2, > /dev/null, > /dev/stderr, > /dev/stdout"
	no_policy_event "default-sh"
	run_piped default-stdout - /bin/fsprobe stdout
	assert_out "$(printf '%s\n' "via /dev/stdout" "via /dev/fd/1" "via /proc/self/fd/1")" \
		"default policy: /dev/stdout, /dev/fd/1, /proc/self/fd/1 reopen the stdout pipe"
	assert_eq "$RUN_ERR" "via /dev/stderr" "default policy: /dev/stderr reopens the stderr pipe"
	# hybox run ... >log 2>err: the streams are regular files on the host.
	"$(busybox_static)" sh -c "$STREAM_SCRIPT" >"$SCRATCH/host.out" 2>"$SCRATCH/host.err"
	want_out=$(cat "$SCRATCH/host.out") want_err=$(cat "$SCRATCH/host.err")
	run_files default-files /bin/sh -c "$STREAM_SCRIPT"
	assert_out "$want_out" "default policy, streams are files: > /dev/stdout, >> /dev/stdout as on the host"
	assert_eq "$RUN_ERR" "$want_err" "default policy, streams are files: > /dev/stderr, >> /dev/stderr as on the host"
	no_policy_event "default-files"
	run_piped enforce-stdout "$ENFORCE" /bin/fsprobe stdout
	assert_out "$(printf '%s\n' "via /dev/stdout" "via /dev/fd/1" "via /proc/self/fd/1")" \
		"restrictive policy: the task's own streams still reopen (no rule needed)"
	assert_eq "$RUN_ERR" "via /dev/stderr" "restrictive policy: /dev/stderr still reopens"
	no_policy_event "enforce-stdout"
	run_piped enforce-sh "$ENFORCE" /bin/sh -c "$SHELL_SCRIPT"
	check_shell_output "restrictive policy, pipes: the same script"
}

# --- two containers at once ---------------------------------------------------

test_concurrent() {
	local pa="$TEST_TMP/deny-hostname.json" pb="$TEST_TMP/allow-hostname.json"
	local ida ida_out idb idb_out pida pidb
	echo '{"files": [{"path": "/", "access": "rx"}, {"path": "/etc/hostname", "access": ""}]}' >"$pa"
	echo '{"files": [{"path": "/", "access": "rx"}, {"path": "/etc", "access": "r"}]}' >"$pb"
	ida=$(tid conc-deny) idb=$(tid conc-allow)
	ida_out="$TEST_TMP/conc-deny.out" idb_out="$TEST_TMP/conc-allow.out"
	bg_start "$HYBOX" run --id "$ida" --rootfs "$ROOTFS" --policy "$pa" --events "$TEST_TMP/conc-deny.jsonl" \
		-- /bin/fsprobe loop 3 /etc/hostname >"$ida_out" 2>&1
	pida=$BG_PID
	bg_start "$HYBOX" run --id "$idb" --rootfs "$ROOTFS" --policy "$pb" --events "$TEST_TMP/conc-allow.jsonl" \
		-- /bin/fsprobe loop 3 /etc/hostname >"$idb_out" 2>&1
	pidb=$BG_PID
	check "both containers run at the same time" \
		wait_for 10 test -d "$HYBOX_STATE_ROOT/$ida" -a -d "$HYBOX_STATE_ROOT/$idb"
	wait "$pida"
	wait "$pidb"
	assert_match "$(cat "$ida_out")" '^err EACCES [1-9][0-9]+$' \
		"container denying /etc/hostname: every read for 3 s failed with EACCES"
	assert_match "$(cat "$idb_out")" '^ok [1-9][0-9]+$' \
		"container allowing /etc/hostname, at the same time: every read for 3 s succeeded"
	EV="$TEST_TMP/conc-deny.jsonl"
	assert_events "$EV" "len($POL) >= 1 and all(get(e, 'path') == '/etc/hostname' and get(e, 'container.id') == '$ida' for e in $POL)" \
		"the denying container's events are its own, for /etc/hostname"
	EV="$TEST_TMP/conc-allow.jsonl"
	no_policy_event "the allowing container"
	assert_no_leftovers "$ida" "" "$ROOTFS"
	assert_no_leftovers "$idb" "" "$ROOTFS"
}

# --- the host is unaffected ------------------------------------------------------

test_host() {
	assert_eq "$(snapshot)" "$BEFORE" "the rootfs is unchanged by every run (audit runs included)"
	check "host: append to a file the containers could only read" \
		bash -c 'echo host >>"$1/data/ro/file" && tail -n 1 "$1/data/ro/file" | grep -qx host' _ "$ROOTFS"
	check "host: write a file the containers could not open" \
		bash -c 'echo host >"$1/etc/secret" && grep -qx host "$1/etc/secret"' _ "$ROOTFS"
	check "host: create, rename and remove entries where the containers had no c" \
		bash -c 'cd "$1/data/rw" && : >n && mv n m && ln m l && rm m l && mkdir d2 && rmdir d2 dir && rm file' _ "$ROOTFS"
	check "host: run what the containers could not exec" bash -c '"$1" stat / >/dev/null' _ "$ROOTFS/opt/other"
}

test_allowed
test_tmp_ops
test_create_modes
test_denied_files
test_denied_exec
test_resolution
test_race
test_default_policy
test_concurrent
test_host
assert_no_leftovers "$(tid write-ro)" "" "$ROOTFS"
done_testing
