/*
 * util.c: buffers, strings, UTF-8, time and uuid helpers used everywhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "pake/util.h"

/* Make room for n more bytes plus the terminating NUL. */
static int
buf_grow(pake_buf *b, size_t n)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void
pake_buf_put(pake_buf *b, const void *data, size_t n)
{
	if (buf_grow(b, n) != 0)
		return;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
pake_buf_puts(pake_buf *b, const char *s)
{
	pake_buf_put(b, s, strlen(s));
}

void
pake_buf_putc(pake_buf *b, char c)
{
	pake_buf_put(b, &c, 1);
}

void
pake_buf_printf(pake_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
pake_buf_take(pake_buf *b)
{
	char *p;

	if (b->oom) {
		pake_buf_free(b);
		return NULL;
	}
	if (b->p == NULL && buf_grow(b, 0) != 0)
		return NULL;
	if (b->len == 0)
		b->p[0] = '\0';
	p = b->p;
	memset(b, 0, sizeof *b);
	return p;
}

void
pake_buf_free(pake_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

char *
pake_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

char *
pake_strndup(const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

size_t
pake_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

size_t
pake_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	} else if ((u[0] & 0xE0) == 0xC0) {
		len = 2;
		c = u[0] & 0x1F;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3;
		c = u[0] & 0x0F;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4;
		c = u[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

int
pake_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = pake_utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

int64_t
pake_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
pake_iso8601(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/* Read exactly n digits at *s into *v. */
static int
digits(const char **s, int n, int *v)
{
	int x = 0;

	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return -1;
		x = x * 10 + (*(*s)++ - '0');
	}
	*v = x;
	return 0;
}

int
pake_parse_time(const char *s, int64_t *ms)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, zh = 0, zm = 0, sign = 0;
	struct tm tm;
	time_t t;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec))
				return -1;
			if (*s == '.' || *s == ',') {
				int scale = 100;
				s++;
				if (*s < '0' || *s > '9')
					return -1;
				while (*s >= '0' && *s <= '9') {
					frac += (*s++ - '0') * scale;
					scale /= 10;
				}
			}
		}
		if (*s == 'Z' || *s == 'z')
			s++;
		else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, &zh))
				return -1;
			if (*s == ':')
				s++;
			if (*s && digits(&s, 2, &zm))
				return -1;
		}
	}
	if (*s != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || zh > 23 || zm > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	t -= sign * (zh * 3600 + zm * 60);
	*ms = (int64_t)t * 1000 + frac;
	return 0;
}

int
pake_uuid4(char out[37], pake_err *e)
{
	unsigned char r[16];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return pake_fail(e, PAKE_EINTERNAL, NULL,
			    "getrandom: %s", strerror(errno));
		}
		got += (size_t)n;
	}
	r[6] = (r[6] & 0x0F) | 0x40;
	r[8] = (r[8] & 0x3F) | 0x80;
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
	    r[10], r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

int
pake_uuid_valid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (shape[i] == '-') {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return 1;
}

int
pake_read_file(const char *path, size_t max, char **out, size_t *len,
    pake_err *e)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pake_fail(e, errno == ENOENT ? PAKE_ENOTFOUND :
		    PAKE_EINTERNAL, PAKE_MSG_FS, "open %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return pake_fail(e, PAKE_EINVAL, PAKE_MSG_FS,
		    "%s is a directory", path);
	}
	rc = pake_read_fd(fd, path, max, out, len, e);
	close(fd);
	return rc;
}

int
pake_read_fd(int fd, const char *name, size_t max, char **out, size_t *len,
    pake_err *e)
{
	const char *path = name;
	pake_buf b = {0};
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			pake_buf_free(&b);
			return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_FS,
			    "read %s: %s", path, strerror(err));
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			pake_buf_free(&b);
			return pake_fail(e, PAKE_ETOOBIG, NULL,
			    "%s is larger than %zu bytes", path, max);
		}
		pake_buf_put(&b, chunk, (size_t)n);
	}
	*len = b.len;
	*out = pake_buf_take(&b);
	if (*out == NULL)
		return pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, "read %s",
		    path);
	return 0;
}

int
pake_json_has_nul(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	int in = 0;

	for (; p < end; p++) {
		if (!in) {
			in = *p == '"';
			continue;
		}
		if (*p == '"') {
			in = 0;
		} else if (*p == '\\') {
			if (end - p >= 6 && p[1] == 'u' &&
			    memcmp(p + 2, "0000", 4) == 0)
				return 1;
			p++;
		}
	}
	return 0;
}

int
pake_json_depth(const char *s, size_t n)
{
	int depth = 0, max = 0, in_str = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = 0;
		} else if (ch == '"')
			in_str = 1;
		else if (ch == '{' || ch == '[') {
			if (++depth > max)
				max = depth;
		} else if (ch == '}' || ch == ']')
			depth--;
	}
	return max;
}

int
pake_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

void
pake_sync_parent(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd;

	pake_strlcpy(dir, path, sizeof dir);
	if ((slash = strrchr(dir, '/')) == NULL)
		pake_strlcpy(dir, ".", sizeof dir);
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int
pake_write_atomic(const char *path, const void *data, size_t len,
    unsigned mode, int flags, pake_err *e)
{
	char tmp[PATH_MAX];
	struct stat sb;
	int fd, err = 0;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.XXXXXX", path) >=
	    sizeof tmp) {
		pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "%s: %s", path,
		    strerror(ENAMETOOLONG));
		errno = ENAMETOOLONG;
		return PAKE_EUNAVAIL;
	}
	if ((flags & PAKE_WA_KEEP_MODE) && stat(path, &sb) == 0)
		mode = sb.st_mode & 07777;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		err = errno;
		pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "create %s: %s", tmp,
		    strerror(err));
		errno = err;
		return PAKE_EUNAVAIL;
	}
	if (pake_write_all(fd, data, len) != 0 || fchmod(fd, mode) != 0 ||
	    ((flags & PAKE_WA_SYNC) && fsync(fd) != 0))
		err = errno;
	if (close(fd) != 0 && err == 0)
		err = errno;
	if (err == 0 && rename(tmp, path) != 0)
		err = errno;
	if (err != 0) {
		unlink(tmp);
		pake_fail(e, PAKE_EUNAVAIL, PAKE_MSG_FS, "write %s: %s", path,
		    strerror(err));
		errno = err;
		return PAKE_EUNAVAIL;
	}
	if (flags & PAKE_WA_SYNC)
		pake_sync_parent(path);
	return 0;
}

const char *
pake_json_str(const cJSON *o, const char *k)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}
