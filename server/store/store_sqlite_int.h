/*
 * What the files of the sqlite store (store_sqlite_*.c) share and nothing
 * else includes.
 */
#ifndef HOPTAC_STORE_SQLITE_INT_H
#define HOPTAC_STORE_SQLITE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>
#include <sqlite3.h>

#include "gazetteer.h"

/* Slots of a connection's statement cache: a power of two, well above
 * the number of statements one connection prepares (about 90). */
#define STORE_STMT_SLOTS 256

struct store_conn {
	sqlite3 *db;
	/* store_stmt's cache, by the address of the SQL text: a few
	 * instructions where comparing the text with every prepared
	 * statement's cost some thousands per call. */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} stmts[STORE_STMT_SLOTS];
	int readonly;
	int lock_fd; /* the writer's flock on the file; -1 for readers */
	int full;    /* a write failed for want of space */
	long long limit_bytes; /* store_limit_size's, 0 if none */
};

#define STORE_SQL_STR_(x) #x
#define STORE_SQL_STR(x)  STORE_SQL_STR_(x)

/* The province of the partner code in col, by gazetteer.h's rule, and
 * that of activity_partners' column, which is where queries read it. */
#define STORE_SQL_PROVINCE(col)                                                \
	"substr(" col ", 1, " STORE_SQL_STR(GAZETTEER_PROVINCE_LEN) ")"
#define STORE_PARTNER_PROVINCE STORE_SQL_PROVINCE("partner_code")

/* The rule "a partner matches a code, or a district of it": district
 * codes extend their province's after a '-', so they lie between
 * "LA-XE-" and "LA-XE." ('.' follows '-'). Takes the code bound three
 * times. */
#define STORE_PARTNER_MATCH(col)                                               \
	col " = ? OR (" col " > ? || '-' AND " col " < ? || '.')"

/* Logs a failed statement; returns STATUS_INTERNAL for the caller, or
 * RESOURCE_EXHAUSTED (noted in c->full) when the store is full. */
int store_fail(struct store_conn *c, const char *what);

/* Runs SQL that returns no rows; a status. */
int store_exec(struct store_conn *c, const char *sql);

/* A prepared statement for sql, cached per connection and reset. NULL on
 * failure. */
sqlite3_stmt *store_stmt(struct store_conn *c, const char *sql);

int store_bind_text(sqlite3_stmt *st, int i, const char *s);

/* Binds the first (last = 0) or last day of a partial ISO date, or NULL
 * when the text is empty or not a date. */
int store_bind_day(sqlite3_stmt *st, int i, const char *iso, int last);

/* Steps a statement that returns no rows and resets it; constraint
 * failures come back as ALREADY_EXISTS or FAILED_PRECONDITION. */
int store_step_done(struct store_conn *c, sqlite3_stmt *st);

/* A malloc'd copy of a blob column. */
int store_blob_dup(sqlite3_stmt *st, int col, uint8_t **data, size_t *len);

/* m packed into a malloc'd buffer of *len bytes, or NULL. */
uint8_t *store_pack(const ProtobufCMessage *m, size_t *len);

/* Unpacks column col of the current row as a desc message into *out;
 * DATA_LOSS when it cannot be read. */
int store_unpack(sqlite3_stmt *st, int col,
    const ProtobufCMessageDescriptor *desc, void **out);

/* Steps a bound, cached statement expecting at most one row: its column
 * 0 as a desc message, or NOT_FOUND. Resets the statement. */
int store_one(struct store_conn *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, void **out);

/* Steps a bound, cached statement and appends column 0 of every row,
 * unpacked as desc, to the repeated field (n, items). Resets it. */
int store_all(struct store_conn *c, sqlite3_stmt *st,
    const ProtobufCMessageDescriptor *desc, size_t *n, void ***items);

/* Appends m to a repeated message field (n, items). */
int store_append(size_t *n, void ***items, void *m);

/* Reads the schema version of c's file into *version; UNAVAILABLE, with
 * the reason in err, when the file is not a database. */
int store_schema_version(
    struct store_conn *c, int *version, char *err, size_t errlen);

/* Applies the migrations c's file lacks, in one transaction. */
int store_migrate(struct store_conn *c, char *err, size_t errlen);

/* Fills activity_fields from the stored activities (migration 2). */
int store_activity_fields_backfill(struct store_conn *c);

#endif
