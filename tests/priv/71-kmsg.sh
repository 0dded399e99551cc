#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The container's own /dev/kmsg (kernel-emu/kmsg.c, served by viewfs.c):
# one record per read in the dev-kmsg format, EAGAIN at the end for
# O_NONBLOCK, blocking reads woken by a new record, lseek, writes with a
# "<N>" level, util-linux dmesg reading it, and never the host's log.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 python3 fuse

scratch_dir
# Writing the log takes a files rule (the default policy lets /dev/kmsg be read only).
policy=$SCRATCH/kmsg-policy.json
cat >"$policy" <<'JSON'
{"files": [{"path": "/", "access": "rx"}, {"path": "/dev/kmsg", "access": "rw"},
           {"path": "/dev/null", "access": "rw"}, {"path": "/dev/tty", "access": "rw"},
           {"path": "/tmp", "access": "rwc"}]}
JSON

# reader.py MODE: MODE nonblock prints every record then "EAGAIN"; the other
# modes check one behaviour each and print one line.
reader=$SCRATCH/reader.py
cat >"$reader" <<'PY'
import errno, os, signal, sys, time
mode = sys.argv[1]
if mode == "nonblock":
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    while True:
        try:
            rec = os.read(fd, 8192)
        except BlockingIOError:
            print("EAGAIN")
            break
        print("REC " + rec.decode(errors="replace").replace("\n", "\\n"))
elif mode == "seek":
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    first = os.read(fd, 8192)
    os.read(fd, 8192)
    os.lseek(fd, 0, os.SEEK_SET)
    again = os.read(fd, 8192) == first
    os.lseek(fd, 0, os.SEEK_END)
    try:
        os.read(fd, 8192)
        end = "record"
    except BlockingIOError:
        end = "EAGAIN"
    small = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    try:
        os.read(small, 4)
        short = "read"
    except OSError as e:
        short = errno.errorcode[e.errno]
    print(f"set0={again} end={end} short={short}")
elif mode == "endpoll":
    import select
    fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    os.lseek(fd, 0, os.SEEK_END)
    p = select.poll()
    p.register(fd, select.POLLIN)
    before = p.poll(0)
    os.write(os.open("/dev/kmsg", os.O_WRONLY), b"<6>between")
    between = os.read(fd, 8192).decode().endswith(";between\n")
    if os.fork() == 0:
        time.sleep(0.3)
        os.write(os.open("/dev/kmsg", os.O_WRONLY), b"<6>polled")
        os._exit(0)
    ev = p.poll(5000)
    print(f"before={before} between={between} polled={bool(ev and ev[0][1] & select.POLLIN)}")
elif mode == "block":
    fd = os.open("/dev/kmsg", os.O_RDONLY)
    os.lseek(fd, 0, os.SEEK_END)
    if os.fork() == 0:
        time.sleep(0.5)
        os.write(os.open("/dev/kmsg", os.O_WRONLY), sys.argv[2].encode())
        os._exit(0)
    t = time.monotonic()
    rec = os.read(fd, 8192).decode().rstrip("\n")
    print(f"woken after {time.monotonic() - t:.1f}s: {rec}")
elif mode == "kill":
    fd = os.open("/dev/kmsg", os.O_RDONLY)
    os.lseek(fd, 0, os.SEEK_END)
    pid = os.fork()
    if pid == 0:
        os.read(fd, 8192)
        os._exit(0)
    time.sleep(0.5)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    print("killed" if os.WIFSIGNALED(status) else f"status {status}")
PY

marker="hyt-host-kmsg-marker-$$-$RANDOM"
echo "$marker" >/dev/kmsg

# --- reads ---------------------------------------------------------------------
hy run -- python3 "$reader" nonblock
assert_rc 0 "an O_NONBLOCK reader of /dev/kmsg exits 0"
recs=$(grep '^REC ' <<<"$RUN_OUT")
assert_eq "$(tail -n 1 <<<"$RUN_OUT")" EAGAIN "at the end of the log, an O_NONBLOCK read fails with EAGAIN"
bad=$(grep -vE '^REC [0-9]+,[0-9]+,[0-9]+,-;[^\]*\\n$' <<<"$recs")
assert_eq "${bad:-none}" none "each read returns exactly one record PRI,SEQ,TS,-;TEXT\\n"
seqs=$(sed -E 's/^REC [0-9]+,([0-9]+),.*/\1/' <<<"$recs" | tr '\n' ' ')
assert_eq "$seqs" "$(seq -s ' ' 0 $(($(wc -l <<<"$recs") - 1))) " "sequence numbers count from 0 in steps of 1"
assert_match "$(sed -n 1p <<<"$recs")" '^REC 5,0,[0-9]+,-;Linux version .*hybox' \
	"the first record is the boot banner at kern.notice"
assert_not_contains "$RUN_OUT" "$marker" "the host's log does not show up in the container's /dev/kmsg"

hy run -- python3 "$reader" seek
assert_eq "$RUN_OUT" "set0=True end=EAGAIN short=EINVAL" \
	"lseek SEEK_SET 0 rereads the oldest, SEEK_END goes past the newest, a short buffer is EINVAL"

# --- writes --------------------------------------------------------------------
hy run --policy "$policy" -- /bin/sh -c "echo '<3>hello-$$' >/dev/kmsg && echo plain-$$ >/dev/kmsg &&
	python3 '$reader' nonblock && dmesg -x"
assert_rc 0 "writing /dev/kmsg with a files rule for it works"
assert_match "$RUN_OUT" "REC 11,[0-9]+,[0-9]+,-;hello-$$\\\\n" "'<3>hello' is logged at level 3 (facility user, as Linux)"
assert_match "$RUN_OUT" "REC 12,[0-9]+,[0-9]+,-;plain-$$\\\\n" "a write without a prefix is logged at level 4 (warning)"
assert_match "$RUN_OUT" "user  :err   : \\[ *[0-9.]+\\] hello-$$" "dmesg -x shows the write at user.err"
assert_match "$RUN_OUT" "kern  :notice: \\[ *[0-9.]+\\] Linux version" "dmesg -x shows the banner at kern.notice"
assert_not_contains "$RUN_OUT" "$marker" "dmesg inside does not show the host's log"

hy run -- /bin/sh -c "echo nope >/dev/kmsg; dmesg"
assert_match "$RUN_OUT" "denied by files policy, openat .*/dev/kmsg" \
	"the default policy refuses writes, and the denial is summarised in the log"

# --- waiting readers -----------------------------------------------------------
hy run --policy "$policy" -- timeout 10 python3 "$reader" block "<6>late-$$"
assert_match "$RUN_OUT" "^woken after 0\\.[3-9]s: 14,[0-9]+,[0-9]+,-;late-$$\$" \
	"a blocking read at the end waits for the next record and returns it"
hy run --policy "$policy" -- timeout 10 python3 "$reader" endpoll
assert_eq "$RUN_OUT" "before=[] between=True polled=True" \
	"a record written between lseek SEEK_END and the read is read; poll waits for the next record"
hy run -- timeout 10 python3 "$reader" kill
assert_eq "$RUN_OUT" killed "SIGKILL ends a read waiting for a record"
hy run --policy "$policy" -- /bin/sh -c "timeout 3 dmesg -W & sleep 1; echo '<5>follow-$$' >/dev/kmsg; wait"
assert_match "$RUN_OUT" "\\] follow-$$" "dmesg -W (kmsg only: it waits) prints a record written after it started"

done_testing
