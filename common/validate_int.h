/* What the files of the validation share (validate.c, validate_report.c);
 * not for callers, who use validate.h. */
#ifndef HOPTAC_VALIDATE_INT_H
#define HOPTAC_VALIDATE_INT_H

#include <stddef.h>

#include "status.h"

/* Violations v holds, dropped ones included; 0 when v is NULL. */
size_t validate_total(const struct violations *v);

/* Adds a violation when a repeated field has over VALIDATE_LIST_MAX items. */
void validate_list(
    size_t n, const char *prefix, const char *name, struct violations *v);

/* validate_line on each item of a repeated field, named "name[i]". */
void validate_texts(size_t n, char **items, const char *prefix,
    const char *name, size_t max, struct violations *v);

/* Resolves a request's partner scope, each group replaced by its members. */
void validate_scope(
    size_t *n, char ***items, const char *prefix, struct violations *v);

/* Removes later copies of a string from a repeated field, keeping order. */
void validate_dedup(size_t *n, char **items);

#endif
