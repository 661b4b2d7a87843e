/*
 * The inbox of new activities. A new activity is acknowledged once its
 * row is appended to activity_inbox, at the end of one table: a page for
 * a group of records, where storing it in activities cost some twenty
 * pages scattered over the record's indexes, its partner and field rows
 * and four tables of counts, each written whole to the WAL. The writer
 * settles the inbox later (store_sqlite_settle), a few thousand records
 * at a time, into the tables where queries find them: then the pages of
 * the indexes are shared by all the records moved together, and each
 * count is written once per key instead of once per record. Nothing
 * reads the inbox but this file: readers wait for it to be settled
 * (writer.c), and the writer's own reads settle it first.
 *
 * The writer keeps the keys (unit, id) of the records waiting, so that a
 * submit finds a record acknowledged but not settled without reading
 * the table. The set follows the table: a rollback may bring rows back
 * or take them away, and then the set is read again from the table.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include <sqlite3.h>

#include "date.h"
#include "gazetteer.h"
#include "log.h"
#include "status.h"
#include "store.h"
#include "store_keyset.h"
#include "store_sqlite_ahead.h"
#include "store_sqlite_int.h"
#include "validate.h"

/* The keys waiting, and what the writer knows beside them. */
struct store_inbox {
	struct store_keyset keys; /* (unit, id) of each record waiting */
	int64_t bytes;            /* of the bodies waiting */
	int stale; /* the set may differ from the table: read it again */
	char unit[VALIDATE_ID_MAX + 1]; /* the last unit found to exist */
	int64_t room_at_ms;             /* when the room was last measured */
	int roomy;                      /* and whether there was room to wait */
	int failing;                    /* the last settling failed */
};

/* Settling needs room: the records move into tables and indexes larger
 * than the inbox, which is freed only at the end. Records wait only
 * while this much is free, on the disk and under max_db_size; below it
 * each is stored at once, and a full store refuses the call instead of
 * acknowledging what could not be settled. The inbox waits for at most
 * some 8,192 records or 32 MiB (writer.c), which settle in far less. */
#define STORE_INBOX_ROOM    (64LL << 20)
#define STORE_INBOX_ROOM_MS 100 /* how often the room is measured */
/* Past this many waiting, records are stored at once whatever else: a
 * bound on the inbox if the writer could not settle for a long time. */
#define STORE_INBOX_MAX 16384

static void
store_inbox_clear(struct store_inbox *b)
{
	store_keyset_clear(&b->keys);
	b->bytes = 0;
}

/* Adds (unit, id) to the set; a status. */
static int
store_inbox_put(
    struct store_inbox *b, const char *unit, const char *id, int64_t bytes)
{
	int added = store_keyset_put(&b->keys, unit, id);

	if (added < 0)
		return STATUS_INTERNAL;
	if (added)
		b->bytes += bytes;
	return STATUS_OK;
}

/* The set, read again from the table when it may differ from it. */
static int
store_inbox_fresh(struct store_sqlite *c)
{
	static const char sql[] =
	    "SELECT unit_code, id, length(body) FROM activity_inbox";
	struct store_inbox *b = c->inbox;
	int rc;

	if (!b->stale)
		return STATUS_OK;
	if ((rc = store_sqlite_read_keys(c, sql, &b->keys, &b->bytes)) ==
	    STATUS_OK)
		b->stale = 0;
	return rc;
}

int
store_sqlite_inbox_init(struct store_sqlite *c)
{
	if ((c->inbox = calloc(1, sizeof(*c->inbox))) == NULL)
		return STATUS_INTERNAL;
	c->inbox->stale = 1;
	return STATUS_OK;
}

void
store_sqlite_inbox_free(struct store_sqlite *c)
{
	if (c->inbox == NULL)
		return;
	store_keyset_free(&c->inbox->keys);
	free(c->inbox);
	c->inbox = NULL;
}

void
store_sqlite_inbox_stale(struct store_sqlite *c)
{
	if (c->inbox != NULL) {
		c->inbox->stale = 1;
		/* A unit found in what was rolled back may be gone. */
		c->inbox->unit[0] = '\0';
	}
}

int
store_sqlite_inbox_holds(
    struct store_sqlite *c, const char *unit_code, const char *id)
{
	if (c->inbox == NULL)
		return 0;
	if (store_inbox_fresh(c) != STATUS_OK)
		return 1; /* unknown: settling first is always right */
	if (unit_code == NULL)
		return c->inbox->keys.n > 0; /* by id alone: any unit's */
	return store_keyset_has(&c->inbox->keys, unit_code, id);
}

int64_t
store_sqlite_unsettled(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);

	if (c->inbox == NULL)
		return 0;
	if (store_inbox_fresh(c) != STATUS_OK)
		return 1;
	/* A long record weighs more: one more per 4 KiB of it. */
	return (int64_t)c->inbox->keys.n + c->inbox->bytes / 4096;
}

/* One count to add: a key of one of the four tables of counts. */
struct store_tally {
	int table; /* STORE_TALLY_* */
	int32_t day;
	int kind;
	char unit[VALIDATE_ID_MAX + 1];
	char province[GAZETTEER_PROVINCE_LEN + 1]; /* "" for the first two */
	int64_t n, people;
};

enum {
	STORE_TALLY_DAY,
	STORE_TALLY_MONTH,
	STORE_TALLY_PDAY,
	STORE_TALLY_PMONTH
};

/* Each table's upsert, of one row and of STORE_TALLY_ROWS rows: one
 * statement for many keys opens the table once, not once a key (as the
 * links, store_sqlite_activities.c). */
#define STORE_TALLY_ROWS  16
#define STORE_TALLY_R5    "(?,?,?,?,?)"
#define STORE_TALLY_R6    "(?,?,?,?,?,?)"
#define STORE_TALLY_X4(r) r "," r "," r "," r
#define STORE_TALLY_X16(r)                                                     \
	STORE_TALLY_X4(r)                                                      \
	"," STORE_TALLY_X4(r) "," STORE_TALLY_X4(r) "," STORE_TALLY_X4(r)
#define STORE_TALLY_SET                                                        \
	" ON CONFLICT DO UPDATE SET n = n + excluded.n,"                       \
	" people = people + excluded.people"
#define STORE_TALLY_SQL(table, r)                                              \
	{                                                                      \
		"INSERT INTO " table " VALUES " r STORE_TALLY_SET,             \
		    "INSERT INTO " table " VALUES " STORE_TALLY_X16(r)         \
		        STORE_TALLY_SET                                        \
	}

static const char *const store_tally_sql[][2] = {
    STORE_TALLY_SQL("activity_day_counts", STORE_TALLY_R5),
    STORE_TALLY_SQL("activity_month_counts", STORE_TALLY_R5),
    STORE_TALLY_SQL("activity_partner_day_counts", STORE_TALLY_R6),
    STORE_TALLY_SQL("activity_partner_month_counts", STORE_TALLY_R6),
};

/* The counts of one settling, gathered before they are written. */
struct store_tallies {
	struct store_tally *v; /* owned */
	size_t n, cap;
};

/* Room for the counts of some 1,000 records before the first summing. */
#define STORE_TALLY_FIRST 4096

static int
store_tally_cmp(const void *pa, const void *pb)
{
	const struct store_tally *a = pa, *b = pb;
	int r;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	if ((r = strcmp(a->unit, b->unit)) != 0)
		return r;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->province, b->province);
}

/* Sorts the counts by key and sums those of one key into one. */
static void
store_tally_compact(struct store_tallies *t)
{
	size_t kept = 0;

	if (t->n < 2)
		return;
	qsort(t->v, t->n, sizeof(*t->v), store_tally_cmp);
	for (size_t i = 1; i < t->n; i++) {
		struct store_tally *sum = &t->v[kept];

		if (store_tally_cmp(sum, &t->v[i]) == 0) {
			sum->n += t->v[i].n;
			sum->people += t->v[i].people;
		} else {
			t->v[++kept] = t->v[i];
		}
	}
	t->n = kept + 1;
}

static int
store_tally_add(struct store_tallies *t, int table, int32_t day,
    const Hoptac__V1__Activity *a, const char *province, size_t plen)
{
	struct store_tally *x;
	size_t ulen;

	/* Full: first the counts of one key summed into one, a settling
	 * having far fewer keys (days, units, kinds, provinces) than
	 * records; grown only when that did not free half. Growing with
	 * every record took 4 MiB for 8,192 records, and more while it was
	 * copied. */
	if (t->n == t->cap) {
		struct store_tally *v;

		if (t->cap > 0)
			store_tally_compact(t);
		if (t->cap == 0 || t->n > t->cap / 2) {
			size_t cap =
			    t->cap == 0 ? STORE_TALLY_FIRST : t->cap * 2;

			if ((v = realloc(t->v, cap * sizeof(*v))) == NULL)
				return STATUS_INTERNAL;
			t->v = v;
			t->cap = cap;
		}
	}
	x = &t->v[t->n++];
	x->table = table;
	x->day = day;
	x->kind = (int)a->kind;
	/* Copied, not printed: four times a record (snprintf cost 2,300
	 * instructions of a record's settling). */
	ulen = strnlen(a->unit_code, sizeof(x->unit) - 1);
	memcpy(x->unit, a->unit_code, ulen);
	x->unit[ulen] = '\0';
	if (plen > GAZETTEER_PROVINCE_LEN)
		plen = GAZETTEER_PROVINCE_LEN;
	memcpy(x->province, province, plen);
	x->province[plen] = '\0';
	x->n = 1;
	x->people = a->people;
	return STATUS_OK;
}

/* a counted under each of its keys: by day and by month, and the same
 * once under each province its partners name (gazetteer.h: a
 * district's code begins with its province's). An activity whose start
 * is partial has no day: summaries read it from the records. */
static int
store_tally_activity(struct store_tallies *t, const Hoptac__V1__Activity *a)
{
	struct date_partial d;
	int32_t day, month;
	int rc;

	if (a->state != HOPTAC__V1__ACTIVITY_STATE__ACTIVITY_STATE_ACTIVE)
		return STATUS_OK;
	if (date_parse(a->start_date, &d) != 0)
		return STATUS_INVALID_ARGUMENT;
	day = date_first_day(&d);
	if (date_last_day(&d) != day)
		return STATUS_OK;
	month = date_month_start(day);
	if ((rc = store_tally_add(t, STORE_TALLY_DAY, day, a, "", 0)) !=
	        STATUS_OK ||
	    (rc = store_tally_add(t, STORE_TALLY_MONTH, month, a, "", 0)) !=
	        STATUS_OK)
		return rc;
	for (size_t i = 0; i < a->n_partner_codes; i++) {
		const char *code = a->partner_codes[i];
		size_t plen = gazetteer_province_len(code);
		int seen = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen =
			    gazetteer_same_province(a->partner_codes[j], code);
		if (seen)
			continue;
		if ((rc = store_tally_add(t, STORE_TALLY_PDAY, day, a, code,
		         plen)) != STATUS_OK ||
		    (rc = store_tally_add(t, STORE_TALLY_PMONTH, month, a, code,
		         plen)) != STATUS_OK)
			return rc;
	}
	return STATUS_OK;
}

/* Binds sum's columns from parameter at + 1 on: its key, then n and
 * people; cols is 6 for the tables by province, else 5. */
static void
store_tally_bind(
    sqlite3_stmt *st, int at, const struct store_tally *sum, int cols)
{
	sqlite3_bind_int(st, at + 1, sum->day);
	store_sqlite_bind_arg(st, at + 2, sum->unit);
	sqlite3_bind_int(st, at + 3, sum->kind);
	if (cols == 6)
		store_sqlite_bind_arg(st, at + 4, sum->province);
	sqlite3_bind_int64(st, at + cols - 1, sum->n);
	sqlite3_bind_int64(st, at + cols, sum->people);
}

/* Writes the gathered counts, once per key, in the tables' order:
 * STORE_TALLY_ROWS keys to a statement, the rest of a table's one by
 * one. */
static int
store_tally_write(struct store_sqlite *c, struct store_tallies *t)
{
	struct store_batch b;
	sqlite3_stmt *st;
	int rc = STATUS_OK, at;
	size_t i = 0, end;

	store_tally_compact(t);
	for (; i < t->n && rc == STATUS_OK; i = end) {
		int table = t->v[i].table;
		int cols = table >= STORE_TALLY_PDAY ? 6 : 5;

		for (end = i; end < t->n && t->v[end].table == table; end++)
			;
		store_batch_init(&b, store_tally_sql[table][0],
		    store_tally_sql[table][1], STORE_TALLY_ROWS, end - i);
		for (size_t k = i; k < end && rc == STATUS_OK; k++) {
			if ((rc = store_batch_row(c, &b, &st, &at)) !=
			    STATUS_OK)
				return rc;
			store_tally_bind(st, at * cols, &t->v[k], cols);
			rc = store_batch_bound(c, &b);
		}
	}
	return rc;
}

/* Empties the inbox table with secure_delete at FAST. Debian's sqlite
 * zeroes by default every page a DELETE frees, which writes the whole
 * inbox (some 200 pages a settling) once more to the WAL and then to
 * the database, for rows that were just copied into the tables; FAST
 * still zeroes deleted cells on pages written anyway. The connection's
 * setting is put back after, so every other DELETE (the audit trail's
 * pruning) zeroes as before. */
int
store_sqlite_clear_table(struct store_sqlite *c, const char *del)
{
	sqlite3_stmt *st = NULL;
	int before = 1, rc;
	char restore[40];

	if (sqlite3_prepare_v2(c->db, "PRAGMA secure_delete", -1, &st, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		before = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if ((rc = store_sqlite_exec(c, "PRAGMA secure_delete=FAST")) !=
	    STATUS_OK)
		return rc;
	rc = store_sqlite_exec(c, del);
	/* 2 is how sqlite reads FAST back, but not what it takes. */
	snprintf(restore, sizeof(restore), "PRAGMA secure_delete=%s",
	    before == 2  ? "FAST"
	        : before ? "ON"
	                 : "OFF");
	if (store_sqlite_exec(c, restore) != STATUS_OK && rc == STATUS_OK)
		rc = STATUS_INTERNAL;
	return rc;
}

/* Counts a record made ready to settle (store_ahead_each). */
static int
store_inbox_tally(void *arg, const Hoptac__V1__Activity *a)
{
	return store_tally_activity(arg, a);
}

/* Inserts the records of chunk, then their partner and field rows, many
 * to a statement. */
static int
store_inbox_place(struct store_sqlite *c, struct store_ahead_chunk *chunk)
{
	int rc = STATUS_OK;

	for (size_t i = 0; i < chunk->n && rc == STATUS_OK; i++)
		if ((rc = chunk->rc[i]) == STATUS_OK)
			rc = store_sqlite_activity_row(
			    c, chunk->a[i], &chunk->cols[i], &chunk->seq[i]);
	if (rc == STATUS_OK)
		rc = store_sqlite_links_insert(c,
		    (const Hoptac__V1__Activity *const *)chunk->a, chunk->seq,
		    chunk->n);
	return rc;
}

/* Past this many records waiting, a settling makes them ready on a
 * second thread: below it, starting one costs more than it saves. */
#define STORE_INBOX_APART (4 * (size_t)STORE_AHEAD_CHUNK)

/* Moves every row of the inbox, in order, into the indexed tables: the
 * records' rows, their partner and field rows a chunk at a time, then
 * the counts of all, once per key. */
static int
store_inbox_move(struct store_sqlite *c, int64_t *moved)
{
	static const char sql[] =
	    "SELECT body FROM activity_inbox ORDER BY seq";
	static const char del[] = "DELETE FROM activity_inbox";
	struct store_tallies t = {NULL, 0, 0};
	struct store_ahead *ah = NULL;
	struct store_ahead_chunk *chunk;
	sqlite3_stmt *st = NULL;
	int rc;

	/* The counts' first room is taken here, on the writer's thread,
	 * not by the helper that fills it: realloc keeps a block in the
	 * arena of malloc's it came from, and in the helper's own arena the
	 * counts took new pages, some 400 KiB more of peak memory. */
	if ((t.v = malloc(STORE_TALLY_FIRST * sizeof(*t.v))) == NULL)
		return STATUS_INTERNAL;
	t.cap = STORE_TALLY_FIRST;
	/* Its own statement: the inserts below use the cached ones. */
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(t.v);
		return store_sqlite_fail(c, sql);
	}
	rc = store_ahead_open(&ah, c, st, sql,
	    c->inbox->keys.n >= STORE_INBOX_APART, store_inbox_tally, &t);
	while (rc == STATUS_OK && (chunk = store_ahead_next(ah, &rc)) != NULL) {
		rc = store_inbox_place(c, chunk);
		*moved += (int64_t)chunk->n;
	}
	/* The counts are the helper's until it stops. */
	store_ahead_close(ah);
	sqlite3_finalize(st);
	if (rc == STATUS_OK)
		rc = store_tally_write(c, &t);
	free(t.v);
	if (rc == STATUS_OK)
		rc = store_sqlite_clear_table(c, del);
	return rc;
}

/* Refuses, as storing it would, what the settling could not place: a
 * start date that does not parse, a unit not registered. */
static int
store_inbox_placeable(struct store_sqlite *c, const Hoptac__V1__Activity *a)
{
	static const char sql[] = "SELECT 1 FROM units WHERE code = ?";
	struct store_inbox *b = c->inbox;
	struct date_partial d;
	sqlite3_stmt *st;
	int rv;

	if (date_parse(a->start_date, &d) != 0)
		return STATUS_INVALID_ARGUMENT;
	if (strcmp(b->unit, a->unit_code) == 0)
		return STATUS_OK;
	if ((st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	store_sqlite_bind_text(st, 1, a->unit_code);
	rv = sqlite3_step(st);
	sqlite3_reset(st);
	if (rv == SQLITE_DONE)
		return STATUS_FAILED_PRECONDITION;
	if (rv != SQLITE_ROW)
		return store_sqlite_fail(c, sql);
	snprintf(b->unit, sizeof(b->unit), "%s", a->unit_code);
	return STATUS_OK;
}

static long long
store_inbox_pragma(struct store_sqlite *c, const char *sql)
{
	sqlite3_stmt *st = store_sqlite_stmt(c, sql);
	long long v = -1;

	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	return v;
}

/* Whether there is room for records to wait (STORE_INBOX_ROOM). */
static int
store_inbox_roomy(struct store_sqlite *c)
{
	struct store_inbox *b = c->inbox;
	const char *path = sqlite3_db_filename(c->db, "main");
	struct statvfs vfs;
	struct timespec now;
	long long room = LLONG_MAX, used;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	if (b->room_at_ms != 0 && ms - b->room_at_ms < STORE_INBOX_ROOM_MS)
		return b->roomy;
	if (path != NULL && path[0] != '\0' && statvfs(path, &vfs) == 0)
		room = (long long)vfs.f_bavail * (long long)vfs.f_frsize;
	if (c->limit_bytes > 0) {
		used = (store_inbox_pragma(c, "PRAGMA page_count") -
		           store_inbox_pragma(c, "PRAGMA freelist_count")) *
		    store_inbox_pragma(c, "PRAGMA page_size");
		if (c->limit_bytes - used < room)
			room = c->limit_bytes - used;
	}
	b->room_at_ms = ms;
	b->roomy = room >= STORE_INBOX_ROOM;
	return b->roomy;
}

/* Stores a at once, where its indexes and counts are: what waited goes
 * first, so that records keep the order they came in. */
static int
store_inbox_place_now(struct store_sqlite *c, const Hoptac__V1__Activity *a)
{
	struct store_tallies t = {NULL, 0, 0};
	int rc = store_sqlite_settled(c);

	if (rc == STATUS_OK)
		rc = store_sqlite_activity_place(c, a);
	if (rc == STATUS_OK)
		rc = store_tally_activity(&t, a);
	if (rc == STATUS_OK)
		rc = store_tally_write(c, &t);
	free(t.v);
	return rc;
}

int
store_sqlite_inbox_add(struct store_sqlite *c, const Hoptac__V1__Activity *a)
{
	static const char sql[] =
	    "INSERT INTO activity_inbox(unit_code, id, body) VALUES (?, ?, ?)";
	static const char known[] =
	    "SELECT 1 FROM activities WHERE unit_code = ? AND id = ?";
	sqlite3_stmt *st;
	size_t len;
	uint8_t *body;
	int rc, rv;

	if (c->inbox == NULL)
		return STATUS_FAILED_PRECONDITION; /* a reader's connection */
	if ((rc = store_inbox_fresh(c)) != STATUS_OK)
		return rc;
	/* The settling must never meet a record twice. */
	if (store_keyset_has(&c->inbox->keys, a->unit_code, a->id))
		return STATUS_ALREADY_EXISTS;
	if ((rc = store_inbox_placeable(c, a)) != STATUS_OK)
		return rc;
	if ((st = store_sqlite_stmt(c, known)) == NULL)
		return store_sqlite_fail(c, known);
	store_sqlite_bind_text(st, 1, a->unit_code);
	store_sqlite_bind_text(st, 2, a->id);
	rv = sqlite3_step(st);
	sqlite3_reset(st);
	if (rv == SQLITE_ROW)
		return STATUS_ALREADY_EXISTS;
	if (rv != SQLITE_DONE)
		return store_sqlite_fail(c, known);
	/* While the settling fails (HOPTACD-SETTLE in the log), each record
	 * tries it first and fails with it: the failure reaches the callers
	 * instead of records being acknowledged that no read would show. */
	if (c->inbox->failing || c->inbox->keys.n >= STORE_INBOX_MAX ||
	    !store_inbox_roomy(c))
		return store_inbox_place_now(c, a);
	if ((st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	if ((body = store_sqlite_pack(&a->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_sqlite_bind_arg(st, 1, a->unit_code);
	store_sqlite_bind_arg(st, 2, a->id);
	sqlite3_bind_blob(st, 3, body, (int)len, free);
	if ((rc = store_sqlite_step_done(c, st)) != STATUS_OK)
		return rc;
	/* The row is in: if the key cannot be kept, the set is read again. */
	if (store_inbox_put(c->inbox, a->unit_code, a->id, (int64_t)len) !=
	    STATUS_OK)
		c->inbox->stale = 1;
	return STATUS_OK;
}

/* Settles the inbox of new activities; apart: in a savepoint of its
 * own, settled whole or not at all whatever the caller's transaction
 * does next. Without one, the caller rolls back on an error: a savepoint
 * keeps a copy of every page the settling changes until it is released,
 * some 2 MiB for 2,048 records. */
static int
store_inbox_settle(struct store_sqlite *c, int64_t *moved, int apart)
{
	int64_t n = 0;
	int rc;

	if (moved != NULL)
		*moved = 0;
	if (c->inbox == NULL)
		return STATUS_OK;
	if ((rc = store_inbox_fresh(c)) != STATUS_OK)
		return rc;
	if (c->inbox->keys.n == 0) {
		c->inbox->failing = 0;
		return STATUS_OK;
	}
	if (apart &&
	    (rc = store_sqlite_exec(c, "SAVEPOINT settle")) != STATUS_OK)
		return rc;
	rc = store_inbox_move(c, &n);
	if (rc == STATUS_OK &&
	    (!apart ||
	        (rc = store_sqlite_exec(c, "RELEASE settle")) == STATUS_OK)) {
		store_inbox_clear(c->inbox);
		c->inbox->failing = 0;
		if (moved != NULL)
			*moved = n;
		return STATUS_OK;
	}
	c->inbox->failing = 1;
	/* A record that did not unpack is no error of sqlite's. */
	log_warnx("HOPTACD-SETTLE: %lld new activities not settled: %s",
	    (long long)c->inbox->keys.n,
	    sqlite3_errcode(c->db) != SQLITE_OK ? sqlite3_errmsg(c->db)
	                                        : status_name(rc));
	if (apart && store_sqlite_in_transaction(&c->conn) &&
	    store_sqlite_exec(c, "ROLLBACK TO settle") == STATUS_OK)
		store_sqlite_exec(c, "RELEASE settle");
	c->inbox->stale = 1;
	return rc;
}

/* What the calls left waiting beside the records, their audit rows and
 * their replies. */
static int
store_calls_settle(struct store_sqlite *c)
{
	int rc = STATUS_OK;

	if ((store_sqlite_audit_pending(c) == 0 ||
	        (rc = store_sqlite_audit_settle(c)) == STATUS_OK) &&
	    (rc = store_sqlite_replies_settle(c)) == STATUS_OK)
		return STATUS_OK;
	log_warnx("HOPTACD-SETTLE: the newest audit rows and replies not "
	          "settled: %s",
	    sqlite3_errmsg(c->db));
	return rc;
}

/* In the caller's transaction, begun for the settling alone (writer.c),
 * or in one of its own: no savepoint is needed, since on an error the
 * whole transaction goes. */
int
store_sqlite_settle(struct store_conn *conn, int64_t *moved)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	int own = !store_sqlite_in_transaction(conn), rc;

	if (own && (rc = store_sqlite_exec(c, "BEGIN IMMEDIATE")) != STATUS_OK)
		return rc;
	rc = store_inbox_settle(c, moved, 0);
	if (rc == STATUS_OK && c->inbox != NULL) /* the writer's */
		rc = store_calls_settle(c);
	if (own && rc == STATUS_OK)
		rc = store_sqlite_exec(c, "COMMIT");
	if (own && rc != STATUS_OK) {
		store_sqlite_exec(c, "ROLLBACK");
		store_sqlite_kept_stale(c);
	}
	return rc;
}

int64_t
store_sqlite_backlog(struct store_conn *conn)
{
	struct store_sqlite *c = store_sqlite_of(conn);
	int64_t n = store_sqlite_unsettled(conn), audit;

	/* The larger, not the sum: a new record comes with its call's audit
	 * row, and the sum would settle both twice as often. */
	if (c->inbox != NULL && (audit = store_sqlite_audit_pending(c)) > n)
		n = audit;
	return n;
}

/* A read of activities needs the inbox settled, not the audit trail. */
int
store_sqlite_settled(struct store_sqlite *c)
{
	return store_inbox_settle(c, NULL, 1);
}
