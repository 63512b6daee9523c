/*
 * write.c: the concurrent writers benchmark.
 *
 *   write [common pake flags] [-w WRITERS] [-n NOTES] [--words K]
 *
 * The normal case pake is built for (ARCHITECTURE.md §3) is many short-lived
 * processes writing one database at once.  This forks WRITERS processes
 * (default 32); each opens its own context, waits at a start line until
 * every writer is ready, then creates NOTES notes (default 50) one after the
 * other through the registry (create_note with title, a body of about K
 * words (default 300), type and tags), timing each call with CLOCK_MONOTONIC
 * from building the input JSON to freeing the output.  Each writer sends
 * its latencies back to the parent through its own pipe, with its error
 * count and the monotonic time it finished (the clock is system-wide, so
 * the parent can compute the wall time of the whole run from the start
 * line to the last writer's last write, whatever order it reads pipes in).
 *
 * The parent then checks what must hold: every child exited 0, and the
 * database holds exactly the notes that were acknowledged (lost writes 0).
 * It prints one line of key=value pairs on stdout for bench/run.sh:
 *
 *   writers=32 per_writer=50 ok=1600 errors=0 failed_children=0
 *   p50_ms=... p90_ms=... p99_ms=... max_ms=... wall_s=... writes_per_s=...
 *   notes=1600 lost=0
 *
 * Run it on a fresh database: the note count is compared with the number
 * of writes.  Exit status 0 when nothing failed and nothing was lost, 1
 * otherwise, 64 on a usage error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cjson/cJSON.h>
#include "pake/cli.h"
#include "pake/db.h"
#include "pake/op.h"

#define MAXWRITERS	1024
#define MAXNOTES	100000
#define MAXWORDS	10000

static const char usage[] =
"usage: write [-w WRITERS] [-n NOTES] [--words K] [--db PATH] [--vault DIR]\n"
"  WRITERS processes (32) each create NOTES notes (50) of about K words\n"
"  (300) at the same time; run on a fresh database.\n";

/* What a writer sends back ahead of its latencies. */
struct report {
	int32_t count;		/* latencies that follow */
	int32_t errors;
	double end;		/* monotonic time of the last write */
};

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "that", "for", "with", "as",
	"database", "note", "vault", "search", "index", "query", "graph",
	"link", "summary", "tag", "writer", "process", "journal", "latency",
	"markdown", "frontmatter", "tenant", "token", "socket", "schema",
	"migration", "benchmark", "knowledge", "engine", "research", "paper",
	"arxiv", "pubmed", "insight", "project", "daily", "source", "inbox",
	"concurrent", "transaction", "checkpoint", "page", "cache", "rank",
	"phrase",
};
#define NW	(sizeof words / sizeof words[0])

static const char *const types[] = {
	"SourceNote", "InsightNote", "ProjectNote", "DailyNote",
};

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A small deterministic PRNG (xorshift64*); *s must not be 0. */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545F4914F6CDD1DULL) >> 32);
}

/* qsort comparator for doubles, ascending. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0 < q <= 1) of sorted v[0..n-1], nearest rank. */
static double
quantile(const double *v, size_t n, double q)
{
	size_t r = (size_t)(q * (double)n + 0.999999);

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

/* write(2) all of buf, retrying short writes; 0 or -1. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t k;

	while (len > 0) {
		if ((k = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* read(2) exactly len bytes; 0, or -1 on error or early end of file. */
static int
read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t k;

	while (len > 0) {
		if ((k = read(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (k == 0)
			return -1;
		p += k;
		len -= (size_t)k;
	}
	return 0;
}

/* The input of writer w's note i: deterministic, distinct titles. */
static cJSON *
make_note(int w, int i, int nwords, char *body, size_t cap)
{
	uint64_t s = ((uint64_t)(w + 1) << 32 | (uint64_t)(i + 1)) *
	    0x9E3779B97F4A7C15ULL | 1;
	char title[128];
	size_t len = 0;
	cJSON *in, *tags;
	int k;

	snprintf(title, sizeof title, "Writer %d note %d %s %s", w, i,
	    words[10 + rnd(&s) % (NW - 10)], words[10 + rnd(&s) % (NW - 10)]);
	for (k = 0; k < nwords && len + 32 < cap; k++) {
		const char *wd = words[rnd(&s) % NW];
		len += (size_t)snprintf(body + len, cap - len, "%s%s",
		    k == 0 ? "" : k % 60 == 0 ? ".\n\n" : k % 12 == 0 ? ". " :
		    " ", wd);
	}
	snprintf(body + len, cap - len, ".\n");
	in = cJSON_CreateObject();
	cJSON_AddStringToObject(in, "title", title);
	cJSON_AddStringToObject(in, "content", body);
	cJSON_AddStringToObject(in, "type", types[(w + i) % 4]);
	tags = cJSON_AddArrayToObject(in, "tags");
	cJSON_AddItemToArray(tags, cJSON_CreateString("bench"));
	cJSON_AddItemToArray(tags, cJSON_CreateString(words[10 +
	    rnd(&s) % (NW - 10)]));
	return in;
}

/* One writer process: open, wait at the start line, write, report.
 * Never returns. */
static void __attribute__((noreturn))
writer(pake_cli *cli, int w, int n, int nwords, int go, int out)
{
	struct report r = {0};
	size_t cap = (size_t)nwords * 16 + 64;
	pake_err e = {0};
	double *lat, t0;
	cJSON *in, *res;
	char *body, c;
	int i;

	lat = calloc((size_t)n, sizeof *lat);
	body = malloc(cap);
	if (lat == NULL || body == NULL)
		_exit(EX_OSERR);
	if (pake_auth_open(&cli->ctx, &cli->cfg, &cli->log, &e) != 0) {
		fprintf(stderr, "write[%d]: open: %s (%s)\n", w, e.msg,
		    e.detail);
		_exit(1);
	}
	/* The start line: the parent closes its end when all are forked;
	 * end of file and an error both mean "go". */
	if (read(go, &c, 1) < 0)
		c = 0;
	close(go);
	for (i = 0; i < n; i++) {
		t0 = now();
		in = make_note(w, i, nwords, body, cap);
		res = NULL;
		if (pake_op_call(&cli->ctx, "create_note", in, &res, &e) != 0) {
			if (r.errors++ < 3)
				fprintf(stderr, "write[%d]: note %d: %s (%s)\n",
				    w, i, e.msg, e.detail);
			cJSON_Delete(in);
		} else {
			cJSON_Delete(res);
			cJSON_Delete(in);
			lat[r.count++] = (now() - t0) * 1e3;
		}
	}
	r.end = now();
	pake_auth_close(&cli->ctx);
	if (write_all(out, &r, sizeof r) != 0 ||
	    write_all(out, lat, (size_t)r.count * sizeof *lat) != 0)
		_exit(1);
	_exit(r.errors ? 1 : 0);
}

/* Count the notes in the database the configuration names. */
static int64_t
count_notes(pake_cli *cli)
{
	pake_db_stats s;
	pake_err e = {0};

	pake_cli_open(cli);
	if (pake_db_stats_get(cli->ctx.db, &s, &e) != 0)
		pake_cli_die(cli, &e);
	return s.notes;
}

int
main(int argc, char **argv)
{
	long nwriters = 32, n = 50, nwords = 300;
	int fds[MAXWRITERS], go[2], p[2], k, st, failed = 0;
	struct report r;
	pid_t pid;
	double *lat, t0, end = 0;
	size_t total = 0;
	long errors = 0, i;
	int64_t notes;
	pake_cli cli;

	pake_cli_init(&cli, "bench-write", usage, &argc, argv);
	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-w") == 0 && k + 1 < argc)
			nwriters = pake_cli_long(&cli, "-w", argv[++k], 1,
			    MAXWRITERS);
		else if (strcmp(argv[k], "-n") == 0 && k + 1 < argc)
			n = pake_cli_long(&cli, "-n", argv[++k], 1,
			    MAXNOTES);
		else if (strcmp(argv[k], "--words") == 0 && k + 1 < argc)
			nwords = pake_cli_long(&cli, "--words", argv[++k],
			    1, MAXWORDS);
		else
			pake_cli_usage(&cli, "unexpected argument '%s'",
			    argv[k]);
	}
	if ((lat = calloc((size_t)(nwriters * n), sizeof *lat)) == NULL) {
		fputs("write: out of memory\n", stderr);
		return EX_OSERR;
	}
	if (pipe(go) != 0) {
		perror("write: pipe");
		return EX_OSERR;
	}
	fflush(NULL);
	for (i = 0; i < nwriters; i++) {
		if (pipe(p) != 0 || (pid = fork()) < 0) {
			perror("write: fork");
			return EX_OSERR;
		}
		if (pid == 0) {
			close(go[1]);
			close(p[0]);
			for (k = 0; k < i; k++)
				close(fds[k]);
			writer(&cli, (int)i, (int)n, (int)nwords, go[0],
			    p[1]);
		}
		close(p[1]);
		fds[i] = p[0];
	}
	/* Give every writer time to open its database, then start them. */
	close(go[0]);
	sleep(1);
	t0 = now();
	close(go[1]);

	for (i = 0; i < nwriters; i++) {
		if (read_all(fds[i], &r, sizeof r) != 0 || r.count < 0 ||
		    r.count > n || read_all(fds[i], lat + total,
		    (size_t)r.count * sizeof *lat) != 0) {
			fprintf(stderr, "write: writer %ld sent no report\n", i);
			failed++;
		} else {
			total += (size_t)r.count;
			errors += r.errors;
			if (r.end > end)
				end = r.end;
		}
		close(fds[i]);
	}
	while ((pid = wait(&st)) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	if (total == 0) {
		fputs("write: no write succeeded\n", stderr);
		return 1;
	}
	notes = count_notes(&cli);
	qsort(lat, total, sizeof *lat, cmp_double);
	printf("writers=%ld per_writer=%ld ok=%zu errors=%ld failed_children=%d "
	    "p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f wall_s=%.3f "
	    "writes_per_s=%.1f notes=%lld lost=%lld\n", nwriters, n, total,
	    errors, failed, quantile(lat, total, 0.50),
	    quantile(lat, total, 0.90), quantile(lat, total, 0.99),
	    lat[total - 1], end - t0, (double)total / (end - t0),
	    (long long)notes,
	    (long long)((int64_t)total > notes ? (int64_t)total - notes : 0));
	free(lat);
	k = pake_cli_done(&cli);
	return k ? k : failed || errors || (int64_t)total != notes ? 1 : 0;
}
