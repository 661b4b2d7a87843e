/*
 * hoptacd migrate: moves a province's database from sqlite to
 * PostgreSQL. The source is opened as the server's writer would (its
 * lock keeps a server off it, its schema is brought up to date and its
 * inbox settled), the target by its backend, which makes the schema.
 * Then, in one transaction on the target, every table of the source is
 * copied whole with COPY, audit trail and log of replies included, the
 * target's sequences are moved past the copied keys, and each table is
 * read back and compared with the source: the same number of rows and
 * the same checksum (the sum of a SHA-256 of each row, as COPY writes
 * it, so the order of rows does not matter). Only then is it committed;
 * on any difference nothing is. A target with a row in any of the
 * tables is refused before anything is written.
 *
 * The copy runs with session_replication_role = replica, so the
 * target's triggers (the counts, the audit trail's refusal of changes)
 * and foreign keys do not fire on rows that are copies: the source
 * already held them consistent. That takes the database's owner or a
 * superuser, which is said when it is refused. The counts kept for
 * summaries are not copied: the target computes them from the copied
 * records (hoptac_counts_rebuild) before the commit.
 */
#include "migrate.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>
#include <sqlite3.h>

#include "status.h"
#include "store.h"
#include "store/store_pg_lib.h"

/* A line of COPY's text format, grown as needed. */
struct migrate_buf {
	char *p; /* owned */
	size_t len, cap;
};

/* A table to copy: its name and the columns both sides have. */
struct migrate_table {
	char name[128];
	char cols[4096]; /* "a", "b", ... quoted, for SQL */
	int n_cols;
};

static void
migrate_usage(FILE *out)
{
	fprintf(out,
	    "usage: hoptacd migrate --from DATABASE --to DATABASE\n"
	    "  copies everything of a sqlite database (audit trail and log\n"
	    "  of replies included) into a new PostgreSQL database, checks\n"
	    "  every table's rows and checksum, and commits only then; a\n"
	    "  target with any row in it is refused\n"
	    "  --from DATABASE  the sqlite file (sqlite:FILE or a path); no\n"
	    "                   server may be running on it\n"
	    "  --to DATABASE    postgresql://... or postgresql:KEY=VALUE "
	    "...\n");
}

static int
migrate_grow(struct migrate_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->len + more <= b->cap)
		return 0;
	while (cap < b->len + more)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Appends bytes as COPY's text format escapes them on output. */
static int
migrate_put_text(struct migrate_buf *b, const unsigned char *s, size_t n)
{
	if (migrate_grow(b, 2 * n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *esc = NULL;

		switch (s[i]) {
		case '\\':
			esc = "\\\\";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\v':
			esc = "\\v";
			break;
		default:
			break;
		}
		if (esc != NULL) {
			b->p[b->len++] = esc[0];
			b->p[b->len++] = esc[1];
		} else {
			b->p[b->len++] = (char)s[i];
		}
	}
	return 0;
}

/* Appends a blob as bytea's hex form, escaped for COPY: \\x0a1b... */
static int
migrate_put_blob(struct migrate_buf *b, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (migrate_grow(b, 3 + 2 * n) != 0)
		return -1;
	memcpy(b->p + b->len, "\\\\x", 3);
	b->len += 3;
	for (size_t i = 0; i < n; i++) {
		b->p[b->len++] = hex[s[i] >> 4];
		b->p[b->len++] = hex[s[i] & 15];
	}
	return 0;
}

/* The current row of st as one line of COPY's text format. */
static int
migrate_row_line(sqlite3_stmt *st, int n_cols, struct migrate_buf *b)
{
	char num[32];
	int rc = 0;

	b->len = 0;
	for (int i = 0; i < n_cols && rc == 0; i++) {
		const unsigned char *v;
		int w;

		if (i > 0) {
			if ((rc = migrate_grow(b, 1)) != 0)
				break;
			b->p[b->len++] = '\t';
		}
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			rc = migrate_grow(b, 2);
			if (rc == 0) {
				memcpy(b->p + b->len, "\\N", 2);
				b->len += 2;
			}
			break;
		case SQLITE_INTEGER:
			w = snprintf(num, sizeof(num), "%lld",
			    (long long)sqlite3_column_int64(st, i));
			rc = migrate_put_text(
			    b, (const unsigned char *)num, (size_t)w);
			break;
		case SQLITE_BLOB:
			v = sqlite3_column_blob(st, i);
			rc = migrate_put_blob(
			    b, v, (size_t)sqlite3_column_bytes(st, i));
			break;
		default:
			v = sqlite3_column_text(st, i);
			rc = migrate_put_text(
			    b, v, (size_t)sqlite3_column_bytes(st, i));
			break;
		}
	}
	if (rc == 0 && (rc = migrate_grow(b, 1)) == 0)
		b->p[b->len++] = '\n';
	return rc;
}

/* Adds a line to a table's sum: the first 8 bytes of its SHA-256. */
static void
migrate_sum(const char *line, size_t len, uint64_t *sum)
{
	unsigned char h[32];
	uint64_t v = 0;

	mbedtls_sha256_ret((const unsigned char *)line, len, h, 0);
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	*sum += v;
}

/* What the target's owner should know of a PostgreSQL failure. */
static void
migrate_pg_error(PGconn *pg, const char *what)
{
	fprintf(stderr, "hoptacd migrate: %s: %s", what, PQerrorMessage(pg));
}

/* Runs sql on pg expecting no rows; 0, or -1 with the error said. */
static int
migrate_pg_exec(PGconn *pg, const char *sql)
{
	PGresult *r = PQexec(pg, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok)
		migrate_pg_error(pg, sql);
	PQclear(r);
	return ok ? 0 : -1;
}

/* Fills t's columns: every column of the source table, each of which
 * the target's table must have. */
static int
migrate_columns(sqlite3 *lite, PGconn *pg, struct migrate_table *t)
{
	static const char pg_sql[] =
	    "SELECT 1 FROM information_schema.columns"
	    " WHERE table_schema = current_schema() AND table_name = $1"
	    " AND column_name = $2";
	char sql[256];
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc = -1;

	snprintf(sql, sizeof(sql), "PRAGMA table_info(\"%s\")", t->name);
	if (sqlite3_prepare_v2(lite, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	t->n_cols = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 1);
		const char *params[2] = {t->name, col};
		PGresult *r =
		    PQexecParams(pg, pg_sql, 2, NULL, params, NULL, NULL, 0);
		int w;

		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			migrate_pg_error(pg, "reading the target's columns");
			PQclear(r);
			goto out;
		}
		if (PQntuples(r) != 1) {
			fprintf(stderr,
			    "hoptacd migrate: the target's table %s has no "
			    "column %s: make it with this hoptacd's schema\n",
			    t->name, col);
			PQclear(r);
			goto out;
		}
		PQclear(r);
		w = snprintf(t->cols + len, sizeof(t->cols) - len, "%s\"%s\"",
		    t->n_cols ? ", " : "", col);
		if (w < 0 || (size_t)w >= sizeof(t->cols) - len)
			goto out;
		len += (size_t)w;
		t->n_cols++;
	}
	rc = t->n_cols > 0 ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

/* Whether the target's table has a row: 1, 0, or -1 on an error. */
static int
migrate_pg_has_rows(PGconn *pg, const char *table)
{
	char sql[256];
	PGresult *r;
	int n;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM \"%s\" LIMIT 1", table);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		migrate_pg_error(pg, sql);
		PQclear(r);
		return -1;
	}
	n = PQntuples(r);
	PQclear(r);
	return n > 0;
}

/* Copies the source's table into the target's; counts and sums the
 * lines sent. */
static int
migrate_copy(sqlite3 *lite, PGconn *pg, const struct migrate_table *t,
    int64_t *rows, uint64_t *sum)
{
	char sql[8400];
	struct migrate_buf b = {NULL, 0, 0};
	sqlite3_stmt *st = NULL;
	PGresult *r;
	int rc = -1, rv;

	snprintf(
	    sql, sizeof(sql), "COPY \"%s\" (%s) FROM STDIN", t->name, t->cols);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		migrate_pg_error(pg, sql);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	snprintf(sql, sizeof(sql), "SELECT %s FROM \"%s\"", t->cols, t->name);
	if (sqlite3_prepare_v2(lite, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "hoptacd migrate: %s: %s\n", sql,
		    sqlite3_errmsg(lite));
		PQputCopyEnd(pg, "the source could not be read");
		goto end;
	}
	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		if (migrate_row_line(st, t->n_cols, &b) != 0 ||
		    PQputCopyData(pg, b.p, (int)b.len) != 1)
			break;
		migrate_sum(b.p, b.len, sum);
		(*rows)++;
	}
	if (rv != SQLITE_DONE) {
		fprintf(stderr, "hoptacd migrate: reading %s: %s\n", t->name,
		    sqlite3_errmsg(lite));
		PQputCopyEnd(pg, "the source could not be read");
		goto end;
	}
	if (PQputCopyEnd(pg, NULL) == 1)
		rc = 0;
end:
	while ((r = PQgetResult(pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
			migrate_pg_error(pg, t->name);
			rc = -1;
		}
		PQclear(r);
	}
	sqlite3_finalize(st);
	free(b.p);
	return rc;
}

/* Reads the target's table back as COPY writes it; counts and sums. */
static int
migrate_read_back(
    PGconn *pg, const struct migrate_table *t, int64_t *rows, uint64_t *sum)
{
	char sql[8400];
	PGresult *r;
	char *line = NULL;
	int n, rc = 0;

	snprintf(sql, sizeof(sql), "COPY (SELECT %s FROM \"%s\") TO STDOUT",
	    t->cols, t->name);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COPY_OUT) {
		migrate_pg_error(pg, sql);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	while ((n = PQgetCopyData(pg, &line, 0)) > 0) {
		migrate_sum(line, (size_t)n, sum);
		(*rows)++;
		PQfreemem(line);
	}
	if (n == -2)
		rc = -1;
	while ((r = PQgetResult(pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = -1;
		PQclear(r);
	}
	if (rc != 0)
		migrate_pg_error(pg, t->name);
	return rc;
}

/* Moves every sequence behind a column of the table past its largest
 * value, so that the target's next rows do not take a copied key. */
static int
migrate_sequences(PGconn *pg, const char *table)
{
	static const char sql[] =
	    "SELECT column_name, pg_get_serial_sequence(quote_ident($1),"
	    " column_name) FROM information_schema.columns"
	    " WHERE table_schema = current_schema() AND table_name = $1";
	const char *params[1] = {table};
	PGresult *r = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		migrate_pg_error(pg, "reading the target's sequences");
		PQclear(r);
		return -1;
	}
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		char set[512];

		if (PQgetisnull(r, i, 1))
			continue;
		snprintf(set, sizeof(set),
		    "SELECT setval('%s', coalesce((SELECT max(\"%s\")"
		    " FROM \"%s\"), 0) + 1, false)",
		    PQgetvalue(r, i, 1), PQgetvalue(r, i, 0), table);
		rc = migrate_pg_exec(pg, set);
	}
	PQclear(r);
	return rc;
}

/* The counts kept for summaries, derived from the records: computed on
 * the target from the copy, never copied. */
static const char *const migrate_counts[] = {
    "activity_day_counts",
    "activity_month_counts",
    "activity_partner_day_counts",
    "activity_partner_month_counts",
};

static int
migrate_is_count(const char *table)
{
	for (size_t i = 0; i < sizeof(migrate_counts) / sizeof(*migrate_counts);
	     i++)
		if (strcmp(table, migrate_counts[i]) == 0)
			return 1;
	return 0;
}

/* Computes the target's counts from the records just copied (the copy
 * fired no trigger), and says how many rows each table has. */
static int
migrate_recount(PGconn *pg)
{
	char sql[256];

	if (migrate_pg_exec(pg, "SELECT hoptac_counts_rebuild()") != 0)
		return -1;
	for (size_t i = 0; i < sizeof(migrate_counts) / sizeof(*migrate_counts);
	     i++) {
		PGresult *r;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"",
		    migrate_counts[i]);
		r = PQexec(pg, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			migrate_pg_error(pg, sql);
			PQclear(r);
			return -1;
		}
		printf("%-32s %10s rows  computed from the records\n",
		    migrate_counts[i], PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return 0;
}

/* Whether the target has the table: 1, 0, or -1 on an error. */
static int
migrate_pg_has_table(PGconn *pg, const char *table)
{
	static const char sql[] =
	    "SELECT 1 FROM information_schema.tables"
	    " WHERE table_schema = current_schema() AND table_name = $1";
	const char *params[1] = {table};
	PGresult *r = PQexecParams(pg, sql, 1, NULL, params, NULL, NULL, 0);
	int has = -1;

	if (PQresultStatus(r) == PGRES_TUPLES_OK)
		has = PQntuples(r) > 0;
	else
		migrate_pg_error(pg, "reading the target's tables");
	PQclear(r);
	return has;
}

/* Whether a table the target lacks may be left behind: sqlite's inboxes
 * (new activities, the newest audit rows and replies) with nothing in
 * them; the target stores each at once. */
static int
migrate_may_skip(sqlite3 *lite, const char *table)
{
	static const char *const inboxes[][2] = {
	    {"activity_inbox", "SELECT 1 FROM activity_inbox LIMIT 1"},
	    {"audit_pending", "SELECT 1 FROM audit_pending LIMIT 1"},
	    {"request_pending", "SELECT 1 FROM request_pending LIMIT 1"},
	};
	sqlite3_stmt *st = NULL;
	int empty = 0;

	for (size_t i = 0; i < sizeof(inboxes) / sizeof(inboxes[0]); i++) {
		if (strcmp(table, inboxes[i][0]) != 0)
			continue;
		if (sqlite3_prepare_v2(lite, inboxes[i][1], -1, &st, NULL) ==
		    SQLITE_OK)
			empty = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_finalize(st);
	}
	return empty;
}

/* The source's tables, sqlite's own left out, the counts (computed on
 * the target) and the empty inboxes the target does without. */
static int
migrate_tables(sqlite3 *lite, PGconn *pg, struct migrate_table **out, size_t *n)
{
	static const char sql[] =
	    "SELECT name FROM sqlite_master WHERE type = 'table'"
	    " AND name NOT LIKE 'sqlite_%' ORDER BY name";
	sqlite3_stmt *st = NULL;
	struct migrate_table *v = NULL, *grown;
	int rc = 0;

	*n = 0;
	if (sqlite3_prepare_v2(lite, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int has;

		if (migrate_is_count(name))
			continue;
		if ((has = migrate_pg_has_table(pg, name)) < 0) {
			rc = -1;
			break;
		}
		if (!has && migrate_may_skip(lite, name)) {
			printf("%-32s left behind: the target does without "
			       "it\n",
			    name);
			continue;
		}
		if ((grown = realloc(v, (*n + 1) * sizeof(*v))) == NULL) {
			rc = -1;
			break;
		}
		v = grown;
		memset(&v[*n], 0, sizeof(v[*n]));
		snprintf(v[*n].name, sizeof(v[*n].name), "%s", name);
		rc = migrate_columns(lite, pg, &v[*n]);
		(*n)++;
	}
	sqlite3_finalize(st);
	*out = v;
	return rc;
}

/* Copies every table and checks it, inside the target's transaction. */
static int
migrate_all(sqlite3 *lite, PGconn *pg, struct migrate_table *t, size_t n)
{
	int64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		int has = migrate_pg_has_rows(pg, t[i].name);

		if (has < 0)
			return -1;
		if (has) {
			fprintf(stderr,
			    "hoptacd migrate: the target is not empty: its "
			    "table %s has rows; hoptacd migrate writes only "
			    "into a database that hoptacd has just made\n",
			    t[i].name);
			return -1;
		}
	}
	if (migrate_pg_exec(pg, "BEGIN") != 0 ||
	    migrate_pg_exec(pg,
	        "SET LOCAL session_replication_role = "
	        "replica") != 0) {
		fprintf(stderr,
		    "hoptacd migrate: connect as the database's owner or a "
		    "superuser: the copy sets session_replication_role\n");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t sent = 0, back = 0;
		uint64_t sum_sent = 0, sum_back = 0;

		if (migrate_copy(lite, pg, &t[i], &sent, &sum_sent) != 0 ||
		    migrate_sequences(pg, t[i].name) != 0 ||
		    migrate_read_back(pg, &t[i], &back, &sum_back) != 0)
			return -1;
		printf("%-32s %10" PRId64 " rows  %016" PRIx64 "  %s\n",
		    t[i].name, sent, sum_sent,
		    sent == back && sum_sent == sum_back ? "same"
		                                         : "DIFFERENT");
		if (sent != back || sum_sent != sum_back) {
			fprintf(stderr,
			    "hoptacd migrate: the copy of %s differs from the "
			    "source (%" PRId64 " rows read back of %" PRId64
			    "): nothing was committed\n",
			    t[i].name, back, sent);
			return -1;
		}
		total += sent;
	}
	if (migrate_recount(pg) != 0 || migrate_pg_exec(pg, "COMMIT") != 0)
		return -1;
	printf("%" PRId64 " rows in %zu tables copied and checked\n", total, n);
	return 0;
}

/* The libpq connection string of a target name, or NULL. */
static const char *
migrate_conninfo(const char *to)
{
	if (strncmp(to, "postgresql://", 13) == 0 ||
	    strncmp(to, "postgres://", 11) == 0)
		return to;
	if (strncmp(to, "postgresql:", 11) == 0)
		return to + 11;
	return NULL;
}

/* The sqlite file of a source name. */
static const char *
migrate_source(const char *from)
{
	if (strncmp(from, "sqlite://", 9) == 0)
		return from + 9;
	if (strncmp(from, "sqlite:", 7) == 0)
		return from + 7;
	return from;
}

/* Opens both sides as the server would (the source's lock held, its
 * inbox settled; the target's schema made), then copies. */
static int
migrate_run(const char *from, const char *to)
{
	struct store_conn *src = NULL, *dst = NULL;
	struct migrate_table *tables = NULL;
	size_t n = 0;
	sqlite3 *lite = NULL;
	PGconn *pg = NULL;
	const char *path = migrate_source(from);
	const char *conninfo = migrate_conninfo(to);
	char err[4096];
	int rc = 1;

	if (conninfo == NULL) {
		fprintf(stderr,
		    "hoptacd migrate: --to must name a PostgreSQL database "
		    "(postgresql://... or postgresql:KEY=VALUE ...)\n");
		return 2;
	}
	if (store_open(path, STORE_OPEN_WRITE, &src, err, sizeof(err)) !=
	    STATUS_OK) {
		fprintf(stderr, "hoptacd migrate: %s\n", err);
		goto out;
	}
	if (store_settle(src, NULL) != STATUS_OK) {
		fprintf(stderr,
		    "hoptacd migrate: %s: cannot settle its "
		    "inbox\n",
		    path);
		goto out;
	}
	if (store_open(to, STORE_OPEN_CREATE, &dst, err, sizeof(err)) !=
	    STATUS_OK) {
		fprintf(stderr, "hoptacd migrate: %s\n", err);
		goto out;
	}
	store_close(dst);
	dst = NULL;
	if (sqlite3_open_v2(path, &lite, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "hoptacd migrate: %s: %s\n", path,
		    sqlite3_errmsg(lite));
		goto out;
	}
	if (store_pg_lib_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "hoptacd migrate: %s\n", err);
		goto out;
	}
	pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		migrate_pg_error(pg, "cannot connect to the target");
		goto out;
	}
	if (migrate_tables(lite, pg, &tables, &n) == 0 &&
	    migrate_all(lite, pg, tables, n) == 0)
		rc = 0;
out:
	free(tables);
	if (pg != NULL)
		PQfinish(pg);
	sqlite3_close(lite);
	store_close(src);
	return rc;
}

int
migrate_main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *from = NULL, *to = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'F':
			from = optarg;
			break;
		case 'T':
			to = optarg;
			break;
		case 'h':
			migrate_usage(stdout);
			return 0;
		default:
			migrate_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || from == NULL || to == NULL) {
		migrate_usage(stderr);
		return 2;
	}
	return migrate_run(from, to);
}
