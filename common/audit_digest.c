#include "audit_digest.h"

#include <stdlib.h>

#include "text.h"

void
audit_digest_init(struct audit_digest *d)
{
	mbedtls_sha256_init(&d->sha);
	mbedtls_sha256_starts_ret(&d->sha, 0);
	d->count = 0;
}

int
audit_digest_add(struct audit_digest *d, const Hoptac__V1__AuditEntry *e)
{
	size_t len = protobuf_c_message_get_packed_size(&e->base), n = 0;
	uint8_t prefix[10];
	uint8_t *buf = malloc(len ? len : 1);

	if (buf == NULL)
		return -1;
	protobuf_c_message_pack(&e->base, buf);
	/* The length as a varint, as protobuf's delimited streams have it. */
	for (size_t v = len; n == 0 || v != 0; v >>= 7)
		prefix[n++] = (uint8_t)((v & 0x7f) | (v >> 7 ? 0x80 : 0));
	mbedtls_sha256_update_ret(&d->sha, prefix, n);
	mbedtls_sha256_update_ret(&d->sha, buf, len);
	free(buf);
	d->count++;
	return 0;
}

void
audit_digest_finish(struct audit_digest *d, char hex[AUDIT_DIGEST_HEX])
{
	uint8_t sum[32];

	mbedtls_sha256_finish_ret(&d->sha, sum);
	mbedtls_sha256_free(&d->sha);
	text_hex(sum, sizeof(sum), hex);
}
