/*
 * Bundles signed by their office (docs/bundle.md, "Signatures"): the
 * office's private key, kept in a private file beside its outbox, signs
 * the SHA-256 of the bundle packed with its signature empty; whoever
 * applies a bundle verifies it with the public key the server vouches
 * for (Credentials/GetKey), never with one the bundle carries, and
 * refuses any record of another unit than the key's.
 */
#ifndef HOPTAC_BUNDLE_SIGN_H
#define HOPTAC_BUNDLE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/bundle.pb-c.h"
#include "sigkey.h"

/* The SHA-256 the signature is made over: b packed with signature
 * empty (b is left as it was). 0, or -1 when out of memory. */
int bundle_signed_digest(const Hoptac__V1__Bundle *b, uint8_t out[32]);

/* Reads the private key file path (a private regular file) into pem.
 * 0; 1 when there is no such file; -1 with a reason in err. */
int bundle_key_load(
    const char *path, char pem[SIGKEY_PEM_MAX], char *err, size_t errlen);

/* Makes a new private key and writes it to path (mode 0600, safefile.h),
 * refusing a path that exists. 0, or -1 with a reason in err. */
int bundle_key_create(
    const char *path, char pem[SIGKEY_PEM_MAX], char *err, size_t errlen);

/* Sets b's key_id and signature with the private key pem. 0, or -1 with
 * a reason in err. */
int bundle_sign(
    Hoptac__V1__Bundle *b, const char *pem, char *err, size_t errlen);

/* Whether b carries a signature and the id of its key: 0, or -1 with
 * the reason in err. Checked before the server is asked for the key. */
int bundle_sign_present(
    const Hoptac__V1__Bundle *b, const char *name, char *err, size_t errlen);

/* Whether b may be applied as the work of the office whose key the
 * server vouched for as k: the signature is k's over b; b names no other
 * unit; every entry is a call an office queues (Activities/Submit,
 * Activities/Amend, Reports/Submit) for k's unit alone. 0, or -1 with
 * the reason, for the department, in err (name stands for the file). */
int bundle_verify(const Hoptac__V1__Bundle *b, const Hoptac__V1__SigningKey *k,
    const char *name, char *err, size_t errlen);

/* The part of bundle_verify that needs no key: every entry is a call an
 * office queues, for unit alone. 0, or -1 with the reason in err. */
int bundle_check_units(const Hoptac__V1__Bundle *b, const char *unit,
    const char *name, char *err, size_t errlen);

#endif
