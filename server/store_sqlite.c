/*
 * The store on sqlite3. Records are kept whole as packed protobuf in a
 * body column, next to the columns that queries filter and sort on; the
 * columns are derived from the message here and nowhere else.
 */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "date.h"
#include "log.h"
#include "pbstr.h"
#include "status.h"
#include "text.h"

#define STORE_PAGE_DEFAULT 100
#define STORE_PAGE_MAX     1000

struct store_conn {
	sqlite3 *db;
	int readonly;
};

/* Migration n takes the schema from version n-1 to n. Never edit one
 * that has shipped: add the next. */
static const char *const store_migrations[STORE_SCHEMA_VERSION] = {
    /* 1: units, activities, the idempotency log */
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  kind INTEGER NOT NULL,"
    "  province TEXT NOT NULL,"
    "  parent_code TEXT,"
    "  valid_from_day INTEGER,"
    "  valid_to_day INTEGER,"
    "  body BLOB NOT NULL"
    ");"
    "CREATE TABLE activities ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  kind INTEGER NOT NULL,"
    "  start_day INTEGER NOT NULL,"
    "  end_day INTEGER NOT NULL,"
    "  people INTEGER NOT NULL,"
    "  state INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  fields_folded TEXT NOT NULL,"
    "  search TEXT NOT NULL,"
    "  body BLOB NOT NULL"
    ");"
    "CREATE INDEX activities_by_start ON activities(start_day, seq);"
    "CREATE INDEX activities_by_unit ON activities(unit_code, start_day);"
    "CREATE TABLE activity_partners ("
    "  partner_code TEXT NOT NULL,"
    "  activity_seq INTEGER NOT NULL REFERENCES activities(seq),"
    "  PRIMARY KEY (partner_code, activity_seq)"
    ") WITHOUT ROWID;"
    "CREATE INDEX activity_partners_by_activity"
    "  ON activity_partners(activity_seq);"
    "CREATE TABLE request_log ("
    "  request_id TEXT PRIMARY KEY,"
    "  method TEXT NOT NULL,"
    "  payload BLOB NOT NULL,"
    "  created_at_ms INTEGER NOT NULL"
    ");",
};

/* Logs a failed statement; the caller answers INTERNAL, never the SQL. */
static int
store_fail(struct store_conn *c, const char *what)
{
	log_warnx("HOPTACD-STORE: %s: %s", sqlite3_errmsg(c->db), what);
	return STATUS_INTERNAL;
}

static int
store_exec(struct store_conn *c, const char *sql)
{
	return sqlite3_exec(c->db, sql, NULL, NULL, NULL) == SQLITE_OK
	    ? STATUS_OK
	    : store_fail(c, sql);
}

const char *
store_errmsg(struct store_conn *c)
{
	return sqlite3_errmsg(c->db);
}

/* Reads the schema version; it is also the first read of the file, so
 * this is where a file that is not a database is found out. */
static int
store_schema_version(
    struct store_conn *c, int *version, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc = STATUS_OK;

	if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) !=
	        SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "cannot read the schema version: %s",
		    sqlite3_errmsg(c->db));
		rc = STATUS_UNAVAILABLE;
	} else {
		*version = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
store_migrate(struct store_conn *c, char *err, size_t errlen)
{
	int version = 0;
	int rc;
	char sql[64];

	if ((rc = store_schema_version(c, &version, err, errlen)) != STATUS_OK)
		goto out;
	rc = STATUS_INTERNAL;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
		    "database schema %d is newer than this server's %d",
		    version, STORE_SCHEMA_VERSION);
		rc = STATUS_FAILED_PRECONDITION;
		goto out;
	}
	if (version == STORE_SCHEMA_VERSION) {
		rc = STATUS_OK;
		goto out;
	}
	if (store_exec(c, "BEGIN IMMEDIATE") != STATUS_OK)
		goto fail;
	for (int v = version; v < STORE_SCHEMA_VERSION; v++)
		if (store_exec(c, store_migrations[v]) != STATUS_OK)
			goto fail_rollback;
	snprintf(
	    sql, sizeof(sql), "PRAGMA user_version = %d", STORE_SCHEMA_VERSION);
	if (store_exec(c, sql) != STATUS_OK ||
	    store_exec(c, "COMMIT") != STATUS_OK)
		goto fail_rollback;
	rc = STATUS_OK;
	goto out;
fail_rollback:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(c->db));
	store_exec(c, "ROLLBACK");
	goto out;
fail:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(c->db));
out:
	return rc;
}

int
store_open(const char *path, int readonly, struct store_conn **out, char *err,
    size_t errlen)
{
	struct store_conn *c = calloc(1, sizeof(*c));
	int flags = readonly ? SQLITE_OPEN_READONLY
	                     : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc = STATUS_INTERNAL;

	*out = NULL;
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return STATUS_INTERNAL;
	}
	c->readonly = readonly;
	flags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open %s: %s", path,
		    c->db ? sqlite3_errmsg(c->db) : "out of memory");
		rc = STATUS_UNAVAILABLE;
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, 5000);
	if (!readonly) {
		/* WAL so readers never block the writer; FULL so that a
		 * commit we acknowledge survives power loss. */
		if (store_exec(c, "PRAGMA journal_mode=WAL") != STATUS_OK ||
		    store_exec(c, "PRAGMA synchronous=FULL") != STATUS_OK ||
		    store_exec(c, "PRAGMA foreign_keys=ON") != STATUS_OK) {
			snprintf(err, errlen, "cannot set up %s: %s", path,
			    sqlite3_errmsg(c->db));
			rc = STATUS_UNAVAILABLE;
			goto fail;
		}
		if ((rc = store_migrate(c, err, errlen)) != STATUS_OK)
			goto fail;
	} else {
		int version = 0;

		if (store_exec(c, "PRAGMA query_only=ON") != STATUS_OK) {
			snprintf(err, errlen, "cannot open %s: %s", path,
			    sqlite3_errmsg(c->db));
			goto fail;
		}
		/* Opening reads nothing: without this check, a reader
		 * would take an empty file or any other file and fail
		 * only on its first query. Only the writer migrates. */
		if ((rc = store_schema_version(c, &version, err, errlen)) !=
		    STATUS_OK)
			goto fail;
		if (version != STORE_SCHEMA_VERSION) {
			snprintf(err, errlen,
			    "database schema %d is not this server's %d",
			    version, STORE_SCHEMA_VERSION);
			rc = STATUS_FAILED_PRECONDITION;
			goto fail;
		}
	}
	*out = c;
	return STATUS_OK;
fail:
	sqlite3_close(c->db);
	free(c);
	return rc;
}

void
store_close(struct store_conn *c)
{
	sqlite3_stmt *st;

	if (c == NULL)
		return;
	/* Cached statements would keep the connection open as a zombie,
	 * and the last close is what checkpoints and removes the WAL. */
	while ((st = sqlite3_next_stmt(c->db, NULL)) != NULL)
		sqlite3_finalize(st);
	if (sqlite3_close(c->db) != SQLITE_OK)
		log_warnx("HOPTACD-STORE-CLOSE: %s", sqlite3_errmsg(c->db));
	free(c);
}

int
store_begin(struct store_conn *c)
{
	return store_exec(c, "BEGIN IMMEDIATE");
}

int
store_commit(struct store_conn *c)
{
	return store_exec(c, "COMMIT");
}

int
store_rollback(struct store_conn *c)
{
	return store_exec(c, "ROLLBACK");
}

int
store_savepoint(struct store_conn *c)
{
	return store_exec(c, "SAVEPOINT call");
}

int
store_release(struct store_conn *c)
{
	return store_exec(c, "RELEASE call");
}

int
store_rollback_savepoint(struct store_conn *c)
{
	int rc = store_exec(c, "ROLLBACK TO call");

	return rc == STATUS_OK ? store_release(c) : rc;
}

/* Prepares sql once per connection and keeps it: statements are cached
 * by their text's address, so callers pass string literals. */
static sqlite3_stmt *
store_stmt(struct store_conn *c, const char *sql)
{
	sqlite3_stmt *st = NULL;

	while ((st = sqlite3_next_stmt(c->db, st)) != NULL)
		if (sqlite3_sql(st) == sql ||
		    strcmp(sqlite3_sql(st), sql) == 0) {
			if (sqlite3_stmt_busy(st))
				continue;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	        NULL) != SQLITE_OK)
		return NULL;
	return st;
}

static int
store_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Runs a statement that returns no rows. */
static int
store_step_done(struct store_conn *c, sqlite3_stmt *st)
{
	int rv = sqlite3_step(st);

	sqlite3_reset(st);
	if (rv == SQLITE_DONE)
		return STATUS_OK;
	if (rv == SQLITE_CONSTRAINT_FOREIGNKEY)
		return STATUS_FAILED_PRECONDITION;
	if (rv == SQLITE_CONSTRAINT_UNIQUE ||
	    rv == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STATUS_ALREADY_EXISTS;
	if ((rv & 0xff) == SQLITE_FULL)
		return STATUS_RESOURCE_EXHAUSTED;
	return store_fail(c, sqlite3_sql(st));
}

static int
store_blob_dup(sqlite3_stmt *st, int col, uint8_t **data, size_t *len)
{
	const void *b = sqlite3_column_blob(st, col);
	int n = sqlite3_column_bytes(st, col);

	*len = (size_t)n;
	*data = malloc(n > 0 ? (size_t)n : 1);
	if (*data == NULL)
		return STATUS_INTERNAL;
	if (n > 0)
		memcpy(*data, b, (size_t)n);
	return STATUS_OK;
}

int
store_request_find(struct store_conn *c, const char *request_id,
    const char *method, uint8_t **payload, size_t *len)
{
	static const char sql[] =
	    "SELECT method, payload FROM request_log WHERE request_id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc, rv;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, request_id);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE)
		rc = STATUS_NOT_FOUND;
	else if (rv != SQLITE_ROW)
		rc = store_fail(c, sql);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), method) != 0)
		rc = STATUS_FAILED_PRECONDITION;
	else
		rc = store_blob_dup(st, 1, payload, len);
	sqlite3_reset(st);
	return rc;
}

int
store_request_save(struct store_conn *c, const char *request_id,
    const char *method, const uint8_t *payload, size_t len, int64_t now_ms)
{
	static const char sql[] = "INSERT INTO request_log"
	                          "(request_id, method, payload, created_at_ms)"
	                          " VALUES (?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(c, sql);

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, request_id);
	store_bind_text(st, 2, method);
	sqlite3_bind_blob(st, 3, payload, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now_ms);
	return store_step_done(c, st);
}

/* The body blob of a message, malloc'd. */
static uint8_t *
store_pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	buf = malloc(*len ? *len : 1);
	if (buf != NULL)
		protobuf_c_message_pack(m, buf);
	return buf;
}

static int
store_bind_day(sqlite3_stmt *st, int i, const char *iso, int last)
{
	struct date_partial d;

	if (iso == NULL || iso[0] == '\0' || date_parse(iso, &d) != 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int(
	    st, i, last ? date_last_day(&d) : date_first_day(&d));
}

int
store_unit_insert(struct store_conn *c, const Hoptac__V1__Unit *u)
{
	static const char sql[] =
	    "INSERT INTO units(code, name, kind, province, parent_code,"
	    " valid_from_day, valid_to_day, body) VALUES (?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(c, sql);
	size_t len;
	uint8_t *body;
	int rc;

	if (st == NULL)
		return store_fail(c, sql);
	if ((body = store_pack(&u->base, &len)) == NULL)
		return STATUS_INTERNAL;
	store_bind_text(st, 1, u->code);
	store_bind_text(st, 2, u->name);
	sqlite3_bind_int(st, 3, (int)u->kind);
	store_bind_text(st, 4, u->province);
	if (u->parent_code[0] != '\0')
		store_bind_text(st, 5, u->parent_code);
	store_bind_day(st, 6, u->valid_from, 0);
	store_bind_day(st, 7, u->valid_to, 1);
	sqlite3_bind_blob(st, 8, body, (int)len, free);
	rc = store_step_done(c, st);
	return rc;
}

int
store_unit_get(struct store_conn *c, const char *code, Hoptac__V1__Unit **out)
{
	static const char sql[] = "SELECT body FROM units WHERE code = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc = STATUS_OK, rv;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, code);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE) {
		rc = STATUS_NOT_FOUND;
	} else if (rv != SQLITE_ROW) {
		rc = store_fail(c, sql);
	} else if (out != NULL) {
		*out = hoptac__v1__unit__unpack(NULL,
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_blob(st, 0));
		if (*out == NULL)
			rc = STATUS_DATA_LOSS;
	}
	sqlite3_reset(st);
	return rc;
}

/* Appends an unpacked message to a repeated message field. */
static int
store_append(size_t *n, void ***items, void *m)
{
	void **grown = realloc(*items, (*n + 1) * sizeof(*grown));

	if (grown == NULL)
		return STATUS_INTERNAL;
	grown[(*n)++] = m;
	*items = grown;
	return STATUS_OK;
}

int
store_unit_list(struct store_conn *c, const Hoptac__V1__ListUnitsRequest *q,
    int32_t today, Hoptac__V1__ListUnitsResponse *out)
{
	static const char sql[] =
	    "SELECT body FROM units WHERE (?1 = '' OR province = ?1)"
	    " AND (?2 OR valid_to_day IS NULL OR valid_to_day >= ?3)"
	    " ORDER BY province, code";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc = STATUS_OK, rv;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, q->province);
	sqlite3_bind_int(st, 2, q->include_ended);
	sqlite3_bind_int(st, 3, today);
	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Unit *u = hoptac__v1__unit__unpack(NULL,
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_blob(st, 0));

		if (u == NULL) {
			rc = STATUS_DATA_LOSS;
			break;
		}
		if ((rc = store_append(&out->n_units, (void ***)&out->units,
		         u)) != STATUS_OK) {
			hoptac__v1__unit__free_unpacked(u, NULL);
			break;
		}
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}

/* Joins folded strings with a separator no text contains after folding. */
static char *
store_fold_join(char *const *items, size_t n)
{
	size_t cap = 1, len = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char *f = text_fold(items[i] != NULL ? items[i] : "");
		size_t fl;
		char *grown;

		if (f == NULL)
			goto fail;
		fl = strlen(f);
		grown = realloc(out, cap + fl + 1);
		if (grown == NULL) {
			free(f);
			goto fail;
		}
		out = grown;
		cap += fl + 1;
		memcpy(out + len, f, fl);
		len += fl;
		out[len++] = '|';
		out[len] = '\0';
		free(f);
	}
	return out;
fail:
	free(out);
	return NULL;
}

/* The columns derived from an activity, bound to ?3..?11 of both the
 * insert and the update statements. */
static int
store_bind_activity(sqlite3_stmt *st, const Hoptac__V1__Activity *a)
{
	char *texts[6] = {
	    a->title, a->summary, a->place, a->leader, a->result, NULL};
	char *fields = store_fold_join(a->fields, a->n_fields);
	char *search = store_fold_join(texts, 5);
	struct date_partial start, end;
	size_t len;
	uint8_t *body = store_pack(&a->base, &len);
	int rc = STATUS_INTERNAL;

	if (fields == NULL || search == NULL || body == NULL)
		goto out;
	if (date_parse(a->start_date, &start) != 0) {
		rc = STATUS_INVALID_ARGUMENT;
		goto out;
	}
	if (a->end_date[0] == '\0' || date_parse(a->end_date, &end) != 0)
		end = start;
	store_bind_text(st, 3, a->unit_code);
	sqlite3_bind_int(st, 4, (int)a->kind);
	sqlite3_bind_int(st, 5, date_first_day(&start));
	sqlite3_bind_int(st, 6, date_last_day(&end));
	sqlite3_bind_int(st, 7, a->people);
	sqlite3_bind_int(st, 8, (int)a->state);
	sqlite3_bind_int64(st, 9, a->version);
	sqlite3_bind_text(st, 10, fields, -1, free);
	sqlite3_bind_text(st, 11, search, -1, free);
	sqlite3_bind_blob(st, 2, body, (int)len, free);
	return STATUS_OK;
out:
	free(fields);
	free(search);
	free(body);
	return rc;
}

static int
store_activity_partners(
    struct store_conn *c, sqlite3_int64 seq, const Hoptac__V1__Activity *a)
{
	static const char del[] =
	    "DELETE FROM activity_partners WHERE activity_seq = ?";
	static const char ins[] = "INSERT OR IGNORE INTO activity_partners"
	                          "(partner_code, activity_seq) VALUES (?, ?)";
	sqlite3_stmt *st = store_stmt(c, del);
	int rc;

	if (st == NULL)
		return store_fail(c, del);
	sqlite3_bind_int64(st, 1, seq);
	if ((rc = store_step_done(c, st)) != STATUS_OK)
		return rc;
	for (size_t i = 0; i < a->n_partner_codes; i++) {
		if ((st = store_stmt(c, ins)) == NULL)
			return store_fail(c, ins);
		store_bind_text(st, 1, a->partner_codes[i]);
		sqlite3_bind_int64(st, 2, seq);
		if ((rc = store_step_done(c, st)) != STATUS_OK)
			return rc;
	}
	return STATUS_OK;
}

int
store_activity_insert(struct store_conn *c, const Hoptac__V1__Activity *a)
{
	static const char sql[] =
	    "INSERT INTO activities(id, body, unit_code, kind, start_day,"
	    " end_day, people, state, version, fields_folded, search)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, a->id);
	if ((rc = store_bind_activity(st, a)) != STATUS_OK) {
		sqlite3_reset(st);
		return rc;
	}
	if ((rc = store_step_done(c, st)) != STATUS_OK)
		return rc;
	return store_activity_partners(c, sqlite3_last_insert_rowid(c->db), a);
}

int
store_activity_update(struct store_conn *c, const Hoptac__V1__Activity *a,
    int64_t expected_version)
{
	static const char sql[] =
	    "UPDATE activities SET body = ?2, unit_code = ?3, kind = ?4,"
	    " start_day = ?5, end_day = ?6, people = ?7, state = ?8,"
	    " version = ?9, fields_folded = ?10, search = ?11"
	    " WHERE id = ?1 AND version = ?12 RETURNING seq";
	sqlite3_stmt *st = store_stmt(c, sql);
	sqlite3_int64 seq;
	int rc, rv;

	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, a->id);
	sqlite3_bind_int64(st, 12, expected_version);
	if ((rc = store_bind_activity(st, a)) != STATUS_OK) {
		sqlite3_reset(st);
		return rc;
	}
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE) {
		sqlite3_reset(st);
		return STATUS_ABORTED;
	}
	if (rv != SQLITE_ROW) {
		sqlite3_reset(st);
		return store_fail(c, sql);
	}
	seq = sqlite3_column_int64(st, 0);
	sqlite3_step(st);
	sqlite3_reset(st);
	return store_activity_partners(c, seq, a);
}

static int
store_unpack_activity(sqlite3_stmt *st, int col, Hoptac__V1__Activity **out)
{
	*out = hoptac__v1__activity__unpack(NULL,
	    (size_t)sqlite3_column_bytes(st, col),
	    sqlite3_column_blob(st, col));
	return *out != NULL ? STATUS_OK : STATUS_DATA_LOSS;
}

int
store_activity_get(
    struct store_conn *c, const char *id, Hoptac__V1__Activity **out)
{
	static const char sql[] = "SELECT body FROM activities WHERE id = ?";
	sqlite3_stmt *st = store_stmt(c, sql);
	int rc, rv;

	*out = NULL;
	if (st == NULL)
		return store_fail(c, sql);
	store_bind_text(st, 1, id);
	rv = sqlite3_step(st);
	if (rv == SQLITE_DONE)
		rc = STATUS_NOT_FOUND;
	else if (rv != SQLITE_ROW)
		rc = store_fail(c, sql);
	else
		rc = store_unpack_activity(st, 0, out);
	sqlite3_reset(st);
	return rc;
}

/* The filters of a list request as SQL and the values to bind, built
 * once and used for both the page and the total. */
struct store_filter {
	char where[1024];
	size_t len;
	const char *text[16]; /* bound as text, ?1.. in order */
	char *owned[8];       /* folded words, freed at the end */
	size_t n_owned;
	int64_t ints[8];
	int kinds[24]; /* 't' text or 'i' integer, in bind order */
	size_t n;
	size_t n_text, n_int;
};

static void
store_filter_add(struct store_filter *f, const char *sql)
{
	int w = snprintf(
	    f->where + f->len, sizeof(f->where) - f->len, " AND %s", sql);

	if (w > 0)
		f->len += (size_t)w;
}

static void
store_filter_text(struct store_filter *f, const char *sql, const char *v)
{
	store_filter_add(f, sql);
	f->text[f->n_text++] = v;
	f->kinds[f->n++] = 't';
}

static void
store_filter_int(struct store_filter *f, const char *sql, int64_t v)
{
	store_filter_add(f, sql);
	f->ints[f->n_int++] = v;
	f->kinds[f->n++] = 'i';
}

static void
store_filter_bind(const struct store_filter *f, sqlite3_stmt *st)
{
	size_t t = 0, i = 0;

	for (size_t k = 0; k < f->n; k++) {
		if (f->kinds[k] == 't')
			store_bind_text(st, (int)k + 1, f->text[t++]);
		else
			sqlite3_bind_int64(st, (int)k + 1, f->ints[i++]);
	}
}

/* Adds one condition per word of the folded text, each a substring of
 * column: every word must appear, in any order. */
static int
store_filter_words(struct store_filter *f, const char *cond, const char *text)
{
	char *folded = text_fold(text);
	char *save = NULL;

	if (folded == NULL)
		return STATUS_INVALID_ARGUMENT;
	f->owned[f->n_owned++] = folded;
	for (char *w = strtok_r(folded, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		if (f->n_text >= 12)
			return STATUS_INVALID_ARGUMENT;
		store_filter_text(f, cond, w);
	}
	return STATUS_OK;
}

static int
store_filter_build(
    struct store_filter *f, const Hoptac__V1__ListActivitiesRequest *q)
{
	struct date_partial d;
	int rc;

	memset(f, 0, sizeof(*f));
	f->where[0] = '\0';
	if (!q->include_withdrawn)
		store_filter_add(f, "a.state = 1");
	if (q->unit_code[0] != '\0')
		store_filter_text(f, "a.unit_code = ?", q->unit_code);
	if (q->kind != 0)
		store_filter_int(f, "a.kind = ?", q->kind);
	if (q->from_date[0] != '\0' && date_parse(q->from_date, &d) == 0)
		store_filter_int(f, "a.end_day >= ?", date_first_day(&d));
	if (q->to_date[0] != '\0' && date_parse(q->to_date, &d) == 0)
		store_filter_int(f, "a.start_day <= ?", date_last_day(&d));
	if (q->partner[0] != '\0') {
		/* A province also matches the activities with its districts,
		 * whose codes extend the province's after a '-': those between
		 * "LA-XE-" and "LA-XE.", as '.' follows '-'. */
		store_filter_text(f,
		    "a.seq IN (SELECT activity_seq FROM activity_partners"
		    " WHERE partner_code = ? OR (partner_code > ? || '-'"
		    " AND partner_code < ? || '.'))",
		    q->partner);
		for (int i = 0; i < 2; i++) {
			f->text[f->n_text++] = q->partner;
			f->kinds[f->n++] = 't';
		}
	}
	if (q->field[0] != '\0' &&
	    (rc = store_filter_words(
	         f, "instr(a.fields_folded, ?) > 0", q->field)) != STATUS_OK)
		return rc;
	if (q->text[0] != '\0' &&
	    (rc = store_filter_words(f, "instr(a.search, ?) > 0", q->text)) !=
	        STATUS_OK)
		return rc;
	return STATUS_OK;
}

static void
store_filter_free(struct store_filter *f)
{
	for (size_t i = 0; i < f->n_owned; i++)
		free(f->owned[i]);
}

int
store_activity_list(struct store_conn *c,
    const Hoptac__V1__ListActivitiesRequest *q,
    Hoptac__V1__ListActivitiesResponse *out)
{
	struct store_filter f;
	sqlite3_stmt *st = NULL;
	char sql[2048];
	uint32_t limit = q->page_size == 0 ? STORE_PAGE_DEFAULT : q->page_size;
	int64_t after_day = INT64_MIN, after_seq = 0;
	int64_t last_day = 0, last_seq = 0;
	int rc, rv;

	if (limit > STORE_PAGE_MAX)
		limit = STORE_PAGE_MAX;
	if (q->page_token[0] != '\0' &&
	    sscanf(q->page_token, "%" SCNd64 ".%" SCNd64, &after_day,
	        &after_seq) != 2)
		return STATUS_INVALID_ARGUMENT;
	if ((rc = store_filter_build(&f, q)) != STATUS_OK)
		goto out;

	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM activities a WHERE 1%s", f.where);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(c, sql);
		goto out;
	}
	store_filter_bind(&f, st);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = store_fail(c, sql);
		goto out;
	}
	out->total = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;

	snprintf(sql, sizeof(sql),
	    "SELECT a.body, a.start_day, a.seq FROM activities a WHERE 1%s"
	    " AND (a.start_day, a.seq) > (?, ?)"
	    " ORDER BY a.start_day, a.seq LIMIT ?",
	    f.where);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(c, sql);
		goto out;
	}
	store_filter_bind(&f, st);
	sqlite3_bind_int64(st, (int)f.n + 1, after_day);
	sqlite3_bind_int64(st, (int)f.n + 2, after_seq);
	sqlite3_bind_int64(st, (int)f.n + 3, (int64_t)limit + 1);
	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		Hoptac__V1__Activity *a;

		if (out->n_activities == limit) {
			char token[48];

			snprintf(token, sizeof(token), "%" PRId64 ".%" PRId64,
			    last_day, last_seq);
			if (pbstr_set(&out->next_page_token, token) != 0)
				rc = STATUS_INTERNAL;
			break;
		}
		if ((rc = store_unpack_activity(st, 0, &a)) != STATUS_OK)
			break;
		if ((rc = store_append(&out->n_activities,
		         (void ***)&out->activities, a)) != STATUS_OK) {
			hoptac__v1__activity__free_unpacked(a, NULL);
			break;
		}
		last_day = sqlite3_column_int64(st, 1);
		last_seq = sqlite3_column_int64(st, 2);
	}
	if (rc == STATUS_OK && rv != SQLITE_ROW && rv != SQLITE_DONE)
		rc = store_fail(c, sql);
out:
	sqlite3_finalize(st);
	store_filter_free(&f);
	return rc;
}
