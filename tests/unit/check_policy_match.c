// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the pure decision functions of bpf/abi/policy.h (the same
 * code the BPF programs and kernel-emu's emulated road run): path coverage
 * and most-specific-rule resolution, the exec allow-list, CIDR and port
 * matching, network defaults, packet/raw sockets, and process rules. Rules
 * are built by the real parser (user/policy.c) or by hand where a layout
 * corner needs it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/policy.h"
#include "policy.h"

static struct hy_policy pol;

static void load(const char *text)
{
	struct hy_err err = { 0 };

	ck_assert_msg(hy_policy_parse("m.json", text, &pol, &err) == 0, "%s: %s", text, err.msg);
}

/* Files rules from "path=letters path=letters ..." (a bare "=" means no access). */
static void load_files(const char *spec)
{
	char text[4096], *dup = strdup(spec), *save = NULL;
	size_t len = (size_t)snprintf(text, sizeof(text), "{\"files\": [");
	int n = 0;

	for (char *tok = strtok_r(dup, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');
		*eq = '\0';
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s{\"path\": \"%s\", \"access\": \"%s\"}", n++ ? ", " : "",
					tok, eq + 1);
	}
	snprintf(text + len, sizeof(text) - len, "]}");
	free(dup);
	load(text);
}

static __u32 access_of(const char *path, __s32 *ret_rule)
{
	char buf[HY_PATH_LEN];

	hy_path_buf(buf, path);
	return hy_file_access(&pol.obj.files, buf, ret_rule);
}

static int covers(const char *rule, const char *path)
{
	char r[HY_PATH_LEN], p[HY_PATH_LEN];

	hy_path_buf(r, rule);
	hy_path_buf(p, path);
	return hy_path_covers(r, p);
}

/* ---- paths ------------------------------------------------------------------ */

START_TEST(test_policy_match_covers_subtree_not_prefix)
{
	ck_assert(covers("/", "/"));
	ck_assert(covers("/", "/etc/passwd"));
	ck_assert(covers("/etc", "/etc"));
	ck_assert(covers("/etc", "/etc/passwd"));
	ck_assert(covers("/etc", "/etc/ssl/certs/x.pem"));
	/* false friends: a string prefix is not a subtree */
	ck_assert(!covers("/etc", "/etcfoo"));
	ck_assert(!covers("/etc", "/etc.d/x"));
	ck_assert(!covers("/etc", "/et"));
	ck_assert(!covers("/etc", "/"));
	ck_assert(!covers("/etc/passwd", "/etc"));
	ck_assert(!covers("/etc/passwd", "/etc/passwd-"));
	ck_assert(!covers("/usr/lib", "/usr/lib64/libc.so"));
	ck_assert(!covers("/etc", "etc/passwd")); /* not absolute */
	ck_assert(!covers("/etc", ""));
}
END_TEST

/* Rule lengths around the 8-byte steps of hy_path_covers(). */
START_TEST(test_policy_match_covers_word_boundaries)
{
	static const char *const rules[] = { "/abcdef",		  "/abcdefg",
					     "/abcdefgh",	  "/abcdefghijklmno",
					     "/abcdefghijklmnop", "/abcdefghijklmnopq" };

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		char p[64];
		const char *r = rules[i];
		size_t n = strlen(r);

		ck_assert_msg(covers(r, r), "%s", r);
		snprintf(p, sizeof(p), "%s/x", r);
		ck_assert_msg(covers(r, p), "%s", p);
		snprintf(p, sizeof(p), "%sx", r);
		ck_assert_msg(!covers(r, p), "%s", p);
		snprintf(p, sizeof(p), "%sxxxxxxxxxxxxxxxxx/y", r);
		ck_assert_msg(!covers(r, p), "%s", p);
		snprintf(p, sizeof(p), "%.*s", (int)(n - 1), r); /* one shorter */
		ck_assert_msg(!covers(r, p), "%s", p);
		snprintf(p, sizeof(p), "%.*sZ", (int)(n - 1), r); /* last byte differs */
		ck_assert_msg(!covers(r, p), "%s", p);
		snprintf(p, sizeof(p), "%.*sZ/x", (int)(n - 1), r);
		ck_assert_msg(!covers(r, p), "%s", p);
	}
}
END_TEST

/* Reference: the obvious byte-by-byte definition. */
static int covers_ref(const char *r, const char *p)
{
	size_t n = strlen(r);

	if (r[0] != '/' || p[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	return strncmp(r, p, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

START_TEST(test_policy_match_covers_agrees_with_reference)
{
	static const char alphabet[] = "ab/";
	unsigned seed = 12345;
	char r[40], p[40];

	for (int iter = 0; iter < 200000; iter++) {
		size_t rn = 1 + (size_t)(rand_r(&seed) % 24), pn = 1 + (size_t)(rand_r(&seed) % 30);
		r[0] = p[0] = '/';
		for (size_t i = 1; i < rn; i++)
			r[i] = alphabet[rand_r(&seed) %
					2]; /* rules: no '/' needed to be interesting */
		r[rn] = '\0';
		if (rand_r(&seed) % 2) { /* often start p with r, to reach the boundary */
			memcpy(p, r, rn);
		} else {
			for (size_t i = 1; i < rn && i < pn; i++)
				p[i] = alphabet[rand_r(&seed) % 3];
		}
		for (size_t i = rn; i < pn; i++)
			p[i] = alphabet[rand_r(&seed) % 3];
		p[pn] = '\0';
		ck_assert_msg(covers(r, p) == covers_ref(r, p), "rule '%s' path '%s': %d", r, p,
			      covers(r, p));
	}
}
END_TEST

START_TEST(test_policy_match_long_paths)
{
	char rule[HY_PATH_LEN], path[600], buf[HY_PATH_LEN];

	/* a 255-byte rule (the longest) covers itself and what is below it */
	memset(rule, 'a', sizeof(rule));
	rule[0] = '/';
	rule[255] = '\0';
	ck_assert(covers(rule, rule));
	snprintf(path, sizeof(path), "%s/below/and/further/than/256/bytes", rule);
	ck_assert(covers(rule, path));
	snprintf(path, sizeof(path), "%sb", rule);
	ck_assert(!covers(rule, path));
	/* a path longer than HY_PATH_LEN is decided by its first bytes */
	load_files("/=r /tmp=rwc");
	memset(path, 'x', sizeof(path));
	memcpy(path, "/tmp/", 5);
	path[sizeof(path) - 1] = '\0';
	ck_assert_uint_eq(access_of(path, NULL), HY_ACC_R | HY_ACC_W | HY_ACC_C);
	path[4] = 'x'; /* "/tmpxxxx...": not under /tmp */
	ck_assert_uint_eq(access_of(path, NULL), HY_ACC_R);
	/* bytes after the path's NUL never matter */
	memset(buf, '/', sizeof(buf));
	memcpy(buf, "/tm", 4);
	ck_assert_uint_eq(hy_file_access(&pol.obj.files, buf, NULL), HY_ACC_R);
}
END_TEST

START_TEST(test_policy_match_most_specific_wins)
{
	__s32 rule;

	load_files("/=r /etc=rw /etc/shadow=");
	ck_assert_uint_eq(access_of("/usr/bin/ls", &rule), HY_ACC_R);
	ck_assert_int_eq(rule, 0);
	ck_assert_uint_eq(access_of("/etc", &rule), HY_ACC_R | HY_ACC_W);
	ck_assert_int_eq(rule, 1);
	ck_assert_uint_eq(access_of("/etc/passwd", &rule), HY_ACC_R | HY_ACC_W);
	ck_assert_int_eq(rule, 1);
	ck_assert_uint_eq(access_of("/etc/shadow", &rule), 0);
	ck_assert_int_eq(rule, 2);
	ck_assert_uint_eq(access_of("/etc/shadow/x", &rule), 0);
	ck_assert_uint_eq(access_of("/etc/shadow-", &rule), HY_ACC_R | HY_ACC_W);
	ck_assert_int_eq(rule, 1);
	ck_assert_uint_eq(access_of("/etcfoo", &rule), HY_ACC_R);
	ck_assert_int_eq(rule, 0);

	char buf[HY_PATH_LEN];
	hy_path_buf(buf, "/etc/passwd");
	ck_assert(hy_file_allowed(&pol.obj.files, buf, HY_ACC_R));
	ck_assert(hy_file_allowed(&pol.obj.files, buf, HY_ACC_R | HY_ACC_W));
	ck_assert(!hy_file_allowed(&pol.obj.files, buf, HY_ACC_W | HY_ACC_X));
	ck_assert(!hy_file_allowed(&pol.obj.files, buf, HY_ACC_C));
	hy_path_buf(buf, "/etc/shadow");
	ck_assert(!hy_file_allowed(&pol.obj.files, buf, HY_ACC_R));

	/* the order of the rules does not matter */
	load_files("/etc/shadow= /etc=rw /=r");
	ck_assert_uint_eq(access_of("/etc/shadow", &rule), 0);
	ck_assert_int_eq(rule, 0);
	ck_assert_uint_eq(access_of("/etc/hosts", &rule), HY_ACC_R | HY_ACC_W);
	ck_assert_int_eq(rule, 1);
	ck_assert_uint_eq(access_of("/var", &rule), HY_ACC_R);
	ck_assert_int_eq(rule, 2);

	/* a deeper grant under a narrower parent */
	load_files("/=rx /home=r /home/u/work=rwxc");
	ck_assert_uint_eq(access_of("/home/u/work/a.c", NULL), HY_ACC_ALL);
	ck_assert_uint_eq(access_of("/home/u/notes", NULL), HY_ACC_R);
	ck_assert_uint_eq(access_of("/home/u/workshop", NULL), HY_ACC_R);
}
END_TEST

START_TEST(test_policy_match_uncovered_is_denied)
{
	__s32 rule = 7;

	load_files("/usr=rx /tmp=rwc");
	ck_assert_uint_eq(access_of("/etc/passwd", &rule), 0);
	ck_assert_int_eq(rule, -1);
	ck_assert_uint_eq(access_of("/", &rule), 0);
	ck_assert_uint_eq(access_of("/us", &rule), 0);
	ck_assert_uint_eq(access_of("/usr", &rule), HY_ACC_R | HY_ACC_X);
	load("{\"files\": []}");
	ck_assert_uint_eq(access_of("/", &rule), 0);
	ck_assert_int_eq(rule, -1);
	/* the count bounds the search: rules past nrules are ignored */
	load_files("/=r /etc=rw");
	pol.obj.files.nrules = 1;
	ck_assert_uint_eq(access_of("/etc/x", NULL), HY_ACC_R);
	pol.obj.files.nrules = 0;
	ck_assert_uint_eq(access_of("/etc/x", NULL), 0);
	pol.obj.files.nrules = 1000; /* corrupt count: still bounded by HY_POL_PATH_RULES */
	ck_assert_uint_eq(access_of("/etc/x", NULL), HY_ACC_R | HY_ACC_W);
}
END_TEST

START_TEST(test_policy_match_exec_allow_list)
{
	char buf[HY_PATH_LEN];

	load("{}");
	hy_path_buf(buf, "/anything");
	ck_assert(hy_exec_allowed(&pol.obj.exec, buf)); /* no list: files x decides */

	load("{\"exec\": [\"/usr/bin\", \"/bin/sh\"]}");
	hy_path_buf(buf, "/usr/bin/ls");
	ck_assert(hy_exec_allowed(&pol.obj.exec, buf));
	hy_path_buf(buf, "/usr/bin");
	ck_assert(hy_exec_allowed(&pol.obj.exec, buf));
	hy_path_buf(buf, "/usr/binx/ls");
	ck_assert(!hy_exec_allowed(&pol.obj.exec, buf));
	hy_path_buf(buf, "/bin/sh");
	ck_assert(hy_exec_allowed(&pol.obj.exec, buf));
	hy_path_buf(buf, "/bin/bash");
	ck_assert(!hy_exec_allowed(&pol.obj.exec, buf));
	hy_path_buf(buf, "/bin/sh2");
	ck_assert(!hy_exec_allowed(&pol.obj.exec, buf));

	load("{\"exec\": []}");
	hy_path_buf(buf, "/usr/bin/ls");
	ck_assert(!hy_exec_allowed(&pol.obj.exec, buf));
}
END_TEST

/* ---- network ------------------------------------------------------------------ */

struct addr {
	__u32 family;
	__u8 a[16];
};

static struct addr ip(const char *s)
{
	struct addr x = { 0 };

	if (inet_pton(AF_INET, s, x.a) == 1) {
		x.family = HY_NET_INET;
	} else {
		ck_assert_msg(inet_pton(AF_INET6, s, x.a) == 1, "bad test address %s", s);
		x.family = HY_NET_INET6;
	}
	return x;
}

static __u32 decide(__u32 dir, const char *addr, __u16 port, __s32 *ret_rule)
{
	struct addr x = ip(addr);

	hy_net_normalize(&x.family, x.a);
	return hy_net_decide(&pol.obj.net, x.family, dir, x.a, port, ret_rule);
}

#define C     HY_NET_CONNECT
#define B     HY_NET_BIND
#define ALLOW HY_NET_ALLOW
#define DENY  HY_NET_DENY

START_TEST(test_policy_match_cidr_v4)
{
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"192.168.1.7/32\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"172.16.0.0/12\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"100.64.0.2/31\"}]}}");
	ck_assert_int_eq(decide(C, "192.168.1.7", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "192.168.1.6", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "192.168.1.8", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "10.0.0.0", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "10.255.255.255", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "11.0.0.0", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "9.255.255.255", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "172.16.0.1", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "172.31.255.255", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "172.32.0.0", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "172.15.255.255", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "100.64.0.2", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "100.64.0.3", 80, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "100.64.0.4", 80, NULL), DENY);
	ck_assert_int_eq(decide(C, "100.64.0.1", 80, NULL), DENY);
	/* an inet rule never matches an inet6 address */
	ck_assert_int_eq(decide(C, "fd00::1", 80, NULL), DENY);

	/* /0: every IPv4 address, no IPv6 one */
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"0.0.0.0/0\"}]}}");
	ck_assert_int_eq(decide(C, "0.0.0.0", 1, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "255.255.255.255", 65535, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "::1", 1, NULL), DENY);
	ck_assert_int_eq(pol.obj.net.rule[0].prefix, 0);
}
END_TEST

START_TEST(test_policy_match_cidr_v6)
{
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"2001:db8::1/128\"},"
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"fd00:1:2:3::/64\"},"
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"fe80::/10\"},"
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"2001:db8:ffff::fffe/127\"}"
	     "]}}");
	ck_assert_int_eq(decide(C, "2001:db8::1", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "2001:db8::0", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "2001:db8::2", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "2001:db8::1:1", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "fd00:1:2:3::", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "fd00:1:2:3:ffff:ffff:ffff:ffff", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "fd00:1:2:4::", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "fd00:1:2:2:ffff:ffff:ffff:ffff", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "fe80::1", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "febf:ffff::1", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "fec0::1", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "2001:db8:ffff::fffe", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "2001:db8:ffff::ffff", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "2001:db8:ffff::fffd", 443, NULL), DENY);
	ck_assert_int_eq(decide(C, "10.0.0.1", 443, NULL), DENY);

	/* ::/0 is every IPv6 address but not IPv4-mapped ones: those are IPv4 */
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"cidr\": \"::/0\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"127.0.0.0/8\"}]}}");
	ck_assert_int_eq(decide(C, "::", 1, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "::ffff:8.8.8.8", 53, NULL), DENY);
	ck_assert_int_eq(decide(C, "::ffff:127.0.0.1", 53, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "::ffff:0:8.8.8.8", 53, NULL), ALLOW); /* not mapped */
}
END_TEST

START_TEST(test_policy_match_normalize)
{
	struct addr x = ip("::ffff:10.1.2.3");

	hy_net_normalize(&x.family, x.a);
	ck_assert_int_eq(x.family, HY_NET_INET);
	ck_assert_int_eq(x.a[0], 10);
	ck_assert_int_eq(x.a[3], 3);
	for (int i = 4; i < 16; i++)
		ck_assert_int_eq(x.a[i], 0);
	x = ip("::1");
	hy_net_normalize(&x.family, x.a);
	ck_assert_int_eq(x.family, HY_NET_INET6);
	ck_assert_int_eq(x.a[15], 1);
	x = ip("10.1.2.3");
	hy_net_normalize(&x.family, x.a);
	ck_assert_int_eq(x.family, HY_NET_INET);
}
END_TEST

START_TEST(test_policy_match_ports)
{
	__s32 rule;

	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"ports\": \"80,443,8000-8100\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\", "
	     "\"ports\": \"1,65535\"}]}}");
	static const struct {
		__u16 port;
		__u32 want;
	} any[] = { { 80, ALLOW },   { 79, DENY },    { 81, DENY },   { 443, ALLOW },
		    { 442, DENY },   { 444, DENY },   { 7999, DENY }, { 8000, ALLOW },
		    { 8050, ALLOW }, { 8100, ALLOW }, { 8101, DENY }, { 0, DENY },
		    { 1, DENY },     { 65535, DENY } };
	for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++)
		ck_assert_msg(decide(C, "8.8.8.8", any[i].port, NULL) == any[i].want, "port %u",
			      any[i].port);
	ck_assert_int_eq(decide(C, "10.0.0.1", 1, &rule), ALLOW);
	ck_assert_int_eq(rule, 1);
	ck_assert_int_eq(decide(C, "10.0.0.1", 65535, &rule), ALLOW);
	ck_assert_int_eq(decide(C, "10.0.0.1", 2, &rule), DENY);
	ck_assert_int_eq(rule, -1);
	ck_assert_int_eq(decide(C, "10.0.0.1", 443, &rule), ALLOW);
	ck_assert_int_eq(rule, 0);

	/* no port list: every port, 0 included (bind to an ephemeral port) */
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"direction\": \"bind\"}]}}");
	ck_assert_int_eq(decide(B, "0.0.0.0", 0, NULL), ALLOW);
	ck_assert_int_eq(decide(B, "0.0.0.0", 65535, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "0.0.0.0", 80, NULL), DENY);

	/* a port given as a number */
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"ports\": 53}]}}");
	ck_assert_int_eq(decide(C, "2001:4860::8888", 53, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "2001:4860::8888", 54, NULL), DENY);
}
END_TEST

START_TEST(test_policy_match_default_allow_deny)
{
	__s32 rule = 5;

	load("{\"network\": {\"default\": \"allow\", \"rules\": ["
	     "{\"action\": \"deny\", \"family\": \"inet\", \"cidr\": \"169.254.169.254/32\"}]}}");
	ck_assert_int_eq(decide(C, "169.254.169.254", 80, &rule), DENY);
	ck_assert_int_eq(rule, 0);
	ck_assert_int_eq(decide(C, "1.1.1.1", 80, &rule), ALLOW);
	ck_assert_int_eq(rule, -1);
	ck_assert_int_eq(decide(B, "::", 8080, NULL), ALLOW);

	load("{\"network\": {\"default\": \"deny\"}}");
	ck_assert_int_eq(decide(C, "1.1.1.1", 80, &rule), DENY);
	ck_assert_int_eq(rule, -1);
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_UNIX, C, NULL, 0, NULL), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_NETLINK), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_OTHER), DENY);
	/* inet, inet6 and unix sockets are created; connect/bind decide */
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_INET), ALLOW);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_INET6), ALLOW);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_UNIX), ALLOW);

	load("{}"); /* no network section: allow, packet and raw excepted */
	ck_assert_int_eq(decide(C, "1.1.1.1", 80, NULL), ALLOW);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_OTHER), ALLOW);
}
END_TEST

START_TEST(test_policy_match_most_specific_network_rule)
{
	__s32 rule;

	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\"},"
	     "{\"action\": \"deny\", \"family\": \"inet\", \"cidr\": \"10.1.0.0/16\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.1.2.0/24\", "
	     "\"ports\": \"443\"}]}}");
	ck_assert_int_eq(decide(C, "10.2.0.1", 80, &rule), ALLOW);
	ck_assert_int_eq(rule, 0);
	ck_assert_int_eq(decide(C, "10.1.9.9", 80, &rule), DENY);
	ck_assert_int_eq(rule, 1);
	ck_assert_int_eq(decide(C, "10.1.2.3", 443, &rule), ALLOW);
	ck_assert_int_eq(rule, 2);
	ck_assert_int_eq(decide(C, "10.1.2.3", 80, &rule), DENY);
	ck_assert_int_eq(rule, 1);

	/* same prefix: a port list is more specific than none */
	load("{\"network\": {\"default\": \"allow\", \"rules\": ["
	     "{\"action\": \"deny\", \"family\": \"inet\", \"cidr\": \"0.0.0.0/0\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"0.0.0.0/0\", "
	     "\"ports\": \"53\"}]}}");
	ck_assert_int_eq(decide(C, "9.9.9.9", 53, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "9.9.9.9", 54, NULL), DENY);

	/* then one direction over both */
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"unix\"},"
	     "{\"action\": \"deny\", \"family\": \"unix\", \"direction\": \"bind\"}]}}");
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_UNIX, C, NULL, 0, NULL), ALLOW);
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_UNIX, B, NULL, 0, &rule), DENY);
	ck_assert_int_eq(rule, 1);
	load("{\"network\": {\"default\": \"allow\", \"rules\": ["
	     "{\"action\": \"deny\", \"family\": \"unix\"},"
	     "{\"action\": \"allow\", \"family\": \"unix\", \"direction\": \"connect\"}]}}");
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_UNIX, C, NULL, 0, &rule), ALLOW);
	ck_assert_int_eq(rule, 1);
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_UNIX, B, NULL, 0, &rule), DENY);
	ck_assert_int_eq(rule, 0);

	/* a full tie: deny wins, whatever the order */
	load("{\"network\": {\"default\": \"allow\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\"},"
	     "{\"action\": \"deny\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\"}]}}");
	ck_assert_int_eq(decide(C, "10.0.0.1", 1, &rule), DENY);
	ck_assert_int_eq(rule, 1);
	load("{\"network\": {\"default\": \"allow\", \"rules\": ["
	     "{\"action\": \"deny\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\"},"
	     "{\"action\": \"allow\", \"family\": \"inet\", \"cidr\": \"10.0.0.0/8\"}]}}");
	ck_assert_int_eq(decide(C, "10.0.0.1", 1, &rule), DENY);
	ck_assert_int_eq(rule, 0);
}
END_TEST

START_TEST(test_policy_match_direction)
{
	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"inet\", \"direction\": \"connect\", "
	     "\"ports\": \"443\"},"
	     "{\"action\": \"allow\", \"family\": \"inet6\", \"direction\": \"bind\", "
	     "\"ports\": \"8080\"}]}}");
	ck_assert_int_eq(decide(C, "1.2.3.4", 443, NULL), ALLOW);
	ck_assert_int_eq(decide(B, "0.0.0.0", 443, NULL), DENY);
	ck_assert_int_eq(decide(B, "::", 8080, NULL), ALLOW);
	ck_assert_int_eq(decide(C, "::1", 8080, NULL), DENY);
}
END_TEST

START_TEST(test_policy_match_packet_raw)
{
	/* denied unless a rule names them, even with default allow */
	load("{\"network\": {\"default\": \"allow\"}}");
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_PACKET), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_RAW), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_NETLINK), ALLOW);
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_RAW, C, NULL, 0, NULL), DENY);

	load("{\"network\": {\"default\": \"deny\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"raw\"},"
	     "{\"action\": \"allow\", \"family\": \"netlink\"}]}}");
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_RAW), ALLOW);
	ck_assert_int_eq(hy_net_decide(&pol.obj.net, HY_NET_RAW, C, NULL, 0, NULL), ALLOW);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_PACKET), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_NETLINK), ALLOW);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_OTHER), DENY);

	/* a deny rule naming the family wins over an allow rule */
	load("{\"network\": {\"default\": \"allow\", \"rules\": ["
	     "{\"action\": \"allow\", \"family\": \"packet\"},"
	     "{\"action\": \"deny\", \"family\": \"packet\"},"
	     "{\"action\": \"deny\", \"family\": \"netlink\"}]}}");
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_PACKET), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_NETLINK), DENY);
	ck_assert_int_eq(hy_net_socket_decide(&pol.obj.net, HY_NET_OTHER), ALLOW);
}
END_TEST

/* Rules built by hand: seal derives mask and rank. */
START_TEST(test_policy_match_seal)
{
	struct hy_net_rule r = { .family = HY_NET_INET6, .dirs = HY_NET_ANY_DIR, .action = 0 };

	r.prefix = 0;
	hy_net_rule_seal(&r);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(r.mask[i], 0);
	r.prefix = 128;
	hy_net_rule_seal(&r);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(r.mask[i], 0xff);
	r.prefix = 13;
	hy_net_rule_seal(&r);
	ck_assert_int_eq(r.mask[0], 0xff);
	ck_assert_int_eq(r.mask[1], 0xf8);
	ck_assert_int_eq(r.mask[2], 0);
	__u32 rank13_deny = r.rank;
	r.action = HY_NET_ALLOW;
	hy_net_rule_seal(&r);
	ck_assert_uint_lt(r.rank, rank13_deny);
	ck_assert_uint_ge(r.rank, 1);
	r.prefix = 12;
	r.nports = 1;
	r.dirs = HY_NET_BIND;
	r.action = HY_NET_DENY;
	hy_net_rule_seal(&r);
	ck_assert_uint_lt(r.rank, rank13_deny); /* prefix first */
}
END_TEST

/* ---- process ------------------------------------------------------------------- */

START_TEST(test_policy_match_process)
{
	load("{}");
	ck_assert(!hy_ptrace_allowed(&pol.obj.proc, 1));
	ck_assert(!hy_mount_allowed(&pol.obj.proc));
	load("{\"process\": {\"ptrace\": \"allow\", \"mount\": \"allow\", \"signals\": "
	     "\"container\"}}");
	ck_assert(hy_ptrace_allowed(&pol.obj.proc, 1));
	ck_assert(!hy_ptrace_allowed(&pol.obj.proc, 0)); /* never outside the container */
	ck_assert(hy_mount_allowed(&pol.obj.proc));
	ck_assert(hy_signal_allowed(&pol.obj.proc, 1));
	ck_assert(!hy_signal_allowed(&pol.obj.proc, 0));
}
END_TEST

static Suite *policy_match_suite(void)
{
	Suite *s = suite_create("policy_match");
	TCase *files = tcase_create("files");
	TCase *net = tcase_create("network");
	TCase *proc = tcase_create("process");

	tcase_add_test(files, test_policy_match_covers_subtree_not_prefix);
	tcase_add_test(files, test_policy_match_covers_word_boundaries);
	tcase_add_test(files, test_policy_match_covers_agrees_with_reference);
	tcase_add_test(files, test_policy_match_long_paths);
	tcase_add_test(files, test_policy_match_most_specific_wins);
	tcase_add_test(files, test_policy_match_uncovered_is_denied);
	tcase_add_test(files, test_policy_match_exec_allow_list);
	suite_add_tcase(s, files);

	tcase_add_test(net, test_policy_match_cidr_v4);
	tcase_add_test(net, test_policy_match_cidr_v6);
	tcase_add_test(net, test_policy_match_normalize);
	tcase_add_test(net, test_policy_match_ports);
	tcase_add_test(net, test_policy_match_default_allow_deny);
	tcase_add_test(net, test_policy_match_most_specific_network_rule);
	tcase_add_test(net, test_policy_match_direction);
	tcase_add_test(net, test_policy_match_packet_raw);
	tcase_add_test(net, test_policy_match_seal);
	suite_add_tcase(s, net);

	tcase_add_test(proc, test_policy_match_process);
	suite_add_tcase(s, proc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(policy_match_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
