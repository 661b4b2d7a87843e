/*
 * The roles of a credential (hoptac.v1.Role) by the names people type
 * and read: office, reviewer, admin, peer. Shared by hoptacd's log and
 * audit trail and hoptac's admin commands.
 */
#ifndef HOPTAC_ROLE_H
#define HOPTAC_ROLE_H

#include <stddef.h>

#include "hoptac/v1/auth.pb-c.h"

/* The highest hoptac.v1.Role; roles run from 1 to it. */
#define ROLE_MAX 4

/* The name of role r, or NULL when r is not a role. */
const char *role_name(int r);

/* The role named name, or 0 when there is none. */
int role_parse(const char *name);

/* Bit r of a set of roles stands for role r. */
#define ROLE_BIT(r) (1u << (r))

/* Sets of roles, as method.def admits them. */
#define ROLES_OFFICE   ROLE_BIT(HOPTAC__V1__ROLE__ROLE_OFFICE)
#define ROLES_REVIEWER ROLE_BIT(HOPTAC__V1__ROLE__ROLE_REVIEWER)
#define ROLES_ADMIN    ROLE_BIT(HOPTAC__V1__ROLE__ROLE_ADMIN)
#define ROLES_PEER     ROLE_BIT(HOPTAC__V1__ROLE__ROLE_PEER)
#define ROLES_ANY      (ROLES_OFFICE | ROLES_REVIEWER | ROLES_ADMIN | ROLES_PEER)
#define ROLES_PUBLIC   0u /* anyone, without a credential */

/* The set of roles[0..n-1], values that are not roles left out. */
unsigned role_set(const Hoptac__V1__Role *roles, size_t n);

/* Writes the names of the roles in set, in the order of their values,
 * joined by commas into buf ("reviewer,admin"); cut to len. */
void role_join(unsigned set, char *buf, size_t len);

/* role_join with each name as label(name) writes it: the roles for
 * people, in their language. */
void role_join_as(unsigned set, const char *(*label)(const char *name),
    char *buf, size_t len);

#endif
