/*
 * write.c: the concurrent writers benchmark.
 *
 *   write [common pake flags] [-w WRITERS] [-n NOTES] [--words K]
 *         [-t TENANTS]
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
 * With -t TENANTS the writers are spread over that many tenants, w0 to
 * w(TENANTS-1): writer i acts in tenant w(i mod TENANTS).  The parent
 * creates the tenants first, as the owner of the database, through the
 * registry (tenant_create), then closes its context before it forks; each
 * writer names its tenant in its configuration (as --tenant would) before
 * it opens its context.  Without -t every writer acts in the configured
 * tenant (--tenant, PAKE_TENANT, else default).
 *
 * The parent then checks what must hold: every child exited 0, and each
 * tenant holds exactly the notes that were acknowledged in it (lost writes
 * 0).  It counts them through the registry as any front would: for each
 * tenant it switches its context to the tenant and pages through
 * list_notes ({"limit":100,"cursor":...}) until next_cursor is null.  It
 * prints one line of key=value pairs on stdout for bench/run.sh:
 *
 *   writers=32 per_writer=50 tenants=1 ok=1600 errors=0 failed_children=0
 *   p50_ms=... p90_ms=... p99_ms=... max_ms=... wall_s=... writes_per_s=...
 *   notes=1600 lost=0
 *
 * (tenants=0: the configured tenant, no -t.)  Run it on a fresh database:
 * the note counts are compared with the numbers of writes, and -t fails
 * when a tenant w0... already exists.  Exit status 0 when nothing failed and nothing was lost, 1
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
#include "pake/auth.h"
#include "pake/cli.h"
#include "pake/op.h"
#include "bench.h"

#define MAXWRITERS	1024
#define MAXNOTES	100000
#define MAXWORDS	10000
#define MAXTENANTS	1024
#define PAGE		100	/* list_notes page size when counting */

static const char usage[] =
"usage: write [-w WRITERS] [-n NOTES] [--words K] [-t TENANTS] [--db PATH]\n"
"             [--vault DIR]\n"
"  WRITERS processes (32) each create NOTES notes (50) of about K words\n"
"  (300) at the same time; with -t, writer i in tenant w(i mod TENANTS),\n"
"  which it creates first.  Run on a fresh database.\n";

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

/* A small deterministic PRNG (xorshift64*); *s must not be 0. */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545F4914F6CDD1DULL) >> 32);
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
writer(pake_cli *cli, int w, int n, int nwords, int ntenants, int go, int out)
{
	struct report r = {0};
	size_t cap = (size_t)nwords * 16 + 64;
	pake_err e = {0};
	double *lat, t0;
	cJSON *in, *res;
	char *body, c, tenant[32];
	int i;

	lat = calloc((size_t)n, sizeof *lat);
	body = malloc(cap);
	if (lat == NULL || body == NULL)
		_exit(EX_OSERR);
	/* The writer's tenant, set as the --tenant flag would set it. */
	if (ntenants > 0) {
		snprintf(tenant, sizeof tenant, "w%d", w % ntenants);
		if (pake_config_set(&cli->cfg, "tenant", tenant, "flag",
		    &e) != 0) {
			fprintf(stderr, "write[%d]: tenant %s: %s (%s)\n", w,
			    tenant, e.msg, e.detail);
			_exit(1);
		}
	}
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
		t0 = bench_now();
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
			lat[r.count++] = (bench_now() - t0) * 1e3;
		}
	}
	r.end = bench_now();
	pake_auth_close(&cli->ctx);
	if (write_all(out, &r, sizeof r) != 0 ||
	    write_all(out, lat, (size_t)r.count * sizeof *lat) != 0)
		_exit(1);
	_exit(r.errors ? 1 : 0);
}

/* Create tenants w0 .. w(n-1) as the owner of the database, through the
 * registry, and close the context again: a forked child must not inherit
 * an open SQLite connection. */
static void
create_tenants(pake_cli *cli, int n)
{
	pake_err e = {0};
	cJSON *in, *out;
	char name[32];
	int i;

	pake_cli_open(cli);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "w%d", i);
		in = cJSON_CreateObject();
		cJSON_AddStringToObject(in, "name", name);
		out = NULL;
		if (pake_op_call(&cli->ctx, "tenant_create", in, &out, &e) != 0) {
			fprintf(stderr, "write: tenant_create %s: %s (%s)\n",
			    name, e.msg ? e.msg : pake_code_message(e.code),
			    e.detail);
			exit(1);
		}
		cJSON_Delete(out);
		cJSON_Delete(in);
	}
	pake_ctx_close(&cli->ctx);
	cli->opened = 0;
}

/* Count the notes of the context's acting tenant through the registry, a
 * page of list_notes at a time; -1 on failure (reported). */
static int64_t
count_tenant(pake_ctx *ctx)
{
	const cJSON *notes, *next;
	cJSON *in, *out;
	pake_err e = {0};
	char *cursor = NULL;
	int64_t total = 0;

	for (;;) {
		in = cJSON_CreateObject();
		cJSON_AddNumberToObject(in, "limit", PAGE);
		if (cursor != NULL)
			cJSON_AddStringToObject(in, "cursor", cursor);
		out = NULL;
		if (pake_op_call(ctx, "list_notes", in, &out, &e) != 0) {
			fprintf(stderr, "write: list_notes in %s: %s (%s)\n",
			    ctx->tenant, e.msg ? e.msg :
			    pake_code_message(e.code), e.detail);
			cJSON_Delete(in);
			free(cursor);
			return -1;
		}
		cJSON_Delete(in);
		notes = cJSON_GetObjectItemCaseSensitive(out, "notes");
		next = cJSON_GetObjectItemCaseSensitive(out, "next_cursor");
		total += cJSON_GetArraySize(notes);
		free(cursor);
		cursor = NULL;
		if (cJSON_IsString(next) && next->valuestring[0] != '\0' &&
		    cJSON_GetArraySize(notes) > 0 &&
		    (cursor = strdup(next->valuestring)) == NULL) {
			fputs("write: out of memory\n", stderr);
			cJSON_Delete(out);
			return -1;
		}
		cJSON_Delete(out);
		if (cursor == NULL)
			return total;
	}
}

int
main(int argc, char **argv)
{
	long nwriters = 32, n = 50, nwords = 300, ntenants = 0;
	int fds[MAXWRITERS], go[2], p[2], k, st, failed = 0, uncounted = 0;
	struct report r;
	pid_t pid;
	double *lat, t0, end = 0;
	size_t total = 0;
	long errors = 0, i;
	int64_t notes = 0, lost = 0, got, *acked;
	pake_err e = {0};
	char name[32];
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
		else if (strcmp(argv[k], "-t") == 0 && k + 1 < argc)
			ntenants = pake_cli_long(&cli, "-t", argv[++k], 1,
			    MAXTENANTS);
		else
			pake_cli_usage(&cli, "unexpected argument '%s'",
			    argv[k]);
	}
	if ((lat = calloc((size_t)(nwriters * n), sizeof *lat)) == NULL ||
	    (acked = calloc((size_t)(ntenants ? ntenants : 1),
	    sizeof *acked)) == NULL) {
		fputs("write: out of memory\n", stderr);
		return EX_OSERR;
	}
	if (ntenants > 0)
		create_tenants(&cli, (int)ntenants);
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
			writer(&cli, (int)i, (int)n, (int)nwords,
			    (int)ntenants, go[0], p[1]);
		}
		close(p[1]);
		fds[i] = p[0];
	}
	/* Give every writer time to open its database, then start them. */
	close(go[0]);
	sleep(1);
	t0 = bench_now();
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
			acked[ntenants ? i % ntenants : 0] += r.count;
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

	/* What each tenant holds, through the registry; a tenant that cannot
	 * be counted counts as having lost every write made in it. */
	pake_cli_open(&cli);
	for (i = 0; i < (ntenants ? ntenants : 1); i++) {
		if (ntenants > 0) {
			snprintf(name, sizeof name, "w%ld", i);
			if (pake_ctx_set_tenant(&cli.ctx, name, &e) != 0) {
				fprintf(stderr, "write: tenant %s: %s (%s)\n",
				    name, e.msg ? e.msg :
				    pake_code_message(e.code), e.detail);
				lost += acked[i];
				uncounted++;
				continue;
			}
		}
		if ((got = count_tenant(&cli.ctx)) < 0) {
			lost += acked[i];
			uncounted++;
			continue;
		}
		notes += got;
		if (got < acked[i])
			lost += acked[i] - got;
		else if (got > acked[i])
			fprintf(stderr, "write: tenant %s holds %lld notes, "
			    "%lld acknowledged (not a fresh database?)\n",
			    cli.ctx.tenant, (long long)got,
			    (long long)acked[i]);
	}
	qsort(lat, total, sizeof *lat, bench_cmp_double);
	printf("writers=%ld per_writer=%ld tenants=%ld ok=%zu errors=%ld "
	    "failed_children=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f "
	    "max_ms=%.3f wall_s=%.3f writes_per_s=%.1f notes=%lld lost=%lld\n",
	    nwriters, n, ntenants, total, errors, failed,
	    bench_quantile(lat, total, 0.50), bench_quantile(lat, total, 0.90),
	    bench_quantile(lat, total, 0.99), lat[total - 1], end - t0,
	    (double)total / (end - t0), (long long)notes, (long long)lost);
	free(lat);
	free(acked);
	k = pake_cli_done(&cli);
	return k ? k : failed || uncounted || errors || lost ||
	    (int64_t)total != notes ?
	    1 : 0;
}
