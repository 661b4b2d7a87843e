/*
 * The store's own limit: bare sqlite doing the writes of a submit, in WAL
 * with synchronous=FULL, so that
 * docs/PERFORMANCE.md can give hoptac's rate as a share of it.
 *
 * With -H the file is a database hoptacd made (hoptacd init: the same
 * tables, indexes and triggers) and each call runs, statement for
 * statement, what hoptacd's writer runs for a submit of b activities: the
 * idempotency lookup, a savepoint, the lookup of the unit (once for a
 * batch of one unit), for each activity the lookup of its id,
 * the row, its partner and field rows and its partner counts (the triggers
 * add the others), the logged reply, the audit row. The activities are
 * bench_submit's. Without -H, a table of its own with one row per activity
 * and one partner row: the cheapest rows that could hold an activity.
 *
 * With -g G, G calls share a transaction, as hoptacd's writer commits
 * the calls that wait for it together (group commit).
 *
 *   bench_sqlite -f /tmp/x.db -n 20000 -b 1000 [-g 1] [-H] [-s bytes]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

static const char bench_minimal_schema[] =
    "CREATE TABLE IF NOT EXISTS activities (seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE, unit_code TEXT NOT NULL, kind INTEGER NOT"
    " NULL, start_day INTEGER NOT NULL, end_day INTEGER NOT NULL, people"
    " INTEGER NOT NULL, state INTEGER NOT NULL, version INTEGER NOT NULL,"
    " fields_folded TEXT NOT NULL, search TEXT NOT NULL, body BLOB NOT"
    " NULL);"
    "CREATE TABLE IF NOT EXISTS activity_partners (partner_code TEXT NOT"
    " NULL, activity_seq INTEGER NOT NULL, PRIMARY KEY (partner_code,"
    " activity_seq)) WITHOUT ROWID;";

/* The statements, in the order hoptacd's writer runs them. */
enum {
	BENCH_FIND_REQUEST,
	BENCH_FIND_UNIT,
	BENCH_FIND_ACTIVITY,
	BENCH_INSERT_ACTIVITY,
	BENCH_INSERT_PARTNER,
	BENCH_INSERT_FIELD,
	BENCH_PARTNER_DAY,
	BENCH_PARTNER_MONTH,
	BENCH_SAVE_REPLY,
	BENCH_AUDIT,
	BENCH_BEGIN,
	BENCH_COMMIT,
	BENCH_SAVEPOINT,
	BENCH_RELEASE,
	BENCH_NSTMT
};

static const char *const bench_sql[BENCH_NSTMT] = {
    "SELECT method, payload FROM request_log"
    " WHERE credential_id = '0123456789abcdef' AND request_id = ?",
    "SELECT body FROM units WHERE code = 'BENCH'",
    "SELECT body FROM activities WHERE unit_code = 'BENCH' AND id = ?",
    "INSERT INTO activities(id, body, unit_code, kind, start_day,"
    " end_day, people, state, version, fields_folded, search)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 1, ?8, ?9)",
    "INSERT OR IGNORE INTO activity_partners(partner_code, activity_seq)"
    " VALUES (?, ?)",
    "INSERT OR IGNORE INTO activity_fields(field, activity_seq)"
    " VALUES (?, ?)",
    "INSERT INTO activity_partner_day_counts VALUES (?, ?, ?, ?, 1, ?)"
    " ON CONFLICT DO UPDATE SET n = n + 1,"
    " people = people + excluded.people",
    "INSERT INTO activity_partner_month_counts"
    " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO UPDATE SET n = n + 1,"
    " people = people + excluded.people",
    "INSERT INTO request_log(credential_id, request_id, method, payload,"
    " created_at_ms) VALUES ('0123456789abcdef', ?,"
    " '/hoptac.v1.Activities/Submit', ?, 0)",
    "INSERT INTO audit(at_ms, credential_id, name, roles, unit_code,"
    " method, target, status, message, peer, request_id)"
    " VALUES (0, '0123456789abcdef', 'bench', 'reviewer,admin,peer', '',"
    " '/hoptac.v1.Activities/Submit', ?, 0, '', '127.0.0.1:40000', ?)",
    "BEGIN IMMEDIATE",
    "COMMIT",
    "SAVEPOINT call",
    "RELEASE call",
};

static const char *const bench_partners[] = {"LA-AT", "LA-BK", "LA-BL", "LA-CH",
    "LA-HO", "LA-KH", "LA-LM", "LA-LP", "LA-OU", "LA-PH", "LA-SL", "LA-SV",
    "LA-VI", "LA-VT", "LA-XA", "LA-XE", "LA-XI", "LA-XS"};

/* Days since 1970-01-01 of a day of the proleptic Gregorian calendar. */
static int32_t
bench_days(int y, int m, int d)
{
	int era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

struct bench {
	sqlite3 *db;
	sqlite3_stmt *st[BENCH_NSTMT];
	int hoptac; /* -H: hoptacd's schema and statements */
	uint8_t *body;
	size_t body_len;
	uint8_t *reply; /* the logged reply: 25 bytes an activity */
	char run[16];
};

static int
bench_step(sqlite3_stmt *st)
{
	int rv = sqlite3_step(st);

	/* Said now: the reset below clears the message. */
	if (rv != SQLITE_DONE && rv != SQLITE_ROW)
		fprintf(stderr, "bench_sqlite: %s: %s\n", sqlite3_sql(st),
		    sqlite3_errmsg(sqlite3_db_handle(st)));
	sqlite3_reset(st);
	return rv == SQLITE_DONE || rv == SQLITE_ROW ? 0 : -1;
}

/* The n-th activity of call `call`, as bench_submit makes it. */
static int
bench_activity(struct bench *b, int call, int j, uint64_t n)
{
	static const char search[] = "doan cong tac huyen dak glei tham huyen "
	                             "dak chung||huyen dak chung tinh se "
	                             "kong||||an ninh bien gioi|";
	const char *partner = bench_partners[(n / 7) % 18];
	int month = (int)(1 + (n / 3) % 12);
	int32_t day = bench_days(2024, month, (int)(1 + (n / 11) % 28));
	int32_t month_day = bench_days(2024, month, 1);
	int kind = (int)(1 + n % 9), people = (int)(1 + n % 10);
	sqlite3_stmt **st = b->st;
	char id[64];
	sqlite3_int64 seq;

	snprintf(id, sizeof(id), "b%s-0-%d-%d", b->run, call, j);
	if (!b->hoptac) {
		sqlite3_bind_text(
		    st[BENCH_INSERT_ACTIVITY], 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(st[BENCH_INSERT_ACTIVITY], 2, b->body,
		    (int)b->body_len, SQLITE_STATIC);
		if (bench_step(st[BENCH_INSERT_ACTIVITY]) != 0)
			return -1;
		sqlite3_bind_text(
		    st[BENCH_INSERT_PARTNER], 1, partner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st[BENCH_INSERT_PARTNER], 2,
		    sqlite3_last_insert_rowid(b->db));
		return bench_step(st[BENCH_INSERT_PARTNER]);
	}
	sqlite3_bind_text(st[BENCH_FIND_ACTIVITY], 1, id, -1, SQLITE_TRANSIENT);
	if (bench_step(st[BENCH_FIND_ACTIVITY]) != 0)
		return -1;
	sqlite3_bind_text(
	    st[BENCH_INSERT_ACTIVITY], 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st[BENCH_INSERT_ACTIVITY], 2, b->body,
	    (int)b->body_len, SQLITE_STATIC);
	sqlite3_bind_text(
	    st[BENCH_INSERT_ACTIVITY], 3, "BENCH", -1, SQLITE_STATIC);
	sqlite3_bind_int(st[BENCH_INSERT_ACTIVITY], 4, kind);
	sqlite3_bind_int(st[BENCH_INSERT_ACTIVITY], 5, day);
	sqlite3_bind_int(st[BENCH_INSERT_ACTIVITY], 6, day);
	sqlite3_bind_int(st[BENCH_INSERT_ACTIVITY], 7, people);
	sqlite3_bind_text(st[BENCH_INSERT_ACTIVITY], 8, "an ninh bien gioi|",
	    -1, SQLITE_STATIC);
	sqlite3_bind_text(
	    st[BENCH_INSERT_ACTIVITY], 9, search, -1, SQLITE_STATIC);
	if (bench_step(st[BENCH_INSERT_ACTIVITY]) != 0)
		return -1;
	seq = sqlite3_last_insert_rowid(b->db);
	sqlite3_bind_text(
	    st[BENCH_INSERT_PARTNER], 1, partner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[BENCH_INSERT_PARTNER], 2, seq);
	sqlite3_bind_text(
	    st[BENCH_INSERT_FIELD], 1, "an ninh biên giới", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st[BENCH_INSERT_FIELD], 2, seq);
	if (bench_step(st[BENCH_INSERT_PARTNER]) != 0 ||
	    bench_step(st[BENCH_INSERT_FIELD]) != 0)
		return -1;
	for (int k = BENCH_PARTNER_DAY; k <= BENCH_PARTNER_MONTH; k++) {
		sqlite3_bind_int(
		    st[k], 1, k == BENCH_PARTNER_DAY ? day : month_day);
		sqlite3_bind_text(st[k], 2, "BENCH", -1, SQLITE_STATIC);
		sqlite3_bind_int(st[k], 3, kind);
		sqlite3_bind_text(st[k], 4, partner, 5, SQLITE_STATIC);
		sqlite3_bind_int(st[k], 5, people);
		if (bench_step(st[k]) != 0)
			return -1;
	}
	return 0;
}

/* One call of `batch` activities, in the current transaction. */
static int
bench_call(struct bench *b, int call, int batch)
{
	char request_id[64], target[96];
	sqlite3_stmt **st = b->st;
	int rc = 0;

	snprintf(request_id, sizeof(request_id), "r%s-%d", b->run, call);
	snprintf(target, sizeof(target), "%d activities: b%s-0-%d-0 ...", batch,
	    b->run, call);
	if (b->hoptac) {
		sqlite3_bind_text(
		    st[BENCH_FIND_REQUEST], 1, request_id, -1, SQLITE_STATIC);
		rc = bench_step(st[BENCH_FIND_REQUEST]) != 0 ||
		    bench_step(st[BENCH_SAVEPOINT]) != 0 ||
		    bench_step(st[BENCH_FIND_UNIT]) != 0;
	}
	for (int j = 0; j < batch && rc == 0; j++)
		rc = bench_activity(
		    b, call, j, (uint64_t)call * (uint64_t)batch + (uint64_t)j);
	if (b->hoptac && rc == 0) {
		sqlite3_bind_text(
		    st[BENCH_SAVE_REPLY], 1, request_id, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st[BENCH_SAVE_REPLY], 2, b->reply, 25 * batch,
		    SQLITE_STATIC);
		sqlite3_bind_text(
		    st[BENCH_AUDIT], 1, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(
		    st[BENCH_AUDIT], 2, request_id, -1, SQLITE_STATIC);
		rc = bench_step(st[BENCH_SAVE_REPLY]) != 0 ||
		    bench_step(st[BENCH_RELEASE]) != 0 ||
		    bench_step(st[BENCH_AUDIT]) != 0;
	}
	return rc;
}

/* Calls first .. first+group-1 in one transaction, as hoptacd's writer
 * commits the calls waiting for it together. */
static int
bench_group(struct bench *b, int first, int group, int batch)
{
	int rc = 0;

	if (bench_step(b->st[BENCH_BEGIN]) != 0)
		return -1;
	for (int call = first; call < first + group && rc == 0; call++)
		rc = bench_call(b, call, batch);
	if (rc == 0)
		return bench_step(b->st[BENCH_COMMIT]);
	sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
bench_open(struct bench *b, const char *path)
{
	if (sqlite3_open_v2(path, &b->db,
	        SQLITE_OPEN_READWRITE | (b->hoptac ? 0 : SQLITE_OPEN_CREATE),
	        NULL) != SQLITE_OK ||
	    sqlite3_exec(b->db,
	        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
	        NULL) != SQLITE_OK ||
	    (!b->hoptac &&
	        sqlite3_exec(b->db, bench_minimal_schema, NULL, NULL, NULL) !=
	            SQLITE_OK))
		return -1;
	/* hoptacd's writer's settings: its page cache, references
	 * checked, its checkpoints; the unit is there before its
	 * activities. */
	if (b->hoptac &&
	    sqlite3_exec(b->db,
	        "PRAGMA cache_size=-32768; PRAGMA foreign_keys=ON;"
	        " PRAGMA wal_autocheckpoint=10000;"
	        " INSERT OR IGNORE INTO units(code,"
	        " name, kind, province, body) VALUES ('BENCH', 'Bench', 0, '',"
	        " x'0a0542454e4348')",
	        NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	for (int k = 0; k < BENCH_NSTMT; k++) {
		const char *sql = bench_sql[k];

		if (!b->hoptac && k == BENCH_INSERT_ACTIVITY)
			sql =
			    "INSERT INTO activities(id, unit_code, kind,"
			    " start_day, end_day, people, state, version,"
			    " fields_folded, search, body) VALUES (?1, 'BENCH',"
			    " 1, 19845, 19845, 5, 1, 1, 'an ninh bien gioi|',"
			    " 'doan cong tac huyen dak glei|', ?2)";
		if (!b->hoptac && k != BENCH_INSERT_ACTIVITY &&
		    k != BENCH_INSERT_PARTNER && k != BENCH_BEGIN &&
		    k != BENCH_COMMIT)
			continue;
		if (sqlite3_prepare_v2(b->db, sql, -1, &b->st[k], NULL) !=
		    SQLITE_OK)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *path = "/tmp/hoptac-bench-sqlite.db";
	int total = 20000, batch = 1, group = 1, commits, calls, ch, rc = 0;
	struct bench b = {0};
	struct timespec t0, t1;
	double secs;

	b.body_len = 200; /* a stored activity of bench_submit's */
	while ((ch = getopt(argc, argv, "f:n:b:g:s:H")) != -1) {
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
		case 'g':
			group = atoi(optarg);
			break;
		case 's':
			b.body_len = (size_t)atol(optarg);
			break;
		case 'H':
			b.hoptac = 1;
			break;
		default:
			fprintf(stderr,
			    "usage: bench_sqlite [-f file] [-n rows] "
			    "[-b activities per call] [-g calls per "
			    "transaction] "
			    "[-s body bytes] [-H]\n");
			return 2;
		}
	}
	if (batch < 1 || batch > 1000 || group < 1 || total < batch * group) {
		fprintf(stderr, "bench_sqlite: bad numbers\n");
		return 2;
	}
	if (!b.hoptac)
		unlink(path);
	else if (access(path, W_OK) != 0) {
		fprintf(stderr,
		    "bench_sqlite: -H needs a database made by "
		    "hoptacd init: %s\n",
		    path);
		return 2;
	}
	snprintf(b.run, sizeof(b.run), "%08lx", (unsigned long)time(NULL));
	b.body = malloc(b.body_len ? b.body_len : 1);
	b.reply = calloc(25, (size_t)batch);
	if (b.body == NULL || b.reply == NULL || bench_open(&b, path) != 0) {
		fprintf(stderr, "bench_sqlite: %s: %s\n", path,
		    b.db ? sqlite3_errmsg(b.db) : "out of memory");
		rc = 1;
		goto out;
	}
	memset(b.body, 'b', b.body_len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	commits = total / batch / group;
	calls = commits * group;
	for (int call = 0; call < calls && rc == 0; call += group)
		rc = bench_group(&b, call, group, batch);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != 0) {
		fprintf(stderr, "bench_sqlite: %s\n", sqlite3_errmsg(b.db));
		goto out;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("sqlite rows=%s activities=%d batch=%d group=%d rows/s=%.0f "
	       "calls/s=%.0f commits/s=%.0f\n",
	    b.hoptac ? "hoptac" : "minimal", calls * batch, batch, group,
	    calls * batch / secs, calls / secs, commits / secs);
out:
	for (int k = 0; k < BENCH_NSTMT; k++)
		sqlite3_finalize(b.st[k]);
	sqlite3_close(b.db);
	free(b.body);
	free(b.reply);
	if (!b.hoptac)
		unlink(path);
	return rc;
}
