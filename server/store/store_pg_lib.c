/* libpq loaded on first use: see store_pg_lib.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "store_pg_lib.h"

/* Here the names are the table's fields, not calls through it. */
#undef PQclear
#undef PQcmdStatus
#undef PQcmdTuples
#undef PQconnectdb
#undef PQconnectdbParams
#undef PQdb
#undef PQenterPipelineMode
#undef PQerrorMessage
#undef PQexec
#undef PQexecParams
#undef PQexecPrepared
#undef PQexitPipelineMode
#undef PQfformat
#undef PQfinish
#undef PQfreemem
#undef PQgetCopyData
#undef PQgetResult
#undef PQgetisnull
#undef PQgetlength
#undef PQgetvalue
#undef PQhost
#undef PQntuples
#undef PQpipelineSync
#undef PQprepare
#undef PQputCopyData
#undef PQputCopyEnd
#undef PQreset
#undef PQresultErrorField
#undef PQresultErrorMessage
#undef PQresultStatus
#undef PQsendQueryParams
#undef PQsendQueryPrepared
#undef PQsetNoticeProcessor
#undef PQstatus
#undef PQtransactionStatus

/* Debian's libpq5; its soname has stayed 5 since PostgreSQL 8.2. */
#define STORE_PG_LIB_NAME "libpq.so.5"

struct store_pg_lib store_pg_lib;

static pthread_once_t store_pg_lib_once = PTHREAD_ONCE_INIT;
static char store_pg_lib_error[256]; /* empty once loaded */

/* Each entry of the table, by name: its place in the table. */
static const struct {
	const char *name;
	size_t offset;
} store_pg_lib_symbols[] = {
#define STORE_PG_SYM(f)                                                        \
	{                                                                      \
#f, offsetof(struct store_pg_lib, f)                           \
	}
    STORE_PG_SYM(PQclear),
    STORE_PG_SYM(PQcmdStatus),
    STORE_PG_SYM(PQcmdTuples),
    STORE_PG_SYM(PQconnectdb),
    STORE_PG_SYM(PQconnectdbParams),
    STORE_PG_SYM(PQdb),
    STORE_PG_SYM(PQenterPipelineMode),
    STORE_PG_SYM(PQerrorMessage),
    STORE_PG_SYM(PQexec),
    STORE_PG_SYM(PQexecParams),
    STORE_PG_SYM(PQexecPrepared),
    STORE_PG_SYM(PQexitPipelineMode),
    STORE_PG_SYM(PQfformat),
    STORE_PG_SYM(PQfinish),
    STORE_PG_SYM(PQfreemem),
    STORE_PG_SYM(PQgetCopyData),
    STORE_PG_SYM(PQgetResult),
    STORE_PG_SYM(PQgetisnull),
    STORE_PG_SYM(PQgetlength),
    STORE_PG_SYM(PQgetvalue),
    STORE_PG_SYM(PQhost),
    STORE_PG_SYM(PQntuples),
    STORE_PG_SYM(PQpipelineSync),
    STORE_PG_SYM(PQprepare),
    STORE_PG_SYM(PQputCopyData),
    STORE_PG_SYM(PQputCopyEnd),
    STORE_PG_SYM(PQreset),
    STORE_PG_SYM(PQresultErrorField),
    STORE_PG_SYM(PQresultErrorMessage),
    STORE_PG_SYM(PQresultStatus),
    STORE_PG_SYM(PQsendQueryParams),
    STORE_PG_SYM(PQsendQueryPrepared),
    STORE_PG_SYM(PQsetNoticeProcessor),
    STORE_PG_SYM(PQstatus),
    STORE_PG_SYM(PQtransactionStatus),
#undef STORE_PG_SYM
};

static void
store_pg_lib_open(void)
{
	void *lib = dlopen(STORE_PG_LIB_NAME, RTLD_NOW | RTLD_LOCAL);

	if (lib == NULL) {
		snprintf(store_pg_lib_error, sizeof(store_pg_lib_error),
		    "PostgreSQL's client library cannot be loaded (%s): "
		    "install Debian's libpq5",
		    dlerror());
		return;
	}
	for (size_t i = 0;
	     i < sizeof(store_pg_lib_symbols) / sizeof(*store_pg_lib_symbols);
	     i++) {
		void *f = dlsym(lib, store_pg_lib_symbols[i].name);

		if (f == NULL) {
			snprintf(store_pg_lib_error, sizeof(store_pg_lib_error),
			    "%s has no %s: it is older than PostgreSQL 14's",
			    STORE_PG_LIB_NAME, store_pg_lib_symbols[i].name);
			return;
		}
		/* POSIX: a function's address converts through void *. */
		*(void **)((char *)&store_pg_lib +
		    store_pg_lib_symbols[i].offset) = f;
	}
}

int
store_pg_lib_load(char *err, size_t errlen)
{
	pthread_once(&store_pg_lib_once, store_pg_lib_open);
	if (store_pg_lib_error[0] == '\0')
		return 0;
	snprintf(err, errlen, "%s", store_pg_lib_error);
	return -1;
}
