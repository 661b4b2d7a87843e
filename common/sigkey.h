/*
 * Signing keys of offices (docs/bundle.md, "Signatures"): ECDSA on the
 * P-256 curve over SHA-256 digests, with mbedTLS. A private key is kept
 * as PEM (SEC1) on the office's machine; its public half travels as DER
 * (SubjectPublicKeyInfo) and is named by its id: the first 8 bytes of
 * the SHA-256 of that DER, in hex.
 */
#ifndef HOPTAC_SIGKEY_H
#define HOPTAC_SIGKEY_H

#include <stddef.h>
#include <stdint.h>

#define SIGKEY_ID_LEN     16
#define SIGKEY_PUBLIC_MAX 160 /* a P-256 public key's DER is 91 bytes */
#define SIGKEY_SIG_MAX    80  /* an ECDSA P-256 signature's DER, at most 72 */
#define SIGKEY_PEM_MAX    512

/* Checks that der is a P-256 public key and writes its id. 0, or -1 with
 * a reason in err. */
int sigkey_public_id(const uint8_t *der, size_t len, char id[SIGKEY_ID_LEN + 1],
    char *err, size_t errlen);

/* Whether sig is a signature of digest by the public key der: 0 if it
 * is, -1 otherwise (a bad key included). */
int sigkey_verify(const uint8_t *der, size_t len, const uint8_t digest[32],
    const uint8_t *sig, size_t siglen);

/* A new private key as NUL-terminated PEM in pem. 0, or -1. */
int sigkey_generate(char pem[SIGKEY_PEM_MAX]);

/* The public half of the private key pem: DER into der (*len set). 0, or
 * -1 when pem is not a P-256 private key. */
int sigkey_public_of(
    const char *pem, uint8_t der[SIGKEY_PUBLIC_MAX], size_t *len);

/* Signs digest with the private key pem: DER into sig (*len set). 0, or
 * -1. */
int sigkey_sign(const char *pem, const uint8_t digest[32],
    uint8_t sig[SIGKEY_SIG_MAX], size_t *len);

#endif
