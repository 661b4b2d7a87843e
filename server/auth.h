/*
 * Who is calling: credentials as the server holds them (a table in
 * memory, loaded from the store and reloaded after every change), the
 * check of a token, and the rules of what an office may see and change.
 * docs/SECURITY.md describes the model.
 */
#ifndef HOPTAC_AUTH_H
#define HOPTAC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "role.h"
#include "validate.h"

struct call;
struct store_conn;

/* A token: "hoptac1_" <16 hex: the id> "_" <64 hex: the secret>. */
#define AUTH_ID_LEN    16
#define AUTH_TOKEN_LEN (8 + AUTH_ID_LEN + 1 + 64)
#define AUTH_SALT_LEN  16
#define AUTH_HASH_LEN  32
#define AUTH_NAME_MAX  (VALIDATE_SHORT_MAX * 4 + 1)

/* The caller of one call; all empty and roles 0 before it is known. */
struct auth_principal {
	char id[AUTH_ID_LEN + 1];
	char name[AUTH_NAME_MAX];
	unsigned roles;
	char unit[VALIDATE_ID_MAX + 1]; /* an office's unit */
};

struct auth;

struct auth *auth_create(void);
void auth_destroy(struct auth *a);

/* Replaces the table with the store's credentials. A status. */
int auth_reload(struct auth *a, struct store_conn *db);

/* Checks token at now_ms (wall clock). OK with *p filled, or
 * UNAUTHENTICATED with the reason in why and, for a well-formed token,
 * the id it claims in p->id (roles 0), for the audit trail. */
int auth_check(struct auth *a, const char *token, int64_t now_ms,
    struct auth_principal *p, char *why, size_t whylen);

/* A new credential's token, its id, a new salt and the hash to keep. */
int auth_token_new(char token[AUTH_TOKEN_LEN + 1], char id[AUTH_ID_LEN + 1],
    uint8_t salt[AUTH_SALT_LEN], uint8_t hash[AUTH_HASH_LEN]);

/* The unit an office caller is bound to, or NULL for a caller whose
 * roles reach every unit. */
const char *auth_office_unit(const struct call *c);

/* OK when the caller may change records of unit: its own unit for an
 * office. Else PERMISSION_DENIED, with the call's message set. */
int auth_may_write(struct call *c, const char *unit);

/* OK when the caller may read records of unit: for an office its own
 * unit and the units it succeeded (their successor_codes name it). Else
 * PERMISSION_DENIED, with the call's message set. */
int auth_may_read(struct call *c, struct store_conn *db, const char *unit);

/* For list methods: an office's empty unit filter becomes its own unit;
 * a filter naming another unit must pass auth_may_read. */
int auth_scope_filter(struct call *c, struct store_conn *db, char **unit);

#endif
