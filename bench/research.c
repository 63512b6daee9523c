/*
 * research.c: what reading research costs (issue 13).
 *
 *   research gen DIR            write arxiv.xml and pubmed.xml (100 items
 *                               each, realistic sizes) into DIR
 *   research parse DIR [-r N]   parse each N times (default 200): items/s
 *   research quick [-q N]       POST /quick's operation (sources arxiv and
 *                               pubmed, as pake.conf names them) N times
 *                               (default 200) after one call that warms
 *                               the cache: p50, p99; and the vault alone
 *                               in the same run (the reference)
 *
 * The documents: an arXiv API answer of 100 entries (8 authors, a
 * 1,200-byte abstract, 3 categories, DOI, journal, links: as the API
 * gives) and a PubMed EFetch answer of 100 articles (10 authors with
 * affiliations, a 4-section structured abstract, 12 MeSH headings, 2
 * publication types, DOI, journal): about 320 KB and 560 KB.  Prints
 * key=value lines.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "pake/cli.h"
#include "pake/op.h"
#include "pake/research.h"
#include "pake/util.h"
#include "bench.h"

#define ITEMS	100

static const char lorem[] =
    "We study how attention over long documents can be made sparse "
    "without losing the dependencies that matter, and measure the memory "
    "it saves on corpora of scientific text. ";

static void
text(pake_buf *b, size_t bytes)
{
	size_t n = 0;

	while (n < bytes) {
		pake_buf_puts(b, lorem);
		n += sizeof lorem - 1;
	}
}

static int
write_file(const char *dir, const char *name, const pake_buf *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fwrite(b->p, 1, b->len, f);
	return fclose(f);
}

static int
gen(const char *dir)
{
	pake_buf a = {0}, p = {0};
	int i, k;

	pake_buf_puts(&a, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:opensearch="
	    "\"http://a9.com/-/spec/opensearch/1.1/\" xmlns:arxiv="
	    "\"http://arxiv.org/schemas/atom\">\n<title type=\"html\">ArXiv "
	    "Query</title>\n<opensearch:totalResults>48213"
	    "</opensearch:totalResults>\n<opensearch:startIndex>0"
	    "</opensearch:startIndex>\n<opensearch:itemsPerPage>100"
	    "</opensearch:itemsPerPage>\n");
	for (i = 0; i < ITEMS; i++) {
		pake_buf_printf(&a, "<entry>\n<id>http://arxiv.org/abs/"
		    "2401.%05dv%d</id>\n<updated>2024-01-%02dT10:00:00Z"
		    "</updated>\n<published>2024-01-%02dT09:00:00Z"
		    "</published>\n<title>Sparse Attention for Long Documents, "
		    "Part %d: Scaling and Memory</title>\n<summary>", i + 1,
		    1 + i % 3, 1 + i % 28, 1 + i % 28, i);
		text(&a, 1200);
		pake_buf_puts(&a, "</summary>\n");
		for (k = 0; k < 8; k++)
			pake_buf_printf(&a, "<author><name>Author%d Person%d"
			    "</name></author>\n", k, i);
		pake_buf_printf(&a, "<arxiv:doi>10.48550/arXiv.2401.%05d"
		    "</arxiv:doi>\n<link title=\"doi\" href=\"http://dx.doi.org/"
		    "10.48550/arXiv.2401.%05d\" rel=\"related\"/>\n"
		    "<arxiv:journal_ref>J. Mach. Learn. %d (2024) 1-20"
		    "</arxiv:journal_ref>\n<link href=\"http://arxiv.org/abs/"
		    "2401.%05dv1\" rel=\"alternate\" type=\"text/html\"/>\n"
		    "<link title=\"pdf\" href=\"http://arxiv.org/pdf/2401.%05dv1"
		    "\" rel=\"related\" type=\"application/pdf\"/>\n"
		    "<arxiv:primary_category term=\"cs.CL\" scheme="
		    "\"http://arxiv.org/schemas/atom\"/>\n<category term=\"cs.CL"
		    "\"/><category term=\"cs.LG\"/><category term=\"cs.AI\"/>\n"
		    "</entry>\n", i + 1, i + 1, i, i + 1, i + 1);
	}
	pake_buf_puts(&a, "</feed>\n");
	pake_buf_puts(&p, "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet "
	    "PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2024//EN\" "
	    "\"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd\">\n"
	    "<PubmedArticleSet>\n");
	for (i = 0; i < ITEMS; i++) {
		static const char *const lab[] = {"BACKGROUND", "METHODS",
		    "RESULTS", "CONCLUSIONS"};

		pake_buf_printf(&p, "<PubmedArticle><MedlineCitation Status="
		    "\"MEDLINE\" Owner=\"NLM\"><PMID Version=\"1\">%d</PMID>"
		    "<Article PubModel=\"Print-Electronic\"><Journal><ISSN "
		    "IssnType=\"Electronic\">1532-0480</ISSN><JournalIssue "
		    "CitedMedium=\"Internet\"><Volume>%d</Volume><Issue>2"
		    "</Issue><PubDate><Year>2023</Year><Month>Mar</Month><Day>"
		    "%d</Day></PubDate></JournalIssue><Title>Journal of "
		    "biomedical informatics</Title></Journal><ArticleTitle>"
		    "Machine learning for early sepsis detection, study %d."
		    "</ArticleTitle><Pagination><MedlinePgn>104%03d"
		    "</MedlinePgn></Pagination><Abstract>", 36000000 + i,
		    130 + i % 10, 1 + i % 28, i, i);
		for (k = 0; k < 4; k++) {
			pake_buf_printf(&p, "<AbstractText Label=\"%s\" "
			    "NlmCategory=\"%s\">", lab[k], lab[k]);
			text(&p, 350);
			pake_buf_puts(&p, "</AbstractText>");
		}
		pake_buf_puts(&p, "</Abstract><AuthorList CompleteYN=\"Y\">");
		for (k = 0; k < 10; k++)
			pake_buf_printf(&p, "<Author ValidYN=\"Y\"><LastName>"
			    "Family%d</LastName><ForeName>Given %d</ForeName>"
			    "<Initials>G</Initials><AffiliationInfo><Affiliation>"
			    "Department of Medicine, University %d, City, Country."
			    "</Affiliation></AffiliationInfo></Author>", k, i, k);
		pake_buf_puts(&p, "</AuthorList><PublicationTypeList>"
		    "<PublicationType UI=\"D016428\">Journal Article"
		    "</PublicationType><PublicationType UI=\"D016449\">"
		    "Randomized Controlled Trial</PublicationType>"
		    "</PublicationTypeList></Article><MeshHeadingList>");
		for (k = 0; k < 12; k++)
			pake_buf_printf(&p, "<MeshHeading><DescriptorName UI="
			    "\"D0%05d\" MajorTopicYN=\"N\">Heading %d"
			    "</DescriptorName></MeshHeading>", k, k);
		pake_buf_printf(&p, "</MeshHeadingList></MedlineCitation>"
		    "<PubmedData><ArticleIdList><ArticleId IdType=\"pubmed\">%d"
		    "</ArticleId><ArticleId IdType=\"doi\">10.1016/j.jbi.2023."
		    "%06d</ArticleId></ArticleIdList></PubmedData>"
		    "</PubmedArticle>\n", 36000000 + i, i);
	}
	pake_buf_puts(&p, "</PubmedArticleSet>\n");
	if (write_file(dir, "arxiv.xml", &a) || write_file(dir, "pubmed.xml",
	    &p)) {
		perror(dir);
		return 1;
	}
	/* ESearch: the PMIDs. */
	pake_buf_free(&a);
	pake_buf_puts(&a, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	    "<eSearchResult><Count>5120</Count><RetMax>100</RetMax>"
	    "<RetStart>0</RetStart><IdList>");
	for (i = 0; i < ITEMS; i++)
		pake_buf_printf(&a, "<Id>%d</Id>", 36000000 + i);
	pake_buf_puts(&a, "</IdList></eSearchResult>\n");
	write_file(dir, "esearch.xml", &a);
	pake_buf_free(&a);
	pake_buf_free(&p);
	return 0;
}

static char *
slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096], *t = NULL;
	pake_err e = {0};

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (pake_read_file(path, 64u << 20, &t, len, &e) != 0) {
		fprintf(stderr, "research: %s: %s\n", path, e.detail);
		exit(1);
	}
	return t;
}

static int
parse(const char *dir, int rounds)
{
	size_t al, pl;
	char *a = slurp(dir, "arxiv.xml", &al), *p = slurp(dir, "pubmed.xml",
	    &pl);
	pake_err e = {0};
	double t0 = bench_now(), ta, tp;
	int64_t total;
	cJSON *r;
	int i, n = 0;

	for (i = 0; i < rounds + 1; i++) {	/* the first loads libxml2 */
		if (i == 1)
			t0 = bench_now();
		if (pake_arxiv_parse(a, al, &r, &total, &e) != 0) {
			fprintf(stderr, "arxiv: %s\n", e.detail);
			return 1;
		}
		n = cJSON_GetArraySize(r);
		cJSON_Delete(r);
	}
	ta = bench_now() - t0;
	printf("arxiv_items=%d arxiv_bytes=%zu arxiv_items_per_s=%.0f "
	    "arxiv_mb_per_s=%.1f\n", n, al, n * rounds / ta,
	    (double)al * rounds / ta / 1e6);
	t0 = bench_now();
	for (i = 0; i < rounds; i++) {
		if (pake_pubmed_parse_fetch(p, pl, &r, &e) != 0) {
			fprintf(stderr, "pubmed: %s\n", e.detail);
			return 1;
		}
		n = cJSON_GetArraySize(r);
		cJSON_Delete(r);
	}
	tp = bench_now() - t0;
	printf("pubmed_items=%d pubmed_bytes=%zu pubmed_items_per_s=%.0f "
	    "pubmed_mb_per_s=%.1f\n", n, pl, n * rounds / tp,
	    (double)pl * rounds / tp / 1e6);
	free(a);
	free(p);
	return 0;
}

/* p50 and p99 (ms) of n calls of op with in. */
static int
timed(pake_ctx *c, const char *op, const char *json, int n, double *p50,
    double *p99, int *items)
{
	cJSON *in = cJSON_Parse(json), *out;
	double *t = calloc((size_t)n, sizeof *t), t0;
	pake_err e = {0};
	int i;

	for (i = 0; i < n; i++) {
		t0 = bench_now();
		if (pake_op_call(c, op, in, &out, &e) != 0) {
			fprintf(stderr, "%s: %s (%s)\n", op, e.msg, e.detail);
			return 1;
		}
		t[i] = (bench_now() - t0) * 1e3;
		*items = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out,
		    "results"));
		cJSON_Delete(out);
	}
	qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
	*p50 = t[n / 2];
	*p99 = t[(n * 99) / 100];
	free(t);
	cJSON_Delete(in);
	return 0;
}

int
main(int argc, char **argv)
{
	pake_cli cli;
	int rounds = 200, i, items = 0;
	double p50, p99, v50, v99;

	if (argc >= 3 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "parse") == 0) {
		if (argc == 5 && strcmp(argv[3], "-r") == 0)
			rounds = atoi(argv[4]);
		return parse(argv[2], rounds > 0 ? rounds : 200);
	}
	if (argc < 2 || strcmp(argv[1], "quick") != 0) {
		fprintf(stderr, "usage: research gen DIR | parse DIR [-r N] | "
		    "quick [-q N]\n");
		return 64;
	}
	for (i = 2; i + 1 < argc; i++)
		if (strcmp(argv[i], "-q") == 0)
			rounds = atoi(argv[i + 1]);
	argc = 1;
	pake_cli_init(&cli, "research", "usage: research quick [-q N]\n",
	    &argc, argv);
	pake_cli_open(&cli);
	if (timed(&cli.ctx, "search", "{\"query\":\"sparse attention\","
	    "\"quick\":true,\"sources\":[\"arxiv\",\"pubmed\"]}", 1, &p50,
	    &p99, &items) != 0)
		return 1;
	if (timed(&cli.ctx, "search", "{\"query\":\"sparse attention\","
	    "\"quick\":true,\"sources\":[\"arxiv\",\"pubmed\"]}", rounds,
	    &p50, &p99, &items) != 0)
		return 1;
	printf("quick_items=%d quick_p50_ms=%.2f quick_p99_ms=%.2f ", items,
	    p50, p99);
	if (timed(&cli.ctx, "search", "{\"query\":\"sparse attention\","
	    "\"quick\":true,\"sources\":[\"vault\"]}", rounds, &v50, &v99,
	    &items) != 0)
		return 1;
	printf("vault_items=%d vault_p50_ms=%.2f vault_p99_ms=%.2f\n", items,
	    v50, v99);
	return 0;
}
