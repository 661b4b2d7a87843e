/*
 * When a report counts as filed: the rule that decides timeliness, which
 * an office's clock running behind cannot defeat (docs/protocol.md,
 * "Timeliness").
 */
#ifndef HOPTAC_FILING_H
#define HOPTAC_FILING_H

#include <stdint.h>

#include "hoptac/v1/reports.pb-c.h"

/* The default filing_tolerance: six hours (hoptacd.conf.example). */
#define FILING_TOLERANCE_DEFAULT_MS ((int64_t)6 * 3600 * 1000)

/* Sets how far before the server's receipt an office's claimed filing
 * time may count; at start, before any call. */
void filing_set_tolerance(int64_t ms);

/* When rep, received at received_ms, counts as filed. vouched: the
 * caller holds the peer role and sent rep->filed_at_ms, which then
 * stands. Otherwise the office's claim (submitted_at_ms, else noon of a
 * whole signing date, else the receipt), moved into [received_ms -
 * tolerance, received_ms]. */
int64_t filing_time(
    const Hoptac__V1__Report *rep, int vouched, int64_t received_ms);

/* When a stored report counts as received: the day its paper reached
 * the department, when a peer recorded it, else the server's receipt. */
int64_t filing_received_ms(const Hoptac__V1__Report *rep);

/* The day (UTC+7) a stored report counts as filed: its filed_at_ms, or
 * for one stored before it existed, the claim as it was then taken. */
int32_t filing_day(const Hoptac__V1__Report *rep);

#endif
