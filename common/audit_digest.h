/*
 * The digest of an archive of the audit trail: SHA-256 over its rows,
 * newest first, each packed as a length-delimited hoptac.v1.AuditEntry.
 * The client computes it over what it wrote to the archive and the
 * server over what it would remove; Audit/Prune removes nothing unless
 * the two agree.
 */
#ifndef HOPTAC_AUDIT_DIGEST_H
#define HOPTAC_AUDIT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/sha256.h>

#include "hoptac/v1/auth.pb-c.h"

#define AUDIT_DIGEST_HEX 65 /* 64 hex digits and the NUL */

struct audit_digest {
	mbedtls_sha256_context sha;
	int64_t count;
};

void audit_digest_init(struct audit_digest *d);

/* Adds one row. 0, or -1 when out of memory. */
int audit_digest_add(struct audit_digest *d, const Hoptac__V1__AuditEntry *e);

/* Writes the digest as lowercase hex into hex and frees d's state. */
void audit_digest_finish(struct audit_digest *d, char hex[AUDIT_DIGEST_HEX]);

#endif
