/*
 * Units' validity across reorganizations: what a unit may record while
 * it exists, and who records its history once it has ended.
 */
#ifndef HOPTAC_VALIDITY_H
#define HOPTAC_VALIDITY_H

#include <stdint.h>

#include "call.h"
#include "hoptac/v1/records.pb-c.h"

struct store_conn;

/* The first and last day (days since 1970-01-01) of u's validity;
 * INT32_MIN / INT32_MAX where it has no bound. */
void validity_days(const Hoptac__V1__Unit *u, int32_t *first, int32_t *last);

/* The day (days since 1970-01-01) in Vietnam (UTC+7) at wall_ms. */
int32_t validity_today(int64_t wall_ms);

/* Writes "30/6/2025" for day into buf. */
void validity_day_text(int32_t day, char *buf, size_t len);

/* Writes the codes and names of u's successors ("QNG-XA-DAKGLEI (UBND
 * xã Đắk Glei)", comma separated) into buf. Returns a status. */
int validity_successors_text(
    struct store_conn *db, const Hoptac__V1__Unit *u, char *buf, size_t len);

/* Adds a violation under prefix when no day of activity a's dates lies
 * within unit u's validity, naming u's successors (a after u ended) or
 * its predecessors (a before u was formed). Returns a status: OK unless
 * the store failed. */
int validity_check_activity(struct call *c, struct store_conn *db,
    const Hoptac__V1__Unit *u, const Hoptac__V1__Activity *a,
    const char *prefix);

/* Adds a violation (prefix, field) when unit u ended before day, naming
 * its successors after instead ("hỏi đơn vị kế tiếp"). Returns a status:
 * OK unless the store failed. */
int validity_check_ended(struct call *c, struct store_conn *db,
    const Hoptac__V1__Unit *u, int32_t day, const char *prefix,
    const char *field, const char *instead);

/* The unit code names, loaded, with the violation validity_check_ended
 * adds; an unknown unit is a violation too. Returns a status: OK unless
 * the store failed. */
int validity_check_unit(struct call *c, struct store_conn *db, const char *code,
    int32_t day, const char *prefix, const char *field, const char *instead);

/* For an office recording an activity of unit u, not its own: OK when
 * u's successor_codes name the office's unit (the history is entered by
 * whoever holds it now). Else PERMISSION_DENIED with the message set. */
int validity_may_record(struct call *c, const Hoptac__V1__Unit *u);

#endif
