# SPDX-License-Identifier: GPL-2.0-only
# The only build entry point (non-recursive).
#   make            build bpf -> skel -> hybox
#   make check      unit tests (Check), no privileges needed
#   make check-priv integration tests that run the real binary as root
#   make test       scripts/deps.sh, then check + check-priv
#   make demo       a sandboxed shell script with live events
#   make bench      ratios against native runs, measured side by side
#   make vmtest     BPF LSM suite in a qemu VM
# V=1 shows full commands; SANITIZE=1 adds ASan+UBSan to host code.

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
ARCH := x86
BUILD := build

PKGS := libbpf libseccomp jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

INCLUDES := -iquote common -iquote kernel-emu -iquote user -iquote bpf -iquote $(BUILD)
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
	  -Wno-missing-field-initializers -fno-strict-aliasing -MMD -MP $(INCLUDES) $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lelf -lz -lpthread
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror -I. -Ibpf -MMD -MP

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

COMMON_SRCS := $(wildcard common/*.c)
EMU_SRCS := $(wildcard kernel-emu/*.c)
USER_SRCS := $(filter-out user/main.c,$(wildcard user/*.c))
BPF_SRCS := $(wildcard bpf/*.bpf.c)
# Each object gets a libbpf skeleton and a light skeleton (-L: the kernel runs a
# loader program that does the relocations; no BTF parsing in user space,
# ~10x faster to load — what the per-container trace programs use).
SKELS := $(patsubst bpf/%.bpf.c,$(BUILD)/skel/%.skel.h,$(BPF_SRCS)) \
	 $(patsubst bpf/%.bpf.c,$(BUILD)/skel/%.lskel.h,$(BPF_SRCS))
CORE_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(COMMON_SRCS) $(EMU_SRCS) $(USER_SRCS))
UNIT_SRCS := $(wildcard tests/unit/check_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
PAYLOAD_SRCS := $(wildcard tests/payload/*.c)
PAYLOAD_BINS := $(patsubst tests/payload/%.c,$(BUILD)/payload/%,$(PAYLOAD_SRCS))
CONFORMANCE_BINS := $(patsubst tests/conformance/%.c,$(BUILD)/conformance/%,$(wildcard tests/conformance/*.c))

.PHONY: FORCE all check check-priv integration test demo bench vmtest vmlinux format clean deps payloads
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BUILD)/hybox payloads

# hybox is linked statically: it saves ~4 ms of dynamic loading on every
# container start (measured against bwrap in `make bench`) and the same binary
# runs in the VM test's initramfs. STATIC=0 links dynamically.
STATIC ?= 1
ifeq ($(STATIC)$(SANITIZE),1)
HYBOX_LDFLAGS := -static
HYBOX_LDLIBS := $(shell pkg-config --static --libs $(PKGS) 2>/dev/null) -lpthread
else
HYBOX_LDLIBS := $(LDLIBS)
endif

$(BUILD)/hybox: $(BUILD)/user/main.o $(BUILD)/libhybox.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(HYBOX_LDFLAGS) -o $@ $^ $(HYBOX_LDLIBS)

# The supervisor's seccomp program, compiled from its rules at build time
# (user/supervisor_rules.c; installed by user/supervisor_filter.c).
GEN_FILTER_OBJS := $(BUILD)/user/supervisor_rules.o $(BUILD)/common/error.o \
	$(BUILD)/common/util.o $(BUILD)/common/log.o
$(BUILD)/tools/gen_supervisor_filter: tools/gen_supervisor_filter.c $(GEN_FILTER_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(LDLIBS)

$(BUILD)/gen/supervisor_filter_bpf.h: $(BUILD)/tools/gen_supervisor_filter
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$< >$@.tmp && mv $@.tmp $@

$(BUILD)/user/supervisor_filter.o: $(BUILD)/gen/supervisor_filter_bpf.h

# `hybox --version`'s commit line: `git describe` of a checkout, else
# "unknown". Rewritten only when it changes, so main.o rebuilds only then.
HYBOX_COMMIT := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/gen/commit.h: FORCE
	$(Q)mkdir -p $(@D)
	$(Q)echo '#define HYBOX_COMMIT "$(HYBOX_COMMIT)"' >$@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/user/main.o: $(BUILD)/gen/commit.h
FORCE:

$(BUILD)/libhybox.a: $(CORE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# Skeletons are generated before any host object (order-only: no false rebuilds).
$(BUILD)/%.o: %.c | $(SKELS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c vmlinux.h
	$(call msg,BPF,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o
	$(Q)$(LLVM_STRIP) -g $@ 2>/dev/null || true
	$(Q)rm -f $@.tmp.o

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(BUILD)/skel/%.lskel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,LSKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton -L $< name $*_bpf > $@

BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))

CKPT_BINS := $(patsubst tests/ckpt/%.c,$(BUILD)/ckpt/%,$(wildcard tests/ckpt/*.c))

payloads: $(PAYLOAD_BINS) $(CONFORMANCE_BINS) $(CKPT_BINS)

$(BUILD)/bench/%: tests/bench/%.c tests/bench/timing.h tests/ckpt/ckpt_prog.h
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -static -pthread -o $@ $<

# Test payloads are static so they also run in a busybox rootfs and in the VM.
$(BUILD)/payload/%: tests/payload/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -static -pthread -o $@ $<

# The syscall conformance program (tests/priv/86-conformance.sh), static likewise.
$(BUILD)/conformance/%: tests/conformance/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -static -pthread -o $@ $<

# Checkpoint/restore test programs (tests/priv/97-checkpoint.sh): dynamic on
# purpose, so that restore has shared libraries to map back.
$(BUILD)/ckpt/%: tests/ckpt/%.c tests/ckpt/ckpt_prog.h
	$(call msg,CC,$<)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -o $@ $<

# VM-only test drivers (tests/vm/*.c): static, linked with the library, copied
# into the guest by scripts/vmtest.sh (lsmctl drives the BPF LSM road alone).
# Built by `all` too so that they keep compiling, except under SANITIZE=1
# (the sanitizers do not link statically).
VMTEST_BINS := $(patsubst tests/vm/%.c,$(BUILD)/vmtest/%,$(wildcard tests/vm/*.c))
ifneq ($(SANITIZE),1)
all: $(VMTEST_BINS)
endif

$(BUILD)/vmtest/%: tests/vm/%.c $(BUILD)/libhybox.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $< $(BUILD)/libhybox.a \
		$(shell pkg-config --static --libs $(PKGS) 2>/dev/null) -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhybox.a
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libhybox.a $(CHECK_LIBS) $(LDLIBS)

check: $(UNIT_BINS)
	$(Q)scripts/run_unit.sh $(UNIT_BINS)

# Integration tests drive the real binary: tests/integration/ as any user,
# tests/priv/ as root (namespaces, cgroups, seccomp supervision).
RUN_TAP = HYBOX=$(abspath $(BUILD))/hybox PAYLOAD_DIR=$(abspath $(BUILD))/payload scripts/run_tap.sh

integration: all
	$(Q)$(RUN_TAP) tests/integration/*.sh

check-priv: all
	$(Q)$(RUN_TAP) tests/integration/*.sh tests/priv/*.sh

test: deps
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory check-priv

deps:
	$(Q)scripts/deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)HYBOX=$(abspath $(BUILD))/hybox scripts/demo.sh

# The vm-lsm section boots the VM guest with lsmctl (not under SANITIZE=1: it
# links statically; bench.sh then says the section is skipped).
bench: deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS) $(if $(filter 1,$(SANITIZE)),,$(VMTEST_BINS))
	$(Q)HYBOX=$(abspath $(BUILD))/hybox PAYLOAD_DIR=$(abspath $(BUILD))/payload \
		VMTEST_BIN_DIR=$(abspath $(BUILD))/vmtest scripts/bench.sh

vmtest: deps
	$(Q)$(MAKE) --no-print-directory all $(VMTEST_BINS)
	$(Q)HYBOX=$(abspath $(BUILD))/hybox PAYLOAD_DIR=$(abspath $(BUILD))/payload \
		VMTEST_BIN_DIR=$(abspath $(BUILD))/vmtest scripts/vmtest.sh

vmlinux:
	$(Q)scripts/gen_vmlinux.sh > vmlinux.h.new && mv vmlinux.h.new vmlinux.h

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^vmlinux.h$$')

clean:
	$(Q)rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)
