/*
 * unit.h: what the C unit test programs share: a tally of checks and the
 * CHECK macro that counts one and says where a failure is.  Each program
 * ends by printing "N passed, N failed" (tests/unit.bats reads that line).
 */
#ifndef PAKE_UNIT_H
#define PAKE_UNIT_H

#include <stdio.h>

struct tally {
	int pass, fail;
};

#define CHECK(t, cond, ...) do {					\
	if (cond)							\
		(t)->pass++;						\
	else {								\
		(t)->fail++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

#endif
