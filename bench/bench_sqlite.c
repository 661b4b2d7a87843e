/*
 * The store's own limit: bare sqlite inserts of rows like hoptac's
 * activities (the same columns, indexes and a body of the same size), in
 * WAL with synchronous=FULL, one row per transaction or a batch per
 * transaction, so that docs/PERFORMANCE.md can give hoptac's rate as a
 * share of it.
 *
 *   bench_sqlite -f /tmp/x.db -n 20000 -b 1000 -s 300
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static const char bench_schema[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS activities (seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE, unit_code TEXT NOT NULL, kind INTEGER NOT"
    " NULL, start_day INTEGER NOT NULL, end_day INTEGER NOT NULL, people"
    " INTEGER NOT NULL, state INTEGER NOT NULL, version INTEGER NOT NULL,"
    " fields_folded TEXT NOT NULL, search TEXT NOT NULL, body BLOB NOT"
    " NULL);"
    "CREATE INDEX IF NOT EXISTS a1 ON activities(start_day, seq);"
    "CREATE INDEX IF NOT EXISTS a2 ON activities(unit_code, start_day);"
    "CREATE INDEX IF NOT EXISTS a3 ON activities(start_day, state,"
    " unit_code, kind, people);"
    "CREATE TABLE IF NOT EXISTS partners (partner_code TEXT NOT NULL,"
    " activity_seq INTEGER NOT NULL, PRIMARY KEY (partner_code,"
    " activity_seq)) WITHOUT ROWID;";

int
main(int argc, char **argv)
{
	const char *path = "/tmp/hoptac-bench-sqlite.db";
	int total = 20000, batch = 1, ch;
	size_t size = 300;
	sqlite3 *db;
	sqlite3_stmt *ins, *part;
	struct timespec t0, t1;
	char id[32], *body;
	double secs;

	while ((ch = getopt(argc, argv, "f:n:b:s:")) != -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			break;
		case 'n':
			total = atoi(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 's':
			size = (size_t)atol(optarg);
			break;
		default:
			fprintf(stderr,
			    "usage: bench_sqlite [-f file] [-n rows] "
			    "[-b rows per transaction] [-s body bytes]\n");
			return 2;
		}
	}
	unlink(path);
	if (batch < 1 || (body = malloc(size)) == NULL ||
	    sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, bench_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "INSERT INTO activities(id, unit_code, kind, start_day, "
	        "end_day,"
	        " people, state, version, fields_folded, search, body) VALUES"
	        " (?, 'BENCH', 1, 19845, 19845, 5, 1, 1, 'an ninh bien gioi|',"
	        " 'doan cong tac huyen dak glei|', ?)",
	        -1, &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "INSERT INTO partners(partner_code, activity_seq) VALUES"
	        " ('LA-XE', ?)",
	        -1, &part, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_sqlite: %s\n", path);
		return 1;
	}
	memset(body, 'b', size);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < total; i += batch) {
		sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
		for (int j = i; j < i + batch && j < total; j++) {
			snprintf(id, sizeof(id), "row-%d", j);
			sqlite3_bind_text(ins, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_blob(
			    ins, 2, body, (int)size, SQLITE_STATIC);
			sqlite3_step(ins);
			sqlite3_reset(ins);
			sqlite3_bind_int64(
			    part, 1, sqlite3_last_insert_rowid(db));
			sqlite3_step(part);
			sqlite3_reset(part);
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sqlite rows=%d batch=%d body=%zu rows/s=%.0f commits/s=%.0f\n",
	    total, batch, size, total / secs,
	    (total + batch - 1) / batch / secs);
	sqlite3_finalize(ins);
	sqlite3_finalize(part);
	sqlite3_close(db);
	free(body);
	unlink(path);
	return 0;
}
