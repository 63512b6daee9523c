/*
 * fetch_probe.c: lib/fetch.c seen from outside (tests/fetch.bats) and from
 * inside (tests/unit.bats).
 *
 *   fetch_probe --url URL [--max-bytes N] [--timeout-ms N] [--redirects N]
 *       [--allow-private] [--inm ETAG] [--ims DATE] [--rate-dir DIR]
 *       [--rate-key KEY] [--interval MS] [--retries N] [--post BODY]
 *       [--bearer TOKEN] [--accept TYPE] [--ua AGENT]
 *
 * makes one pake_fetch and prints one JSON line {rc, code, message,
 * detail, status, len, content_type, etag, last_modified, url, redirects,
 * elapsed_ms}; exit 0 whatever happened.
 *
 *   fetch_probe
 *
 * without arguments runs the unit checks of the address classifier and of
 * the politeness slots, and prints "N passed, N failed".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "pake/fetch.h"
#include "unit.h"

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 public, 0 not, -1 not an address */
static int
classify(const char *a)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;

	memset(&in4, 0, sizeof in4);
	memset(&in6, 0, sizeof in6);
	if (inet_pton(AF_INET, a, &in4.sin_addr) == 1) {
		in4.sin_family = AF_INET;
		return pake_fetch_addr_public((struct sockaddr *)&in4);
	}
	if (inet_pton(AF_INET6, a, &in6.sin6_addr) == 1) {
		in6.sin6_family = AF_INET6;
		return pake_fetch_addr_public((struct sockaddr *)&in6);
	}
	return -1;
}

static void
test_addresses(struct tally *t)
{
	static const char *const refused[] = {
		"127.0.0.1", "127.1.2.3", "10.0.0.1", "10.255.255.255",
		"172.16.0.1", "172.31.255.254", "192.168.1.1", "169.254.169.254",
		"100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3",
		"224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1",
		"192.0.0.8", "198.18.0.1",
		"::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1",
		"fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3",
		"::ffff:192.168.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
		"::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a00:1",
		"64:ff9b:1::1", "2002:7f00:1::", "2002:c0a8:101::1",
		"2001:db8::1",
	};
	static const char *const allowed[] = {
		"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255",
		"172.32.0.1", "100.63.255.255", "100.128.0.1", "169.253.1.1",
		"192.169.0.1", "11.0.0.1", "126.255.255.255", "128.0.0.1",
		"223.255.255.254", "198.20.0.1",
		"2001:4860:4860::8888", "2606:4700::1111", "::ffff:8.8.8.8",
		"64:ff9b::808:808", "2002:808:808::1", "fe00::1",
	};
	struct sockaddr sa;
	size_t i;

	for (i = 0; i < sizeof refused / sizeof *refused; i++)
		CHECK(t, classify(refused[i]) == 0, "%s should be refused",
		    refused[i]);
	for (i = 0; i < sizeof allowed / sizeof *allowed; i++)
		CHECK(t, classify(allowed[i]) == 1, "%s should be allowed",
		    allowed[i]);
	memset(&sa, 0, sizeof sa);
	sa.sa_family = AF_UNIX;
	CHECK(t, pake_fetch_addr_public(&sa) == 0, "AF_UNIX is not public");
	CHECK(t, pake_fetch_addr_public(NULL) == 0, "NULL is not public");
}

static void
test_rate(struct tally *t)
{
	char dir[] = "/tmp/pake-fetch-rate-XXXXXX", sub[200], path[300];
	int64_t a = 0, b = 0, c = 0, d = 0, t0;
	struct stat st;
	pake_err e;
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		CHECK(t, 0, "mkdtemp");
		return;
	}
	snprintf(sub, sizeof sub, "%s/rate", dir);
	CHECK(t, pake_fetch_rate_reserve(sub, "Bad", 100, &a, &e) ==
	    PAKE_EINVAL, "an upper-case key is refused");
	CHECK(t, pake_fetch_rate_reserve(sub, "", 100, &a, &e) ==
	    PAKE_EINVAL, "an empty key is refused");
	CHECK(t, pake_fetch_rate_reserve(sub, "../x", 100, &a, &e) ==
	    PAKE_EINVAL, "a key with a slash is refused");
	CHECK(t, pake_fetch_rate_reserve(sub,
	    "abcdefghijklmnopqrstuvwxyz0123456", 100, &a, &e) == PAKE_EINVAL,
	    "a key of 33 characters is refused");
	CHECK(t, pake_fetch_rate_key_ok("abcdefghijklmnopqrstuvwxyz01234_"),
	    "a key of 32 characters is fine");
	t0 = (int64_t)time(NULL) * 1000;
	CHECK(t, pake_fetch_rate_reserve(sub, "arxiv", 1000, &a, &e) == 0,
	    "reserve: %s", e.detail);
	CHECK(t, stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "the directory is made 0700");
	CHECK(t, pake_fetch_rate_reserve(sub, "arxiv", 1000, &b, &e) == 0,
	    "reserve 2");
	CHECK(t, pake_fetch_rate_reserve(sub, "arxiv", 1000, &c, &e) == 0,
	    "reserve 3");
	CHECK(t, a >= t0 && a < t0 + 5000, "the first slot is now (%lld)",
	    (long long)(a - t0));
	CHECK(t, b - a >= 1000 && b - a < 1100, "slots an interval apart "
	    "(%lld)", (long long)(b - a));
	CHECK(t, c - b == 1000, "slots an interval apart (%lld)",
	    (long long)(c - b));
	CHECK(t, pake_fetch_rate_reserve(sub, "pubmed", 1000, &d, &e) == 0 &&
	    d < b, "another key has its own slots");
	/* a corrupt file counts as 0 */
	snprintf(path, sizeof path, "%s/arxiv", sub);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("garbage\n", f);
		fclose(f);
	}
	CHECK(t, pake_fetch_rate_reserve(sub, "arxiv", 1000, &a, &e) == 0 &&
	    a < c, "a corrupt file counts as 0");
	/* a slot far ahead (the clock was set back) counts as 0 */
	if ((f = fopen(path, "w")) != NULL) {
		fprintf(f, "%lld\n", (long long)(t0 + 86400000LL));
		fclose(f);
	}
	CHECK(t, pake_fetch_rate_reserve(sub, "arxiv", 1000, &a, &e) == 0 &&
	    a < t0 + 5000, "a slot a day ahead counts as 0");
	/* an empty file too */
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	CHECK(t, pake_fetch_rate_reserve(sub, "arxiv", 1000, &a, &e) == 0 &&
	    a < t0 + 5000, "an empty file counts as 0");
	/* the wait: two waits 200 ms apart */
	t0 = mono_ms();
	CHECK(t, pake_fetch_rate_wait(sub, "wait", 200, &e) == 0 &&
	    pake_fetch_rate_wait(sub, "wait", 200, &e) == 0 &&
	    pake_fetch_rate_wait(sub, "wait", 200, &e) == 0, "wait");
	CHECK(t, mono_ms() - t0 >= 390, "three waits take two intervals "
	    "(%lld ms)", (long long)(mono_ms() - t0));
	unlink(path);
	snprintf(path, sizeof path, "%s/pubmed", sub);
	unlink(path);
	snprintf(path, sizeof path, "%s/wait", sub);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

static void
test_invalid(struct tally *t)
{
	pake_fetch_req q = {0};
	pake_fetch_res r;
	pake_err e;

	q.url = "file:///etc/passwd";
	CHECK(t, pake_fetch(&q, &r, &e) == PAKE_EINVAL, "file:// refused");
	q.url = "ftp://example.org/";
	CHECK(t, pake_fetch(&q, &r, &e) == PAKE_EINVAL, "ftp:// refused");
	q.url = "http://127.0.0.1:1/";
	q.if_none_match = "\"v1\"\r\nX-Evil: 1";
	CHECK(t, pake_fetch(&q, &r, &e) == PAKE_EINVAL, "a header with a "
	    "line break refused");
	q.if_none_match = NULL;
	q.rate_key = "Bad Key";
	q.rate_dir = "/tmp";
	CHECK(t, pake_fetch(&q, &r, &e) == PAKE_EINVAL, "a bad rate key "
	    "refused");
	q.rate_key = NULL;
	CHECK(t, pake_fetch(&q, &r, &e) == PAKE_ESECURITY, "127.0.0.1 "
	    "refused without allow_private (%s)", e.detail);
}

static int
units(void)
{
	struct tally t = {0, 0};

	test_addresses(&t);
	test_rate(&t);
	test_invalid(&t);
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail ? 1 : 0;
}

int
main(int argc, char **argv)
{
	pake_fetch_req q = {0};
	pake_fetch_res r;
	pake_err e;
	cJSON *o;
	char *s;
	int64_t t0;
	int i, rc;

	if (argc == 1)
		return units();
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--allow-private") == 0) {
			q.allow_private = 1;
			continue;
		}
		if (v == NULL) {
			fprintf(stderr, "fetch_probe: %s wants a value\n", a);
			return 2;
		}
		i++;
		if (strcmp(a, "--url") == 0)
			q.url = v;
		else if (strcmp(a, "--max-bytes") == 0)
			q.max_bytes = strtoull(v, NULL, 10);
		else if (strcmp(a, "--timeout-ms") == 0)
			q.timeout_ms = strtol(v, NULL, 10);
		else if (strcmp(a, "--redirects") == 0)
			q.max_redirects = atoi(v);
		else if (strcmp(a, "--inm") == 0)
			q.if_none_match = v;
		else if (strcmp(a, "--ims") == 0)
			q.if_modified_since = v;
		else if (strcmp(a, "--rate-dir") == 0)
			q.rate_dir = v;
		else if (strcmp(a, "--rate-key") == 0)
			q.rate_key = v;
		else if (strcmp(a, "--interval") == 0)
			q.rate_interval_ms = strtol(v, NULL, 10);
		else if (strcmp(a, "--retries") == 0)
			q.retries = atoi(v);
		else if (strcmp(a, "--post") == 0) {
			q.body = v;
			q.body_len = strlen(v);
		} else if (strcmp(a, "--bearer") == 0)
			q.bearer = v;
		else if (strcmp(a, "--accept") == 0)
			q.accept = v;
		else if (strcmp(a, "--ua") == 0)
			q.user_agent = v;
		else {
			fprintf(stderr, "fetch_probe: unknown option %s\n", a);
			return 2;
		}
	}
	pake_err_clear(&e);
	t0 = mono_ms();
	rc = pake_fetch(&q, &r, &e);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rc", rc);
	cJSON_AddStringToObject(o, "code", rc ? pake_code_name(rc) : "ok");
	cJSON_AddStringToObject(o, "message", rc && e.msg ? e.msg : "");
	cJSON_AddStringToObject(o, "detail", rc ? e.detail : "");
	cJSON_AddNumberToObject(o, "status", (double)r.status);
	cJSON_AddNumberToObject(o, "len", (double)r.body.len);
	cJSON_AddStringToObject(o, "content_type", r.content_type);
	cJSON_AddStringToObject(o, "etag", r.etag);
	cJSON_AddStringToObject(o, "last_modified", r.last_modified);
	cJSON_AddStringToObject(o, "retry_after", r.retry_after);
	cJSON_AddStringToObject(o, "url", r.url);
	cJSON_AddNumberToObject(o, "redirects", r.redirects);
	cJSON_AddNumberToObject(o, "elapsed_ms", (double)(mono_ms() - t0));
	cJSON_AddBoolToObject(o, "body_nul", r.body.len == 0 ||
	    r.body.p[r.body.len] == '\0');
	s = cJSON_PrintUnformatted(o);
	puts(s ? s : "{}");
	free(s);
	cJSON_Delete(o);
	pake_fetch_res_free(&r);
	return 0;
}
