#include "bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "hoptac/v1/bundle.pb-c.h"
#include "safefile.h"

void
bundle_entry_digest(const char *method, const char *request_id,
    const uint8_t *payload, size_t len, uint8_t out[32])
{
	mbedtls_sha256_context ctx;

	mbedtls_sha256_init(&ctx);
	mbedtls_sha256_starts_ret(&ctx, 0);
	mbedtls_sha256_update_ret(
	    &ctx, (const unsigned char *)method, strlen(method) + 1);
	mbedtls_sha256_update_ret(
	    &ctx, (const unsigned char *)request_id, strlen(request_id) + 1);
	mbedtls_sha256_update_ret(&ctx, payload, len);
	mbedtls_sha256_finish_ret(&ctx, out);
	mbedtls_sha256_free(&ctx);
}

static void
bundle_hex(const uint8_t d[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

int
bundle_write_file(const char *path, const char *magic,
    const ProtobufCMessage *m, char *err, size_t errlen)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len ? len : 1), digest[32];
	struct safefile sf;
	char hex[65];
	int rc = -1;

	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	protobuf_c_message_pack(m, buf);
	mbedtls_sha256_ret(buf, len, digest, 0);
	bundle_hex(digest, hex);
	if (safefile_open(&sf, path, err, errlen) != 0)
		goto out;
	if (fprintf(sf.f, "%s\n%s\n", magic, hex) < 0 ||
	    fwrite(buf, 1, len, sf.f) != len) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		safefile_abort(&sf);
		goto out;
	}
	rc = safefile_commit(&sf, err, errlen);
out:
	free(buf);
	return rc;
}

/* The whole file, malloc'd, or NULL with err set. */
static uint8_t *
bundle_slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = safefile_read(path, "rb", err, errlen);
	uint8_t *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    (size_t)n > BUNDLE_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0) {
		snprintf(
		    err, errlen, "%s: cannot be read, or is too large", path);
		goto out;
	}
	if ((buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%s: cannot be read", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

/* Checks each entry's own checksum: names the first that fails. */
static int
bundle_check_entries(
    const Hoptac__V1__Bundle *b, const char *path, char *err, size_t errlen)
{
	for (size_t i = 0; i < b->n_entries; i++) {
		const Hoptac__V1__BundleEntry *e = b->entries[i];
		uint8_t d[32];

		bundle_entry_digest(e->method, e->request_id, e->payload.data,
		    e->payload.len, d);
		if (e->sha256.len != 32 || memcmp(e->sha256.data, d, 32) != 0) {
			snprintf(err, errlen,
			    "%s: entry %zu (%s) does not match its checksum",
			    path, i + 1, e->label);
			return -1;
		}
	}
	return 0;
}

ProtobufCMessage *
bundle_read_mem(const uint8_t *buf, size_t len, const char *name,
    const char *magic, const ProtobufCMessageDescriptor *desc, char *err,
    size_t errlen)
{
	size_t head = strlen(magic) + 1 + 64 + 1;
	uint8_t digest[32];
	ProtobufCMessage *m = NULL;
	char hex[65];

	if (len < head || memcmp(buf, magic, strlen(magic)) != 0 ||
	    buf[strlen(magic)] != '\n' || buf[head - 1] != '\n') {
		snprintf(
		    err, errlen, "%s: not a file of kind \"%s\"", name, magic);
		return NULL;
	}
	mbedtls_sha256_ret(buf + head, len - head, digest, 0);
	bundle_hex(digest, hex);
	if (memcmp(buf + strlen(magic) + 1, hex, 64) != 0) {
		snprintf(err, errlen,
		    "%s: the checksum does not match: the file is truncated, "
		    "damaged or altered; nothing of it was used",
		    name);
		return NULL;
	}
	m = protobuf_c_message_unpack(desc, NULL, len - head, buf + head);
	if (m == NULL) {
		snprintf(err, errlen, "%s: the contents cannot be read", name);
		return NULL;
	}
	if (desc == &hoptac__v1__bundle__descriptor &&
	    bundle_check_entries((Hoptac__V1__Bundle *)m, name, err, errlen) !=
	        0) {
		protobuf_c_message_free_unpacked(m, NULL);
		m = NULL;
	}
	return m;
}

ProtobufCMessage *
bundle_read_file(const char *path, const char *magic,
    const ProtobufCMessageDescriptor *desc, char *err, size_t errlen)
{
	size_t len = 0;
	uint8_t *buf = bundle_slurp(path, &len, err, errlen);
	ProtobufCMessage *m;

	if (buf == NULL)
		return NULL;
	m = bundle_read_mem(buf, len, path, magic, desc, err, errlen);
	free(buf);
	return m;
}
