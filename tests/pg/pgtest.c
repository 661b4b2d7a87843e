/*
 * A fresh PostgreSQL database per test (pgtest.h).
 */
#include "pgtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

const char *
pgtest_conninfo(void)
{
	static char info[512];
	static int read;
	const char *env = getenv("HOPTAC_TEST_PG");
	FILE *fp;

	if (read)
		return info[0] != '\0' ? info : NULL;
	read = 1;
	if (env == NULL || env[0] == '\0')
		return NULL;
	if (env[0] != '@') {
		snprintf(info, sizeof(info), "%s", env);
		return info;
	}
	if ((fp = fopen(env + 1, "r")) == NULL) {
		fprintf(stderr, "HOPTAC_TEST_PG: cannot read %s\n", env + 1);
		exit(1);
	}
	if (fgets(info, sizeof(info), fp) == NULL)
		info[0] = '\0';
	fclose(fp);
	info[strcspn(info, "\n")] = '\0';
	return info[0] != '\0' ? info : NULL;
}

/* Runs sql on the server's maintenance database (CREATE/DROP DATABASE
 * cannot run in the database they name). */
static int
pgtest_admin(const char *sql)
{
	char info[600];
	PGconn *db;
	PGresult *res;
	int ok;

	snprintf(info, sizeof(info), "%s dbname=postgres", pgtest_conninfo());
	db = PQconnectdb(info);
	if (PQstatus(db) != CONNECTION_OK) {
		fprintf(stderr, "%s: %s", info, PQerrorMessage(db));
		PQfinish(db);
		return -1;
	}
	res = PQexec(db, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(db));
	PQclear(res);
	PQfinish(db);
	return ok ? 0 : -1;
}

int
pgtest_create(
    const char *prefix, char *db, size_t dblen, char *name, size_t namelen)
{
	static int made;
	char sql[128];

	if (pgtest_conninfo() == NULL)
		return -1;
	snprintf(db, dblen, "%s%ld_%d", prefix, (long)getpid(), ++made);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	if (pgtest_admin(sql) != 0)
		return -1;
	if ((size_t)snprintf(name, namelen, "postgresql:%s dbname=%s",
	        pgtest_conninfo(), db) >= namelen) {
		fprintf(stderr, "HOPTAC_TEST_PG is too long\n");
		pgtest_drop(db);
		return -1;
	}
	return 0;
}

void
pgtest_drop(const char *db)
{
	char sql[128];

	snprintf(
	    sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
	pgtest_admin(sql);
}
