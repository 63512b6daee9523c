/*
 * bench.h: what the benchmark programs share (each is one file, built
 * alone by bench/run.sh with -I bench): the monotonic clock, sorting
 * timings, and a fixed-seed xorshift so every run draws the same data.
 */
#ifndef PAKE_BENCH_H
#define PAKE_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* qsort comparator for doubles, ascending. */
static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0 < q <= 1) of sorted v[0..n-1], nearest rank. */
static inline double
bench_quantile(const double *v, size_t n, double q)
{
	size_t r = (size_t)(q * (double)n + 0.999999);

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

/* xorshift64, seeded the same in every run. */
static inline uint64_t
bench_next(void)
{
	static uint64_t s = 88172645463325252ull;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

#endif
