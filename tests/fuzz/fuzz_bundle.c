/*
 * Bundle and receipt files, as `hoptac bundle apply` and `hoptac
 * import-receipt` read them (bundle_read_mem is bundle_read_file after
 * the file is read). Each input is read twice as it is, once as a bundle
 * and once as a receipt, which tries the kind line and the checksum. A
 * random change almost never keeps the checksum right, so when the input
 * has the shape of a file (kind line, 64 characters, line end) it is also
 * read with its checksum made right: that reaches the unpacking, the
 * entries' own checksums, what bundle apply checks of a bundle before
 * applying it (the signature against a key, each entry's records and
 * their unit) and, for a receipt, the PullResponse it carries.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "bundle.h"
#include "bundle_sign.h"
#include "fuzz.h"
#include "hoptac/v1/bundle.pb-c.h"
#include "hoptac/v1/services.pb-c.h"

static void
fuzz_bundle_read(const uint8_t *data, size_t size, const char *magic,
    const ProtobufCMessageDescriptor *desc)
{
	ProtobufCMessage *m;
	char err[512];

	m = bundle_read_mem(data, size, "fuzz", magic, desc, err, sizeof(err));
	if (m == NULL)
		return;
	if (desc == &hoptac__v1__bundle__descriptor) {
		const Hoptac__V1__Bundle *b = (const Hoptac__V1__Bundle *)m;
		Hoptac__V1__SigningKey k = HOPTAC__V1__SIGNING_KEY__INIT;

		/* What bundle apply checks, with a key of the bundle's own
		 * id and unit (which no signature matches), then the
		 * records' units alone, which it reaches only after. */
		k.id = b->key_id;
		k.unit_code = b->unit_code;
		(void)bundle_verify(b, &k, "fuzz", err, sizeof(err));
		(void)bundle_check_units(
		    b, b->unit_code, "fuzz", err, sizeof(err));
	}
	if (desc == &hoptac__v1__receipt__descriptor) {
		const Hoptac__V1__Receipt *r = (const Hoptac__V1__Receipt *)m;
		Hoptac__V1__PullResponse *p;

		/* What import-receipt does with what the receipt brings. */
		if (r->pull.len > 0 &&
		    (p = hoptac__v1__pull_response__unpack(
		         NULL, r->pull.len, r->pull.data)) != NULL)
			hoptac__v1__pull_response__free_unpacked(p, NULL);
	}
	protobuf_c_message_free_unpacked(m, NULL);
}

/* Reads data with the checksum its header should have, when it has a
 * header of kind magic. */
static void
fuzz_bundle_sealed(const uint8_t *data, size_t size, const char *magic,
    const ProtobufCMessageDescriptor *desc)
{
	static const char hex[] = "0123456789abcdef";
	size_t mlen = strlen(magic), head = mlen + 1 + 64 + 1;
	uint8_t digest[32], *copy;

	if (size < head || memcmp(data, magic, mlen) != 0 ||
	    data[mlen] != '\n' || data[head - 1] != '\n')
		return;
	if ((copy = malloc(size)) == NULL)
		return;
	memcpy(copy, data, size);
	mbedtls_sha256_ret(copy + head, size - head, digest, 0);
	for (size_t i = 0; i < 32; i++) {
		copy[mlen + 1 + 2 * i] = (uint8_t)hex[digest[i] >> 4];
		copy[mlen + 2 + 2 * i] = (uint8_t)hex[digest[i] & 15];
	}
	fuzz_bundle_read(copy, size, magic, desc);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_bundle_read(
	    data, size, BUNDLE_MAGIC, &hoptac__v1__bundle__descriptor);
	fuzz_bundle_read(
	    data, size, RECEIPT_MAGIC, &hoptac__v1__receipt__descriptor);
	fuzz_bundle_sealed(
	    data, size, BUNDLE_MAGIC, &hoptac__v1__bundle__descriptor);
	fuzz_bundle_sealed(
	    data, size, RECEIPT_MAGIC, &hoptac__v1__receipt__descriptor);
	return 0;
}
