/*
 * analytics_usage.c: the /analytics/... routes from real data (issue 14,
 * item 2).  The Python system answered them with random numbers and
 * canned text (SEED-API §4); pake keeps their shapes and fills them from
 * what it has:
 *
 *   - the tenant's search log: searches, zero-result searches, their time
 *     taken, sessions, who, from which front, by which mode and source;
 *   - the health checks (pake-health), for the system's health;
 *   - the HTTP counters (GET /metrics: requests by status, latency
 *     histograms), server-wide, so shown only to a caller who manages
 *     tenants: another tenant's traffic is not a tenant's business;
 *   - the knowledge graph's size and the /ml/... insights.
 *
 * A figure pake has no data for is null, and the object's "absent" says
 * why: CPU and memory use (pake runs as short processes, per request),
 * user satisfaction (nobody rates results), predictions (pake does not
 * forecast), a service uptime (there is no long-running service).
 * Anomalies are deviations from the tenant's own history: an hour whose
 * value lies more than 3.5 robust standard deviations (the modified
 * z-score, median and MAD) from the same metric's hours over the 14 days
 * before the range.  Correlations are Pearson's r between hourly series,
 * with the two-sided p-value of Student's t.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "analytics_int.h"
#include "pake/counters.h"
#include "pake/op.h"
#include "pake/util.h"

#define HOUR	3600000LL
#define DAY	86400000LL
#define BASELINE_DAYS	14
#define MAX_POINTS	10000
#define Z_LIMIT		3.5

/* Series */

enum metric { M_SEARCHES, M_ZERO, M_TIME, M_SUCCESS, M_SESSIONS, M_N };
/* The server's requests, from the counters' minutes: for operators. */
enum server_metric { M_REQ = 100, M_5XX, M_ERRRATE, M_REQTIME };
static const char *const metric_name[M_N] = {"search_queries",
	"zero_result_searches", "response_time", "success_rate", "sessions"};

static const struct {
	const char *name;
	int m;
} metric_alias[] = {
	{"search_queries", M_SEARCHES}, {"searches", M_SEARCHES},
	{"search_volume", M_SEARCHES}, {"zero_result_searches", M_ZERO},
	{"response_time", M_TIME}, {"search_time_ms", M_TIME},
	{"success_rate", M_SUCCESS}, {"sessions", M_SESSIONS},
	{"requests", M_REQ}, {"throughput", M_REQ},
	{"server_errors", M_5XX}, {"error_rate", M_ERRRATE},
	{"request_time", M_REQTIME},
};

static const char *
name_of(int m)
{
	switch (m) {
	case M_REQ:
		return "requests";
	case M_5XX:
		return "server_errors";
	case M_ERRRATE:
		return "error_rate";
	case M_REQTIME:
		return "request_time";
	}
	return m >= 0 && m < M_N ? metric_name[m] : "?";
}

/* Python's metrics pake has no data for, and why. */
static const struct {
	const char *name, *why;
} metric_absent[] = {
	{"cache_hit_rate", "pake has no cache of answers to count"},
	{"cache_hits", "pake has no cache of answers to count"},
	{"ml_enhancement_rate", "not a series; enhanced-dashboard gives the "
	    "share of searches by meaning"},
	{"user_satisfaction", "nobody rates results: there is nothing to "
	    "measure"},
};

static int
metric_of(const char *s, int *m, pake_err *e)
{
	size_t i;

	for (i = 0; i < sizeof metric_alias / sizeof metric_alias[0]; i++)
		if (strcmp(s, metric_alias[i].name) == 0) {
			*m = metric_alias[i].m;
			return 0;
		}
	for (i = 0; i < sizeof metric_absent / sizeof metric_absent[0]; i++)
		if (strcmp(s, metric_absent[i].name) == 0)
			return pake_fail(e, PAKE_EINVAL, NULL, "metric: pake has "
			    "no data for %s: %s", s, metric_absent[i].why);
	return pake_fail(e, PAKE_EINVAL, NULL, "metric: '%.40s' is not one of "
	    "search_queries, zero_result_searches, response_time, "
	    "success_rate, sessions, requests, server_errors, error_rate, "
	    "request_time", s);
}

/* The series of metric m over npts buckets of step ms from start: v[i],
 * and ok[i] = 0 where a mean has nothing to average. */
static void
series(const an_log *l, int m, int64_t start, int64_t step, size_t npts,
    double *v, int *ok)
{
	double *n = calloc(npts, sizeof *n);
	size_t i, b;

	memset(v, 0, npts * sizeof *v);
	for (i = 0; i < npts; i++)
		ok[i] = m != M_TIME && m != M_SUCCESS;
	if (m == M_SESSIONS) {
		for (i = 0; i < l->ns; i++)
			if (l->s[i].start >= start && (b = (size_t)((l->s[i].start
			    - start) / step)) < npts)
				v[b]++;
		free(n);
		return;
	}
	for (i = 0; i < l->n; i++) {
		const pake_search_ev *x = &l->ev[i];

		if (x->t < start || (b = (size_t)((x->t - start) / step)) >= npts)
			continue;
		switch (m) {
		case M_SEARCHES:
			v[b]++;
			break;
		case M_ZERO:
			v[b] += x->hits == 0;
			break;
		case M_TIME:
			v[b] += x->ms;
			break;
		case M_SUCCESS:
			v[b] += x->hits > 0 ? 100 : 0;
			break;
		}
		if (n)
			n[b]++;
	}
	if (m == M_TIME || m == M_SUCCESS)
		for (b = 0; b < npts; b++)
			if (n && n[b] > 0) {
				v[b] /= n[b];
				ok[b] = 1;
			}
	free(n);
}

/* The server's requests from the counters' minutes (the last 34 hours),
 * into buckets; a bucket older than the minutes kept has no value. */
struct srv {
	int64_t start, step;
	size_t npts;
	double *req, *err, *us;
};

static int
srv_minute(void *arg, int64_t minute_ms, uint64_t requests, uint64_t errors,
    uint64_t us)
{
	struct srv *s = arg;
	size_t b;

	if (minute_ms < s->start || (b = (size_t)((minute_ms - s->start) /
	    s->step)) >= s->npts)
		return 0;
	s->req[b] += (double)requests;
	s->err[b] += (double)errors;
	s->us[b] += (double)us;
	return 0;
}

static int
server_series(pake_ctx *c, int64_t now, int m, int64_t start, int64_t step,
    size_t npts, double *v, int *ok, pake_err *e)
{
	int64_t kept = now - pake_counters_minutes_kept();
	struct srv s = {start, step, npts, NULL, NULL, NULL};
	pake_counters *k;
	size_t i;

	if (!(c->perms & PAKE_P_TENANTS_MANAGE))
		return pake_fail(e, PAKE_EFORBIDDEN, NULL, "metric %s: the "
		    "server's requests (every tenant's) are shown to operators "
		    "only (tenants:manage)", name_of(m));
	if ((k = pake_ctx_counters(c, e)) == NULL)
		return e->code;
	s.req = calloc(npts, sizeof *s.req);
	s.err = calloc(npts, sizeof *s.err);
	s.us = calloc(npts, sizeof *s.us);
	if (s.req && s.err && s.us)
		pake_counters_minutes(k, start, now, srv_minute, &s);
	for (i = 0; i < npts; i++) {
		/* Only a bucket wholly within the minutes kept is known. */
		ok[i] = s.req && start + (int64_t)i * step >= kept;
		v[i] = 0;
		if (!ok[i])
			continue;
		switch (m) {
		case M_REQ:
			v[i] = s.req[i];
			break;
		case M_5XX:
			v[i] = s.err[i];
			break;
		case M_ERRRATE:
			ok[i] = s.req[i] > 0;
			v[i] = ok[i] ? 100 * s.err[i] / s.req[i] : 0;
			break;
		default:	/* M_REQTIME: mean ms */
			ok[i] = s.req[i] > 0;
			v[i] = ok[i] ? s.us[i] / s.req[i] / 1000 : 0;
			break;
		}
	}
	free(s.req);
	free(s.err);
	free(s.us);
	return 0;
}

/* Buckets of step covering the range up to now, aligned to step. */
static int
buckets(int64_t now, int64_t range, int64_t step, int64_t *start,
    size_t *npts, pake_err *e)
{
	*start = (now - range) / step * step;
	*npts = (size_t)((now / step * step - *start) / step) + 1;
	if (*npts > MAX_POINTS)
		return pake_fail(e, PAKE_EINVAL, NULL, "%zu points: at most %d; "
		    "choose a coarser granularity or a shorter time_range",
		    *npts, MAX_POINTS);
	return 0;
}

static int
granularity(const char *g, int64_t *step, pake_err *e)
{
	if (g == NULL || strcmp(g, "hour") == 0)
		*step = HOUR;
	else if (strcmp(g, "minute") == 0)
		*step = 60000;
	else if (strcmp(g, "day") == 0)
		*step = DAY;
	else
		return pake_fail(e, PAKE_EINVAL, NULL, "granularity: minute, "
		    "hour or day, not '%.20s'", g);
	return 0;
}

/* Pearson and Student */

/* The continued fraction of the incomplete beta function (modified
 * Lentz), for x < (a + 1) / (a + b + 2). */
static double
beta_cf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, num, del;
	int m;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m +
		    1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < 1e-300 ? 1e300 : 1 / d;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

/* The regularized incomplete beta function I_x(a, b). */
static double
ibeta(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
	    b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return bt * beta_cf(a, b, x) / a;
	return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

/* r of the points where both series have a value; 0 when undefined
 * (fewer than 3 points, or a series that does not vary). */
static int
pearson(const double *x, const int *xo, const double *y, const int *yo,
    size_t n, double *r, double *p, int *samples)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, k = 0, t, df;
	size_t i;

	for (i = 0; i < n; i++)
		if (xo[i] && yo[i]) {
			sx += x[i];
			sy += y[i];
			k++;
		}
	*samples = (int)k;
	if (k < 3)
		return 0;
	for (i = 0; i < n; i++)
		if (xo[i] && yo[i]) {
			double dx = x[i] - sx / k, dy = y[i] - sy / k;

			sxx += dx * dx;
			syy += dy * dy;
			sxy += dx * dy;
		}
	if (sxx <= 0 || syy <= 0)
		return 0;
	*r = fmax(-1, fmin(1, sxy / sqrt(sxx * syy)));
	df = k - 2;
	if (fabs(*r) >= 1) {
		*p = 0;
		return 1;
	}
	t = *r * sqrt(df / (1 - *r * *r));
	*p = ibeta(df / 2, 0.5, df / (df + t * t));
	return 1;
}

static const char *
strength(double r)
{
	r = fabs(r);
	return r >= 0.7 ? "strong" : r >= 0.5 ? "moderate" : r >= 0.3 ?
	    "weak" : "very_weak";
}

/* {metrics, correlation_matrix, correlation_pairs, significant_
 * correlations, timestamp} of hourly series over the range. */
static cJSON *
correlations(const an_log *l, const char *csv, int64_t range, pake_err *e)
{
	int m[M_N], nm = 0, i, j, k;
	char name[48];
	const char *p = csv, *q;
	int64_t start;
	size_t npts;
	double *v[M_N];
	int *ok[M_N];
	cJSON *o, *ms, *mx, *pairs, *sig;

	while (*p) {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		snprintf(name, sizeof name, "%.*s", (int)(q - p), p);
		if (metric_of(name, &m[nm], e) != 0)
			return NULL;
		if (m[nm] >= M_N) {
			pake_fail(e, PAKE_EINVAL, NULL, "metrics: correlations are "
			    "between the tenant's own series, not %s",
			    name_of(m[nm]));
			return NULL;
		}
		for (k = 0; k < nm && m[k] != m[nm]; k++)
			;
		if (k == nm) {
			if (nm == M_N)
				break;
			nm++;
		}
		p = *q ? q + 1 : q;
	}
	if (nm < 2) {
		pake_fail(e, PAKE_EINVAL, NULL, "metrics: name two metrics or "
		    "more, separated by commas");
		return NULL;
	}
	if (buckets(l->now, range, HOUR, &start, &npts, e) != 0)
		return NULL;
	for (i = 0; i < nm; i++) {
		v[i] = calloc(npts, sizeof *v[i]);
		ok[i] = calloc(npts, sizeof *ok[i]);
		if (v[i] && ok[i])
			series(l, m[i], start, HOUR, npts, v[i], ok[i]);
	}
	o = cJSON_CreateObject();
	ms = cJSON_AddArrayToObject(o, "metrics");
	for (i = 0; i < nm; i++)
		cJSON_AddItemToArray(ms, cJSON_CreateString(metric_name[m[i]]));
	mx = cJSON_AddArrayToObject(o, "correlation_matrix");
	pairs = cJSON_AddArrayToObject(o, "correlation_pairs");
	sig = cJSON_AddArrayToObject(o, "significant_correlations");
	for (i = 0; i < nm; i++) {
		cJSON *row = cJSON_CreateArray();

		for (j = 0; j < nm; j++) {
			double r = 0, pv = 1;
			int n = 0, def = 0;

			if (v[i] && v[j] && ok[i] && ok[j])
				def = pearson(v[i], ok[i], v[j], ok[j], npts, &r,
				    &pv, &n);
			if (i == j)
				cJSON_AddItemToArray(row, def ?
				    cJSON_CreateNumber(1) : cJSON_CreateNull());
			else
				cJSON_AddItemToArray(row, def ?
				    cJSON_CreateNumber(an_round(r, 3)) :
				    cJSON_CreateNull());
			if (j > i) {
				cJSON *pr = cJSON_CreateObject();

				cJSON_AddStringToObject(pr, "metric_a",
				    metric_name[m[i]]);
				cJSON_AddStringToObject(pr, "metric_b",
				    metric_name[m[j]]);
				cJSON_AddNumberToObject(pr, "samples", n);
				if (def) {
					cJSON_AddNumberToObject(pr,
					    "correlation_coefficient",
					    an_round(r, 3));
					cJSON_AddNumberToObject(pr, "p_value",
					    an_round(pv, 4));
					cJSON_AddBoolToObject(pr, "significance",
					    pv < 0.05);
					cJSON_AddStringToObject(pr, "strength",
					    strength(r));
					if (pv < 0.05)
						cJSON_AddItemToArray(sig,
						    cJSON_Duplicate(pr, 1));
				} else {
					an_absent(pr, "correlation_coefficient",
					    "fewer than 3 hours where both have "
					    "a value, or one does not vary");
				}
				cJSON_AddItemToArray(pairs, pr);
			}
		}
		cJSON_AddItemToArray(mx, row);
	}
	for (i = 0; i < nm; i++) {
		free(v[i]);
		free(ok[i]);
	}
	an_time(o, "timestamp", l->now);
	return o;
}

/* Anomalies */

static int
by_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof *v, by_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The hours of the range that deviate from the 14 days before. */
static cJSON *
anomalies(const an_log *l, int64_t range)
{
	static const int ms[] = {M_SEARCHES, M_ZERO, M_TIME};
	int64_t start = (l->now - range) / HOUR * HOUR;
	int64_t bstart = start - BASELINE_DAYS * DAY;
	size_t nb = (size_t)(BASELINE_DAYS * DAY / HOUR), nr, i, k, active = 0;
	double *bv, *rv, *tmp;
	int *bo, *ro;
	cJSON *o = cJSON_CreateObject(), *list, *base, *dm;
	char desc[200];

	nr = (size_t)((l->now / HOUR * HOUR - start) / HOUR) + 1;
	bv = calloc(nb, sizeof *bv);
	bo = calloc(nb, sizeof *bo);
	tmp = calloc(nb, sizeof *tmp);
	rv = calloc(nr, sizeof *rv);
	ro = calloc(nr, sizeof *ro);
	list = cJSON_CreateArray();
	if (bv && bo && tmp && rv && ro) {
		series(l, M_SEARCHES, bstart, HOUR, nb, bv, bo);
		for (i = 0; i < nb; i++)
			active += bv[i] > 0;
	}
	for (k = 0; active >= 24 && k < sizeof ms / sizeof ms[0]; k++) {
		size_t n = 0;
		double med, mad, scale, floor_ = ms[k] == M_TIME ? 1 : 1;

		series(l, ms[k], bstart, HOUR, nb, bv, bo);
		series(l, ms[k], start, HOUR, nr, rv, ro);
		for (i = 0; i < nb; i++)
			if (bo[i])
				tmp[n++] = bv[i];
		if (n < 24)
			continue;
		med = median(tmp, n);
		for (i = 0; i < n; i++)
			tmp[i] = fabs(tmp[i] - med);
		mad = median(tmp, n);
		scale = fmax(mad / 0.6745, floor_);
		for (i = 0; i < nr; i++) {
			double z;
			cJSON *a;

			if (!ro[i])
				continue;
			z = (rv[i] - med) / scale;
			if (fabs(z) <= Z_LIMIT)
				continue;
			a = cJSON_CreateObject();
			cJSON_AddStringToObject(a, "type", z > 0 ? "spike" :
			    "drop");
			cJSON_AddStringToObject(a, "metric", metric_name[ms[k]]);
			cJSON_AddStringToObject(a, "severity", fabs(z) > 7 ?
			    "high" : fabs(z) > 5 ? "medium" : "low");
			an_time(a, "timestamp", start + (int64_t)i * HOUR);
			snprintf(desc, sizeof desc, "%s was %.1f in the hour, "
			    "against a median of %.1f over the %d days before",
			    metric_name[ms[k]], rv[i], med, BASELINE_DAYS);
			cJSON_AddStringToObject(a, "description", desc);
			cJSON_AddNumberToObject(a, "value", an_round(rv[i], 3));
			cJSON_AddNumberToObject(a, "baseline_median",
			    an_round(med, 3));
			cJSON_AddNumberToObject(a, "modified_z", an_round(z, 2));
			cJSON_AddNumberToObject(a, "confidence",
			    an_round(1 - erfc(fabs(z) / sqrt(2)), 4));
			cJSON_AddItemToArray(list, a);
		}
	}
	cJSON_AddNumberToObject(o, "anomalies_detected",
	    cJSON_GetArraySize(list));
	cJSON_AddItemToObject(o, "anomalies", list);
	dm = cJSON_AddArrayToObject(o, "detection_methods");
	cJSON_AddItemToArray(dm, cJSON_CreateString("modified z-score: "
	    "(value - median) / (MAD / 0.6745) of the metric's hours over the "
	    "14 days before the range; |z| > 3.5 is an anomaly"));
	base = cJSON_AddObjectToObject(o, "baseline");
	an_time(base, "from", bstart);
	an_time(base, "to", start);
	cJSON_AddNumberToObject(base, "hours_with_searches", (double)active);
	if (active < 24)
		an_absent(o, "baseline_sufficient", "fewer than 24 hours with "
		    "searches in the 14 days before the range: no history to "
		    "compare with, so no anomaly is claimed");
	an_time(o, "analysis_timestamp", l->now);
	free(bv);
	free(bo);
	free(tmp);
	free(rv);
	free(ro);
	return o;
}

/* Health */

/* The HTTP counters, for operators: totals, 5xx share, latency
 * quantiles estimated as the upper bound of their histogram bucket. */
struct http_sum {
	uint64_t total, errors, lat[PAKE_COUNTERS_BUCKETS];
};

static int
sum_req(void *arg, const char *route, const char *method, int status,
    uint64_t count)
{
	struct http_sum *s = arg;

	(void)route;
	(void)method;
	s->total += count;
	if (status >= 500)
		s->errors += count;
	return 0;
}

static int
sum_lat(void *arg, const char *route,
    const uint64_t bucket[PAKE_COUNTERS_BUCKETS], uint64_t sum_us)
{
	struct http_sum *s = arg;
	int i;

	(void)route;
	(void)sum_us;
	for (i = 0; i < PAKE_COUNTERS_BUCKETS; i++)
		s->lat[i] += bucket[i];
	return 0;
}

static cJSON *
quantile(const struct http_sum *s, double q)
{
	uint64_t n = 0, c = 0;
	int i;

	for (i = 0; i < PAKE_COUNTERS_BUCKETS; i++)
		n += s->lat[i];
	if (n == 0)
		return cJSON_CreateNull();
	for (i = 0; i < PAKE_COUNTERS_BUCKETS; i++) {
		c += s->lat[i];
		if ((double)c >= q * (double)n)
			break;
	}
	if (i >= PAKE_COUNTERS_BUCKETS - 1)
		return cJSON_CreateString("over 5000");
	return cJSON_CreateNumber(pake_counters_bucket_ms[i]);
}

static void
server_figures(pake_ctx *c, cJSON *o)
{
	struct http_sum s;
	pake_counters *k;
	pake_err e = {0};
	cJSON *srv, *lat;

	if (!(c->perms & PAKE_P_TENANTS_MANAGE)) {
		an_absent(o, "server", "server-wide HTTP figures (every "
		    "tenant's requests) are shown to operators only");
		return;
	}
	if ((k = pake_ctx_counters(c, &e)) == NULL) {
		an_absent(o, "server", "the counters file cannot be opened");
		return;
	}
	memset(&s, 0, sizeof s);
	pake_counters_http_each(k, sum_req, sum_lat, &s);
	srv = cJSON_AddObjectToObject(o, "server");
	cJSON_AddNumberToObject(srv, "requests_total", (double)s.total);
	cJSON_AddNumberToObject(srv, "errors_5xx", (double)s.errors);
	if (s.total)
		cJSON_AddNumberToObject(srv, "error_rate", an_round(100.0 *
		    (double)s.errors / (double)s.total, 2));
	else
		an_absent(srv, "error_rate", "no HTTP request counted yet");
	lat = cJSON_AddObjectToObject(srv, "latency_ms_at_most");
	cJSON_AddItemToObject(lat, "p50", quantile(&s, 0.5));
	cJSON_AddItemToObject(lat, "p90", quantile(&s, 0.9));
	cJSON_AddItemToObject(lat, "p99", quantile(&s, 0.99));
	cJSON_AddStringToObject(srv, "since", "the counters file was made "
	    "(GET /metrics has the same counts)");
}

static const char *
advice(const char *check)
{
	static const struct {
		const char *name, *what;
	} tips[] = {
		{"database", "Check the database: pake-db check"},
		{"schema", "Upgrade the database: pake-db migrate"},
		{"wal", "Open the database with pake-db so it returns to WAL "
		    "mode"},
		{"vault_dir", "Make the vault folder and give pake write "
		    "access to it"},
		{"pending", "Write the waiting vault files: pake-db check "
		    "--repair"},
		{"disk", "Free disk space where the database lives"},
	};
	size_t i;

	for (i = 0; i < sizeof tips / sizeof tips[0]; i++)
		if (strcmp(tips[i].name, check) == 0)
			return tips[i].what;
	return "See pake-health(1)";
}

/* {overall_score, component_scores, health_trends, critical_issues,
 * recommendations, timestamp} from the health checks. */
static cJSON *
health(pake_ctx *c, int64_t now)
{
	cJSON *in = cJSON_CreateObject(), *h = NULL, *o, *comp, *crit, *rec,
	    *k;
	pake_err e = {0};
	int n = 0, ok = 0;

	o = cJSON_CreateObject();
	if (pake_op_call(c, "health", in, &h, &e) != 0) {
		cJSON_Delete(in);
		an_absent(o, "overall_score", e.msg ? e.msg :
		    "the health checks could not run");
		an_time(o, "timestamp", now);
		return o;
	}
	cJSON_Delete(in);
	comp = cJSON_CreateObject();
	crit = cJSON_CreateArray();
	rec = cJSON_CreateArray();
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(h, "checks")) {
		const char *name = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(k, "name"));
		const char *detail = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(k, "detail"));
		int good = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k,
		    "ok"));

		if (name == NULL)
			continue;
		n++;
		ok += good;
		cJSON_AddNumberToObject(comp, name, good ? 100 : 0);
		if (!good) {
			cJSON *i = cJSON_CreateObject();

			cJSON_AddStringToObject(i, "component", name);
			cJSON_AddStringToObject(i, "detail", detail ? detail :
			    "");
			cJSON_AddItemToArray(crit, i);
			cJSON_AddItemToArray(rec, cJSON_CreateString(
			    advice(name)));
		}
	}
	cJSON_Delete(h);
	cJSON_AddNumberToObject(o, "overall_score", n ? an_round(100.0 * ok /
	    n, 1) : 0);
	cJSON_AddItemToObject(o, "component_scores", comp);
	an_absent(o, "health_trends", "pake keeps no history of its health "
	    "checks; they run when asked");
	cJSON_AddItemToObject(o, "critical_issues", crit);
	cJSON_AddItemToObject(o, "recommendations", rec);
	server_figures(c, o);
	an_time(o, "timestamp", now);
	return o;
}

/* Usage */

static const char *const weekday[7] = {"Monday", "Tuesday", "Wednesday",
	"Thursday", "Friday", "Saturday", "Sunday"};

/* Monday first: 1970-01-01 was a Thursday. */
static int
dow(int64_t t)
{
	return (int)((t / DAY + 3) % 7);
}

static void
count_into(cJSON *o, const char *k)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(o, k);

	if (c)
		cJSON_SetNumberValue(c, c->valuedouble + 1);
	else
		cJSON_AddNumberToObject(o, k, 1);
}

static void
sources_into(const pake_search_ev *x, cJSON *o)
{
	cJSON *s = x->sources ? cJSON_Parse(x->sources) : NULL, *it;

	if (cJSON_IsArray(s) && cJSON_GetArraySize(s) > 0) {
		cJSON_ArrayForEach(it, s)
			if (cJSON_IsString(it))
				count_into(o, it->valuestring);
	} else {
		count_into(o, "vault");
	}
	cJSON_Delete(s);
}

static double
mean_session_minutes(const an_log *l, size_t *n)
{
	double sum = 0;
	size_t i;

	*n = 0;
	for (i = 0; i < l->ns; i++, (*n)++)
		sum += (double)(l->s[i].end - l->s[i].start) / 60000;
	return *n ? sum / (double)*n : 0;
}

/* {usage_patterns:{...}} of the range. */
static cJSON *
usage(const an_log *l, int64_t range)
{
	int64_t how[7][24] = {{0}}, by_hour[24] = {0};
	cJSON *o = cJSON_CreateObject(), *u, *a, *fr, *md, *src, *seg, *en;
	an_words actors = {0}, recent = {0};
	size_t i, ns;
	int d, h;
	double days = (double)range / DAY, mins;
	int64_t seg_n[3] = {0};
	double seg_q[3] = {0};

	u = cJSON_AddObjectToObject(o, "usage_patterns");
	fr = cJSON_CreateObject();
	md = cJSON_CreateObject();
	src = cJSON_CreateObject();
	for (i = 0; i < l->n; i++) {
		const pake_search_ev *x = &l->ev[i];
		an_word *w;

		how[dow(x->t)][(x->t / HOUR) % 24]++;
		by_hour[(x->t / HOUR) % 24]++;
		count_into(fr, x->front);
		count_into(md, x->mode);
		sources_into(x, src);
		if ((w = an_words_get(&actors, x->actor)) != NULL)
			w->n++;
		if (x->t >= l->now - DAY)
			an_words_get(&recent, x->actor);
	}
	a = cJSON_AddArrayToObject(u, "peak_hours");
	for (h = 0; h < 24; h++)
		if (l->n && (double)by_hour[h] > 1.5 * (double)l->n / 24)
			cJSON_AddItemToArray(a, cJSON_CreateNumber(h));
	a = cJSON_AddArrayToObject(u, "hour_of_week");
	for (d = 0; d < 7; d++) {
		cJSON *row = cJSON_CreateArray();

		for (h = 0; h < 24; h++)
			cJSON_AddItemToArray(row, cJSON_CreateNumber(
			    (double)how[d][h]));
		cJSON_AddItemToArray(a, row);
	}
	cJSON_AddStringToObject(u, "hour_of_week_note", "rows Monday to "
	    "Sunday, columns hours 0 to 23, UTC");
	cJSON_AddItemToObject(u, "usage_distribution", fr);
	cJSON_AddItemToObject(u, "mode_distribution", md);
	cJSON_AddItemToObject(u, "source_distribution", src);
	/* Segments by searches a day over the range: power 10 or more,
	 * regular 2 or more, casual fewer. */
	for (i = 0; i < actors.n; i++) {
		double per = (double)actors.v[i].n / fmax(days, 1);
		int s = per >= 10 ? 0 : per >= 2 ? 1 : 2;

		seg_n[s]++;
		seg_q[s] += per;
	}
	seg = cJSON_AddObjectToObject(u, "user_segments");
	{
		static const char *const names[3] = {"power_users",
		    "regular_users", "casual_users"};

		for (d = 0; d < 3; d++) {
			cJSON *g = cJSON_AddObjectToObject(seg, names[d]);

			cJSON_AddNumberToObject(g, "count", (double)seg_n[d]);
			cJSON_AddNumberToObject(g, "avg_queries_per_day",
			    seg_n[d] ? an_round(seg_q[d] / (double)seg_n[d], 2) :
			    0);
		}
		cJSON_AddStringToObject(seg, "rule", "searches a day over the "
		    "range: power 10 or more, regular 2 or more, casual fewer");
	}
	en = cJSON_AddObjectToObject(u, "engagement_metrics");
	cJSON_AddNumberToObject(en, "total_searches", (double)l->n);
	cJSON_AddNumberToObject(en, "unique_users", (double)actors.n);
	cJSON_AddNumberToObject(en, "daily_active_users", (double)recent.n);
	mins = mean_session_minutes(l, &ns);
	cJSON_AddNumberToObject(en, "sessions", (double)ns);
	cJSON_AddNumberToObject(en, "avg_session_duration_minutes",
	    an_round(mins, 1));
	cJSON_AddNumberToObject(en, "queries_per_session", ns ?
	    an_round((double)l->n / (double)ns, 2) : 0);
	an_words_free(&actors);
	an_words_free(&recent);
	return o;
}

/* A query's searches: a run of equal queries among events sorted by
 * query (then time). */
struct qrun {
	const pake_search_ev *newest;
	size_t count, zero, first;
	double ms;
};

static int
by_query(const void *x, const void *y)
{
	const pake_search_ev *a = *(const pake_search_ev *const *)x;
	const pake_search_ev *b = *(const pake_search_ev *const *)y;
	int c = strcmp(a->query, b->query);

	return c ? c : (a->t > b->t) - (a->t < b->t);
}

static int
by_count(const void *x, const void *y)
{
	const struct qrun *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return (a->first > b->first) - (a->first < b->first);
}

/* The most frequent queries, whole: {query, count, avg_response_time,
 * zero_results}, ties in order of first sight; only searches that found
 * nothing when zero is set. */
static cJSON *
top_queries(const an_log *l, int max, int zero)
{
	const pake_search_ev **v = malloc((l->n + 1) * sizeof *v);
	struct qrun *runs = malloc((l->n + 1) * sizeof *runs);
	cJSON *a = cJSON_CreateArray();
	size_t i, n = 0, nr = 0;

	if (v == NULL || runs == NULL) {
		free(v);
		free(runs);
		return a;
	}
	for (i = 0; i < l->n; i++)
		if (!zero || l->ev[i].hits == 0)
			v[n++] = &l->ev[i];
	qsort(v, n, sizeof *v, by_query);
	for (i = 0; i < n; i++) {
		struct qrun *r = &runs[nr];

		if (i == 0 || strcmp(v[i]->query, v[i - 1]->query) != 0) {
			memset(r, 0, sizeof *r);
			r->first = (size_t)(v[i] - l->ev);
			nr++;
		} else {
			r = &runs[nr - 1];
		}
		r->count++;
		r->zero += v[i]->hits == 0;
		r->ms += v[i]->ms;
		r->newest = v[i];
	}
	qsort(runs, nr, sizeof *runs, by_count);
	for (i = 0; i < nr && (int)i < max; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "query", runs[i].newest->query);
		cJSON_AddNumberToObject(o, "count", (double)runs[i].count);
		cJSON_AddNumberToObject(o, "avg_response_time",
		    an_round(runs[i].ms / (double)runs[i].count, 1));
		cJSON_AddNumberToObject(o, "zero_results",
		    (double)runs[i].zero);
		cJSON_AddItemToArray(a, o);
	}
	free(v);
	free(runs);
	return a;
}

/* The newest searches as activity. */
static cJSON *
activity(const an_log *l, int max)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;
	char desc[200];

	for (i = l->n; i-- > 0 && cJSON_GetArraySize(a) < max;) {
		const pake_search_ev *x = &l->ev[i];
		cJSON *o = cJSON_CreateObject(), *m;

		an_time(o, "timestamp", x->t);
		cJSON_AddStringToObject(o, "activity_type", "search");
		snprintf(desc, sizeof desc, "Search \"%.60s\" found %lld",
		    x->query, (long long)x->hits);
		/* %.60s may cut a character: keep the text valid UTF-8. */
		if (!pake_utf8_valid(desc, strlen(desc)))
			snprintf(desc, sizeof desc, "Search found %lld",
			    (long long)x->hits);
		cJSON_AddStringToObject(o, "description", desc);
		cJSON_AddStringToObject(o, "query", x->query);
		cJSON_AddNumberToObject(o, "value", (double)x->hits);
		m = cJSON_AddObjectToObject(o, "metadata");
		cJSON_AddStringToObject(m, "user_id", x->actor);
		cJSON_AddNumberToObject(m, "processing_time_ms",
		    an_round(x->ms, 2));
		cJSON_AddBoolToObject(m, "success", x->hits > 0);
		cJSON_AddStringToObject(m, "front", x->front);
		cJSON_AddStringToObject(m, "mode", x->mode);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* A metric's trend: the first half of the range against the second. */
static cJSON *
trend(const an_log *l, pake_ctx *c, int m, int64_t range)
{
	int64_t step = range / 48 > 0 ? range / 48 : 1, start;
	double v[49], h1 = 0, h2 = 0, n1 = 0, n2 = 0, change;
	int ok[49], i;
	cJSON *o = cJSON_CreateObject(), *ts;
	pake_err e = {0};

	start = l->now - 48 * step;
	if (m < M_N)
		series(l, m, start, step, 48, v, ok);
	else if (server_series(c, l->now, m, start, step, 48, v, ok, &e) != 0) {
		cJSON_Delete(o);
		return NULL;
	}
	for (i = 0; i < 48; i++) {
		if (!ok[i])
			continue;
		if (i < 24) {
			h1 += v[i];
			n1++;
		} else {
			h2 += v[i];
			n2++;
		}
	}
	for (i = 47; i >= 0 && !ok[i]; i--)
		;
	if (i >= 0)
		cJSON_AddNumberToObject(o, "current", an_round(v[i], 2));
	else
		an_absent(o, "current", "no search in the range");
	if (n1 > 0 && n2 > 0 && h1 / n1 > 0) {
		change = (h2 / n2 - h1 / n1) / (h1 / n1) * 100;
		cJSON_AddStringToObject(o, "trend", fabs(change) < 5 ?
		    "stable" : change > 0 ? "up" : "down");
		cJSON_AddNumberToObject(o, "change_percent", an_round(change,
		    1));
	} else {
		an_absent(o, "trend", "needs values in both halves of the "
		    "range");
		an_absent(o, "change_percent", "needs values in both halves "
		    "of the range");
	}
	ts = cJSON_AddArrayToObject(o, "time_series");
	for (i = 0; i < 48; i++) {
		cJSON *p = cJSON_CreateObject();

		an_time(p, "timestamp", start + i * step);
		if (ok[i])
			cJSON_AddNumberToObject(p, "value", an_round(v[i], 3));
		else
			cJSON_AddNullToObject(p, "value");
		cJSON_AddItemToArray(ts, p);
	}
	return o;
}

/* Insights of every kind, for /analytics/insights and the report. */
static cJSON *
all_insights(an_log *l, const cJSON *anom, const cJSON *hl)
{
	cJSON *ml = an_ml_insights(l, NULL), *out = cJSON_CreateArray(), *it;
	unsigned char hsh[crypto_hash_sha256_BYTES];
	char id[13], desc[300];

	cJSON_ArrayForEach(it, ml) {
		cJSON *o = cJSON_CreateObject();
		const char *title = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "title"));
		const char *pri = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "priority"));

		crypto_hash_sha256(hsh, (const unsigned char *)title,
		    strlen(title));
		snprintf(id, sizeof id, "%02x%02x%02x%02x%02x%02x", hsh[0],
		    hsh[1], hsh[2], hsh[3], hsh[4], hsh[5]);
		cJSON_AddStringToObject(o, "insight_id", id);
		cJSON_AddStringToObject(o, "title", title);
		cJSON_AddItemToObject(o, "description", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(it, "description"), 1));
		cJSON_AddStringToObject(o, "category", "research");
		cJSON_AddItemToObject(o, "confidence", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(it, "confidence"), 1));
		cJSON_AddStringToObject(o, "priority", pri);
		cJSON_AddStringToObject(o, "severity", "info");
		an_time(o, "timestamp", l->now);
		cJSON_AddItemToObject(o, "recommended_actions", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(it,
		    "actionable_suggestions"), 1));
		cJSON_AddStringToObject(o, "time_sensitivity", "days");
		cJSON_AddItemToArray(out, o);
	}
	cJSON_Delete(ml);
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(anom,
	    "anomalies")) {
		cJSON *o = cJSON_CreateObject(), *acts;
		const char *sev = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "severity"));
		const char *d = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "description"));
		const char *t = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "timestamp"));

		snprintf(desc, sizeof desc, "%s (%s)", d, t);
		crypto_hash_sha256(hsh, (const unsigned char *)desc,
		    strlen(desc));
		snprintf(id, sizeof id, "%02x%02x%02x%02x%02x%02x", hsh[0],
		    hsh[1], hsh[2], hsh[3], hsh[4], hsh[5]);
		cJSON_AddStringToObject(o, "insight_id", id);
		cJSON_AddStringToObject(o, "title", strcmp(cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "type")), "spike") ==
		    0 ? "Unusual rise" : "Unusual fall");
		cJSON_AddStringToObject(o, "description", desc);
		cJSON_AddStringToObject(o, "category", "anomaly");
		cJSON_AddItemToObject(o, "confidence", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(it, "confidence"), 1));
		cJSON_AddStringToObject(o, "priority", strcmp(sev, "high") ==
		    0 ? "high" : "medium");
		cJSON_AddStringToObject(o, "severity", sev);
		cJSON_AddStringToObject(o, "timestamp", t);
		acts = cJSON_AddArrayToObject(o, "recommended_actions");
		cJSON_AddItemToArray(acts, cJSON_CreateString("Look at the "
		    "searches of that hour (pake-analytics activity)"));
		cJSON_AddStringToObject(o, "time_sensitivity", "hours");
		cJSON_AddItemToArray(out, o);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(hl,
	    "critical_issues")) {
		cJSON *o = cJSON_CreateObject(), *acts;
		const char *comp = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "component"));

		snprintf(desc, sizeof desc, "Health check %s fails: %s", comp,
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it,
		    "detail")));
		crypto_hash_sha256(hsh, (const unsigned char *)desc,
		    strlen(desc));
		snprintf(id, sizeof id, "%02x%02x%02x%02x%02x%02x", hsh[0],
		    hsh[1], hsh[2], hsh[3], hsh[4], hsh[5]);
		cJSON_AddStringToObject(o, "insight_id", id);
		cJSON_AddStringToObject(o, "title", "A health check fails");
		cJSON_AddStringToObject(o, "description", desc);
		cJSON_AddStringToObject(o, "category", "system");
		cJSON_AddNumberToObject(o, "confidence", 1);
		cJSON_AddStringToObject(o, "priority", "critical");
		cJSON_AddStringToObject(o, "severity", "critical");
		an_time(o, "timestamp", l->now);
		acts = cJSON_AddArrayToObject(o, "recommended_actions");
		cJSON_AddItemToArray(acts, cJSON_CreateString(advice(comp)));
		cJSON_AddStringToObject(o, "time_sensitivity", "immediate");
		cJSON_AddItemToArray(out, o);
	}
	return out;
}

static const char *const DEFAULT_METRICS =
	"search_queries,response_time,success_rate,zero_result_searches";

static int
bool_arg(const cJSON *in, const char *k, int def, int *v, pake_err *e)
{
	const char *s = pake_json_str(in, k);

	if (s == NULL)
		*v = def;
	else if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*v = 1;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*v = 0;
	else
		return pake_fail(e, PAKE_EINVAL, NULL, "%s: true or false", k);
	return 0;
}

static cJSON *
report(an_log *l, pake_ctx *c, const char *range_s, int64_t range,
    int predictions, int recommendations, pake_err *e)
{
	cJSON *o = cJSON_CreateObject(), *ex, *kf, *hl, *an, *co, *ins, *recs,
	    *pt, *mt, *it, *md, *ds, *u;
	unsigned char hsh[crypto_hash_sha256_BYTES];
	char id[13], buf[300], seed[80];
	size_t zero = 0, i;
	int crit = 0, high = 0, m;
	an_log v;

	/* The range alone (the log reaches back 14 days more, for the
	 * anomalies' baseline). */
	an_view(l, l->now - range, &v);

	snprintf(seed, sizeof seed, "%lld%s", (long long)l->now, range_s);
	crypto_hash_sha256(hsh, (const unsigned char *)seed, strlen(seed));
	snprintf(id, sizeof id, "%02x%02x%02x%02x%02x%02x", hsh[0], hsh[1],
	    hsh[2], hsh[3], hsh[4], hsh[5]);
	cJSON_AddStringToObject(o, "report_id", id);
	an_time(o, "generated_at", l->now);
	cJSON_AddStringToObject(o, "time_range", range_s);
	hl = health(c, l->now);
	an = anomalies(l, range);
	if ((co = correlations(l, DEFAULT_METRICS, range, e)) == NULL) {
		cJSON_Delete(o);
		cJSON_Delete(hl);
		cJSON_Delete(an);
		return NULL;
	}
	ins = all_insights(l, an, hl);
	cJSON_ArrayForEach(it, ins) {
		const char *p = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "priority"));

		crit += strcmp(p, "critical") == 0;
		high += strcmp(p, "high") == 0;
	}
	recs = cJSON_CreateArray();
	if (recommendations) {
		cJSON_ArrayForEach(it, ins) {
			cJSON *r = cJSON_CreateObject();
			const char *cat = cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(it, "category"));

			cJSON_AddStringToObject(r, "category", cat);
			cJSON_AddItemToObject(r, "priority", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it, "priority"), 1));
			cJSON_AddItemToObject(r, "title", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it, "title"), 1));
			cJSON_AddItemToObject(r, "description", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it, "description"),
			    1));
			cJSON_AddItemToObject(r, "actions", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it,
			    "recommended_actions"), 1));
			cJSON_AddItemToObject(r, "timeline", cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it,
			    "time_sensitivity"), 1));
			cJSON_AddItemToArray(recs, r);
		}
	}
	for (i = 0; i < v.n; i++)
		zero += v.ev[i].hits == 0;
	ex = cJSON_AddObjectToObject(o, "executive_summary");
	cJSON_AddStringToObject(ex, "overall_status", crit ? "degraded" :
	    "healthy");
	kf = cJSON_AddArrayToObject(ex, "key_findings");
	snprintf(buf, sizeof buf, "%zu searches in %zu sessions; %zu found "
	    "nothing", v.n, v.ns, zero);
	cJSON_AddItemToArray(kf, cJSON_CreateString(buf));
	snprintf(buf, sizeof buf, "%d anomalies against the 14 days before",
	    (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(an,
	    "anomalies_detected")));
	cJSON_AddItemToArray(kf, cJSON_CreateString(buf));
	snprintf(buf, sizeof buf, "%d health checks fail",
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(hl,
	    "critical_issues")));
	cJSON_AddItemToArray(kf, cJSON_CreateString(buf));
	cJSON_AddNumberToObject(ex, "critical_count", crit);
	cJSON_AddNumberToObject(ex, "high_priority_count", high);
	cJSON_AddNumberToObject(ex, "total_insights", cJSON_GetArraySize(ins));
	cJSON_AddNumberToObject(ex, "recommendations_count",
	    cJSON_GetArraySize(recs));
	cJSON_AddItemToObject(o, "system_health", hl);
	pt = cJSON_AddObjectToObject(o, "performance_trends");
	mt = cJSON_AddObjectToObject(pt, "metric_trends");
	for (m = 0; m < M_N; m++) {
		cJSON *t = trend(l, c, m, range);

		cJSON_DeleteItemFromObjectCaseSensitive(t, "time_series");
		cJSON_AddItemToObject(mt, metric_name[m], t);
	}
	u = usage(&v, range);
	cJSON_AddItemToObject(o, "usage_patterns",
	    cJSON_DetachItemFromObjectCaseSensitive(u, "usage_patterns"));
	cJSON_Delete(u);
	cJSON_AddItemToObject(o, "anomalies", an);
	cJSON_AddItemToObject(o, "correlations", co);
	if (predictions)
		an_absent(o, "predictions", "pake does not forecast: a "
		    "prediction it cannot stand behind would be invented");
	else
		cJSON_AddNullToObject(o, "predictions");
	cJSON_AddItemToObject(o, "key_insights", ins);
	cJSON_AddItemToObject(o, "recommendations", recs);
	md = cJSON_AddObjectToObject(o, "metadata");
	cJSON_AddNumberToObject(md, "total_insights", cJSON_GetArraySize(ins));
	cJSON_AddNumberToObject(md, "critical_issues", crit);
	ds = cJSON_AddArrayToObject(md, "data_sources");
	cJSON_AddItemToArray(ds, cJSON_CreateString("search log"));
	cJSON_AddItemToArray(ds, cJSON_CreateString("health checks"));
	if (c->perms & PAKE_P_TENANTS_MANAGE)
		cJSON_AddItemToArray(ds, cJSON_CreateString("HTTP counters"));
	cJSON_AddNumberToObject(md, "searches_analyzed", (double)v.n);
	return o;
}

static cJSON *
dashboard(an_log *l, pake_ctx *c, const char *range_s, int64_t range,
    pake_err *e)
{
	cJSON *o = cJSON_CreateObject(), *d, *pm, *ua, *sp, *im, *ca, *co, *it,
	    *strongest, *g = NULL, *in, *hl, *md, *u, *src, *t;
	int64_t by_hour[24] = {0}, by_day[7] = {0};
	size_t i, ns, meaning = 0;
	int h, best = 0, bestd = 0, k;

	d = cJSON_AddObjectToObject(o, "dashboard_data");
	an_time(d, "timestamp", l->now);
	cJSON_AddStringToObject(d, "time_range", range_s);
	pm = cJSON_AddObjectToObject(d, "performance_metrics");
	cJSON_AddItemToObject(pm, "response_time", trend(l, c, M_TIME, range));
	cJSON_AddItemToObject(pm, "search_volume", trend(l, c, M_SEARCHES,
	    range));
	cJSON_AddItemToObject(pm, "zero_result_searches", trend(l, c, M_ZERO,
	    range));
	/* The server's requests, for operators (the counters' minutes). */
	if ((t = trend(l, c, M_REQ, range)) != NULL) {
		cJSON_AddItemToObject(pm, "throughput", t);
		cJSON_AddItemToObject(pm, "error_rate", trend(l, c, M_ERRRATE,
		    range));
		cJSON_AddItemToObject(pm, "request_time", trend(l, c,
		    M_REQTIME, range));
	} else {
		an_absent(pm, "throughput", "the server's requests (every "
		    "tenant's) are shown to operators only");
		an_absent(pm, "error_rate", "the server's requests (every "
		    "tenant's) are shown to operators only");
	}
	server_figures(c, pm);
	ua = cJSON_AddObjectToObject(d, "usage_analytics");
	cJSON_AddNumberToObject(ua, "total_searches", (double)l->n);
	u = usage(l, range);
	cJSON_AddItemToObject(ua, "unique_users", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(u, "usage_patterns"),
	    "engagement_metrics"), "unique_users"), 1));
	cJSON_AddNumberToObject(ua, "avg_session_duration",
	    an_round(mean_session_minutes(l, &ns), 1));
	{
		cJSON *tq = top_queries(l, 5, 0), *pq;

		pq = cJSON_AddArrayToObject(ua, "popular_queries");
		cJSON_ArrayForEach(it, tq)
			cJSON_AddItemToArray(pq, cJSON_Duplicate(
			    cJSON_GetObjectItemCaseSensitive(it, "query"), 1));
		cJSON_AddItemToObject(d, "top_queries", tq);
	}
	cJSON_AddItemToObject(ua, "zero_result_queries", top_queries(l, 10, 1));
	for (i = 0; i < l->n; i++) {
		by_hour[(l->ev[i].t / HOUR) % 24]++;
		by_day[dow(l->ev[i].t)]++;
		meaning += strcmp(l->ev[i].mode, "text") != 0;
	}
	for (h = 1; h < 24; h++)
		if (by_hour[h] > by_hour[best])
			best = h;
	for (k = 1; k < 7; k++)
		if (by_day[k] > by_day[bestd])
			bestd = k;
	sp = cJSON_AddObjectToObject(ua, "search_patterns");
	if (l->n) {
		cJSON_AddNumberToObject(sp, "peak_hour", best);
		cJSON_AddStringToObject(sp, "busiest_day", weekday[bestd]);
	} else {
		an_absent(sp, "peak_hour", "no search in the range");
		an_absent(sp, "busiest_day", "no search in the range");
	}
	cJSON_AddNumberToObject(sp, "avg_queries_per_session", ns ?
	    an_round((double)l->n / (double)ns, 2) : 0);
	im = cJSON_AddObjectToObject(d, "intelligence_metrics");
	if (l->n)
		cJSON_AddNumberToObject(im, "ml_enhancement_rate",
		    an_round(100.0 * (double)meaning / (double)l->n, 1));
	else
		an_absent(im, "ml_enhancement_rate", "no search in the range");
	if ((in = cJSON_CreateObject()) != NULL &&
	    pake_op_call(c, "graph_stats", in, &g, e) == 0)
		cJSON_AddNumberToObject(im, "knowledge_graph_nodes",
		    cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(g,
		    "entities")) + cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(g, "notes")));
	else
		an_absent(im, "knowledge_graph_nodes", "the graph could not be "
		    "read with these permissions");
	pake_err_clear(e);
	cJSON_Delete(in);
	cJSON_Delete(g);
	in = an_ml_insights(l, NULL);
	cJSON_AddNumberToObject(im, "insights_generated",
	    cJSON_GetArraySize(in));
	cJSON_Delete(in);
	an_absent(im, "semantic_similarity_avg", "searches log their hits, "
	    "not similarity scores");
	an_absent(im, "content_summarization_rate", "GET /summarize/analytics "
	    "has what summaries pake wrote");
	an_absent(im, "pattern_recognition_accuracy", "nothing checks the "
	    "patterns against a truth to measure an accuracy");
	md = cJSON_AddObjectToObject(im, "intelligence_breakdown");
	cJSON_AddItemToObject(md, "modes", cJSON_Duplicate(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    u, "usage_patterns"), "mode_distribution"), 1));
	ca = cJSON_AddObjectToObject(d, "correlation_analysis");
	if ((co = correlations(l, DEFAULT_METRICS, range, e)) == NULL) {
		cJSON_Delete(o);
		cJSON_Delete(u);
		return NULL;
	}
	strongest = cJSON_CreateArray();
	{
		/* The three strongest defined pairs. */
		cJSON *pairs = cJSON_GetObjectItemCaseSensitive(co,
		    "correlation_pairs"), *picked[3] = {NULL, NULL, NULL};
		int n;

		for (n = 0; n < 3; n++) {
			double bestr = -1;

			cJSON_ArrayForEach(it, pairs) {
				cJSON *r = cJSON_GetObjectItemCaseSensitive(it,
				    "correlation_coefficient");
				int used = 0, q;

				for (q = 0; q < n; q++)
					used |= picked[q] == it;
				if (cJSON_IsNumber(r) && !used &&
				    fabs(r->valuedouble) > bestr) {
					bestr = fabs(r->valuedouble);
					picked[n] = it;
				}
			}
			if (picked[n])
				cJSON_AddItemToArray(strongest,
				    cJSON_Duplicate(picked[n], 1));
		}
	}
	cJSON_AddItemToObject(ca, "correlation_matrix", co);
	cJSON_AddItemToObject(ca, "strongest_correlations", strongest);
	cJSON_AddItemToObject(d, "real_time_activity", activity(l, 100));
	hl = health(c, l->now);
	{
		cJSON *sh = cJSON_AddObjectToObject(d, "system_health");

		cJSON_AddItemToObject(sh, "overall_health", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(hl, "overall_score"), 1));
		cJSON_AddItemToObject(sh, "components", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(hl, "component_scores"),
		    1));
		an_absent(sh, "resource_usage", "pake runs as short processes "
		    "per request: there is no process whose CPU and memory to "
		    "report; see the disk check");
	}
	cJSON_Delete(hl);
	src = cJSON_DetachItemFromObjectCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(u, "usage_patterns"),
	    "source_distribution");
	cJSON_AddItemToObject(d, "source_distribution", src ? src :
	    cJSON_CreateObject());
	cJSON_Delete(u);
	md = cJSON_AddObjectToObject(d, "metadata");
	an_time(md, "generated_at", l->now);
	cJSON_AddNumberToObject(md, "data_points", (double)l->n);
	an_absent(md, "service_uptime_hours", "no long-running service: "
	    "pake-http runs per connection or as systemd starts it");
	return o;
}

int
pake_analytics(pake_ctx *c, int which, const cJSON *in, cJSON **out,
    pake_err *e)
{
	const char *range_s = pake_json_str(in, "time_range");
	const char *def = which == PAKE_AN_USAGE || which ==
	    PAKE_AN_CORRELATIONS || which == PAKE_AN_ACTIVITY ? "7d" : "24h";
	int64_t range, since, step = HOUR, start = 0;
	int rc, m = M_SEARCHES, preds = 1, recs = 1;
	cJSON *o = NULL, *inner;
	size_t npts = 0, i;
	an_log l;

	if (range_s == NULL)
		range_s = def;
	if (which == PAKE_AN_DASHBOARD && strcmp(range_s, "1h") &&
	    strcmp(range_s, "24h") && strcmp(range_s, "7d") &&
	    strcmp(range_s, "30d"))
		return pake_fail(e, PAKE_EINVAL, NULL, "time_range: 1h, 24h, 7d "
		    "or 30d");
	if ((rc = an_range(range_s, def, &range, e)) != 0)
		return rc;
	if (which == PAKE_AN_INSIGHTS) {
		const char *p = pake_json_str(in, "priority");

		if (p && strcmp(p, "all") && strcmp(p, "critical") &&
		    strcmp(p, "high") && strcmp(p, "medium") && strcmp(p, "low"))
			return pake_fail(e, PAKE_EINVAL, NULL, "priority: all, "
			    "critical, high, medium or low");
	}
	if (which == PAKE_AN_REPORT &&
	    ((rc = bool_arg(in, "include_predictions", 1, &preds, e)) != 0 ||
	    (rc = bool_arg(in, "include_recommendations", 1, &recs, e)) != 0))
		return rc;
	/* Anomalies compare with the 14 days before the range. */
	since = pake_now_ms() - range;
	if (which == PAKE_AN_ANOMALIES || which == PAKE_AN_INSIGHTS ||
	    which == PAKE_AN_REPORT)
		since -= BASELINE_DAYS * DAY + HOUR;
	if (which == PAKE_AN_SERIES) {
		const char *ms = pake_json_str(in, "metric");

		if ((rc = metric_of(ms ? ms : "search_queries", &m, e)) != 0 ||
		    (rc = granularity(pake_json_str(in, "granularity"), &step, e)) != 0 ||
		    (rc = buckets(pake_now_ms(), range, step, &start, &npts,
		    e)) != 0)
			return rc;
		since = start;
	}
	if (which == PAKE_AN_HEALTH) {
		o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "system_health", health(c,
		    pake_now_ms()));
		cJSON_AddStringToObject(o, "time_range", range_s);
		*out = o;
		return 0;
	}
	if ((rc = an_load(c, since, &l, e)) != 0)
		return rc;
	switch (which) {
	case PAKE_AN_DASHBOARD:
		if ((o = dashboard(&l, c, range_s, range, e)) != NULL) {
			cJSON_AddBoolToObject(o, "success", 1);
			an_time(o, "timestamp", l.now);
		}
		break;
	case PAKE_AN_SERIES: {
		double *v = calloc(npts, sizeof *v);
		int *ok = calloc(npts, sizeof *ok);
		cJSON *ts;

		if (v == NULL || ok == NULL) {
			free(v);
			free(ok);
			pake_fail(e, PAKE_EINTERNAL, PAKE_MSG_NOMEM, NULL);
			break;
		}
		if (m >= M_N) {
			if (server_series(c, l.now, m, start, step, npts, v, ok,
			    e) != 0) {
				free(v);
				free(ok);
				break;
			}
		} else {
			series(&l, m, start, step, npts, v, ok);
		}
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "success", 1);
		ts = cJSON_AddArrayToObject(o, "time_series");
		for (i = 0; i < npts; i++) {
			cJSON *p = cJSON_CreateObject(), *md;

			an_time(p, "timestamp", start + (int64_t)i * step);
			if (ok[i])
				cJSON_AddNumberToObject(p, "value",
				    an_round(v[i], 3));
			else
				cJSON_AddNullToObject(p, "value");
			md = cJSON_AddObjectToObject(p, "metadata");
			cJSON_AddStringToObject(md, "metric", name_of(m));
			cJSON_AddItemToArray(ts, p);
		}
		free(v);
		free(ok);
		cJSON_AddStringToObject(o, "metric", name_of(m));
		if (m >= M_N && start < l.now - pake_counters_minutes_kept())
			an_absent(o, "before", "the counters keep the server's "
			    "requests by minute for 34 hours: earlier buckets "
			    "have no value");
		cJSON_AddStringToObject(o, "time_range", range_s);
		cJSON_AddStringToObject(o, "granularity", step == HOUR ? "hour" :
		    step == DAY ? "day" : "minute");
		an_time(o, "timestamp", l.now);
		break;
	}
	case PAKE_AN_CORRELATIONS:
		if ((inner = correlations(&l, pake_json_str(in, "metrics") ?
		    pake_json_str(in, "metrics") : DEFAULT_METRICS, range, e)) == NULL)
			break;
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "success", 1);
		cJSON_AddItemToObject(o, "metrics", cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(inner, "metrics"), 1));
		cJSON_AddItemToObject(o, "correlations", inner);
		cJSON_AddStringToObject(o, "time_range", range_s);
		an_time(o, "timestamp", l.now);
		break;
	case PAKE_AN_ACTIVITY:
		o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "success", 1);
		cJSON_AddItemToObject(o, "activity", activity(&l, 100));
		an_time(o, "timestamp", l.now);
		break;
	case PAKE_AN_REPORT:
		o = report(&l, c, range_s, range, preds, recs, e);
		break;
	case PAKE_AN_INSIGHTS: {
		const char *p = pake_json_str(in, "priority");
		cJSON *hl = health(c, l.now), *an = anomalies(&l, range), *all,
		    *list, *it;

		all = all_insights(&l, an, hl);
		cJSON_Delete(hl);
		cJSON_Delete(an);
		list = cJSON_CreateArray();
		cJSON_ArrayForEach(it, all)
			if (p == NULL || strcmp(p, "all") == 0 ||
			    strcmp(cJSON_GetStringValue(
			    cJSON_GetObjectItemCaseSensitive(it, "priority")),
			    p) == 0)
				cJSON_AddItemToArray(list, cJSON_Duplicate(it,
				    1));
		cJSON_Delete(all);
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "total_insights",
		    cJSON_GetArraySize(list));
		cJSON_AddItemToObject(o, "insights", list);
		cJSON_AddStringToObject(o, "time_range", range_s);
		cJSON_AddStringToObject(o, "priority_filter", p ? p : "all");
		break;
	}
	case PAKE_AN_ANOMALIES:
		o = cJSON_CreateObject();
		inner = anomalies(&l, range);
		cJSON_AddStringToObject(inner, "time_range", range_s);
		cJSON_AddItemToObject(o, "anomaly_detection", inner);
		cJSON_AddStringToObject(o, "time_range", range_s);
		an_time(o, "analysis_timestamp", l.now);
		break;
	default:	/* PAKE_AN_USAGE */
		o = cJSON_CreateObject();
		inner = usage(&l, range);
		cJSON_AddStringToObject(inner, "time_range", range_s);
		an_time(inner, "analysis_timestamp", l.now);
		cJSON_AddItemToObject(o, "usage_analysis", inner);
		cJSON_AddStringToObject(o, "time_range", range_s);
		an_time(o, "analysis_timestamp", l.now);
		break;
	}
	an_free(&l);
	if (o == NULL)
		return e->code ? e->code : pake_fail(e, PAKE_EINTERNAL,
		    PAKE_MSG_NOMEM, NULL);
	*out = o;
	return 0;
}
