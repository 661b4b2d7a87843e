/*
 * The handlers, one file per service: handle_<service>.c. Each check_*
 * runs on arrival (validation), each run_* where its method's table
 * entry says (call.h).
 */
#ifndef HOPTAC_HANDLERS_H
#define HOPTAC_HANDLERS_H

#include "call.h"
#include "hoptac/v1/records.pb-c.h"

int handle_health_check(struct call *c, struct store_conn *db);
int handle_reflection_list(struct call *c, struct store_conn *db);
int handle_partners_list(struct call *c, struct store_conn *db);
/* A Partner message for a gazetteer entry (caller frees it), or NULL
 * when out of memory. */
struct gazetteer_partner;
Hoptac__V1__Partner *handle_partners_message(const struct gazetteer_partner *g);
int handle_partners_check_add(struct call *c);
int handle_partners_add(struct call *c, struct store_conn *db);
int handle_partners_check_alias(struct call *c);
int handle_partners_alias(struct call *c, struct store_conn *db);
/* After Add or Alias committed: the change made to the gazetteer. */
void handle_partners_added(struct call *c, struct store_conn *db);
/* At start: every stored addition applied over the gazetteer's file
 * (one it refuses is logged and left out). */
int handle_partners_merge(struct store_conn *db);

int handle_units_check_create(struct call *c);
int handle_units_create(struct call *c, struct store_conn *db);
int handle_units_list(struct call *c, struct store_conn *db);
int handle_units_check_amend(struct call *c);
int handle_units_amend(struct call *c, struct store_conn *db);

int handle_activities_check_submit(struct call *c);
int handle_activities_submit(struct call *c, struct store_conn *db);
int handle_activities_check_get(struct call *c);
int handle_activities_get(struct call *c, struct store_conn *db);
int handle_activities_check_list(struct call *c);
int handle_activities_list(struct call *c, struct store_conn *db);
int handle_activities_check_amend(struct call *c);
int handle_activities_amend(struct call *c, struct store_conn *db);
int handle_activities_check_withdraw(struct call *c);
int handle_activities_withdraw(struct call *c, struct store_conn *db);

/* Activities/Duplicates and Link (handle_duplicates.c). */
int handle_activities_check_duplicates(struct call *c);
int handle_activities_duplicates(struct call *c, struct store_conn *db);
int handle_activities_check_link(struct call *c);
int handle_activities_link(struct call *c, struct store_conn *db);

int handle_requests_check_create(struct call *c);
int handle_requests_create(struct call *c, struct store_conn *db);
int handle_requests_get(struct call *c, struct store_conn *db);
int handle_requests_list(struct call *c, struct store_conn *db);

int handle_reports_check_submit(struct call *c);
int handle_reports_submit(struct call *c, struct store_conn *db);
/* Reports/Check: every check of Submit, nothing stored. */
int handle_reports_check(struct call *c, struct store_conn *db);
int handle_reports_get(struct call *c, struct store_conn *db);
int handle_reports_check_list(struct call *c);
int handle_reports_list(struct call *c, struct store_conn *db);
int handle_reports_check_review(struct call *c);
int handle_reports_review(struct call *c, struct store_conn *db);

int handle_aggregates_completeness(struct call *c, struct store_conn *db);
int handle_aggregates_rate(struct call *c, struct store_conn *db);
int handle_aggregates_check_summary(struct call *c);
int handle_aggregates_summary(struct call *c, struct store_conn *db);
int handle_aggregates_check_consolidate(struct call *c);
int handle_aggregates_consolidate(struct call *c, struct store_conn *db);

int handle_sync_check_pull(struct call *c);
int handle_sync_pull(struct call *c, struct store_conn *db);

int handle_conflicts_list(struct call *c, struct store_conn *db);
int handle_conflicts_check_resolve(struct call *c);
int handle_conflicts_resolve(struct call *c, struct store_conn *db);

int handle_keys_check_register(struct call *c);
int handle_keys_register(struct call *c, struct store_conn *db);
int handle_keys_check_get(struct call *c);
int handle_keys_get(struct call *c, struct store_conn *db);

int handle_credentials_check_issue(struct call *c);
int handle_credentials_issue(struct call *c, struct store_conn *db);
int handle_credentials_list(struct call *c, struct store_conn *db);
int handle_credentials_check_revoke(struct call *c);
int handle_credentials_revoke(struct call *c, struct store_conn *db);
int handle_credentials_whoami(struct call *c, struct store_conn *db);
/* After Issue and Revoke: the server's table follows the store. */
void handle_credentials_reload(struct call *c, struct store_conn *db);

int handle_audit_check_search(struct call *c);
int handle_audit_search(struct call *c, struct store_conn *db);
int handle_audit_check_prune(struct call *c);
int handle_audit_prune(struct call *c, struct store_conn *db);

#endif
