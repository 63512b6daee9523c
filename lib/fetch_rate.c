/*
 * fetch_rate.c: politeness shared by every process of the machine
 * (include/pake/fetch.h, issue 13).
 *
 * A remote service (arXiv asks for one request every 3 s) sees the
 * machine, not a process: pake-http's threads, a pake-research run and a
 * timer may ask it at once.  The state is one file per service key,
 * rate_dir/<key>, holding the next free slot as milliseconds since the
 * epoch (CLOCK_REALTIME: every process reads the same clock).  A request
 * takes the file's lock (flock, LOCK_EX), reserves slot = max(now, next),
 * writes next = slot + interval and lets go of the lock before sleeping
 * until its slot, so waiting processes queue one interval apart without
 * holding anything.  An empty or corrupt file counts as 0 (no wait); so
 * does a "next" more than 10 minutes ahead (the clock was set back, or
 * the file is garbage): a stuck file must not stall every fetch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "pake/fetch.h"

#define RATE_AHEAD_MAX	(10 * 60 * 1000LL)

static int64_t
realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
pake_fetch_rate_key_ok(const char *k)
{
	size_t i;

	for (i = 0; k[i]; i++)
		if (i >= 32 || !((k[i] >= 'a' && k[i] <= 'z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '_' ||
		    k[i] == '-'))
			return 0;
	return i > 0;
}

int
pake_fetch_rate_reserve(const char *dir, const char *key, long interval_ms,
    int64_t *slot_ms, pake_err *e)
{
	char path[4200], txt[32];
	int64_t now, next = 0, slot;
	ssize_t n;
	char *end;
	int fd;

	*slot_ms = 0;
	if (dir == NULL || *dir == '\0' || key == NULL || !pake_fetch_rate_key_ok(key) ||
	    interval_ms < 0)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID, "rate key "
		    "%.40s: want [a-z0-9_-]{1,32} and a directory",
		    key ? key : "(none)");
	if (snprintf(path, sizeof path, "%s/%s", dir, key) >=
	    (int)sizeof path)
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_INVALID,
		    "rate directory name too long");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "mkdir %.200s:"
		    " %s", dir, strerror(errno));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "open %.200s: "
		    "%s", path, strerror(errno));
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			int err = errno;

			close(fd);
			return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS,
			    "flock %.200s: %s", path, strerror(err));
		}
	n = pread(fd, txt, sizeof txt - 1, 0);
	if (n > 0) {
		txt[n] = '\0';
		errno = 0;
		next = strtoll(txt, &end, 10);
		if (errno || end == txt || (*end != '\0' && *end != '\n') ||
		    next < 0)
			next = 0;
	}
	now = realtime_ms();
	if (next > now + RATE_AHEAD_MAX)
		next = 0;
	slot = next > now ? next : now;
	n = snprintf(txt, sizeof txt, "%lld\n", (long long)(slot +
	    interval_ms));
	if (pwrite(fd, txt, (size_t)n, 0) != n || ftruncate(fd, n) != 0) {
		int err = errno;

		close(fd);		/* lets go of the lock too */
		return pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "write "
		    "%.200s: %s", path, strerror(err));
	}
	close(fd);
	*slot_ms = slot;
	return 0;
}

int
pake_fetch_rate_wait(const char *dir, const char *key, long interval_ms,
    pake_err *e)
{
	struct timespec ts;
	int64_t slot, now;
	int rc;

	if ((rc = pake_fetch_rate_reserve(dir, key, interval_ms, &slot, e)))
		return rc;
	while ((now = realtime_ms()) < slot) {
		ts.tv_sec = (slot - now) / 1000;
		ts.tv_nsec = (long)((slot - now) % 1000) * 1000000L;
		nanosleep(&ts, NULL);
	}
	return 0;
}
