/*
 * The server's TLS configuration, read from its certificate and key
 * files (PEM); the key's copy in memory is wiped once nng holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>

#include "tls.h"

#define TLS_PEM_MAX (1 << 20)

/* A PEM file as a NUL-terminated string (malloc'd), or NULL. */
static char *
tls_read_pem(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(TLS_PEM_MAX + 1)) != NULL) {
		n = fread(buf, 1, TLS_PEM_MAX + 1, f);
		if (ferror(f) || n > TLS_PEM_MAX || n == 0) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

int
tls_server_config(const char *cert_path, const char *key_path,
    nng_tls_config **out, char *err, size_t errlen)
{
	char *cert = NULL, *key = NULL;
	int rv = -1;

	if (nng_tls_config_alloc(out, NNG_TLS_MODE_SERVER) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((cert = tls_read_pem(cert_path)) == NULL ||
	    (key = tls_read_pem(key_path)) == NULL) {
		snprintf(err, errlen, "cannot read %s",
		    cert == NULL ? cert_path : key_path);
		goto out;
	}
	if ((rv = nng_tls_config_own_cert(*out, cert, key, NULL)) != 0) {
		snprintf(err, errlen, "tls_cert %s and tls_key %s: %s",
		    cert_path, key_path, nng_strerror(rv));
		rv = -1;
		goto out;
	}
	rv = 0;
out:
	free(cert);
	if (key != NULL)
		memset(key, 0, strlen(key));
	free(key);
	if (rv != 0) {
		nng_tls_config_free(*out);
		*out = NULL;
	}
	return rv;
}
