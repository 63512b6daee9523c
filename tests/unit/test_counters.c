/*
 * test_counters.c: unit test for counters.c, the shared counters file.
 *
 * With no arguments: the file's life (create, reopen, a file of another
 * layout replaced), the exact sliding rate window with explicit times,
 * token entries reused, daily quotas with base() and day changes, flushing
 * (first call, once per interval across handles, clock gone back),
 * dirty/mark, HTTP series and their overflow; then processes and threads:
 * four children hammering one token at one instant must get exactly the
 * limit between them, and children updating everything are killed with
 * SIGKILL at random moments 200 times, after which every series must be
 * sane, no count may have shrunk, and limits must still be exact.  Prints
 * timings as "# " lines and "N passed, N failed"; exits 0 only when
 * nothing failed.
 *
 * Two modes for tests/counters.bats:
 *	test_counters stress PATH SECONDS	update PATH for SECONDS (0:
 *						a thousand updates) or until
 *						killed
 *	test_counters verify PATH [SNAPSHOT]	check what stress left
 * verify compares the HTTP counts with SNAPSHOT (when it exists), writes
 * the current counts there, and ends with the same summary line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "pake/counters.h"
#include "pake/util.h"
#include "unit.h"


#define T0	INT64_C(1767225600000)	/* 2026-01-01T00:00:00Z */
#define DAY0	(T0 / 86400000)
#define FILE_SIZE 34500608

static char dir[64];

/* dir/name in a static buffer (one at a time). */
static const char *
path_of(const char *name)
{
	static char p[128];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

/* A handle on a new, empty file dir/name. */
static pake_counters *
fresh(struct tally *t, const char *name)
{
	pake_counters *k = NULL;
	pake_err e = {0};

	unlink(path_of(name));
	CHECK(t, pake_counters_open(&k, path_of(name), &e) == 0,
	    "open %s: %s", name, e.detail);
	return k;
}

/* Count the allowed of n rate calls. */
static int
allowed(pake_counters *k, int64_t token, int64_t per_min, int64_t now, int n)
{
	pake_err e = {0};
	int64_t retry;
	int i, ok = 0;

	for (i = 0; i < n; i++)
		if (pake_counters_rate(k, token, per_min, now, &retry, &e) == 0)
			ok++;
	return ok;
}

/* One rate call: its code, the retry in *retry. */
static int
rate1(pake_counters *k, int64_t token, int64_t per_min, int64_t now,
    int64_t *retry)
{
	pake_err e = {0};

	return pake_counters_rate(k, token, per_min, now, retry, &e);
}

static int
count_leftovers(void)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(dir)) == NULL)
		return -1;
	while ((d = readdir(dp)) != NULL)
		if (strstr(d->d_name, ".new."))
			n++;
	closedir(dp);
	return n;
}

static void
test_open(struct tally *t)
{
	pake_counters *k, *k2 = NULL;
	pake_err e = {0};
	struct stat sb;
	int64_t retry;

	k = fresh(t, "open");
	if (k == NULL)
		return;
	CHECK(t, stat(path_of("open"), &sb) == 0 && sb.st_size == FILE_SIZE &&
	    (sb.st_mode & 0777) == 0600, "size %lld mode %o",
	    (long long)sb.st_size, (unsigned)sb.st_mode & 0777);
	printf("# file: %lld bytes, %lld KiB allocated\n",
	    (long long)sb.st_size, (long long)sb.st_blocks / 2);
	CHECK(t, rate1(k, 1, 1, T0, &retry) == 0, "first request");
	pake_counters_close(k);
	/* Reopened: the request is still counted. */
	CHECK(t, pake_counters_open(&k, path_of("open"), &e) == 0, "reopen");
	CHECK(t, rate1(k, 1, 1, T0 + 1, &retry) == PAKE_ERATE &&
	    retry == 59999, "after reopen: retry %lld", (long long)retry);
	/* Two handles share everything. */
	CHECK(t, pake_counters_open(&k2, path_of("open"), &e) == 0, "second");
	CHECK(t, rate1(k, 2, 1, T0, &retry) == 0 &&
	    rate1(k2, 2, 1, T0, &retry) == PAKE_ERATE, "shared");
	pake_counters_close(k2);
	pake_counters_close(k);
	pake_counters_close(NULL);
	/* Not a file. */
	k = NULL;
	CHECK(t, pake_counters_open(&k, dir, &e) == PAKE_EUNAVAIL && k == NULL,
	    "a directory: %d", e.code);
	CHECK(t, pake_counters_open(&k, "", &e) == PAKE_EINVAL, "empty path");
	CHECK(t, pake_counters_open(&k, "/nonexistent/x/y", &e) ==
	    PAKE_EUNAVAIL, "missing folder");
}

/* Write a file of size bytes beginning with magic. */
static void
write_file(const char *p, uint64_t magic, off_t size)
{
	FILE *f = fopen(p, "w");

	if (f == NULL)
		return;
	fwrite(&magic, sizeof magic, 1, f);
	fputs("some old content", f);
	fclose(f);
	if (truncate(p, size) != 0)
		perror("truncate");
}

/* A file of another layout, size or garbage is replaced by a fresh one. */
static void
test_replace(struct tally *t)
{
	static const struct {
		uint64_t magic;
		off_t size;
		const char *what;
	} cases[] = {
		{ UINT64_C(0x70616b6563747203), FILE_SIZE, "version 3" },
		{ UINT64_C(0x70616b6563747201), 34467840, "version 1" },
		{ UINT64_C(0x70616b6563747200), FILE_SIZE, "version 0" },
		{ UINT64_C(0x0123456789abcdef), FILE_SIZE, "garbage" },
		{ UINT64_C(0x70616b6563747202), 4096, "short" },
		{ UINT64_C(0x70616b6563747202), FILE_SIZE + 4096, "long" },
		{ 0, 100, "zeros" },
	};
	pake_counters *k;
	pake_err e = {0};
	struct stat a, b;
	int64_t retry;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *p = path_of("replace");

		unlink(p);
		write_file(p, cases[i].magic, cases[i].size);
		stat(p, &a);
		k = NULL;
		CHECK(t, pake_counters_open(&k, p, &e) == 0, "%s: open: %s",
		    cases[i].what, e.detail);
		if (k == NULL)
			continue;
		CHECK(t, stat(p, &b) == 0 && b.st_size == FILE_SIZE &&
		    b.st_ino != a.st_ino && (b.st_mode & 0777) == 0600,
		    "%s: not replaced", cases[i].what);
		CHECK(t, allowed(k, 3, 5, T0, 10) == 5, "%s: counting",
		    cases[i].what);
		pake_counters_close(k);
		/* The fresh file is kept from then on. */
		CHECK(t, pake_counters_open(&k, p, &e) == 0 &&
		    rate1(k, 3, 5, T0, &retry) == PAKE_ERATE &&
		    stat(p, &a) == 0 && a.st_ino == b.st_ino, "%s: kept",
		    cases[i].what);
		pake_counters_close(k);
	}
	CHECK(t, count_leftovers() == 0, "temporary files left");
}

static void
test_rate(struct tally *t)
{
	pake_counters *k = fresh(t, "rate");
	pake_err e = {0};
	int64_t retry;
	int rc, n;

	if (k == NULL)
		return;
	/* Exact: 60 at one instant, the 61st refused until a minute later. */
	CHECK(t, (n = allowed(k, 10, 60, T0, 60)) == 60, "60: %d", n);
	rc = pake_counters_rate(k, 10, 60, T0, &retry, &e);
	CHECK(t, rc == PAKE_ERATE && retry == 60000 && e.retry_after == 60,
	    "61st: rc %d retry %lld", rc, (long long)retry);
	CHECK(t, rate1(k, 10, 60, T0 + 59999, &retry) == PAKE_ERATE &&
	    retry == 1, "at 59999: retry %lld", (long long)retry);
	CHECK(t, (n = allowed(k, 10, 60, T0 + 60000, 61)) == 60,
	    "a minute later: %d", n);

	/* Sliding, not a fixed window: 30 at 0 s and 30 at 30 s; at 60 s only
	 * the first 30 have left the window. */
	CHECK(t, allowed(k, 11, 60, T0, 30) == 30, "first 30");
	CHECK(t, allowed(k, 11, 60, T0 + 30000, 30) == 30, "second 30");
	CHECK(t, rate1(k, 11, 60, T0 + 30001, &retry) == PAKE_ERATE &&
	    retry == 29999, "full at 30 s: retry %lld", (long long)retry);
	CHECK(t, (n = allowed(k, 11, 60, T0 + 60000, 40)) == 30,
	    "at 60 s: %d, want 30", n);
	CHECK(t, rate1(k, 11, 60, T0 + 60000, &retry) == PAKE_ERATE &&
	    retry == 30000, "at 60 s: retry %lld", (long long)retry);
	CHECK(t, (n = allowed(k, 11, 60, T0 + 90000, 40)) == 30,
	    "at 90 s: %d, want 30", n);

	/* The limit lowered, then raised, between calls. */
	CHECK(t, allowed(k, 12, 10, T0, 10) == 10, "10 of 10");
	CHECK(t, rate1(k, 12, 5, T0 + 1, &retry) == PAKE_ERATE &&
	    retry == 59999, "lowered to 5");
	CHECK(t, (n = allowed(k, 12, 20, T0 + 2, 15)) == 10, "raised: %d", n);
	CHECK(t, rate1(k, 12, 5, T0 + 60000, &retry) == PAKE_ERATE &&
	    retry == 2, "lowered again: retry %lld", (long long)retry);

	/* Above the maximum: enforced as PAKE_COUNTERS_RATE_MAX. */
	CHECK(t, (n = allowed(k, 13, 100000, T0, 2500)) ==
	    PAKE_COUNTERS_RATE_MAX, "max: %d", n);
	CHECK(t, (n = allowed(k, 13, PAKE_COUNTERS_RATE_MAX, T0 + 60000,
	    2500)) == PAKE_COUNTERS_RATE_MAX, "max again: %d", n);
	CHECK(t, (n = allowed(k, 14, 1200, T0, 1300)) == 1200, "1200: %d", n);

	/* Bad arguments. */
	CHECK(t, rate1(k, 15, 0, T0, &retry) == PAKE_ERATE && retry == 60000,
	    "per_min 0");
	CHECK(t, rate1(k, 15, -3, T0, &retry) == PAKE_ERATE, "per_min -3");
	CHECK(t, rate1(k, 0, 10, T0, &retry) == PAKE_EINVAL, "token 0");
	CHECK(t, rate1(k, -1, 10, T0, &retry) == PAKE_EINVAL, "token -1");
	CHECK(t, rate1(k, 15, 10, 0, &retry) == PAKE_EINVAL, "now 0");

	/* The clock went back an hour: the future times expire, and the
	 * window is exact again from the new time. */
	CHECK(t, allowed(k, 16, 60, T0, 60) == 60, "before the step");
	CHECK(t, (n = allowed(k, 16, 60, T0 - 3600000, 70)) == 60,
	    "an hour back: %d", n);
	CHECK(t, rate1(k, 16, 60, T0 - 3600000 + 59999, &retry) ==
	    PAKE_ERATE && retry == 1, "exact after the step");
	/* Back half a minute: the window holds, retry bounded. */
	CHECK(t, allowed(k, 17, 60, T0, 60) == 60, "before");
	CHECK(t, rate1(k, 17, 60, T0 - 30000, &retry) == PAKE_ERATE &&
	    retry == 90000, "half a minute back: retry %lld",
	    (long long)retry);
	pake_counters_close(k);
}

/* Every token entry in use: fail closed; reuse of flushed or idle ones. */
static void
test_tokens(struct tally *t)
{
	static pake_counters_rec recs[4096];
	pake_counters *k = fresh(t, "tokens");
	pake_err e = {0};
	int64_t retry, id;
	size_t n, i;
	int rc, bad;

	if (k == NULL)
		return;
	for (id = 1000, bad = 0; id < 1000 + 2048; id++)
		if (rate1(k, id, 3, T0, &retry) != 0)
			bad++;
	CHECK(t, bad == 0, "2048 tokens: %d refused", bad);
	rc = pake_counters_rate(k, 5000, 3, T0 + 1000, &retry, &e);
	CHECK(t, rc == PAKE_EUNAVAIL && strstr(e.detail, "2048"),
	    "full: %d %s", rc, e.detail);
	/* Known tokens still work. */
	CHECK(t, allowed(k, 1000, 3, T0 + 1000, 3) == 2 &&
	    allowed(k, 3047, 3, T0 + 1000, 3) == 2, "known tokens");
	/* Idle a minute but unflushed: still in use. */
	CHECK(t, rate1(k, 5000, 3, T0 + 61001, &retry) == PAKE_EUNAVAIL,
	    "unflushed");
	n = pake_counters_dirty(k, recs, 4096);
	CHECK(t, n == 2048, "dirty: %zu", n);
	pake_counters_mark(k, recs, n);
	CHECK(t, pake_counters_dirty(k, recs, 4096) == 0, "marked");
	/* Flushed and idle a minute: reusable (not 1000 and 3047, used at
	 * T0 + 1000). */
	CHECK(t, rate1(k, 5000, 3, T0 + 60999, &retry) == 0,
	    "taken over: %d", rate1(k, 5000, 3, T0 + 60999, &retry));
	CHECK(t, (int)allowed(k, 5000, 3, T0 + 61000, 5) == 2 &&
	    rate1(k, 5000, 3, T0 + 61000, &retry) == PAKE_ERATE &&
	    retry == 59999, "window of the new token");
	/* The old token of that entry gets another one. */
	for (id = 1001, bad = 0; id < 1050; id++)
		if (allowed(k, id, 3, T0 + 62000, 4) != 3)
			bad++;
	CHECK(t, bad == 0, "evicted tokens come back: %d bad", bad);
	/* The new tokens' last use is their own. */
	n = pake_counters_dirty(k, recs, 4096);
	for (i = 0, bad = 0; i < n; i++)
		if (recs[i].kind != PAKE_COUNTERS_TOUCH ||
		    (recs[i].id == 5000 && recs[i].value != T0 + 61000) ||
		    (recs[i].id != 5000 && recs[i].value != T0 + 62000))
			bad++;
	CHECK(t, n == 50 && bad == 0, "dirty after takeover: %zu, %d bad",
	    n, bad);
	pake_counters_close(k);

	/* Unflushed entries become reusable after ten minutes. */
	k = fresh(t, "tokens");
	if (k == NULL)
		return;
	for (id = 1000; id < 1000 + 2048; id++)
		rate1(k, id, 3, T0, &retry);
	CHECK(t, rate1(k, 5000, 3, T0 + 599999, &retry) == PAKE_EUNAVAIL,
	    "before ten minutes");
	CHECK(t, allowed(k, 5000, 3, T0 + 600000, 5) == 3, "after ten minutes");
	n = pake_counters_dirty(k, recs, 4096);
	for (i = 0, bad = 0; i < n; i++)
		if (recs[i].id == 5000 && recs[i].value != T0 + 600000)
			bad++;
	CHECK(t, n == 2048 && bad == 0, "the old last use is not the new "
	    "token's: %zu %d", n, bad);
	pake_counters_close(k);
}

struct base {
	int64_t value;
	int called;
};

static int64_t
base_fn(void *arg, int64_t tenant, int64_t day)
{
	struct base *b = arg;

	b->called++;
	return b->value;
}

static int
call1(pake_counters *k, int64_t tenant, int64_t day, int64_t limit,
    struct base *b, int64_t *calls)
{
	pake_err e = {0};

	return pake_counters_calls(k, tenant, day, limit, base_fn, b, calls,
	    &e);
}

static void
test_calls(struct tally *t)
{
	pake_counters *k = fresh(t, "calls");
	struct base b = { 5, 0 };
	pake_err e = {0};
	int64_t calls;
	int i, rc;

	if (k == NULL)
		return;
	/* The count starts from the database's. */
	for (i = 0; i < 3; i++) {
		rc = call1(k, 7, DAY0, 8, &b, &calls);
		CHECK(t, rc == 0 && calls == 6 + i, "call %d: %d %lld", i, rc,
		    (long long)calls);
	}
	rc = call1(k, 7, DAY0, 8, &b, &calls);
	CHECK(t, rc == PAKE_EQUOTA && calls == 8, "refused: %d %lld", rc,
	    (long long)calls);
	CHECK(t, b.called == 1, "base called %d times", b.called);
	/* A raised limit counts on. */
	CHECK(t, call1(k, 7, DAY0, 9, &b, &calls) == 0 && calls == 9, "raised");
	/* A new day asks the database again. */
	b.value = 0;
	CHECK(t, call1(k, 7, DAY0 + 1, 8, &b, &calls) == 0 && calls == 1 &&
	    b.called == 2, "next day: %lld, base %d", (long long)calls,
	    b.called);
	/* A call a moment before midnight counts toward the entry's day. */
	CHECK(t, call1(k, 7, DAY0, 8, &b, &calls) == 0 && calls == 2 &&
	    b.called == 2, "late call: %lld", (long long)calls);
	/* The database already over the limit: refused without counting. */
	b.value = 100;
	rc = call1(k, 7, DAY0 + 5, 50, &b, &calls);
	CHECK(t, rc == PAKE_EQUOTA && calls == 100 && b.called == 3,
	    "over from base: %d %lld", rc, (long long)calls);
	rc = call1(k, 7, DAY0 + 5, 50, &b, &calls);
	CHECK(t, rc == PAKE_EQUOTA && calls == 100 && b.called == 3,
	    "again: %d %lld %d", rc, (long long)calls, b.called);
	/* The clock back a week: a move like any other. */
	b.value = 2;
	CHECK(t, call1(k, 7, DAY0 - 2, 50, &b, &calls) == 0 && calls == 3 &&
	    b.called == 4, "back: %lld", (long long)calls);
	/* Tenants are independent; no base means 0. */
	CHECK(t, pake_counters_calls(k, 8, DAY0, 2, NULL, NULL, &calls, &e) ==
	    0 && calls == 1, "no base");
	CHECK(t, pake_counters_calls(k, 8, DAY0, 2, NULL, NULL, &calls, &e) ==
	    0 && calls == 2, "no base 2");
	CHECK(t, pake_counters_calls(k, 8, DAY0, 2, NULL, NULL, &calls, &e) ==
	    PAKE_EQUOTA, "no base 3");
	/* Bad arguments. */
	CHECK(t, call1(k, 0, DAY0, 5, &b, &calls) == PAKE_EINVAL, "tenant 0");
	CHECK(t, call1(k, 9, -1, 5, &b, &calls) == PAKE_EINVAL, "day -1");
	CHECK(t, call1(k, 9, PAKE_COUNTERS_DAY_MAX + 1, 5, &b, &calls) ==
	    PAKE_EINVAL, "day too far");
	b.value = 0;
	CHECK(t, call1(k, 9, DAY0, 0, &b, &calls) == PAKE_EQUOTA, "limit 0");
	CHECK(t, call1(k, 9, DAY0, -1, &b, &calls) == PAKE_EQUOTA, "limit -1");
	b.value = -7;
	CHECK(t, call1(k, 10, DAY0, 5, &b, &calls) == 0 && calls == 1,
	    "negative base");
	pake_counters_close(k);
}

/* Every tenant entry in use: fail closed; reuse of flushed or old ones. */
static void
test_tenants(struct tally *t)
{
	static pake_counters_rec recs[9000];
	pake_counters *k = fresh(t, "tenants");
	struct base b = { 0, 0 };
	int64_t calls, id;
	size_t n, i;
	int bad, rc;

	if (k == NULL)
		return;
	for (id = 1, bad = 0; id <= 8192; id++)
		if (call1(k, id, DAY0, 10, &b, &calls) != 0)
			bad++;
	CHECK(t, bad == 0, "8192 tenants: %d refused", bad);
	rc = call1(k, 9000, DAY0, 10, &b, &calls);
	CHECK(t, rc == PAKE_EUNAVAIL, "full: %d", rc);
	CHECK(t, call1(k, 9000, DAY0 + 1, 10, &b, &calls) == PAKE_EUNAVAIL,
	    "a day later");
	CHECK(t, call1(k, 9000, DAY0 + 2, 10, &b, &calls) == PAKE_EUNAVAIL,
	    "two days later, unflushed");
	n = pake_counters_dirty(k, recs, 9000);
	CHECK(t, n == 8192, "dirty: %zu", n);
	pake_counters_mark(k, recs, n);
	b.value = 4;
	CHECK(t, call1(k, 9000, DAY0 + 2, 10, &b, &calls) == 0 && calls == 5,
	    "flushed, two days later: taken over");
	n = pake_counters_dirty(k, recs, 9000);
	CHECK(t, n == 1 && recs[0].id == 9000 && recs[0].day == DAY0 + 2 &&
	    recs[0].value == 5, "only the new tenant is dirty: %zu", n);
	/* The old tenant comes back: another entry, counted from base. */
	b.value = 1;
	for (id = 1, bad = 0; id <= 8192; id++)
		if (call1(k, id, DAY0, 10, &b, &calls) != 0 || calls != 2)
			bad++;
	CHECK(t, bad == 1, "the evicted tenant is refused (the table is "
	    "full), the others count on: %d", bad);
	pake_counters_close(k);

	/* Unflushed entries are taken eight days on; their counts are not
	 * reported under the new id. */
	if ((k = fresh(t, "tenants")) == NULL)
		return;
	b.value = 0;
	for (id = 1; id <= 8192; id++)
		call1(k, id, DAY0, 10, &b, &calls);
	CHECK(t, call1(k, 9000, DAY0 + 7, 10, &b, &calls) == PAKE_EUNAVAIL,
	    "seven days");
	CHECK(t, call1(k, 9000, DAY0 + 8, 10, &b, &calls) == 0 && calls == 1,
	    "eight days");
	n = pake_counters_dirty(k, recs, 9000);
	for (i = 0, bad = 0; i < n; i++)
		if (recs[i].id == 9000 && (recs[i].day != DAY0 + 8 ||
		    recs[i].value != 1))
			bad++;
	CHECK(t, n == 8192 && bad == 0, "dirty after takeover: %zu, %d bad",
	    n, bad);
	pake_counters_close(k);
}

/* Find the rec of (kind, id, day) in recs[0..n), or NULL. */
static const pake_counters_rec *
find_rec(const pake_counters_rec *recs, size_t n, int kind, int64_t id,
    int64_t day)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (recs[i].kind == kind && recs[i].id == id &&
		    (kind != PAKE_COUNTERS_USAGE || recs[i].day == day))
			return &recs[i];
	return NULL;
}

static void
test_dirty(struct tally *t)
{
	pake_counters *k = fresh(t, "dirty");
	pake_counters_rec recs[16], bad;
	const pake_counters_rec *r;
	struct base b = { 0, 0 };
	int64_t calls, retry;
	size_t n;
	int i;

	if (k == NULL)
		return;
	CHECK(t, pake_counters_dirty(k, recs, 16) == 0, "empty");
	for (i = 0; i < 3; i++)
		call1(k, 1, DAY0, 100, &b, &calls);
	rate1(k, 9, 10, T0, &retry);
	n = pake_counters_dirty(k, recs, 16);
	CHECK(t, n == 2, "two records: %zu", n);
	r = find_rec(recs, n, PAKE_COUNTERS_USAGE, 1, DAY0);
	CHECK(t, r && r->value == 3, "usage");
	r = find_rec(recs, n, PAKE_COUNTERS_TOUCH, 9, 0);
	CHECK(t, r && r->value == T0, "touch");
	pake_counters_mark(k, recs, n);
	CHECK(t, pake_counters_dirty(k, recs, 16) == 0, "all marked");

	/* A failed commit does not mark: offered again. */
	call1(k, 1, DAY0, 100, &b, &calls);
	rate1(k, 9, 10, T0 + 5, &retry);
	n = pake_counters_dirty(k, recs, 16);
	CHECK(t, n == 2 && pake_counters_dirty(k, recs, 16) == 2,
	    "offered again");
	r = find_rec(recs, n, PAKE_COUNTERS_USAGE, 1, DAY0);
	CHECK(t, r && r->value == 4, "usage 4");
	r = find_rec(recs, n, PAKE_COUNTERS_TOUCH, 9, 0);
	CHECK(t, r && r->value == T0 + 5, "touch 5");
	/* Marks never move backwards: an old mark after a new one. */
	bad = *find_rec(recs, n, PAKE_COUNTERS_USAGE, 1, DAY0);
	bad.value = 3;
	pake_counters_mark(k, recs, n);
	pake_counters_mark(k, &bad, 1);
	bad = recs[0];
	bad.slot = 999999;	/* out of range: ignored */
	pake_counters_mark(k, &bad, 1);
	bad.id = 424242;	/* another id: ignored */
	bad.slot = recs[0].slot;
	pake_counters_mark(k, &bad, 1);
	CHECK(t, pake_counters_dirty(k, recs, 16) == 0, "old mark ignored");

	/* A day change with the day's end marked: only the new day. */
	call1(k, 1, DAY0 + 1, 100, &b, &calls);
	n = pake_counters_dirty(k, recs, 16);
	CHECK(t, n == 1 && recs[0].day == DAY0 + 1 && recs[0].value == 1,
	    "new day: %zu", n);
	pake_counters_mark(k, recs, n);
	/* A day change before the day's end was marked: both days. */
	call1(k, 1, DAY0 + 1, 100, &b, &calls);
	call1(k, 1, DAY0 + 1, 100, &b, &calls);
	b.value = 10;
	call1(k, 1, DAY0 + 2, 100, &b, &calls);
	n = pake_counters_dirty(k, recs, 16);
	CHECK(t, n == 2, "both days: %zu", n);
	r = find_rec(recs, n, PAKE_COUNTERS_USAGE, 1, DAY0 + 1);
	CHECK(t, r && r->value == 3, "previous day's final count");
	r = find_rec(recs, n, PAKE_COUNTERS_USAGE, 1, DAY0 + 2);
	CHECK(t, r && r->value == 11, "new day's count");
	/* One at a time (max 1), marking each. */
	CHECK(t, pake_counters_dirty(k, recs, 1) == 1, "max 1");
	pake_counters_mark(k, recs, 1);
	CHECK(t, pake_counters_dirty(k, recs, 16) == 1, "the other");
	pake_counters_mark(k, recs, 1);
	CHECK(t, pake_counters_dirty(k, recs, 16) == 0, "none");
	pake_counters_close(k);
}

static void
test_flush(struct tally *t)
{
	pake_counters *k = fresh(t, "flush"), *k2 = NULL;
	pake_err e = {0};
	int n, i, st;
	pid_t pid[6];

	if (k == NULL)
		return;
	CHECK(t, pake_counters_open(&k2, path_of("flush"), &e) == 0, "k2");
	if (k2 == NULL)
		return;
	CHECK(t, pake_counters_flush_begin(k, T0, 1000) == 0, "first call");
	CHECK(t, pake_counters_flush_begin(k2, T0, 1000) == 0, "second call");
	CHECK(t, pake_counters_flush_begin(k, T0 + 999, 1000) == 0, "early");
	n = pake_counters_flush_begin(k, T0 + 1000, 1000);
	n += pake_counters_flush_begin(k2, T0 + 1000, 1000);
	CHECK(t, n == 1, "once across two handles: %d", n);
	CHECK(t, pake_counters_flush_begin(k2, T0 + 1999, 1000) == 0, "next");
	/* Six processes at the same instant: one wins. */
	for (i = 0; i < 6; i++)
		if ((pid[i] = fork()) == 0)
			_exit(pake_counters_flush_begin(k, T0 + 2500, 1000));
	for (i = 0, n = 0; i < 6; i++)
		if (pid[i] > 0 && waitpid(pid[i], &st, 0) == pid[i] &&
		    WIFEXITED(st))
			n += WEXITSTATUS(st);
	CHECK(t, n == 1, "one of six processes: %d", n);
	/* The clock went back (next is more than 2 intervals ahead). */
	CHECK(t, pake_counters_flush_begin(k, T0 - 10000, 1000) == 1,
	    "clock back");
	CHECK(t, pake_counters_flush_begin(k, T0 - 10000, 1000) == 0,
	    "then scheduled");
	CHECK(t, pake_counters_flush_begin(k, T0 - 8001, 1000) == 1,
	    "due");
	/* A future time injected, then the real one. */
	CHECK(t, pake_counters_flush_begin(k, T0 + 86400000, 1000) == 1,
	    "future");
	CHECK(t, pake_counters_flush_begin(k2, T0, 1000) == 1, "present");
	CHECK(t, pake_counters_flush_begin(k, T0, 0) == 0 &&
	    pake_counters_flush_begin(k, T0, -5) == 0 &&
	    pake_counters_flush_begin(k, 0, 1000) == 0, "bad arguments");
	pake_counters_close(k2);
	pake_counters_close(k);
}

/* A table of request series and latency routes from a walk. */
#define MAXS	4096
struct walk {
	int n, nlat, bad;
	struct {
		char route[64], method[16];
		int status;
		uint64_t count;
	} s[MAXS];
	struct {
		char route[64];
		uint64_t bucket[PAKE_COUNTERS_BUCKETS], sum, total;
	} l[512];
	int stop_at;
};

static int
walk_req(void *arg, const char *route, const char *method, int status,
    uint64_t count)
{
	struct walk *w = arg;

	if (strlen(route) > PAKE_COUNTERS_ROUTE_MAX ||
	    strlen(method) > PAKE_COUNTERS_METHOD_MAX || status < 100 ||
	    status > 599 || w->n >= MAXS) {
		w->bad++;
		return 0;
	}
	if (w->stop_at && w->n + 1 == w->stop_at)
		return 7;
	pake_strlcpy(w->s[w->n].route, route, 64);
	pake_strlcpy(w->s[w->n].method, method, 16);
	w->s[w->n].status = status;
	w->s[w->n++].count = count;
	return 0;
}

static int
walk_lat(void *arg, const char *route, const uint64_t bucket[], uint64_t sum)
{
	struct walk *w = arg;
	int i;

	if (w->nlat >= 512) {
		w->bad++;
		return 0;
	}
	pake_strlcpy(w->l[w->nlat].route, route, 64);
	w->l[w->nlat].total = 0;
	for (i = 0; i < PAKE_COUNTERS_BUCKETS; i++) {
		w->l[w->nlat].bucket[i] = bucket[i];
		w->l[w->nlat].total += bucket[i];
	}
	w->l[w->nlat++].sum = sum;
	return 0;
}

static struct walk *
walk(pake_counters *k)
{
	struct walk *w = calloc(1, sizeof *w);

	if (w && pake_counters_http_each(k, walk_req, walk_lat, w) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

/* The count of a request series in w, or -1. */
static int64_t
count_of(const struct walk *w, const char *route, const char *method,
    int status)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->s[i].route, route) == 0 &&
		    strcmp(w->s[i].method, method) == 0 &&
		    w->s[i].status == status)
			return (int64_t)w->s[i].count;
	return -1;
}

static int
lat_of(const struct walk *w, const char *route)
{
	int i;

	for (i = 0; i < w->nlat; i++)
		if (strcmp(w->l[i].route, route) == 0)
			return i;
	return -1;
}

/* Requests by minute: counted in their minute's slot, a newer lap
 * starts the slot afresh, an older minute never overwrites a newer one,
 * counts saturate, and the walk gives only the minutes asked for. */
struct mins {
	int n;
	int64_t minute[8];
	uint64_t req[8], err[8], ms[8];
};

static int
walk_min(void *arg, int64_t minute_ms, uint64_t requests, uint64_t errors,
    uint64_t ms)
{
	struct mins *m = arg;

	if (m->n < 8) {
		m->minute[m->n] = minute_ms;
		m->req[m->n] = requests;
		m->err[m->n] = errors;
		m->ms[m->n] = ms;
	}
	m->n++;
	return 0;
}

static void
test_minutes(struct tally *t)
{
	pake_counters *k = fresh(t, "minutes");
	int64_t m0 = INT64_C(1796029200000);	/* a minute's start */
	int64_t lap = (int64_t)PAKE_COUNTERS_MINUTES * 60000;
	struct mins m;
	int i;

	if (k == NULL)
		return;
	pake_counters_minute(k, m0 + 10, 200, 1500);
	pake_counters_minute(k, m0 + 59999, 503, 2500);
	pake_counters_minute(k, m0 + 30000, 404, 1000);
	pake_counters_minute(k, m0 + 60000, 200, 400);
	memset(&m, 0, sizeof m);
	pake_counters_minutes(k, m0, m0 + 60000, walk_min, &m);
	CHECK(t, m.n == 2, "two minutes counted");
	for (i = 0; i < m.n && i < 8; i++) {
		if (m.minute[i] == m0)
			CHECK(t, m.req[i] == 3 && m.err[i] == 1 && m.ms[i] == 5000,
			    "the first minute: 3 requests, one 5xx, 5000 us");
		else
			CHECK(t, m.minute[i] == m0 + 60000 && m.req[i] == 1 &&
			    m.err[i] == 0 && m.ms[i] == 400,
			    "the second minute: 1 request of 400 us");
	}
	memset(&m, 0, sizeof m);
	pake_counters_minutes(k, m0 + 60000, m0 + 120000, walk_min, &m);
	CHECK(t, m.n == 1 && m.minute[0] == m0 + 60000, "the range is kept to");
	/* The slot's next lap starts it afresh; its old lap is gone. */
	pake_counters_minute(k, m0 + lap, 200, 7000);
	memset(&m, 0, sizeof m);
	pake_counters_minutes(k, m0, m0 + lap, walk_min, &m);
	CHECK(t, m.n == 2, "a new lap replaces the slot");
	for (i = 0; i < m.n && i < 8; i++)
		if (m.minute[i] == m0 + lap)
			CHECK(t, m.req[i] == 1 && m.ms[i] == 7000,
			    "the new lap's counts");
	/* A clock behind: its old minute does not overwrite the newer. */
	pake_counters_minute(k, m0 + 5, 200, 1000);
	memset(&m, 0, sizeof m);
	pake_counters_minutes(k, m0, m0 + 1, walk_min, &m);
	CHECK(t, m.n == 0, "an older minute does not come back");
	/* Saturation. */
	for (i = 0; i < 0x100005; i++)
		pake_counters_minute(k, m0 + 2 * 60000, 500, 0);
	memset(&m, 0, sizeof m);
	pake_counters_minutes(k, m0 + 2 * 60000, m0 + 2 * 60000, walk_min, &m);
	CHECK(t, m.n == 1 && m.req[0] == 0xFFFFF && m.err[0] == 0x3FFFF,
	    "counts saturate");
	CHECK(t, pake_counters_minute(k, m0, 99, 0) == PAKE_EINVAL &&
	    pake_counters_minute(k, m0, 600, 0) == PAKE_EINVAL &&
	    pake_counters_minute(k, 0, 200, 0) == PAKE_EINVAL &&
	    pake_counters_minute(k, INT64_C(1) << 62, 200, 0) == PAKE_EINVAL,
	    "bad status and times refused");
	pake_counters_close(k);
}

static void
test_http(struct tally *t)
{
	pake_counters *k = fresh(t, "http");
	char r63[64], r64[65], route[32];
	uint64_t total;
	struct walk *w;
	int i, j, bad;

	if (k == NULL)
		return;
	for (i = 0; i < 5; i++)
		pake_counters_http(k, "/notes/{pake_id}", "GET", 200, 3, 1500);
	for (i = 0; i < 2; i++)
		pake_counters_http(k, "/notes", "POST", 201, 5, 20000);
	pake_counters_http(k, "/notes", "POST", 400, 0, 100);
	pake_counters_http(k, "other", "other", 404, 1, 10);
	pake_counters_http(k, "other", "GET", 404, 1, 10);
	memset(r63, 'a', 63);
	r63[0] = '/';
	r63[63] = '\0';
	memset(r64, 'b', 64);
	r64[64] = '\0';
	CHECK(t, pake_counters_http(k, r63, "PATCHPATCHPATCH", 599, 12, 1) ==
	    0, "longest labels");
	CHECK(t, pake_counters_http(k, r64, "GET", 200, 0, 1) == PAKE_EINVAL,
	    "route too long");
	CHECK(t, pake_counters_http(k, "/x", "PATCHPATCHPATCHX", 200, 0, 1) ==
	    PAKE_EINVAL, "method too long");
	CHECK(t, pake_counters_http(k, "", "GET", 200, 0, 1) == PAKE_EINVAL &&
	    pake_counters_http(k, "/x", "", 200, 0, 1) == PAKE_EINVAL &&
	    pake_counters_http(k, NULL, "GET", 200, 0, 1) == PAKE_EINVAL,
	    "empty labels");
	CHECK(t, pake_counters_http(k, "/x", "GET", 99, 0, 1) == PAKE_EINVAL &&
	    pake_counters_http(k, "/x", "GET", 600, 0, 1) == PAKE_EINVAL,
	    "status");
	CHECK(t, pake_counters_http(k, "/x", "GET", 200, -1, 1) ==
	    PAKE_EINVAL && pake_counters_http(k, "/x", "GET", 200, 13, 1) ==
	    PAKE_EINVAL, "bucket");
	if ((w = walk(k)) == NULL)
		return;
	CHECK(t, w->bad == 0 && w->n == 6 && w->nlat == 4,
	    "series: %d bad, %d, %d", w->bad, w->n, w->nlat);
	CHECK(t, count_of(w, "/notes/{pake_id}", "GET", 200) == 5 &&
	    count_of(w, "/notes", "POST", 201) == 2 &&
	    count_of(w, "/notes", "POST", 400) == 1 &&
	    count_of(w, "other", "other", 404) == 1 &&
	    count_of(w, "other", "GET", 404) == 1 &&
	    count_of(w, r63, "PATCHPATCHPATCH", 599) == 1, "counts");
	i = lat_of(w, "/notes/{pake_id}");
	CHECK(t, i >= 0 && w->l[i].bucket[3] == 5 && w->l[i].total == 5 &&
	    w->l[i].sum == 7500, "latency");
	i = lat_of(w, "/notes");
	CHECK(t, i >= 0 && w->l[i].bucket[5] == 2 && w->l[i].bucket[0] == 1 &&
	    w->l[i].sum == 40100, "latency 2");
	i = lat_of(w, "other");
	CHECK(t, i >= 0 && w->l[i].bucket[1] == 2 && w->l[i].total == 2,
	    "latency of other");
	free(w);
	/* A callback's non-zero return stops the walk. */
	w = calloc(1, sizeof *w);
	if (w) {
		w->stop_at = 3;
		CHECK(t, pake_counters_http_each(k, walk_req, NULL, w) == 7 &&
		    w->n == 2, "stopped: %d", w->n);
		free(w);
	}
	pake_counters_close(k);

	/* Overflow: 3000 routes, 2 statuses each. */
	if ((k = fresh(t, "http")) == NULL)
		return;
	for (i = 0; i < 3000; i++) {
		snprintf(route, sizeof route, "/r/%d", i);
		for (j = 0; j < 2; j++)
			pake_counters_http(k, route, "GET", 200 + j, j, 1);
	}
	if ((w = walk(k)) == NULL)
		return;
	for (i = 0, total = 0, bad = 0; i < w->n; i++) {
		total += w->s[i].count;
		if (strcmp(w->s[i].route, "other") != 0 && w->s[i].count != 1)
			bad++;
	}
	CHECK(t, bad == 0 && total == 6000, "overflow: %d bad, total %llu",
	    bad, (unsigned long long)total);
	CHECK(t, count_of(w, "other", "other", 200) > 0 &&
	    count_of(w, "other", "other", 201) > 0 && w->n <= 2048 + 2,
	    "overflow series: %d series", w->n);
	printf("# http: 6000 series asked, %d kept, %lld in overflow\n",
	    w->n - 2, (long long)(count_of(w, "other", "other", 200) +
	    count_of(w, "other", "other", 201)));
	for (i = 0, total = 0; i < w->nlat; i++)
		total += w->l[i].total;
	CHECK(t, w->nlat == 257 && total == 6000 && lat_of(w, "other") >= 0,
	    "latency overflow: %d routes, %llu", w->nlat,
	    (unsigned long long)total);
	/* Routes kept are still found (and counted) again. */
	for (i = 0, bad = 0; i < 3000; i++) {
		snprintf(route, sizeof route, "/r/%d", i);
		if (count_of(w, route, "GET", 200) == 1)
			pake_counters_http(k, route, "GET", 200, 0, 1);
	}
	free(w);
	if ((w = walk(k)) == NULL)
		return;
	for (i = 0; i < w->n; i++)
		if (strcmp(w->s[i].route, "other") != 0 && w->s[i].status ==
		    200 && w->s[i].count != 2)
			bad++;
	CHECK(t, bad == 0, "kept series counted again: %d bad", bad);
	free(w);
	pake_counters_close(k);
}

/*
 * Processes and threads.
 */

/* Fork n children that wait on a pipe, then call the rate limit calls
 * times each for token at now; returns how many were allowed in all (or
 * -1).  The children report their counts in a shared anonymous page. */
static int
race_rate(pake_counters *k, int nchild, int64_t token, int64_t per_min,
    int64_t now, int calls)
{
	int p[2], i, st, total = 0, *got;
	pid_t pid[16];
	char go[16];

	if (nchild < 1 || nchild > 16)
		return -1;
	got = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS, -1, 0);
	if (got == MAP_FAILED || pipe(p) != 0)
		return -1;
	for (i = 0; i < nchild; i++) {
		if ((pid[i] = fork()) == 0) {
			close(p[1]);
			if (read(p[0], go, 1) != 1)
				_exit(1);
			got[i] = allowed(k, token, per_min, now, calls);
			_exit(0);
		}
	}
	close(p[0]);
	memset(go, 'g', sizeof go);
	if (write(p[1], go, (size_t)nchild) != nchild)
		perror("write");
	close(p[1]);
	for (i = 0; i < nchild; i++) {
		if (pid[i] < 0 || waitpid(pid[i], &st, 0) != pid[i] ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			total = -1;
		else if (total >= 0)
			total += got[i];
	}
	munmap(got, 4096);
	return total;
}

struct thr {
	pake_counters *k;
	int64_t token;
	int ok;
	pthread_barrier_t *bar;
};

static void *
thr_main(void *arg)
{
	struct thr *a = arg;

	pthread_barrier_wait(a->bar);
	a->ok = allowed(a->k, a->token, 60, T0, 100);
	return NULL;
}

static void
test_race(struct tally *t)
{
	pake_counters *k = fresh(t, "race");
	pthread_barrier_t bar;
	pthread_t th[4];
	struct thr a[4];
	int round, n, bad, i, total;

	if (k == NULL)
		return;
	for (round = 0, bad = 0; round < 20; round++) {
		n = race_rate(k, 4, 100 + round, 60, T0, 100);
		if (n != 60 && bad++ < 3)
			CHECK(t, 0, "round %d: %d allowed", round, n);
	}
	CHECK(t, bad == 0, "4 processes x 100 at one instant: exactly 60");
	n = race_rate(k, 8, 200, 1200, T0, 400);
	CHECK(t, n == 1200, "8 processes x 400, limit 1200: %d", n);
	/* Threads sharing one handle. */
	for (round = 0, bad = 0; round < 20; round++) {
		pthread_barrier_init(&bar, NULL, 4);
		for (i = 0; i < 4; i++) {
			a[i].k = k;
			a[i].token = 300 + round;
			a[i].ok = 0;
			a[i].bar = &bar;
			pthread_create(&th[i], NULL, thr_main, &a[i]);
		}
		for (i = 0, total = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			total += a[i].ok;
		}
		pthread_barrier_destroy(&bar);
		if (total != 60)
			bad++;
	}
	CHECK(t, bad == 0, "4 threads: exactly 60 (%d rounds wrong)", bad);
	pake_counters_close(k);
}

/*
 * The labels of the kill test and of stress: routes /s/0.. /s/NR-1,
 * methods GET, POST, other, statuses 200, 404, 500.
 */
#define NR	30
static const char *const methods[] = {"GET", "POST", "other"};
static const int statuses[] = {200, 404, 500};

static int
sane_route(const char *r)
{
	char *end;
	long n;

	if (strncmp(r, "/s/", 3) != 0)
		return strcmp(r, "other") == 0;
	n = strtol(r + 3, &end, 10);
	return *end == '\0' && end != r + 3 && n >= 0 && n < NR;
}

static int
sane_method(const char *m)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(m, methods[i]) == 0)
			return 1;
	return 0;
}

/* Every series of w has labels stress writes; every route's latency
 * count at most its requests.  Returns the number of faults. */
static int
check_sane(struct tally *t, const struct walk *w)
{
	int i, j, bad = 0;
	uint64_t req;

	for (i = 0; i < w->n; i++)
		if (!sane_route(w->s[i].route) ||
		    !sane_method(w->s[i].method) ||
		    (w->s[i].status != 200 && w->s[i].status != 404 &&
		    w->s[i].status != 500)) {
			if (bad++ < 3)
				CHECK(t, 0, "insane series [%s] [%s] %d",
				    w->s[i].route, w->s[i].method,
				    w->s[i].status);
		}
	for (i = 0; i < w->nlat; i++) {
		if (!sane_route(w->l[i].route)) {
			if (bad++ < 3)
				CHECK(t, 0, "insane route [%s]",
				    w->l[i].route);
			continue;
		}
		for (j = 0, req = 0; j < w->n; j++)
			if (strcmp(w->s[j].route, w->l[i].route) == 0)
				req += w->s[j].count;
		if (w->l[i].total > req && bad++ < 3)
			CHECK(t, 0, "route %s: %llu timed, %llu counted",
			    w->l[i].route, (unsigned long long)w->l[i].total,
			    (unsigned long long)req);
	}
	CHECK(t, bad == 0 && w->bad == 0, "labels sane (%d faults)", bad);
	return bad;
}

/* No count of old is missing or smaller in now. */
static int
check_grew(struct tally *t, const struct walk *old, const struct walk *now)
{
	int i, bad = 0;
	int64_t c;

	for (i = 0; i < old->n; i++) {
		c = count_of(now, old->s[i].route, old->s[i].method,
		    old->s[i].status);
		if (c < (int64_t)old->s[i].count && bad++ < 3)
			CHECK(t, 0, "%s %s %d: %lld after %llu",
			    old->s[i].route, old->s[i].method,
			    old->s[i].status, (long long)c,
			    (unsigned long long)old->s[i].count);
	}
	return bad;
}

static int64_t
zero_base(void *arg, int64_t tenant, int64_t day)
{
	return 0;
}

/* One round of everything, as stress and the killed children do. */
static void
churn(pake_counters *k, unsigned *seed, int64_t now)
{
	pake_counters_rec recs[64];
	char route[16];
	int64_t retry, calls;
	pake_err e;
	size_t n;
	int r = rand_r(seed);

	snprintf(route, sizeof route, "/s/%d", r % NR);
	pake_counters_http(k, route, methods[(r >> 8) % 3],
	    statuses[(r >> 12) % 3], (r >> 16) % PAKE_COUNTERS_BUCKETS,
	    (uint64_t)(r % 100000));
	pake_counters_rate(k, 1 + (r >> 4) % 50, 1200, now, &retry, &e);
	pake_counters_calls(k, 1 + (r >> 6) % 10, now / 86400000, 1000000,
	    zero_base, NULL, &calls, &e);
	if ((r & 255) == 0 && pake_counters_flush_begin(k, now, 50)) {
		while ((n = pake_counters_dirty(k, recs, 64)) > 0) {
			pake_counters_mark(k, recs, n);
			if (n < 64)
				break;
		}
	}
}

static void
sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

static void
test_kill(struct tally *t)
{
	pake_counters *k = fresh(t, "kill");
	struct walk *old = NULL, *now;
	unsigned seed = 12345;
	int kills, st, grew = 0, n, i, j, bad;
	char route[16];
	int64_t retry;
	pid_t pid;

	if (k == NULL)
		return;
	for (kills = 0; kills < 200; kills++) {
		if ((pid = fork()) == 0) {
			unsigned s = (unsigned)getpid();
			pake_counters *c = NULL;
			pake_err e;
			/* Half the children map the file themselves. */
			if ((kills & 1) && pake_counters_open(&c,
			    path_of("kill"), &e) != 0)
				_exit(1);
			for (;;)
				churn(c ? c : k, &s, T0 + kills);
		}
		if (pid < 0)
			break;
		sleep_us(rand_r(&seed) % 3000);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		if (kills % 10 == 9 && (now = walk(k)) != NULL) {
			if (old)
				grew += check_grew(t, old, now);
			free(old);
			old = now;
		}
	}
	CHECK(t, kills == 200, "kills: %d", kills);
	CHECK(t, grew == 0, "counts only grew (%d faults)", grew);
	if ((now = walk(k)) != NULL) {
		check_sane(t, now);
		printf("# kill: %d series after %d kills\n", now->n, kills);
		free(now);
	}
	free(old);
	/* Every label set counted once more: all visible, none claiming. */
	for (i = 0; i < NR; i++) {
		snprintf(route, sizeof route, "/s/%d", i);
		for (j = 0; j < 9; j++)
			pake_counters_http(k, route, methods[j % 3],
			    statuses[j / 3], 0, 1);
	}
	if ((now = walk(k)) != NULL) {
		for (i = 0, bad = 0; i < NR; i++) {
			snprintf(route, sizeof route, "/s/%d", i);
			for (j = 0; j < 9; j++)
				if (count_of(now, route, methods[j % 3],
				    statuses[j / 3]) < 1)
					bad++;
		}
		CHECK(t, bad == 0 && now->n == NR * 9 && now->nlat == NR,
		    "every series visible: %d missing, %d, %d", bad, now->n,
		    now->nlat);
		free(now);
	}
	/* Limits still exact, for a fresh token and the hammered ones. */
	CHECK(t, (n = allowed(k, 999, 60, T0, 100)) == 60, "fresh: %d", n);
	for (i = 1, bad = 0; i <= 50; i++)
		if (allowed(k, i, 60, T0 + 600000, 100) != 60)
			bad++;
	CHECK(t, bad == 0, "hammered tokens: %d wrong", bad);
	CHECK(t, rate1(k, 7, 60, T0 + 600000, &retry) == PAKE_ERATE &&
	    retry == 60000, "and refused after");
	pake_counters_close(k);
}

static double
ns_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e9 + (b.tv_nsec - a->tv_nsec);
}

/*
 * White box: the states a process killed between two steps leaves, made
 * by hand in a second mapping at the offsets of layout version 1.
 */
#define OFF_TOKEN	528384	/* 2048 x (key, seq, last_ms, flushed_ms) */
#define OFF_SERIES	593920	/* 2048 x 16 words */
#define OFF_RING	913408	/* 2048 x 2048 words */

static uint64_t *
map_raw(const char *p)
{
	uint64_t *m;
	int fd = open(p, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	m = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return m == MAP_FAILED ? NULL : m;
}

/* The words of the request series whose route text is route, or NULL. */
static uint64_t *
raw_series(uint64_t *m, const char *route)
{
	uint64_t *s;
	char text[64];
	int i;

	for (i = 0; i < 2048; i++) {
		s = m + OFF_SERIES / 8 + i * 16;
		memcpy(text, s + 1, 64);
		text[63] = '\0';
		if ((s[0] & 3) == 2 && strcmp(text, route) == 0)
			return s;
	}
	return NULL;
}

static void
test_crash_states(struct tally *t)
{
	pake_counters *k = fresh(t, "states");
	uint64_t *m, *s, *ring = NULL, seq = 0;
	struct walk *w;
	int64_t retry;
	int i, n;

	if (k == NULL)
		return;
	if ((m = map_raw(path_of("states"))) == NULL) {
		CHECK(t, 0, "map");
		return;
	}
	/* A claimer killed after claiming, before writing the labels, and
	 * one killed after writing one word of them. */
	for (i = 0; i < 5; i++) {
		pake_counters_http(k, "/claimed/a", "GET", 200, 0, 1);
		pake_counters_http(k, "/claimed/b", "PUT", 204, 0, 1);
	}
	s = raw_series(m, "/claimed/a");
	CHECK(t, s && s[12] == 5, "series found raw");
	if (s) {
		s[0] = (s[0] & ~(uint64_t)3) | 1;	/* claiming */
		memset(s + 1, 0, 11 * 8);		/* no labels yet */
	}
	s = raw_series(m, "/claimed/b");
	if (s) {
		s[0] = (s[0] & ~(uint64_t)3) | 1;
		memset(s + 2, 0, 10 * 8);		/* one word written */
	}
	if ((w = walk(k)) != NULL) {
		CHECK(t, w->n == 0, "claiming series are not walked: %d", w->n);
		free(w);
	}
	pake_counters_http(k, "/claimed/a", "GET", 200, 0, 1);
	pake_counters_http(k, "/claimed/b", "PUT", 204, 0, 1);
	if ((w = walk(k)) != NULL) {
		CHECK(t, w->n == 2 &&
		    count_of(w, "/claimed/a", "GET", 200) == 6 &&
		    count_of(w, "/claimed/b", "PUT", 204) == 6,
		    "claims finished by the next process: %d series", w->n);
		free(w);
	}

	/* A rate request killed after writing its time, before counting. */
	CHECK(t, allowed(k, 77, 60, T0, 60) == 60, "60");
	for (i = 0; i < 2048; i++)
		if (m[OFF_TOKEN / 8 + i * 4] == 77) {
			seq = m[OFF_TOKEN / 8 + i * 4 + 1];
			ring = m + OFF_RING / 8 + (size_t)i * 2048;
		}
	CHECK(t, ring && seq == 60, "token found raw");
	if (ring)
		ring[seq % 2048] = T0 + 100;	/* written, not counted */
	CHECK(t, rate1(k, 77, 60, T0 + 50, &retry) == PAKE_ERATE &&
	    retry == 59950, "still full");
	CHECK(t, (n = allowed(k, 77, 60, T0 + 60000, 100)) == 60,
	    "no extra request: %d", n);
	/* The same, when every one of 60 requests died after its write. */
	if (ring)
		for (i = 0; i < 60; i++)
			ring[(120 + i) % 2048] = T0 + 60001 + i;
	CHECK(t, (n = allowed(k, 77, 60, T0 + 120000, 100)) == 60,
	    "no extra requests: %d", n);
	munmap(m, FILE_SIZE);
	pake_counters_close(k);
}

/* Quick timings, printed as comments. */
static void
test_speed(struct tally *t)
{
	pake_counters *k = fresh(t, "speed");
	struct base b = { 0, 0 };
	struct timespec a;
	int64_t retry, calls;
	int i, n = 1000000, ok = 0;
	double ns;

	if (k == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)		/* one every 30 ms: all allowed */
		ok += rate1(k, 1, 2000, T0 + (int64_t)i * 30, &retry) == 0;
	ns = ns_since(&a) / n;
	CHECK(t, ok == n, "allowed: %d", ok);
	printf("# rate: %.0f ns per allowed call\n", ns);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0, ok = 0; i < n; i++)
		ok += rate1(k, 1, 2000, T0 + (int64_t)(n - 1) * 30,
		    &retry) == 0;
	printf("# rate: %.0f ns per refused call\n", ns_since(&a) / n);
	CHECK(t, ok == 0, "refused: %d allowed", ok);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		call1(k, 1, DAY0, INT64_MAX, &b, &calls);
	printf("# calls: %.0f ns per call\n", ns_since(&a) / n);
	CHECK(t, calls == n, "calls: %lld", (long long)calls);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		pake_counters_http(k, "/notes/{pake_id}", "GET", 200, i % 13,
		    100);
	printf("# http: %.0f ns per request\n", ns_since(&a) / n);
	pake_counters_close(k);
}

/*
 * The modes of tests/counters.bats.
 */

static int
stress(const char *path, const char *secs)
{
	pake_counters *k;
	pake_err e = {0};
	unsigned seed = (unsigned)getpid();
	int64_t end = pake_now_ms() + 1000 * atoi(secs), now;
	int i;

	if (pake_counters_open(&k, path, &e) != 0) {
		fprintf(stderr, "stress: %s\n", e.detail);
		return 1;
	}
	do {
		now = pake_now_ms();
		for (i = 0; i < 1000; i++)
			churn(k, &seed, now);
	} while (now < end);
	pake_counters_close(k);
	return 0;
}

/* Read a snapshot into w (missing file: empty). */
static void
read_snap(const char *p, struct walk *w)
{
	FILE *f = fopen(p, "r");

	w->n = 0;
	if (f == NULL)
		return;
	while (w->n < MAXS && fscanf(f, "%63s %15s %d %llu",
	    w->s[w->n].route, w->s[w->n].method, &w->s[w->n].status,
	    (unsigned long long *)&w->s[w->n].count) == 4)
		w->n++;
	fclose(f);
}

static void
write_snap(const char *p, const struct walk *w)
{
	FILE *f = fopen(p, "w");
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < w->n; i++)
		fprintf(f, "%s %s %d %llu\n", w->s[i].route, w->s[i].method,
		    w->s[i].status, (unsigned long long)w->s[i].count);
	fclose(f);
}

static int
verify(const char *path, const char *snap)
{
	struct tally t = { 0, 0 };
	pake_counters_rec recs[64];
	struct walk *w, *old;
	pake_counters *k;
	pake_err e = {0};
	int64_t now = pake_now_ms(), id, later, retry, calls;
	char tpath[512];
	int n, i, bad, rounds;
	size_t got;
	FILE *f;

	if (pake_counters_open(&k, path, &e) != 0) {
		fprintf(stderr, "verify: %s\n", e.detail);
		printf("0 passed, 1 failed\n");
		return 1;
	}
	if ((w = walk(k)) != NULL) {
		check_sane(&t, w);
		if (snap && (old = calloc(1, sizeof *old)) != NULL) {
			read_snap(snap, old);
			CHECK(&t, check_grew(&t, old, w) == 0,
			    "counts only grew (%d before)", old->n);
			free(old);
			write_snap(snap, w);
		}
		printf("# %d series, %d routes\n", w->n, w->nlat);
		free(w);
	}
	/* The time of the hammered tokens' check: a minute after stress, and
	 * a minute after the last verify's. */
	later = now + 61000;
	snprintf(tpath, sizeof tpath, "%s.time", snap ? snap : "");
	if (snap && (f = fopen(tpath, "r")) != NULL) {
		long long v;
		if (fscanf(f, "%lld", &v) == 1 && v + 60000 > later)
			later = v + 60000;
		fclose(f);
	}
	if (snap && (f = fopen(tpath, "w")) != NULL) {
		fprintf(f, "%lld\n", (long long)later);
		fclose(f);
	}
	id = INT64_C(1) << 42 | (now % 1000000) << 22 | (getpid() & 0x3FFFFF);
	/* A fresh token: exactly 60. */
	CHECK(&t, (n = allowed(k, id, 60, now, 100)) == 60, "fresh: %d", n);
	CHECK(&t, rate1(k, id, 60, now, &retry) == PAKE_ERATE &&
	    retry == 60000, "refused after");
	/* The hammered tokens, a minute after stress: exactly 60. */
	for (i = 1, bad = 0; i <= 50; i++)
		if (allowed(k, i, 60, later, 100) != 60)
			bad++;
	CHECK(&t, bad == 0, "hammered tokens: %d wrong", bad);
	/* A fresh tenant: exactly 5. */
	for (i = 0, n = 0; i < 8; i++)
		n += pake_counters_calls(k, id, now / 86400000, 5, zero_base,
		    NULL, &calls, &e) == 0;
	CHECK(&t, n == 5 && calls == 5, "calls: %d", n);
	/* Flushing works (and ends). */
	pake_counters_flush_begin(k, now, 1);
	for (rounds = 0; rounds < 1000; rounds++) {
		got = pake_counters_dirty(k, recs, 64);
		pake_counters_mark(k, recs, got);
		if (got < 64)
			break;
	}
	CHECK(&t, rounds < 1000 && pake_counters_dirty(k, recs, 64) == 0,
	    "flushed in %d rounds", rounds);
	pake_counters_close(k);
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail == 0 ? 0 : 1;
}

static void
cleanup(void)
{
	struct dirent *d;
	char p[128];
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL)
		if (d->d_name[0] != '.') {
			snprintf(p, sizeof p, "%s/%s", dir, d->d_name);
			unlink(p);
		}
	closedir(dp);
	rmdir(dir);
}

int
main(int argc, char **argv)
{
	struct tally t = { 0, 0 };
	const char *tmp = getenv("TMPDIR");

	if (argc == 4 && strcmp(argv[1], "stress") == 0)
		return stress(argv[2], argv[3]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "verify") == 0)
		return verify(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc != 1) {
		fprintf(stderr, "usage: test_counters [stress PATH SECONDS | "
		    "verify PATH [SNAPSHOT]]\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s/test_counters.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_open(&t);
	test_replace(&t);
	test_rate(&t);
	test_tokens(&t);
	test_calls(&t);
	test_tenants(&t);
	test_dirty(&t);
	test_flush(&t);
	test_http(&t);
	test_minutes(&t);
	test_crash_states(&t);
	test_race(&t);
	test_kill(&t);
	test_speed(&t);
	cleanup();
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail == 0 ? 0 : 1;
}
