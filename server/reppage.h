/*
 * Pages of reports for Reports/List and Sync/Pull (docs/protocol.md): a
 * page holds reports while they fit in half a reply's limit, and always
 * at least one, so that a report at the limit of its text still goes.
 * The token names the last report of the page before (request, unit,
 * revision, as the store orders reports) and a stamp the method keeps
 * from its first page. It is a place in a list the caller may read and
 * nothing more: the list is read and filtered anew for every page.
 */
#ifndef HOPTAC_REPPAGE_H
#define HOPTAC_REPPAGE_H

#include <stddef.h>
#include <stdint.h>

#include "hoptac/v1/reports.pb-c.h"

/* Whether token is "" (the first page, *stamp 0) or a token reppage_cut
 * wrote (*stamp the stamp it carries). 0 or -1. */
int reppage_check(const char *token, int64_t *stamp);

/* Keeps, of the n reports in items (in the store's order), those after
 * token's place while they fit in a page, and frees the others; *next
 * gets the next page's token carrying stamp, or "" after the last page.
 * token must pass reppage_check. STATUS_OK or STATUS_INTERNAL. */
int reppage_cut(size_t *n, Hoptac__V1__Report **items, const char *token,
    int64_t stamp, char **next);

#endif
