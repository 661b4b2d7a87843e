/*
 * The settling's reading ahead: the records waiting in the inbox, read
 * in chunks and made ready to insert (unpacked, their columns derived,
 * counted) on a second thread while the writer inserts the chunk before.
 * While the writer settles, every call waits for it; the other core has
 * nothing else to do.
 */
#ifndef HOPTAC_STORE_SQLITE_AHEAD_H
#define HOPTAC_STORE_SQLITE_AHEAD_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store_backend.h"

struct store_sqlite;
struct store_ahead;

/* Records to a chunk: their partner and field rows fill a statement or
 * two (STORE_LINK_ROWS). What the helper holds is in its own arena of
 * malloc's: with three chunks of 32 in flight the server's peak memory
 * is what it was without the helper, four of 64 raised it by some
 * 400 KiB (docs/PERFORMANCE.md). */
#define STORE_AHEAD_CHUNK 32

/* A chunk of records read: a[i] unpacked and cols[i] derived when rc[i]
 * is OK, else rc[i] says why not (and the records after it are not
 * ready). seq[i] is the caller's to fill. All is the reader's: valid
 * until the next store_ahead_next or store_ahead_close. */
struct store_ahead_chunk {
	Hoptac__V1__Activity *a[STORE_AHEAD_CHUNK];
	struct store_activity_columns cols[STORE_AHEAD_CHUNK];
	int rc[STORE_AHEAD_CHUNK];
	int64_t seq[STORE_AHEAD_CHUNK];
	size_t n;
};

/* Called once a record, in order, as it is made ready, on the thread
 * that prepares it; a status (the record's rc unless OK). */
typedef int (*store_ahead_each)(void *arg, const Hoptac__V1__Activity *a);

/* Starts reading st's rows (column 0: a packed activity; st is the
 * caller's, stepped only by store_ahead_next) on c, sql for its errors.
 * apart: make records ready on a thread of its own, else each chunk as
 * it is read. A status; *out is then the reader's until closed. */
int store_ahead_open(struct store_ahead **out, struct store_sqlite *c,
    sqlite3_stmt *st, const char *sql, int apart, store_ahead_each each,
    void *arg);

/* The next chunk, in order, or NULL: at the end (*rc OK) or when a row
 * could not be read (*rc says why). */
struct store_ahead_chunk *store_ahead_next(struct store_ahead *ah, int *rc);

/* Stops the second thread, once every each() has returned, and frees
 * every record read. */
void store_ahead_close(struct store_ahead *ah);

#endif
