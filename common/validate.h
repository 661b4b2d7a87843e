/*
 * Validation of the records, shared by the client (pre-check) and the
 * server (authoritative). Validation also normalizes in place: text to
 * NFC and trimmed, partner names to their gazetteer codes, dates to ISO.
 * It therefore needs messages whose strings are heap strings (pbstr.h).
 */
#ifndef HOPTAC_VALIDATE_H
#define HOPTAC_VALIDATE_H

#include <stddef.h>

#include "date.h"
#include "hoptac/v1/records.pb-c.h"
#include "hoptac/v1/reports.pb-c.h"
#include "status.h"

/* Limits on the records, documented in docs/protocol.md. */
#define VALIDATE_ID_MAX      64  /* bytes of an id or a code */
#define VALIDATE_SHORT_MAX   200 /* code points: names, title, place, leader */
#define VALIDATE_LONG_MAX    20000 /* code points: summary, result */
#define VALIDATE_LIST_MAX    32    /* partners, fields, document refs */
#define VALIDATE_PEOPLE_MAX  100000
#define VALIDATE_UNITS_MAX   1000 /* units one request asks */
#define VALIDATE_RESULTS_MAX 64   /* result headings of a report */
/* Bytes (UTF-8, once normalized) of a report's sections together:
 * situation, results (headings and texts), limitations, causes,
 * directions, proposals. A sixteenth of the reply limit (RPC_MAX_MESSAGE),
 * so that pages of the consolidated report hold several whole reports. */
#define VALIDATE_REPORT_TEXT_MAX 262144

/* Checks one string field: well-formed UTF-8, no NUL or control, at most
 * max code points, not empty when required. Replaces it with its NFC form.
 * Returns 0 when valid. */
int validate_text(char **field, const char *prefix, const char *name,
    size_t max, int required, struct violations *v);

/* validate_text for a field of one line (a name, a title, a place): a
 * line break left after trimming is a violation. */
int validate_line(char **field, const char *prefix, const char *name,
    size_t max, int required, struct violations *v);

/* Checks a partial date field and rewrites it to ISO; empty allowed unless
 * required. On success and when out is not NULL, stores the parsed date. */
int validate_date(char **field, const char *prefix, const char *name,
    int required, struct date_partial *out, struct violations *v);

/* Checks an id or a code: 1..VALIDATE_ID_MAX of [A-Za-z0-9._:-]. */
int validate_id(
    const char *id, const char *prefix, const char *name, struct violations *v);

/* Validates and normalizes an activity as submitted: id, unit_code,
 * partners (resolved to codes, duplicates removed, at least one), kind,
 * fields, dates (end not before start), texts, people, document refs.
 * Server-set fields are not checked. Returns the number of violations added. */
int validate_activity(
    Hoptac__V1__Activity *a, const char *prefix, struct violations *v);

/* Validates and normalizes a unit. Returns the number of violations added. */
int validate_unit(
    Hoptac__V1__Unit *u, const char *prefix, struct violations *v);

/* Validates and normalizes a reporting request: reference, issuer, dates
 * (due not before issue, period in order), partner scope resolved to
 * codes, the units asked (at least one, duplicates removed). */
int validate_request(
    Hoptac__V1__ReportingRequest *r, const char *prefix, struct violations *v);

/* Validates and normalizes a report as an office sends it (server-set
 * fields are not checked); a nil report may not have results; its
 * sections together hold at most VALIDATE_REPORT_TEXT_MAX bytes. */
int validate_report(
    Hoptac__V1__Report *r, const char *prefix, struct violations *v);

/* Parses an activity kind by its short name ("delegation_out", "đoàn ra",
 * "doan vao", "conference", "agreement", ...), any case or accents.
 * Returns the enum value, or 0 (UNSPECIFIED) when unknown. */
int validate_activity_kind(const char *text);

/* The short name of a kind: "delegation_out", ...; "unspecified". */
const char *validate_activity_kind_name(int kind);

/* Every name and Vietnamese term an activity's kind is known by, into
 * out (at most max); returns how many. For "did you mean". */
size_t validate_activity_kind_words(const char **out, size_t max);

/* Same pair for unit kinds: "provincial_committee", "department",
 * "district_committee", "commune_committee", "other". */
int validate_unit_kind(const char *text);
const char *validate_unit_kind_name(int kind);

#endif
