/*
 * libpq, loaded when a PostgreSQL database is first opened rather than
 * linked: a server on sqlite (the default) then never maps libpq and
 * what it pulls in (OpenSSL, Kerberos, LDAP, GnuTLS), some 4 MiB of
 * resident memory. Include this instead of <libpq-fe.h>: the PQ*
 * functions used here become calls through the table that
 * store_pg_lib_load fills.
 */
#ifndef HOPTAC_STORE_PG_LIB_H
#define HOPTAC_STORE_PG_LIB_H

#include <stddef.h>

#include <libpq-fe.h>

/* Each libpq function the server calls, by its own name. */
struct store_pg_lib {
	__typeof__(PQclear) *PQclear;
	__typeof__(PQcmdStatus) *PQcmdStatus;
	__typeof__(PQcmdTuples) *PQcmdTuples;
	__typeof__(PQconnectdb) *PQconnectdb;
	__typeof__(PQconnectdbParams) *PQconnectdbParams;
	__typeof__(PQdb) *PQdb;
	__typeof__(PQenterPipelineMode) *PQenterPipelineMode;
	__typeof__(PQerrorMessage) *PQerrorMessage;
	__typeof__(PQexec) *PQexec;
	__typeof__(PQexecParams) *PQexecParams;
	__typeof__(PQexecPrepared) *PQexecPrepared;
	__typeof__(PQexitPipelineMode) *PQexitPipelineMode;
	__typeof__(PQfformat) *PQfformat;
	__typeof__(PQfinish) *PQfinish;
	__typeof__(PQfreemem) *PQfreemem;
	__typeof__(PQgetCopyData) *PQgetCopyData;
	__typeof__(PQgetResult) *PQgetResult;
	__typeof__(PQgetisnull) *PQgetisnull;
	__typeof__(PQgetlength) *PQgetlength;
	__typeof__(PQgetvalue) *PQgetvalue;
	__typeof__(PQhost) *PQhost;
	__typeof__(PQntuples) *PQntuples;
	__typeof__(PQpipelineSync) *PQpipelineSync;
	__typeof__(PQprepare) *PQprepare;
	__typeof__(PQputCopyData) *PQputCopyData;
	__typeof__(PQputCopyEnd) *PQputCopyEnd;
	__typeof__(PQreset) *PQreset;
	__typeof__(PQresultErrorField) *PQresultErrorField;
	__typeof__(PQresultErrorMessage) *PQresultErrorMessage;
	__typeof__(PQresultStatus) *PQresultStatus;
	__typeof__(PQsendQueryParams) *PQsendQueryParams;
	__typeof__(PQsendQueryPrepared) *PQsendQueryPrepared;
	__typeof__(PQsetNoticeProcessor) *PQsetNoticeProcessor;
	__typeof__(PQstatus) *PQstatus;
	__typeof__(PQtransactionStatus) *PQtransactionStatus;
};

extern struct store_pg_lib store_pg_lib;

/* Loads libpq once (thread-safe): 0, or -1 with the reason in err. */
int store_pg_lib_load(char *err, size_t errlen);

#define PQclear              (store_pg_lib.PQclear)
#define PQcmdStatus          (store_pg_lib.PQcmdStatus)
#define PQcmdTuples          (store_pg_lib.PQcmdTuples)
#define PQconnectdb          (store_pg_lib.PQconnectdb)
#define PQconnectdbParams    (store_pg_lib.PQconnectdbParams)
#define PQdb                 (store_pg_lib.PQdb)
#define PQenterPipelineMode  (store_pg_lib.PQenterPipelineMode)
#define PQerrorMessage       (store_pg_lib.PQerrorMessage)
#define PQexec               (store_pg_lib.PQexec)
#define PQexecParams         (store_pg_lib.PQexecParams)
#define PQexecPrepared       (store_pg_lib.PQexecPrepared)
#define PQexitPipelineMode   (store_pg_lib.PQexitPipelineMode)
#define PQfformat            (store_pg_lib.PQfformat)
#define PQfinish             (store_pg_lib.PQfinish)
#define PQfreemem            (store_pg_lib.PQfreemem)
#define PQgetCopyData        (store_pg_lib.PQgetCopyData)
#define PQgetResult          (store_pg_lib.PQgetResult)
#define PQgetisnull          (store_pg_lib.PQgetisnull)
#define PQgetlength          (store_pg_lib.PQgetlength)
#define PQgetvalue           (store_pg_lib.PQgetvalue)
#define PQhost               (store_pg_lib.PQhost)
#define PQntuples            (store_pg_lib.PQntuples)
#define PQpipelineSync       (store_pg_lib.PQpipelineSync)
#define PQprepare            (store_pg_lib.PQprepare)
#define PQputCopyData        (store_pg_lib.PQputCopyData)
#define PQputCopyEnd         (store_pg_lib.PQputCopyEnd)
#define PQreset              (store_pg_lib.PQreset)
#define PQresultErrorField   (store_pg_lib.PQresultErrorField)
#define PQresultErrorMessage (store_pg_lib.PQresultErrorMessage)
#define PQresultStatus       (store_pg_lib.PQresultStatus)
#define PQsendQueryParams    (store_pg_lib.PQsendQueryParams)
#define PQsendQueryPrepared  (store_pg_lib.PQsendQueryPrepared)
#define PQsetNoticeProcessor (store_pg_lib.PQsetNoticeProcessor)
#define PQstatus             (store_pg_lib.PQstatus)
#define PQtransactionStatus  (store_pg_lib.PQtransactionStatus)

#endif
