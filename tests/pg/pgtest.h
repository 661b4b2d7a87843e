/*
 * The tests' way to PostgreSQL: HOPTAC_TEST_PG names a server where they
 * may make and drop databases (a libpq connection string, or "@FILE"
 * for one that tests/pg/cluster.sh wrote), and each test gets a fresh
 * database of its own.
 */
#ifndef HOPTAC_PGTEST_H
#define HOPTAC_PGTEST_H

#include <stddef.h>

/* The connection string, or NULL when the tests run on sqlite. */
const char *pgtest_conninfo(void);

/* Makes a new, empty database named after prefix, this process and a
 * count; its name into db, and the store's name for it
 * ("postgresql:... dbname=...") into name. 0, or -1 (said on stderr). */
int pgtest_create(
    const char *prefix, char *db, size_t dblen, char *name, size_t namelen);

/* Drops the database, closing what is still connected to it. */
void pgtest_drop(const char *db);

#endif
