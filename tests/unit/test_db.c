/*
 * test_db.c: the database layer fails closed.  Opening a missing control
 * database without create makes nothing (issue 10, item 11); a user
 * count that cannot be read is an error, never a number a quota compares
 * against (item 9).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pake/db.h"
#include "pake/err.h"
#include "unit.h"

int
main(void)
{
	struct tally t = { 0, 0 };
	const char *tmp = getenv("TMPDIR");
	char dir[64], path[128], sub[128];
	struct stat sb;
	pake_db *db = NULL;
	pake_err e = {0};
	sqlite3 *h;
	int64_t n = -1;

	snprintf(dir, sizeof dir, "%s/test_db.XXXXXX",
	    tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(path, sizeof path, "%s/pake.db", dir);
	snprintf(sub, sizeof sub, "%s/not/there/pake.db", dir);

	/* Without create: not_found, and no file, no folder. */
	CHECK(&t, pake_db_open_control(&db, sub, 1000, 0, &e) ==
	    PAKE_ENOTFOUND && db == NULL, "missing database opened: %d",
	    e.code);
	CHECK(&t, e.msg && strcmp(e.msg, PAKE_MSG_NODB) == 0, "message %s",
	    e.msg ? e.msg : "(none)");
	snprintf(sub, sizeof sub, "%s/not", dir);
	CHECK(&t, stat(sub, &sb) != 0, "a folder was made");
	pake_err_clear(&e);
	CHECK(&t, pake_db_open_control(&db, path, 1000, 0, &e) ==
	    PAKE_ENOTFOUND, "missing database opened");
	CHECK(&t, stat(path, &sb) != 0, "a file was made");

	/* With create: made, and then opened without. */
	pake_err_clear(&e);
	CHECK(&t, pake_db_open_control(&db, path, 1000, 1, &e) == 0,
	    "create: %s", e.detail);
	pake_db_close(db);
	db = NULL;
	CHECK(&t, pake_db_open_control(&db, path, 1000, 0, &e) == 0,
	    "open existing: %s", e.detail);
	CHECK(&t, db && pake_db_user_count(db, 1, &n, &e) == 0 && n == 0,
	    "user count of an empty tenant");

	/* A count that fails says so. */
	if (sqlite3_open(path, &h) == SQLITE_OK) {
		CHECK(&t, sqlite3_exec(h, "ALTER TABLE users RENAME TO gone",
		    NULL, NULL, NULL) == SQLITE_OK, "rename");
		sqlite3_close(h);
	}
	n = 0;
	pake_err_clear(&e);
	CHECK(&t, db && pake_db_user_count(db, 1, &n, &e) != 0 &&
	    e.code != 0, "a failed count was not an error (n %lld)",
	    (long long)n);
	pake_db_close(db);

	snprintf(sub, sizeof sub, "rm -rf '%s'", dir);
	if (system(sub) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	printf("%d passed, %d failed\n", t.pass, t.fail);
	return t.fail != 0;
}
