/*
 * The server's TLS configuration (tls.c).
 */
#ifndef HOPTAC_TLS_H
#define HOPTAC_TLS_H

#include <stddef.h>

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>

/* A server TLS configuration (*out, freed with nng_tls_config_free) from
 * the PEM files cert_path and key_path; 0, or -1 with the reason in err.
 */
int tls_server_config(const char *cert_path, const char *key_path,
    nng_tls_config **out, char *err, size_t errlen);

#endif
