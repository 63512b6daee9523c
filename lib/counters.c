/*
 * counters.c: the counters file, shared by every process of a machine and
 * updated with atomic operations only (counters.h).
 *
 * THE FILE
 *
 * One file beside the control database (the caller names it, e.g.
 * /var/lib/pake/pake.db-counters), mapped MAP_SHARED by every process.
 * Every field is a naturally aligned 64-bit word, read and written only
 * with the GCC __atomic builtins (8-byte atomics must be lock-free, which
 * is checked at compile time).  A word of zeros is a valid empty value of
 * every field, so a new file needs no initialisation: it is created empty
 * and given its full size with every block allocated (posix_fallocate),
 * which racing creators may all do (the size is the same; see LIMITS for
 * why the blocks are allocated ahead).
 * The layout, in order (struct layout below; every region 4 KiB aligned):
 *
 *   header	 4 KiB	magic (the layout version in its low byte), the
 *			next flush time
 *   tenants	8192 x 64 B	key (tenant id), word, prev, flushed, pflushed
 *   tokens	2048 x 32 B	key (token id), seq, last_ms, flushed_ms
 *   series	2048 x 128 B	state, route[8], method[2], status, count
 *   overflow	 4 KiB	requests of route "other", method "other":
 *			one count per status 100..599
 *   routes	 256 x 192 B	state, route[8], bucket[13], sum_us
 *   other	 4 KiB	bucket[13] and sum_us of route "other"
 *   minutes	2048 x 16 B	requests of each minute, the last 34 hours:
 *			a slot a minute (minute mod 2048), two words
 *			each stamped with the minute: requests and 5xx
 *			answers, and the milliseconds they took
 *   rings	2048 x 2048 words	per token entry: request times (ms)
 *
 * 34 500 608 bytes in all (33 MiB, nearly all of it rings that only active
 * tokens touch, so little of it is ever in memory).  Offset 0 holds the magic word in this and every later
 * layout.  Loads are acquire, stores release, read-modify-writes acq_rel:
 * whatever a process wrote before a CAS is visible to a process that reads
 * the value that CAS (or a later one on the same word) stored.
 *
 * OPENING
 *
 * open(O_RDWR|O_CREAT|O_CLOEXEC, 0600); an empty file is allocated to
 * the full size; a file of the full size is mapped and its magic set by
 * CAS from 0.  A file of another size or another nonzero magic (an older
 * or newer layout, a damaged file) is replaced: under flock() on the old
 * file, and only while the path still names that file, a fresh file is
 * built under a temporary name in the same folder and rename()d over the
 * path; then the path is opened again.  The flock only orders replacers
 * (so that two of them cannot replace each other's fresh file and strand
 * processes on a file nobody else maps); the kernel drops it when its
 * holder dies, and the counters themselves never wait on it.  Processes
 * that mapped the old file before the replacement keep counting there
 * until they reopen (an upgrade is the one time this happens).
 *
 * RATE: an exact sliding window
 *
 * A token's entry is found by hashing its id into the token table with
 * linear probing; an empty entry is claimed by CAS on its key from 0.
 * Keys never return to 0, so a token's entry always lies before the first
 * empty entry of its probe sequence and two claimers of one token meet on
 * the same entry.  seq counts the requests ever counted in the entry; the
 * ring holds the time of request s at ring[s mod 2048].  Request number s
 * (s = the current seq) of a limit N (N <= 2000 < 2048) is allowed iff
 * ring[(s - N) mod 2048], the time of the N-th previous request, is 0 or
 * at most now - 60000: then fewer than N requests fell in the window.
 * The steps of an allowed request:
 *
 *   1. read s = seq, read t = ring[(s - N) mod 2048], decide;
 *   2. raise ring[s mod 2048] to now (a max by CAS; see clocks below);
 *   3. raise last_ms to now (the same);
 *   4. CAS seq s -> s + 1; on failure another request took number s:
 *      start again at 1.
 *
 * The time is written before the request is counted, so a reader that sees
 * seq = s always sees the times of every request below s.  A process killed
 * after step 2 or 3 leaves a time in a slot that no counted request owns
 * yet; the next request to take that number raises it to its own time,
 * which is later anyway: no leniency at all.  Killed after step 4, the
 * request is counted exactly.  A contender that wrote step 2 and then lost
 * the CAS leaves its own time in the slot of the winner's request: at most
 * the moments between the two callers' clocks of strictness.  A refusal is
 * returned only when seq is unchanged after reading the slot (otherwise the
 * slot may hold a time written for a later request); retry_ms is
 * t + 60000 - now.
 *
 * Clocks: a slot time more than 60 s after now means the clock went back;
 * such a time counts as expired (at most one extra window of requests) and
 * is overwritten rather than raised, so the window is exact again one
 * minute after a step back; a step back of under a minute delays a token by
 * at most two minutes.  The limit may change between calls: the ring always
 * holds the last 2048 times, so any N up to PAKE_COUNTERS_RATE_MAX is exact.
 *
 * Token entries are reused: when no entry is empty, the first entry in the
 * probe order whose last use is over a minute old and flushed (flushed_ms
 * >= last_ms), or over ten minutes old, is taken by CAS on its key.  Its
 * ring only holds expired times and its seq carries on.  The taker first
 * raises flushed_ms to last_ms, so the old token's last use is never
 * reported under the new id (a last use unflushed for ten minutes is
 * lost).  Two processes taking over entries for one new token at the same
 * instant may pick different entries; each then rescans and uses the first
 * in probe order, as every later lookup does, so at worst one request is
 * counted in an entry nobody reads.  A request of the old token racing its
 * entry's takeover counts once in the new token's window.  When every entry
 * was used in the last minute (or is unflushed and used in the last ten),
 * the request is refused with PAKE_EUNAVAIL: fail closed.
 *
 * CALLS: the daily quota
 *
 * A tenant's entry (found like a token's) holds one word packing a tag
 * (12 bits, from a hash of the tenant id), the day (20 bits) and the
 * day's count (32 bits), changed only by CAS.  A call of the entry's day
 * (or of the day before it: a clock a moment behind midnight) CASes count
 * to count + 1 unless count >= limit.  A call of any other day moves the
 * entry: base() gives the database's count for the new day, the previous
 * word is kept in prev (a max within a day, so racing movers leave the
 * final count there), and the word is CASed to (day, base + 1), or to
 * (day, base) and refused when base >= limit.  A mover killed before its
 * CAS changed nothing that matters (prev may hold a word of the current
 * day, which is never reported); after its CAS, the move is complete.
 * Moving backwards (a clock stepped back over a day) is a move like any
 * other, so a wrong clock never leaves a tenant stuck on a day.
 *
 * The tag makes words self-describing: a tenant entry is taken over (when
 * the table is full, by CAS on its key as for tokens) from a tenant whose
 * day is two days away and fully flushed, or eight days away (its unflushed
 * counts are then abandoned: the taker marks them flushed first), or that
 * never counted a call; words of the old tenant carry its tag and are
 * ignored as foreign by the new one, which simply moves the entry (a tag
 * collision, 1 in 4095, is harmless as the old words are marked flushed).
 *
 * FLUSHING
 *
 * The header's next-flush time is advanced by CAS; the winner flushes.
 * dirty() reports a tenant's word when flushed does not cover it (same
 * tag and day, count at least as high), and prev when it is of another
 * day than the word and neither flushed nor pflushed covers it; a token's
 * last_ms when it is past flushed_ms.  mark() raises flushed, pflushed or
 * flushed_ms by CAS, never lowering a count within a day.  A flusher killed
 * before mark() leaves everything dirty for the next one: nothing is lost,
 * at worst written twice.  A mark from a slow flusher of an older day can
 * only make a newer day be written again.  What can be lost: a previous
 * day's final count when a tenant's entry moved on twice between two
 * flushes (flush at least daily), and the counts held only in this file
 * when it is deleted or replaced.
 *
 * HTTP
 *
 * A series is found by a 64-bit hash of its labels, probing linearly from
 * it (at most 256 entries for request series, the whole table of routes).
 * Its state word holds the hash with a state in the low two bits: empty
 * (0) -> claiming -> ready.  A claimer CASes 0 -> claiming, writes the
 * label words (8-byte atomic stores of the zero-padded text), and CASes
 * claiming -> ready.  Anyone who finds a series of its hash still claiming
 * writes the same label words itself and CASes it to ready, so a claimer
 * killed half-way never leaves an invisible series.  Labels are compared,
 * not only hashes, before counting; only two claimers of different labels
 * with the same 62-bit hash (about 2^-41 among 2048 series) claiming at the
 * same instant could mix their labels.  Counts are atomic adds; a process
 * killed between the request count and the latency count leaves the
 * route's histogram one short.  A series not found within its 256 probes
 * (the table nearly full) counts in the overflow series.
 *
 * LIMITS
 *
 * 2048 token entries, 8192 tenant entries, 2048 request series, 256
 * latency routes; PAKE_COUNTERS_RATE_MAX requests a minute; days up to
 * 2^20 - 1 (the year 4840); 2^32 - 1 calls a day.  Every CAS loop gives up
 * after 2^20 failed attempts (PAKE_EUNAVAIL), which contention between
 * live processes never reaches.  The file's blocks are allocated when it
 * is made (posix_fallocate, about 33 MB): a first write to an untouched page
 * of a sparse file on a full file system would raise SIGBUS in whichever
 * process made it, so a full disk is refused once, at creation, instead.
 * Only where the file system cannot allocate ahead is the file sparse.
 * A process killed between creating its temporary file and renaming it
 * leaves that file (sparse, one page of data) beside the path.  Processes
 * of two layout versions running at once keep replacing each other's file.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "pake/counters.h"

const double pake_counters_bucket_ms[PAKE_COUNTERS_BUCKETS - 1] = {1, 2.5, 5,
	10, 25, 50, 100, 250, 500, 1000, 2500, 5000};

_Static_assert(__atomic_always_lock_free(8, 0),
    "8-byte atomics must be lock-free for a shared mapping");

#define VERSION		2
#define MAGIC		(UINT64_C(0x70616b6563747200) | VERSION) /* pakectr */

#define NTENANT		8192
#define NTOKEN		2048
#define RING		2048		/* request times kept per token */
#define NSERIES		2048
#define NROUTE		256
#define NMINUTE		PAKE_COUNTERS_MINUTES
#define SERIES_PROBES	256
#define STATUS_MIN	100
#define STATUS_MAX	599
#define NSTATUS		(STATUS_MAX - STATUS_MIN + 1)

#define WINDOW		60000		/* ms: the rate window */
#define TOKEN_IDLE	600000		/* ms: a token entry is reusable */
#define MAX_TRIES	(1L << 20)	/* failed CAS attempts, at most */
#define INTERVAL_MAX	(7 * INT64_C(86400000))

/* A tenant word: tag (12 bits), day (20 bits), calls (32 bits). */
#define W_TAG(w)	((w) >> 52)
#define W_DAY(w)	(((w) >> 32) & 0xFFFFF)
#define W_CALLS(w)	((w) & 0xFFFFFFFF)
#define W_PACK(t, d, c)	(((uint64_t)(t) << 52) | ((uint64_t)(d) << 32) | \
			    (uint64_t)(c))

/* HTTP series state, in the low bits of the hash. */
#define S_CLAIMING	1
#define S_READY		2
#define S_MASK		3

/* Words of a request series and of a latency series. */
enum { SR_STATE, SR_ROUTE, SR_METHOD = SR_ROUTE + 8, SR_STATUS = SR_METHOD + 2,
	SR_COUNT, SR_NWORDS = 16 };
enum { SL_STATE, SL_ROUTE, SL_BUCKET = SL_ROUTE + 8,
	SL_SUM = SL_BUCKET + PAKE_COUNTERS_BUCKETS, SL_NWORDS = 24 };
#define SR_NLABEL	(SR_COUNT - SR_ROUTE)	/* route, method, status */
#define SL_NLABEL	(SL_BUCKET - SL_ROUTE)	/* route */

struct header {
	uint64_t magic;
	uint64_t next_flush;
	uint64_t pad[510];
};

struct tenant {
	uint64_t key;		/* tenant id, 0 = empty */
	uint64_t word;		/* tag, day, calls */
	uint64_t prev;		/* the word before the last move */
	uint64_t flushed;	/* the last word marked */
	uint64_t pflushed;	/* the last prev marked */
	uint64_t pad[3];
};

struct token {
	uint64_t key;		/* token id, 0 = empty */
	uint64_t seq;		/* requests ever counted */
	uint64_t last_ms;	/* last counted request */
	uint64_t flushed_ms;	/* last use marked */
};

struct layout {
	struct header hdr;
	struct tenant tenant[NTENANT];
	struct token token[NTOKEN];
	uint64_t series[NSERIES][SR_NWORDS];
	uint64_t other_req[512];
	uint64_t route[NROUTE][SL_NWORDS];
	uint64_t other_lat[512];
	uint64_t minute[NMINUTE][2];
	uint64_t ring[NTOKEN][RING];
};

_Static_assert(sizeof(struct header) == 4096, "header is one page");
_Static_assert(sizeof(struct tenant) == 64, "tenant entry");
_Static_assert(sizeof(struct token) == 32, "token entry");
_Static_assert(NSTATUS <= 512, "overflow counts");
_Static_assert(SL_SUM < SL_NWORDS && SR_COUNT < SR_NWORDS, "series words");
_Static_assert(offsetof(struct layout, ring) % 4096 == 0, "rings aligned");
_Static_assert(sizeof(struct layout) == 34500608,
    "the layout changed: raise VERSION, then this size");
_Static_assert((RING & (RING - 1)) == 0 && RING > PAKE_COUNTERS_RATE_MAX,
    "ring size");
_Static_assert((NTOKEN & (NTOKEN - 1)) == 0 && (NTENANT & (NTENANT - 1)) == 0,
    "tables are powers of two");

struct pake_counters {
	struct layout *m;	/* the mapping; never changes */
};

/* The atomics, all on 64-bit words of the mapping. */
static uint64_t
ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
st(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* CAS *p from *expect to v; on failure *expect is the current value. */
static int
cas(uint64_t *p, uint64_t *expect, uint64_t v)
{
	return __atomic_compare_exchange_n(p, expect, v, 0, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE);
}

static void
add(uint64_t *p, uint64_t v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/* Raise the time *p to v; a stored time more than slack after v is a clock
 * that went back and is replaced. */
static void
advance(uint64_t *p, uint64_t v, uint64_t slack)
{
	uint64_t cur = ld(p);
	long n;

	for (n = 0; n < MAX_TRIES; n++) {
		if (cur >= v && cur <= v + slack)
			return;
		if (cas(p, &cur, v))
			return;
	}
}

/* 1 when the tenant word (or mark) f covers w: same tag and day, a count
 * at least as high. */
static int
covers(uint64_t f, uint64_t w)
{
	return f != 0 && W_TAG(f) == W_TAG(w) && W_DAY(f) == W_DAY(w) &&
	    W_CALLS(f) >= W_CALLS(w);
}

/* Set the tenant word *p to w unless it already covers w. */
static void
keep(uint64_t *p, uint64_t w)
{
	uint64_t cur = ld(p);
	long n;

	for (n = 0; n < MAX_TRIES; n++) {
		if (covers(cur, w) || cas(p, &cur, w))
			return;
	}
}

/* splitmix64's finaliser: a good 64-bit mix. */
static uint64_t
mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/* The 12-bit tag of a tenant, never 0. */
static uint64_t
tag_of(uint64_t tenant)
{
	return 1 + (mix(tenant ^ UINT64_C(0x7461677461677461)) % 4095);
}

/* A hash of label words, a word at a time.  (The words hold text in the
 * machine's byte order: the file is not portable between byte orders, nor
 * need it be.) */
static uint64_t
hash_words(const uint64_t *w, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < n; i++) {
		h = (h ^ w[i]) * UINT64_C(0x9e3779b97f4a7c15);
		h ^= h >> 29;
	}
	return mix(h ^ n);
}

/*
 * Opening.
 */

/* Sleep ms milliseconds. */
static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Give fd its full size with every block allocated (see LIMITS); where
 * the file system cannot, a sparse file.  0 or an errno value. */
static int
size_file(int fd, off_t size)
{
	int rc = posix_fallocate(fd, 0, size);

	if (rc == EOPNOTSUPP || rc == EINVAL)
		rc = ftruncate(fd, size) == 0 ? 0 : errno;
	return rc;
}

/* Build a fresh file under a temporary name beside path and rename it over
 * path, if path still names the file open as fd (whose layout is wrong). */
static int
replace(int fd, const struct stat *old, const char *path, pake_err *e)
{
	char tmp[PATH_MAX];
	uint64_t magic = MAGIC;
	struct stat now;
	int t, rc = 0, i;

	for (i = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; i++) {
		if (i >= 400 || (errno != EWOULDBLOCK && errno != EINTR))
			return pake_fail(e, PAKE_EUNAVAIL, NULL,
			    "counters %s: flock: %s", path, strerror(errno));
		pause_ms(5);
	}
	if (stat(path, &now) != 0 || now.st_dev != old->st_dev ||
	    now.st_ino != old->st_ino)
		goto out;	/* replaced (or removed) meanwhile */
	snprintf(tmp, sizeof tmp, "%s.new.XXXXXX", path);
	if ((t = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = pake_fail(e, PAKE_EUNAVAIL, NULL, "counters %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if ((errno = size_file(t, (off_t)sizeof(struct layout))) != 0 ||
	    pwrite(t, &magic, sizeof magic, 0) != (ssize_t)sizeof magic ||
	    rename(tmp, path) != 0) {
		rc = pake_fail(e, PAKE_EUNAVAIL, NULL, "counters %s: %s", tmp,
		    strerror(errno));
		unlink(tmp);
	}
	close(t);
out:
	flock(fd, LOCK_UN);
	return rc;
}

int
pake_counters_open(pake_counters **out, const char *path, pake_err *e)
{
	const off_t size = (off_t)sizeof(struct layout);
	struct layout *m;
	struct stat sb;
	uint64_t magic;
	int fd, rc, attempt;

	*out = NULL;
	if (path == NULL || *path == '\0' || strlen(path) > PATH_MAX - 16)
		return pake_fail(e, PAKE_EINVAL, NULL, "counters: bad path");
	for (attempt = 0; attempt < 8; attempt++) {
		if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
			return pake_fail(e, PAKE_EUNAVAIL, NULL,
			    "counters %s: %s", path, strerror(errno));
		if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			close(fd);
			return pake_fail(e, PAKE_EUNAVAIL, NULL,
			    "counters %s: not a regular file", path);
		}
		/* Empty: just created (by us or a racing creator). */
		if (sb.st_size == 0) {
			if ((rc = size_file(fd, size)) != 0) {
				close(fd);
				return pake_fail(e, PAKE_EUNAVAIL, NULL,
				    "counters %s: allocate: %s", path,
				    strerror(rc));
			}
			sb.st_size = size;
		}
		if (sb.st_size == size) {
			m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE,
			    MAP_SHARED, fd, 0);
			if (m == MAP_FAILED) {
				rc = errno;
				close(fd);
				return pake_fail(e, PAKE_EUNAVAIL, NULL,
				    "counters %s: mmap: %s", path,
				    strerror(rc));
			}
			magic = 0;
			if (cas(&m->hdr.magic, &magic, MAGIC) ||
			    magic == MAGIC) {
				close(fd);
				if ((*out = malloc(sizeof **out)) == NULL) {
					munmap(m, sizeof *m);
					return pake_fail(e, PAKE_EUNAVAIL,
					    PAKE_MSG_NOMEM, "counters");
				}
				(*out)->m = m;
				return 0;
			}
			munmap(m, sizeof *m);
		}
		/* Another layout: replace it, then open the path again. */
		rc = replace(fd, &sb, path, e);
		close(fd);
		if (rc != 0)
			return rc;
	}
	return pake_fail(e, PAKE_EUNAVAIL, NULL,
	    "counters %s: the file keeps changing under us", path);
}

void
pake_counters_close(pake_counters *k)
{
	if (k == NULL)
		return;
	munmap(k->m, sizeof *k->m);
	free(k);
}

/*
 * Rate.
 */

/* 1 when a token entry may be taken over at now. */
static int
token_stale(uint64_t last, uint64_t flushed, uint64_t now)
{
	if (last > now + TOKEN_IDLE)
		return 1;	/* the clock went back */
	return last + WINDOW <= now &&
	    (flushed >= last || last + TOKEN_IDLE <= now);
}

/* The first entry of id in the probe order from h, or i when there is
 * none before it. */
static long
token_first(struct layout *m, uint64_t id, uint32_t h, uint32_t i)
{
	uint32_t j;

	for (j = h; j != i; j = (j + 1) & (NTOKEN - 1))
		if (ld(&m->token[j].key) == id)
			return j;
	return i;
}

/* The entry of token id: found, claimed, or taken over.  -1 when every
 * entry is in use. */
static long
token_slot(struct layout *m, uint64_t id, uint64_t now)
{
	uint32_t h = (uint32_t)(mix(id) & (NTOKEN - 1)), i, n;
	struct token *t;
	uint64_t key, last;

	for (n = 0, i = h; n < NTOKEN; n++, i = (i + 1) & (NTOKEN - 1)) {
		key = ld(&m->token[i].key);
		if (key == 0 && cas(&m->token[i].key, &key, id))
			return i;
		if (key == id)
			return i;
	}
	/* Full: take the first stale entry in probe order. */
	for (n = 0, i = h; n < NTOKEN; n++, i = (i + 1) & (NTOKEN - 1)) {
		t = &m->token[i];
		key = ld(&t->key);
		if (key == id)
			return token_first(m, id, h, i);
		last = ld(&t->last_ms);
		if (!token_stale(last, ld(&t->flushed_ms), now))
			continue;
		advance(&t->flushed_ms, last, 0);
		if (cas(&t->key, &key, id) || key == id)
			return token_first(m, id, h, i);
	}
	return -1;
}

/* PAKE_ERATE for a limit of n a minute, with the retry time in e. */
static int
refused(pake_err *e, int64_t retry_ms, uint64_t n)
{
	pake_fail(e, PAKE_ERATE, NULL, "%llu requests a minute",
	    (unsigned long long)n);
	if (e)
		e->retry_after = (int)((retry_ms + 999) / 1000);
	return PAKE_ERATE;
}

int
pake_counters_rate(pake_counters *k, int64_t token, int64_t per_min,
    int64_t now_ms, int64_t *retry_ms, pake_err *e)
{
	uint64_t now = (uint64_t)now_ms, n, s, t, *ring;
	struct token *tk;
	long i, tries;

	*retry_ms = 0;
	if (token <= 0 || now_ms <= 0)
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "counters: token %lld at %lld", (long long)token,
		    (long long)now_ms);
	if (per_min < 1) {
		*retry_ms = WINDOW;
		return refused(e, WINDOW, 0);
	}
	n = per_min > PAKE_COUNTERS_RATE_MAX ? PAKE_COUNTERS_RATE_MAX :
	    (uint64_t)per_min;
	if ((i = token_slot(k->m, (uint64_t)token, now)) < 0)
		return pake_fail(e, PAKE_EUNAVAIL, NULL, "counters: all %d "
		    "token entries were used in the last minute (or are "
		    "unflushed and were used in the last ten)", NTOKEN);
	tk = &k->m->token[i];
	ring = k->m->ring[i];
	for (tries = 0; tries < MAX_TRIES; tries++) {
		s = ld(&tk->seq);
		t = ld(&ring[(s - n) & (RING - 1)]);
		if (t != 0 && t + WINDOW > now && t <= now + WINDOW) {
			/* The N-th previous request is in the window. */
			if (ld(&tk->seq) != s)
				continue;
			*retry_ms = (int64_t)(t + WINDOW - now);
			return refused(e, *retry_ms, n);
		}
		advance(&ring[s & (RING - 1)], now, WINDOW);
		advance(&tk->last_ms, now, TOKEN_IDLE);
		if (cas(&tk->seq, &s, s + 1))
			return 0;
	}
	return pake_fail(e, PAKE_EUNAVAIL, NULL, "counters: rate contention");
}

/*
 * Calls.
 */

/* 1 when a tenant entry may be taken over on day. */
static int
tenant_stale(const struct tenant *t, uint64_t key, uint64_t day)
{
	uint64_t w = ld(&t->word), p = ld(&t->prev), d;

	if (w == 0 || W_TAG(w) != tag_of(key))
		return 1;	/* never counted, or being taken over */
	d = W_DAY(w);
	if (d + 8 <= day || d >= day + 8)
		return 1;
	if (d + 2 > day && d < day + 2)
		return 0;
	return covers(ld(&t->flushed), w) && (p == 0 ||
	    W_TAG(p) != W_TAG(w) || W_DAY(p) == d ||
	    covers(ld(&t->pflushed), p) || covers(ld(&t->flushed), p));
}

/* The first entry of id in probe order from h, or i. */
static long
tenant_first(struct layout *m, uint64_t id, uint32_t h, uint32_t i)
{
	uint32_t j;

	for (j = h; j != i; j = (j + 1) & (NTENANT - 1))
		if (ld(&m->tenant[j].key) == id)
			return j;
	return i;
}

/* The entry of tenant id, as token_slot().  -1 when all are in use. */
static long
tenant_slot(struct layout *m, uint64_t id, uint64_t day)
{
	uint32_t h = (uint32_t)(mix(id ^ 1) & (NTENANT - 1)), i, n;
	struct tenant *t;
	uint64_t key, w;

	for (n = 0, i = h; n < NTENANT; n++, i = (i + 1) & (NTENANT - 1)) {
		key = ld(&m->tenant[i].key);
		if (key == 0 && cas(&m->tenant[i].key, &key, id))
			return i;
		if (key == id)
			return i;
	}
	for (n = 0, i = h; n < NTENANT; n++, i = (i + 1) & (NTENANT - 1)) {
		t = &m->tenant[i];
		key = ld(&t->key);
		if (key == id)
			return tenant_first(m, id, h, i);
		if (!tenant_stale(t, key, day))
			continue;
		/* What the old tenant left unflushed is abandoned. */
		if ((w = ld(&t->word)) != 0)
			keep(&t->flushed, w);
		if ((w = ld(&t->prev)) != 0)
			keep(&t->pflushed, w);
		if (cas(&t->key, &key, id) || key == id)
			return tenant_first(m, id, h, i);
	}
	return -1;
}

int
pake_counters_calls(pake_counters *k, int64_t tenant, int64_t day,
    int64_t limit, pake_counters_base_fn base, void *arg, int64_t *calls,
    pake_err *e)
{
	uint64_t tag, w, c, d, lim, b;
	struct tenant *t;
	long i, tries;
	int64_t got = 0;
	int asked = 0;

	*calls = 0;
	if (tenant <= 0 || day < 0 || day > PAKE_COUNTERS_DAY_MAX)
		return pake_fail(e, PAKE_EINVAL, NULL,
		    "counters: tenant %lld on day %lld", (long long)tenant,
		    (long long)day);
	lim = limit < 0 ? 0 : limit > PAKE_COUNTERS_CALLS_MAX ?
	    (uint64_t)PAKE_COUNTERS_CALLS_MAX : (uint64_t)limit;
	if ((i = tenant_slot(k->m, (uint64_t)tenant, (uint64_t)day)) < 0)
		return pake_fail(e, PAKE_EUNAVAIL, NULL, "counters: all %d "
		    "tenant entries are in use", NTENANT);
	t = &k->m->tenant[i];
	tag = tag_of((uint64_t)tenant);
	for (tries = 0; tries < MAX_TRIES; tries++) {
		w = ld(&t->word);
		d = W_DAY(w);
		if (w != 0 && W_TAG(w) == tag &&
		    (d == (uint64_t)day || d == (uint64_t)day + 1)) {
			c = W_CALLS(w);
			if (c >= lim) {
				*calls = (int64_t)c;
				return pake_fail(e, PAKE_EQUOTA, NULL,
				    "%llu calls a day",
				    (unsigned long long)lim);
			}
			if (cas(&t->word, &w, w + 1)) {
				*calls = (int64_t)c + 1;
				return 0;
			}
			continue;
		}
		/* Move the entry to day, counting from the database's. */
		if (!asked && base)
			got = base(arg, tenant, day);
		asked = 1;
		b = got < 0 ? 0 : got > PAKE_COUNTERS_CALLS_MAX ?
		    (uint64_t)PAKE_COUNTERS_CALLS_MAX : (uint64_t)got;
		c = b < lim ? b + 1 : b;
		if (w != 0 && W_TAG(w) == tag)
			keep(&t->prev, w);
		if (!cas(&t->word, &w, W_PACK(tag, day, c)))
			continue;
		*calls = (int64_t)c;
		if (b >= lim)
			return pake_fail(e, PAKE_EQUOTA, NULL,
			    "%llu calls a day", (unsigned long long)lim);
		return 0;
	}
	return pake_fail(e, PAKE_EUNAVAIL, NULL, "counters: calls contention");
}

/*
 * HTTP.
 */

/* Copy n label words into the mapping, one atomic store each. */
static void
put_words(uint64_t *dst, const uint64_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		st(&dst[i], src[i]);
}

static void
get_words(uint64_t *dst, const uint64_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = ld(&src[i]);
}

/* The series of the labels want[0..nw) in a table of n entries of stride
 * words each (state word first, then the labels), probing at most probes
 * entries: found, claimed, or NULL when none is free. */
static uint64_t *
series_find(uint64_t *table, size_t stride, size_t n, size_t probes,
    const uint64_t *want, size_t nw)
{
	uint64_t h = hash_words(want, nw), tag = h & ~(uint64_t)S_MASK, s;
	uint64_t have[SR_NLABEL], *p;
	size_t i, j;

	assert(nw <= SR_NLABEL);
	if (tag == 0)
		tag = S_MASK + 1;
	for (j = 0, i = (size_t)(h % n); j < probes; j++, i = (i + 1) % n) {
		p = table + i * stride;
		s = ld(p);
		if (s == 0) {
			if (cas(p, &s, tag | S_CLAIMING)) {
				put_words(p + 1, want, nw);
				s = tag | S_CLAIMING;
				cas(p, &s, tag | S_READY);
				return p;
			}
		}
		if ((s & ~(uint64_t)S_MASK) != tag)
			continue;
		if ((s & S_MASK) == S_CLAIMING) {
			/* Finish the claim of a claimer that may be dead. */
			put_words(p + 1, want, nw);
			cas(p, &s, tag | S_READY);
			s = ld(p);
		}
		get_words(have, p + 1, nw);
		if (s == (tag | S_READY) && memcmp(have, want, nw * 8) == 0)
			return p;
	}
	return NULL;
}

/* Zero-padded label text of at most max bytes into words; -1 when longer
 * or empty. */
static int
label(uint64_t *w, size_t nwords, const char *s, size_t max)
{
	char buf[64];
	size_t len;

	assert(nwords * 8 <= sizeof buf && max < nwords * 8);
	if (s == NULL || (len = strnlen(s, max + 1)) == 0 || len > max)
		return -1;
	memset(buf, 0, sizeof buf);
	memcpy(buf, s, len);
	memcpy(w, buf, nwords * 8);
	return 0;
}

int
pake_counters_http(pake_counters *k, const char *route, const char *method,
    int status, int bucket, uint64_t us)
{
	struct layout *m = k->m;
	uint64_t want[SR_NLABEL], *p;
	int other;

	if (label(want, 8, route, PAKE_COUNTERS_ROUTE_MAX) != 0 ||
	    label(want + 8, 2, method, PAKE_COUNTERS_METHOD_MAX) != 0 ||
	    status < STATUS_MIN || status > STATUS_MAX || bucket < 0 ||
	    bucket >= PAKE_COUNTERS_BUCKETS)
		return PAKE_EINVAL;
	want[10] = (uint64_t)status;
	other = strcmp(route, PAKE_COUNTERS_OTHER) == 0;
	p = NULL;
	if (!other || strcmp(method, PAKE_COUNTERS_OTHER) != 0)
		p = series_find(&m->series[0][0], SR_NWORDS, NSERIES,
		    SERIES_PROBES, want, SR_NLABEL);
	add(p ? &p[SR_COUNT] : &m->other_req[status - STATUS_MIN], 1);
	p = other ? NULL : series_find(&m->route[0][0], SL_NWORDS, NROUTE,
	    NROUTE, want, SL_NLABEL);
	if (p == NULL)
		p = m->other_lat;
	add(&p[SL_BUCKET + bucket], 1);
	add(&p[SL_SUM], us);
	return 0;
}

/* Label words back to text (NUL-terminated within size). */
static void
unlabel(char *dst, size_t size, const uint64_t *w)
{
	memcpy(dst, w, size);
	dst[size - 1] = '\0';
}

int
pake_counters_http_each(pake_counters *k, pake_counters_req_cb req,
    pake_counters_lat_cb lat, void *arg)
{
	struct layout *m = k->m;
	uint64_t w[SL_NWORDS], bucket[PAKE_COUNTERS_BUCKETS], n, any;
	char route[64], method[16];
	size_t i, b;
	int rc;

	for (i = 0; req && i < NSERIES; i++) {
		if ((ld(&m->series[i][SR_STATE]) & S_MASK) != S_READY)
			continue;
		get_words(w, &m->series[i][0], SR_NWORDS);
		if (w[SR_STATUS] < STATUS_MIN || w[SR_STATUS] > STATUS_MAX)
			continue;	/* cannot happen once ready */
		unlabel(route, sizeof route, &w[SR_ROUTE]);
		unlabel(method, sizeof method, &w[SR_METHOD]);
		if ((rc = req(arg, route, method, (int)w[SR_STATUS],
		    w[SR_COUNT])) != 0)
			return rc;
	}
	for (i = 0; req && i < NSTATUS; i++)
		if ((n = ld(&m->other_req[i])) != 0 &&
		    (rc = req(arg, PAKE_COUNTERS_OTHER, PAKE_COUNTERS_OTHER,
		    (int)i + STATUS_MIN, n)) != 0)
			return rc;
	for (i = 0; lat && i <= NROUTE; i++) {
		const uint64_t *p = i < NROUTE ? m->route[i] : m->other_lat;

		if (i < NROUTE && (ld(&p[SL_STATE]) & S_MASK) != S_READY)
			continue;
		get_words(w, p, SL_NWORDS);
		for (b = 0, any = 0; b < PAKE_COUNTERS_BUCKETS; b++)
			any |= bucket[b] = w[SL_BUCKET + b];
		if (i == NROUTE) {
			if (any == 0)
				continue;
			strcpy(route, PAKE_COUNTERS_OTHER);
		} else
			unlabel(route, sizeof route, &w[SL_ROUTE]);
		if ((rc = lat(arg, route, bucket, w[SL_SUM])) != 0)
			return rc;
	}
	return 0;
}

/*
 * Flushing.
 */

int
pake_counters_flush_begin(pake_counters *k, int64_t now_ms,
    int64_t interval_ms)
{
	uint64_t *next = &k->m->hdr.next_flush, t, now, iv;

	if (now_ms <= 0 || interval_ms < 1 || interval_ms > INTERVAL_MAX)
		return 0;
	now = (uint64_t)now_ms;
	iv = (uint64_t)interval_ms;
	t = ld(next);
	if (t == 0) {
		cas(next, &t, now + iv);	/* the first: only schedule */
		return 0;
	}
	if (now < t && t <= now + 2 * iv)
		return 0;
	return cas(next, &t, now + iv);
}

size_t
pake_counters_dirty(pake_counters *k, pake_counters_rec *recs, size_t max)
{
	struct layout *m = k->m;
	pake_counters_rec r[2];
	uint64_t key, w, p, f, pf, last, fl;
	size_t i, j, n = 0, nr;

	for (i = 0; i < NTENANT && n < max; i++) {
		struct tenant *t = &m->tenant[i];

		if ((key = ld(&t->key)) == 0)
			continue;
		w = ld(&t->word);
		p = ld(&t->prev);
		f = ld(&t->flushed);
		pf = ld(&t->pflushed);
		if (ld(&t->key) != key)
			continue;	/* taken over meanwhile */
		nr = 0;
		memset(r, 0, sizeof r);
		if (w != 0 && W_TAG(w) != tag_of(key))
			w = 0;		/* an old tenant's, being moved */
		if (p != 0 && W_TAG(p) == tag_of(key) &&
		    (w == 0 || W_DAY(p) != W_DAY(w)) && !covers(pf, p) &&
		    !covers(f, p)) {
			r[nr].kind = PAKE_COUNTERS_USAGE;
			r[nr].day = (int64_t)W_DAY(p);
			r[nr].value = (int64_t)W_CALLS(p);
			r[nr++].slot = (uint32_t)(i << 1 | 1);
		}
		if (w != 0 && !covers(f, w)) {
			r[nr].kind = PAKE_COUNTERS_USAGE;
			r[nr].day = (int64_t)W_DAY(w);
			r[nr].value = (int64_t)W_CALLS(w);
			r[nr++].slot = (uint32_t)(i << 1);
		}
		for (j = 0; j < nr && n < max; j++) {
			recs[n] = r[j];
			recs[n++].id = (int64_t)key;
		}
	}
	for (i = 0; i < NTOKEN && n < max; i++) {
		struct token *t = &m->token[i];

		if ((key = ld(&t->key)) == 0)
			continue;
		last = ld(&t->last_ms);
		fl = ld(&t->flushed_ms);
		if (ld(&t->key) != key || last == 0 ||
		    (last <= fl && fl <= last + TOKEN_IDLE))
			continue;
		memset(&recs[n], 0, sizeof recs[n]);
		recs[n].kind = PAKE_COUNTERS_TOUCH;
		recs[n].id = (int64_t)key;
		recs[n].value = (int64_t)last;
		recs[n++].slot = (uint32_t)i;
	}
	return n;
}

void
pake_counters_mark(pake_counters *k, const pake_counters_rec *recs, size_t n)
{
	struct layout *m = k->m;
	const pake_counters_rec *r;
	struct tenant *t;
	uint64_t key;
	size_t i, j;

	for (i = 0; i < n; i++) {
		r = &recs[i];
		if (r->id <= 0 || r->value < 0)
			continue;
		key = (uint64_t)r->id;
		if (r->kind == PAKE_COUNTERS_USAGE) {
			j = r->slot >> 1;
			if (j >= NTENANT || r->day < 0 ||
			    r->day > PAKE_COUNTERS_DAY_MAX ||
			    r->value > PAKE_COUNTERS_CALLS_MAX)
				continue;
			t = &m->tenant[j];
			if (ld(&t->key) != key)
				continue;
			keep(r->slot & 1 ? &t->pflushed : &t->flushed,
			    W_PACK(tag_of(key), r->day, r->value));
		} else if (r->kind == PAKE_COUNTERS_TOUCH) {
			if (r->slot >= NTOKEN ||
			    ld(&m->token[r->slot].key) != key)
				continue;
			advance(&m->token[r->slot].flushed_ms,
			    (uint64_t)r->value, TOKEN_IDLE);
		}
	}
}

/* REQUESTS BY MINUTE
 *
 * Two words a slot, each stamped with its minute (minutes since the
 * epoch, 26 bits: until 2097): [minute | requests (20 bits) | 5xx (18
 * bits)] and [minute | microseconds taken (38 bits: 76 hours)].  A request changes
 * each word with one CAS: counts in the word of its minute, or a word
 * started afresh when it holds an older minute (the slot's previous
 * lap); a word of a newer minute (a clock behind the others) is left
 * alone and the request not counted there.  Counts saturate. */
#define MW_SHIFT	38
#define MW_MIN(w)	((w) >> MW_SHIFT)
#define MW_REQ(w)	(((w) >> 18) & 0xFFFFF)
#define MW_ERR(w)	((w) & 0x3FFFF)
#define MW_US(w)	((w) & ((UINT64_C(1) << MW_SHIFT) - 1))

static void
minute_word(uint64_t *p, uint64_t minute, uint64_t (*bump)(uint64_t,
    uint64_t), uint64_t arg)
{
	uint64_t old = ld(p), nw;
	long tries = 0;

	do {
		if (MW_MIN(old) > minute)
			return;
		nw = MW_MIN(old) == minute ? bump(old, arg) :
		    bump(minute << MW_SHIFT, arg);
	} while (!cas(p, &old, nw) && ++tries < MAX_TRIES);
}

static uint64_t
bump_req(uint64_t w, uint64_t err)
{
	uint64_t r = MW_REQ(w), e = MW_ERR(w);

	r += r < 0xFFFFF;
	e += err && e < 0x3FFFF;
	return (MW_MIN(w) << MW_SHIFT) | (r << 18) | e;
}

static uint64_t
bump_us(uint64_t w, uint64_t us)
{
	uint64_t t = MW_US(w) + us, max = (UINT64_C(1) << MW_SHIFT) - 1;

	return (MW_MIN(w) << MW_SHIFT) | (t > max ? max : t);
}

int
pake_counters_minute(pake_counters *k, int64_t now_ms, int status,
    uint64_t us)
{
	uint64_t minute;
	uint64_t *slot;

	if (now_ms < 60000 || status < STATUS_MIN || status > STATUS_MAX ||
	    (minute = (uint64_t)now_ms / 60000) >> 26)
		return PAKE_EINVAL;
	slot = k->m->minute[minute % NMINUTE];
	minute_word(&slot[0], minute, bump_req, status >= 500);
	minute_word(&slot[1], minute, bump_us, us);
	return 0;
}

int
pake_counters_minutes(pake_counters *k, int64_t from_ms, int64_t to_ms,
    pake_counters_minute_cb cb, void *arg)
{
	uint64_t lo = from_ms > 0 ? (uint64_t)from_ms / 60000 : 0;
	uint64_t hi = to_ms > 0 ? (uint64_t)to_ms / 60000 : 0, a, b;
	size_t i;
	int rc;

	for (i = 0; i < NMINUTE; i++) {
		a = ld(&k->m->minute[i][0]);
		b = ld(&k->m->minute[i][1]);
		if (MW_MIN(a) < lo || MW_MIN(a) > hi || MW_REQ(a) == 0)
			continue;
		if ((rc = cb(arg, (int64_t)MW_MIN(a) * 60000, MW_REQ(a),
		    MW_ERR(a), MW_MIN(b) == MW_MIN(a) ? MW_US(b) : 0)) != 0)
			return rc;
	}
	return 0;
}

int64_t
pake_counters_minutes_kept(void)
{
	return (int64_t)NMINUTE * 60000;
}
