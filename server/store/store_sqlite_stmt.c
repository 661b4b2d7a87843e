/*
 * The statements of the sqlite store: prepared once per connection and
 * found again by the address of their text, bound, run, and their rows
 * unpacked into messages. Shared by every store_sqlite_*.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "date.h"
#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_keyset.h"
#include "store_sqlite_int.h"

/* Prepares sql once per connection and keeps it. Callers pass string
 * literals, whose address finds the statement; the text is compared too,
 * so a buffer reused for another statement is never taken for it. A
 * statement still running (a caller reading rows that calls back here)
 * gets a second one. */
sqlite3_stmt *
store_sqlite_stmt(struct store_sqlite *c, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) & (STORE_STMT_SLOTS - 1);
	size_t slot = STORE_STMT_SLOTS;
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < STORE_STMT_SLOTS; i++) {
		size_t k = (h + i) & (STORE_STMT_SLOTS - 1);

		if (c->stmts[k].sql == NULL) {
			slot = k;
			break;
		}
		if (c->stmts[k].sql != sql)
			continue;
		st = c->stmts[k].st;
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), sql) == 0)
			goto ready;
		st = NULL;
		break;
	}
	while ((st = sqlite3_next_stmt(c->db, st)) != NULL)
		if (!sqlite3_stmt_busy(st) && strcmp(sqlite3_sql(st), sql) == 0)
			break;
	if (st == NULL &&
	    sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	        NULL) != SQLITE_OK)
		return NULL;
	if (slot < STORE_STMT_SLOTS) {
		c->stmts[slot].sql = sql;
		c->stmts[slot].st = st;
	}
ready:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

int
store_sqlite_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int
store_sqlite_bind_arg(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

void
store_batch_init(struct store_batch *b, const char *one, const char *many,
    size_t rows, size_t total)
{
	b->one = one;
	b->many = many;
	b->rows = rows;
	b->full = total - total % rows;
	b->k = 0;
	b->st = NULL;
}

int
store_batch_row(
    struct store_sqlite *c, struct store_batch *b, sqlite3_stmt **st, int *at)
{
	const char *sql = b->k < b->full ? b->many : b->one;

	*at = b->k < b->full ? (int)(b->k % b->rows) : 0;
	if (*at == 0 && (b->st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	*st = b->st;
	return STATUS_OK;
}

int
store_batch_bound(struct store_sqlite *c, struct store_batch *b)
{
	size_t k = b->k++;

	if (k < b->full && k % b->rows != b->rows - 1)
		return STATUS_OK;
	return store_sqlite_step_done(c, b->st);
}

/* Runs a statement that returns no rows. */
int
store_sqlite_step_done(struct store_sqlite *c, sqlite3_stmt *st)
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
	if ((rv & 0xff) == SQLITE_FULL) {
		c->full = 1;
		return STATUS_RESOURCE_EXHAUSTED;
	}
	return store_sqlite_fail(c, sqlite3_sql(st));
}

int
store_sqlite_blob_dup(sqlite3_stmt *st, int col, uint8_t **data, size_t *len)
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

/* The body blob of a message, malloc'd. */
uint8_t *
store_sqlite_pack(const ProtobufCMessage *m, size_t *len)
{
	return store_pack(m, len);
}

int
store_sqlite_bind_day(sqlite3_stmt *st, int i, const char *iso, int last)
{
	struct date_partial d;

	if (iso == NULL || iso[0] == '\0' || date_parse(iso, &d) != 0)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int(
	    st, i, last ? date_last_day(&d) : date_first_day(&d));
}

/* Unpacks column col of the current row as a message of desc. */
int
store_sqlite_unpack(sqlite3_stmt *st, int col,
    const ProtobufCMessageDescriptor *desc, void **out)
{
	*out = protobuf_c_message_unpack(desc, NULL,
	    (size_t)sqlite3_column_bytes(st, col),
	    sqlite3_column_blob(st, col));
	return *out != NULL ? STATUS_OK : STATUS_DATA_LOSS;
}

/* Runs st (bound, cached) expecting at most one row: its column 0 as a
 * message, or NOT_FOUND. */
int
store_sqlite_one(struct store_sqlite *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, void **out)
{
	int rv = sqlite3_step(st), rc;

	*out = NULL;
	if (rv == SQLITE_DONE)
		rc = STATUS_NOT_FOUND;
	else if (rv != SQLITE_ROW)
		rc = store_sqlite_fail(c, sqlite3_sql(st));
	else
		rc = store_sqlite_unpack(st, 0, desc, out);
	sqlite3_reset(st);
	return rc;
}

/* Runs st (bound, cached) and appends column 0 of each row, unpacked as
 * desc, to the repeated field (n, items). */
int
store_sqlite_all(struct store_sqlite *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, size_t *n, void ***items)
{
	int rc = STATUS_OK, rv;

	while ((rv = sqlite3_step(st)) == SQLITE_ROW) {
		void *m;

		if ((rc = store_sqlite_unpack(st, 0, desc, &m)) != STATUS_OK)
			break;
		if ((rc = store_sqlite_append(n, items, m)) != STATUS_OK) {
			protobuf_c_message_free_unpacked(m, NULL);
			break;
		}
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sqlite3_sql(st));
	sqlite3_reset(st);
	return rc;
}

/* Appends an unpacked message to a repeated message field. */
int
store_sqlite_append(size_t *n, void ***items, void *m)
{
	return pbstr_append_ptr(n, items, m) == 0 ? STATUS_OK : STATUS_INTERNAL;
}

int
store_sqlite_read_keys(struct store_sqlite *c, const char *sql,
    struct store_keyset *keys, int64_t *bytes)
{
	sqlite3_stmt *st;
	int rc = STATUS_OK, rv, added;

	store_keyset_clear(keys);
	if (bytes != NULL)
		*bytes = 0;
	if ((st = store_sqlite_stmt(c, sql)) == NULL)
		return store_sqlite_fail(c, sql);
	while (rc == STATUS_OK && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		added = store_keyset_put(keys,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
		if (added < 0)
			rc = STATUS_INTERNAL;
		else if (added && bytes != NULL)
			*bytes += sqlite3_column_int64(st, 2);
	}
	if (rc == STATUS_OK && rv != SQLITE_DONE)
		rc = store_sqlite_fail(c, sql);
	sqlite3_reset(st);
	return rc;
}
