#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The BPF LSM road of the object policy (bpf/lsm.bpf.c, user/lsm.c), driven
# by /hybox/bin/lsmctl (tests/vm/lsmctl.c) without the rest of hybox: one
# load of the programs, a cgroup per policy (enforce, audit, exec allow-list,
# cgroup-writable), and one case per rule kind, each a single operation run
# in one of those cgroups (or outside them) by `lsmctl sys`. Every case
# checks the operation's result and that it caused exactly the expected
# events: one per denial (area, op, decision, ret, path/address/target), none
# when allowed. Then a few runs of the real `hybox run`, which takes the same
# road here, with its JSON events. Runs inside the VM only
# (scripts/vmtest.sh); the programs failing to load is a failure, never a
# skip (the failure shows the verifier's complaint, from `lsmctl verify`).
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
# shellcheck source=vmlib.sh
. "$(dirname "$0")/vmlib.sh"
require root cgroup2

LSMCTL=${LSMCTL:-/hybox/bin/lsmctl}
if [ ! -x "$LSMCTL" ]; then
	not_ok "lsmctl driver present at $LSMCTL (scripts/vmtest.sh installs it)"
	done_testing
fi
CG2=$(cg2_mount)
CGROOT=$CG2/hytest-lsm-$$
mkdir "$CGROOT" || {
	not_ok "create $CGROOT"
	done_testing
}
scratch_dir
W=$SCRATCH

# --- fixture ----------------------------------------------------------------
mkdir -p "$W"/data "$W"/ro/sub "$W"/rw/rmme "$W"/rw/mnt "$W"/bin "$W"/xbin "$W"/mp \
	"$W"/rconly "$W"/data2
echo hello >"$W"/data/public
echo secret >"$W"/data/secret
for f in ro/f ro/g rw/keep rw/victim rw/mv1 rw/trunc2 rw/linksrc trunc rconly/f rconly/own \
	data2/file; do
	echo x >"$W/$f"
done
# A rule names the object its path resolves to (symlinks followed), as kernel-emu does.
ln -s "$W"/data2 "$W"/symdir
cp "$LSMCTL" "$W"/bin/lsmctl
cp "$LSMCTL" "$W"/xbin/lsmctl
# Leaves the container's cgroup for a child of its own, then opens the secret.
cat >"$W"/xbin/nest.sh <<EOF
mkdir $CGROOT/cgw/sub && echo \$\$ >$CGROOT/cgw/sub/cgroup.procs &&
	exec $LSMCTL sys open $W/data/secret r
EOF
mount -t tmpfs none "$W"/mp
bg_start sleep 1000
OUTPID=$BG_PID

files='{"path": "/", "access": "rx"},
	{"path": "'$W'/data", "access": "r"},
	{"path": "'$W'/data/secret", "access": ""},
	{"path": "'$W'/ro", "access": "r"},
	{"path": "'$W'/rw", "access": "rwc"},
	{"path": "'$W'/rw/keep", "access": "rw"},
	{"path": "'$W'/trunc", "access": "r"},
	{"path": "'$W'/bin", "access": "r"},
	{"path": "'$W'/xbin", "access": "rx"},
	{"path": "'$W'/missing", "access": "rwc"},
	{"path": "'$W'/rconly", "access": "rc"},
	{"path": "'$W'/rconly/own", "access": "rc"},
	{"path": "'$W'/symdir", "access": "rw"}'
cat >"$W"/enforce.json <<EOF
{
  "files": [ $files ],
  "network": { "default": "allow", "rules": [
    { "action": "deny", "family": "inet", "direction": "connect", "cidr": "10.0.0.0/8" },
    { "action": "allow", "family": "inet", "direction": "connect", "cidr": "10.1.2.3/32", "ports": "80" },
    { "action": "deny", "family": "inet", "cidr": "127.0.0.0/8", "ports": "7777" },
    { "action": "deny", "family": "inet", "direction": "bind", "ports": "8080" },
    { "action": "deny", "family": "inet6", "direction": "connect", "cidr": "fd00::/8" },
    { "action": "deny", "family": "unix", "direction": "connect" }
  ]},
  "process": { "ptrace": "deny", "signals": "container", "mount": "deny" }
}
EOF
cat >"$W"/exec.json <<EOF
{ "files": [ $files ], "exec": ["/hybox/bin", "/bin"] }
EOF
cat >"$W"/ptrace.json <<EOF
{ "files": [ $files ], "process": { "ptrace": "allow", "signals": "container", "mount": "deny" } }
EOF
cat >"$W"/cgw.json <<EOF
{ "files": [ $files, {"path": "$CG2", "access": "rwc"} ] }
EOF

# --- cases ------------------------------------------------------------------
# case ID POLICY|- OP ARGS...: one `lsmctl sys` operation; EXPECT[ID] is its
# output, EVENT[ID] an ERE the one event it causes must match ("" : none).
declare -A EXPECT EVENT
ORDER=()
script=$W/batch
{
	echo "policy enf $W/enforce.json"
	echo "policy aud $W/enforce.json audit"
	echo "policy exl $W/exec.json"
	echo "policy ptr $W/ptrace.json"
	echo "policy cgw $W/cgw.json"
} >"$script"
case_() { # ID WHERE EXPECT EVENT_ERE OP ARGS...
	local id=$1 where=$2
	EXPECT[$id]=$3
	EVENT[$id]=$4
	ORDER+=("$id")
	shift 4
	echo "case $id $where $LSMCTL sys $*" >>"$script"
}
deny_files() { # OP ACCESS PATH [PATH2]
	echo "area=files op=$1 decision=deny road=bpf-lsm access=$2 ret=-13 .* path=$3 path2=${4:-} comm="
}

# files: read, write
case_ read-ok enf ok "" open "$W"/data/public r
case_ read-denied enf "err EACCES" "$(deny_files open r "$W"/data/secret)" open "$W"/data/secret r
case_ write-denied enf "err EACCES" "$(deny_files open w "$W"/data/public)" open "$W"/data/public w
case_ rw-ok enf ok "" open "$W"/rw/victim rw
case_ dir-read-ok enf ok "" open "$W"/ro dir
# files: c (create, mkdir, unlink, rmdir, rename, link, symlink, mknod)
case_ create-denied enf "err EACCES" "$(deny_files create c "$W"/ro/new)" creat "$W"/ro/new
case_ create-ok enf ok "" creat "$W"/rw/new
case_ mkdir-denied enf "err EACCES" "$(deny_files mkdir c "$W"/ro/newdir)" mkdir "$W"/ro/newdir
case_ mkdir-ok enf ok "" mkdir "$W"/rw/newdir
case_ unlink-denied enf "err EACCES" "$(deny_files unlink c "$W"/ro/f)" unlink "$W"/ro/f
case_ unlink-own-rule enf "err EACCES" "$(deny_files unlink c "$W"/rw/keep)" unlink "$W"/rw/keep
case_ unlink-ok enf ok "" unlink "$W"/rw/victim
case_ rmdir-denied enf "err EACCES" "$(deny_files unlink c "$W"/ro/sub)" rmdir "$W"/ro/sub
case_ rmdir-ok enf ok "" rmdir "$W"/rw/rmme
case_ rename-src-denied enf "err EACCES" "$(deny_files rename c "$W"/ro/g "$W"/rw/g)" \
	rename "$W"/ro/g "$W"/rw/g
case_ rename-dst-denied enf "err EACCES" "$(deny_files rename c "$W"/rw/mv1 "$W"/ro/mv1)" \
	rename "$W"/rw/mv1 "$W"/ro/mv1
case_ rename-ok enf ok "" rename "$W"/rw/mv1 "$W"/rw/mv2
case_ link-denied enf "err EACCES" "$(deny_files link c "$W"/rw/linksrc "$W"/ro/l)" \
	link "$W"/rw/linksrc "$W"/ro/l
case_ link-ok enf ok "" link "$W"/rw/linksrc "$W"/rw/l2
# rename/link may not give an object more r/w/x (EXDEV: mv copies instead), no event;
# a rule on the object's own inode moves with it, so it gains nothing.
case_ link-gain-exdev enf "err EXDEV" "" link "$W"/ro/f "$W"/rw/f-link
case_ rename-gain-exdev enf "err EXDEV" "" rename "$W"/rconly/f "$W"/rw/f
case_ rename-own-rule enf ok "" rename "$W"/rconly/own "$W"/rw/own
case_ moved-rule-stays enf "err EACCES" "$(deny_files open w "$W"/rw/own)" open "$W"/rw/own w
case_ symlink-denied enf "err EACCES" "$(deny_files create c "$W"/ro/sl)" symlink x "$W"/ro/sl
case_ mkfifo-denied enf "err EACCES" "$(deny_files create c "$W"/ro/fifo)" mkfifo "$W"/ro/fifo
# A rule whose path does not exist at start binds nothing: the nearest rule above decides.
case_ missing-rule enf "err EACCES" "$(deny_files mkdir c "$W"/missing)" mkdir "$W"/missing
case_ symlink-rule enf ok "" open "$W"/data2/file w
# files: truncate
case_ truncate-denied enf "err EACCES" "$(deny_files truncate w "$W"/trunc)" truncate "$W"/trunc
case_ otrunc-denied enf "err EACCES" "$(deny_files open rw "$W"/trunc)" open "$W"/trunc rt
case_ truncate-ok enf ok "" truncate "$W"/rw/trunc2
case_ ftruncate-ok enf ok "" ftruncate "$W"/rw/trunc2
# exec: x bit, allow-list
case_ exec-nox enf "err EACCES" \
	"area=exec op=exec decision=deny road=bpf-lsm access=x ret=-13 .* path=$W/bin/lsmctl path2= " \
	exec "$W"/bin/lsmctl sys open / dir
case_ exec-ok enf ok "" exec "$W"/xbin/lsmctl sys open / dir
case_ exec-list-denied exl "err EACCES" \
	"area=exec op=exec decision=deny road=bpf-lsm access=x ret=-13 .* path=$W/xbin/lsmctl path2= " \
	exec "$W"/xbin/lsmctl sys open / dir
case_ exec-list-ok exl ok "" exec "$LSMCTL" sys open / dir
# network: socket families
case_ packet-denied enf "err EPERM" \
	"area=net op=socket decision=deny road=bpf-lsm access= ret=-1 family=packet " \
	socket packet dgram
case_ raw-denied enf "err EPERM" "area=net op=socket decision=deny .* ret=-1 family=raw " \
	socket inet raw
case_ netlink-ok enf ok "" socket netlink dgram
case_ inet-socket-ok enf ok "" socket inet stream
# network: connect, bind, sendto
case_ connect-cidr-denied enf "err EPERM" \
	"area=net op=connect decision=deny road=bpf-lsm access= ret=-1 family=inet addr=10.9.9.9 port=80 " \
	connect inet 10.9.9.9 80
# allowed by the more specific rule: the kernel then tries (no route in the VM)
case_ connect-specific-ok enf "err ENETUNREACH" "" connect inet 10.1.2.3 80
case_ connect-port-denied enf "err EPERM" \
	"op=connect decision=deny .* family=inet addr=127.0.0.1 port=7777 " connect inet 127.0.0.1 7777
case_ connect-ok enf "err ECONNREFUSED" "" connect inet 127.0.0.1 7778
case_ connect-mapped-denied enf "err EPERM" \
	"op=connect decision=deny .* family=inet addr=127.0.0.1 port=7777 " \
	connect inet6 ::ffff:127.0.0.1 7777
case_ connect6-denied enf "err EPERM" "op=connect decision=deny .* family=inet6 addr=fd00::1 port=443 " \
	connect inet6 fd00::1 443
case_ bind-denied enf "err EPERM" "op=bind decision=deny .* family=inet addr=127.0.0.1 port=8080 " \
	bind inet 127.0.0.1 8080
case_ bind-ok enf ok "" bind inet 127.0.0.1 8081
case_ sendto-denied enf "err EPERM" "op=connect decision=deny .* family=inet addr=10.9.9.9 port=53 " \
	sendto inet 10.9.9.9 53
case_ unix-connect-denied enf "err EPERM" "op=connect decision=deny .* family=unix .* path=$W/sock " \
	connect unix "$W"/sock
case_ unix-bind-ok enf ok "" bind unix "$W"/rw/sock
# process: signals, ptrace, mounts
case_ kill-outside-denied enf "err EPERM" \
	"area=process op=signal decision=deny road=bpf-lsm access= ret=-1 .* target=$OUTPID sig=15 " \
	kill "$OUTPID" 15
case_ kill-inside-ok enf ok "" killchild 15
case_ ptrace-denied enf "err EPERM" "area=process op=ptrace decision=deny .* ret=-1 " ptracechild
case_ ptrace-inside-ok ptr ok "" ptracechild
case_ ptrace-outside-denied ptr "err EPERM" "op=ptrace decision=deny .* target=$OUTPID " \
	ptrace "$OUTPID"
case_ mount-denied enf "err EPERM" \
	"area=process op=mount decision=deny road=bpf-lsm access= ret=-1 .* path=$W/rw/mnt " \
	mount "$W"/rw/mnt
case_ umount-denied enf "err EPERM" "op=mount decision=deny .* path=$W/mp " umount "$W"/mp
# audit: the same operations go through, each with one AUDIT event
case_ audit-read aud ok "area=files op=open decision=audit road=bpf-lsm access=r ret=0 .* path=$W/data/secret " \
	open "$W"/data/secret r
case_ audit-mkdir aud ok "op=mkdir decision=audit .* ret=0 .* path=$W/ro/auditdir " mkdir "$W"/ro/auditdir
case_ audit-exec aud ok "area=exec op=exec decision=audit .* ret=0 " exec "$W"/bin/lsmctl sys open / dir
case_ audit-packet aud ok "op=socket decision=audit .* ret=0 family=packet " socket packet dgram
case_ audit-connect aud "err ECONNREFUSED" "op=connect decision=audit .* ret=0 .* port=7777 " \
	connect inet 127.0.0.1 7777
case_ audit-kill aud ok "op=signal decision=audit .* ret=0 .* target=$OUTPID sig=0 " kill "$OUTPID" 0
# outside every container: untouched, no events
case_ outside-read - ok "" open "$W"/data/secret r
case_ outside-packet - ok "" socket packet dgram
case_ outside-kill - ok "" kill "$OUTPID" 0
case_ outside-mkdir - ok "" mkdir "$W"/ro/outside
# A task that moves to a child cgroup of its container stays confined.
echo "case nested cgw /bin/sh $W/xbin/nest.sh" >>"$script"
ORDER+=(nested)
EXPECT[nested]="err EACCES"
EVENT[nested]=$(deny_files open r "$W"/data/secret)

# --- run and check -------------------------------------------------------------
out=$W/batch.out
t0=$(cut -d" " -f1 /proc/uptime)
"$LSMCTL" batch --cgroup-root "$CGROOT" <"$script" >"$out" 2>"$W"/batch.err
rc=$?
t1=$(cut -d" " -f1 /proc/uptime)
echo "# batch of ${#ORDER[@]} cases took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')s"
if grep -qx "load ok" "$out"; then
	ok "the LSM programs load and attach"
else
	# With the verifier's complaint when a program is refused (`lsmctl verify` loads each alone).
	not_ok "the LSM programs load and attach" "$(head -n 3 "$out")" "$(head -n 5 "$W"/batch.err)" \
		"$("$LSMCTL" verify 2>&1 | grep -v '^libbpf: ' | grep -A 25 FAILED | head -n 30)"
fi
for p in enf aud exl ptr cgw; do
	assert_file_has "$out" "^policy $p ok$" "policy $p added"
done
assert_eq "$rc" 0 "lsmctl batch exits 0"
assert_eq "$(grep -c '^lost ' "$out")" 0 "no event lost"

for id in "${ORDER[@]}"; do
	got=$(sed -n "s/^case $id rc=[0-9]* out=//p" "$out")
	assert_eq "$got" "${EXPECT[$id]}" "$id: ${EXPECT[$id]}"
	evts=$(grep "^evt $id " "$out")
	n=$(grep -c "^evt $id " "$out")
	if [ -z "${EVENT[$id]}" ] && [ "$n" = 0 ]; then
		ok "$id: no event"
	elif [ -z "${EVENT[$id]}" ]; then
		not_ok "$id: no event (got $n)" "$evts"
	elif [ "$n" = 1 ]; then
		assert_match "$evts" "${EVENT[$id]}" "$id: one event, as expected"
	else
		not_ok "$id: exactly one event (got $n)" "$evts"
	fi
done

# --- end to end: hybox run takes the bpf-lsm road -------------------------------
# The same rules through the real runtime (user/cmd_run.c binds them after the
# container's mounts exist, before its command runs) and its event exporter.
evf=$W/run-events.jsonl
id=$(tid lsm-read)
hy run --id "$id" --policy "$W"/enforce.json --events "$evf" -- "$LSMCTL" sys open "$W"/data/secret r
assert_eq "$RUN_OUT" "err EACCES" "hybox run: a denied read fails with EACCES"
pol=$(grep '"kind":"policy"' "$evf")
assert_eq "$(printf '%s\n' "$pol" | grep -c .)" 1 "hybox run: one policy event"
flat=$(printf '%s\n' "$pol" | head -n 1 | json_flat)
for kv in area=files op=open decision=deny road=bpf-lsm errno=EACCES access=r \
	path="$W"/data/secret; do
	assert_eq "$(json_value "$flat" "${kv%%=*}")" "${kv#*=}" "hybox run: policy event ${kv%%=*}"
done
assert_no_leftovers "$id"

# The default policy ("/" rx, "/tmp" rwc, ...) applies to the container's own mounts.
id=$(tid lsm-default-tmp)
hy run --id "$id" -- "$LSMCTL" sys creat /tmp/new
assert_eq "$RUN_OUT" ok "hybox run, default policy: create in the container's /tmp"
id=$(tid lsm-default-run)
hy run --id "$id" -- "$LSMCTL" sys mkdir /run/new
assert_eq "$RUN_OUT" "err EACCES" "hybox run, default policy: no c on the container's /run"

umount "$W"/mp
rmdir "$CGROOT"
if [ -e "$CGROOT" ]; then not_ok "test cgroups removed" "$CGROOT is left"; else ok "test cgroups removed"; fi
done_testing
