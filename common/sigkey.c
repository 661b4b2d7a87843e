#include "sigkey.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "text.h"

/* mbedTLS's random source: the kernel's. */
static int
sigkey_random(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	while (len > 0) {
		ssize_t n = getrandom(out, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		out += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Whether pk holds a key on P-256. */
static int
sigkey_is_p256(mbedtls_pk_context *pk)
{
	return mbedtls_pk_get_type(pk) == MBEDTLS_PK_ECKEY &&
	    mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
}

int
sigkey_public_id(const uint8_t *der, size_t len, char id[SIGKEY_ID_LEN + 1],
    char *err, size_t errlen)
{
	mbedtls_pk_context pk;
	uint8_t d[32];
	int rc = -1;

	mbedtls_pk_init(&pk);
	if (len == 0 || len > SIGKEY_PUBLIC_MAX ||
	    mbedtls_pk_parse_public_key(&pk, der, len) != 0) {
		snprintf(err, errlen, "not a public key (DER)");
		goto out;
	}
	if (!sigkey_is_p256(&pk)) {
		snprintf(err, errlen, "not an ECDSA key on the P-256 curve");
		goto out;
	}
	mbedtls_sha256_ret(der, len, d, 0);
	text_hex(d, SIGKEY_ID_LEN / 2, id);
	rc = 0;
out:
	mbedtls_pk_free(&pk);
	return rc;
}

int
sigkey_verify(const uint8_t *der, size_t len, const uint8_t digest[32],
    const uint8_t *sig, size_t siglen)
{
	mbedtls_pk_context pk;
	int rc = -1;

	mbedtls_pk_init(&pk);
	if (len > 0 && mbedtls_pk_parse_public_key(&pk, der, len) == 0 &&
	    sigkey_is_p256(&pk) && siglen > 0 &&
	    mbedtls_pk_verify(
	        &pk, MBEDTLS_MD_SHA256, digest, 32, sig, siglen) == 0)
		rc = 0;
	mbedtls_pk_free(&pk);
	return rc;
}

int
sigkey_generate(char pem[SIGKEY_PEM_MAX])
{
	mbedtls_pk_context pk;
	int rc = -1;

	mbedtls_pk_init(&pk);
	if (mbedtls_pk_setup(
	        &pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) == 0 &&
	    mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(pk),
	        sigkey_random, NULL) == 0 &&
	    mbedtls_pk_write_key_pem(
	        &pk, (unsigned char *)pem, SIGKEY_PEM_MAX) == 0)
		rc = 0;
	mbedtls_pk_free(&pk);
	return rc;
}

/* Parses the private key pem into pk: 0, or -1 unless it is on P-256. */
static int
sigkey_parse_private(mbedtls_pk_context *pk, const char *pem)
{
	return mbedtls_pk_parse_key(pk, (const unsigned char *)pem,
	           strlen(pem) + 1, NULL, 0) == 0 &&
	        sigkey_is_p256(pk)
	    ? 0
	    : -1;
}

int
sigkey_public_of(const char *pem, uint8_t der[SIGKEY_PUBLIC_MAX], size_t *len)
{
	mbedtls_pk_context pk;
	int n = -1;

	mbedtls_pk_init(&pk);
	/* mbedTLS writes DER at the end of the buffer. */
	if (sigkey_parse_private(&pk, pem) == 0 &&
	    (n = mbedtls_pk_write_pubkey_der(&pk, der, SIGKEY_PUBLIC_MAX)) >
	        0) {
		memmove(der, der + SIGKEY_PUBLIC_MAX - n, (size_t)n);
		*len = (size_t)n;
	}
	mbedtls_pk_free(&pk);
	return n > 0 ? 0 : -1;
}

int
sigkey_sign(const char *pem, const uint8_t digest[32],
    uint8_t sig[SIGKEY_SIG_MAX], size_t *len)
{
	mbedtls_pk_context pk;
	int rc = -1;

	mbedtls_pk_init(&pk);
	if (sigkey_parse_private(&pk, pem) == 0 &&
	    mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, digest, 32, sig, len,
	        sigkey_random, NULL) == 0 &&
	    *len <= SIGKEY_SIG_MAX)
		rc = 0;
	mbedtls_pk_free(&pk);
	return rc;
}
