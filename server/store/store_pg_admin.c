/*
 * What an operator runs on a PostgreSQL store, and the room it takes:
 * hoptacd check, backups, the limits on size and log, and telling a full
 * disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_pg_lib.h"

#include "log.h"
#include "status.h"
#include "store.h"
#include "store_pg_int.h"

/* The tables whose bodies a full check reads, and their messages. */
static const struct {
	const char *sql;
	const ProtobufCMessageDescriptor *desc;
} store_pg_bodies[] = {
    {"SELECT body FROM units", &hoptac__v1__unit__descriptor},
    {"SELECT body FROM activities", &hoptac__v1__activity__descriptor},
    {"SELECT body FROM requests", &hoptac__v1__reporting_request__descriptor},
    {"SELECT body FROM reports", &hoptac__v1__report__descriptor},
    {"SELECT body FROM conflicts", &hoptac__v1__activity_conflict__descriptor},
    {"SELECT body FROM activity_links", &hoptac__v1__activity_link__descriptor},
};

/* Every stored record reads back as its message: PostgreSQL checks its
 * own pages (data_checksums, pg_amcheck); this checks what hoptac put
 * in them. DATA_LOSS, naming the table, when one does not. */
static int
store_pg_check_bodies(struct store_pg *c, char *err, size_t errlen)
{
	size_t n = sizeof(store_pg_bodies) / sizeof(store_pg_bodies[0]);
	int rc = STATUS_OK;

	for (size_t t = 0; t < n && rc == STATUS_OK; t++) {
		PGresult *res =
		    store_pg_run(c, store_pg_bodies[t].sql, NULL, &rc);
		int bad = 0;

		if (res == NULL) {
			snprintf(err, errlen, "cannot read: %s", c->msg);
			break;
		}
		for (int r = 0; r < PQntuples(res); r++) {
			void *m;

			if (store_pg_unpack(res, r, 0, store_pg_bodies[t].desc,
			        &m) != STATUS_OK)
				bad++;
			else
				protobuf_c_message_free_unpacked(m, NULL);
		}
		if (bad > 0) {
			snprintf(err, errlen,
			    "%d of %d records do not read back (%s)", bad,
			    PQntuples(res), store_pg_bodies[t].sql);
			rc = STATUS_DATA_LOSS;
		}
		PQclear(res);
	}
	return rc;
}

int
store_pg_check(const char *name, int depth, struct store_check_result *res,
    char *err, size_t errlen)
{
	struct store_conn *conn = NULL;
	struct store_pg *c;
	PGresult *size;
	int rc;

	/* A reader's connection: it changes nothing, and runs beside a
	 * serving hoptacd. */
	if ((rc = store_pg_open(name, STORE_OPEN_READ, &conn, err, errlen)) !=
	    STATUS_OK)
		return rc;
	c = store_pg_of(conn);
	res->schema = STORE_SCHEMA_VERSION;
	res->page_size = 8192; /* PostgreSQL's block */
	res->how =
	    depth == STORE_CHECK_FULL ? "every record read back" : "schema";
	if ((size = store_pg_run(c,
	         "SELECT pg_database_size(current_database()) / 8192", NULL,
	         &rc)) == NULL) {
		snprintf(err, errlen, "cannot read: %s", c->msg);
		goto out;
	}
	res->pages = (long)store_pg_get_int(size, 0, 0);
	PQclear(size);
	if (depth == STORE_CHECK_FULL)
		rc = store_pg_check_bodies(c, err, errlen);
out:
	store_pg_close(conn);
	return rc;
}

/* Backups of a PostgreSQL store are PostgreSQL's: hoptacd backup copies
 * sqlite files only. */
int
store_pg_backup_open(
    const char *name, struct store_backup **out, char *err, size_t errlen)
{
	(void)name;
	*out = NULL;
	snprintf(err, errlen,
	    "hoptacd backup copies sqlite databases; back up a PostgreSQL "
	    "database with pg_basebackup (the cluster, for point-in-time "
	    "recovery with its WAL archive) or pg_dump -Fc (this database) "
	    "(docs/operations.md, \"PostgreSQL\")");
	return STATUS_UNIMPLEMENTED;
}

int
store_pg_backup_copy(struct store_backup *b, const char *path,
    const struct store_backup_options *opt, struct store_backup_result *res,
    char *err, size_t errlen)
{
	(void)b;
	(void)path;
	(void)opt;
	(void)res;
	snprintf(err, errlen, "no backup of a PostgreSQL database here");
	return STATUS_UNIMPLEMENTED;
}

void
store_pg_backup_close(struct store_backup *b)
{
	(void)b;
}

/* max_db_size has no equivalent: PostgreSQL has no cap on a database's
 * size (sqlite's max_page_count). A full disk is still told apart
 * (SQLSTATE 53100) and answered RESOURCE_EXHAUSTED; quotas belong to
 * the file system or the tablespace. */
int
store_pg_limit_size(struct store_conn *conn, long long max_bytes)
{
	(void)conn;
	if (max_bytes > 0)
		log_warnx("HOPTACD-CONFIG: max_db_size is not applied to a "
		          "PostgreSQL database (docs/operations.md, "
		          "\"PostgreSQL\")");
	return STATUS_OK;
}

/* The write-ahead log is the PostgreSQL server's (max_wal_size,
 * wal_keep_size in postgresql.conf), not a connection's. */
int
store_pg_limit_wal(
    struct store_conn *conn, long long checkpoint_bytes, long long keep_bytes)
{
	(void)conn;
	(void)checkpoint_bytes;
	(void)keep_bytes;
	return STATUS_OK;
}

int
store_pg_full_take(struct store_conn *conn)
{
	struct store_pg *c = store_pg_of(conn);
	int full = c->full;

	c->full = 0;
	return full;
}

void
store_pg_full_reason(struct store_conn *conn, char *buf, size_t len)
{
	(void)conn;
	snprintf(buf, len,
	    "the disk holding the PostgreSQL database is full (SQLSTATE "
	    "53100)");
}
