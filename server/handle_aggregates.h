/*
 * What the Aggregates handlers share: handle_aggregates.c's summaries and
 * lookups, which handle_consolidate.c's consolidated report builds on.
 */
#ifndef HOPTAC_HANDLE_AGGREGATES_H
#define HOPTAC_HANDLE_AGGREGATES_H

#include <stddef.h>

#include "call.h"
#include "hoptac/v1/services.pb-c.h"

/* Loads a request (caller frees *out) or fails the call with NOT_FOUND. */
int handle_load_request(struct call *c, struct store_conn *db, const char *ref,
    Hoptac__V1__ReportingRequest **out);

/* Runs a summary for in, scoped by its request when it names one, into
 * out (caller frees its rows and totals). A status; the call's outcome
 * is set on failure. */
int handle_summary_run(struct call *c, struct store_conn *db,
    const Hoptac__V1__SummaryRequest *in, Hoptac__V1__SummaryResponse *out);

/* Adds a name as the second key of each row: the unit's (units set) or
 * the partner's. A status. */
int handle_name_rows(
    struct store_conn *db, Hoptac__V1__SummaryRow **rows, size_t n, int units);

#endif
