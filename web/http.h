/*
 * hoptac-web's HTTP server (libmicrohttpd): limits, the access log, and
 * the headers every answer carries (http.c).
 */
#ifndef HOPTAC_WEB_HTTP_H
#define HOPTAC_WEB_HTTP_H

#include <stddef.h>

#include "web.h"

struct MHD_Daemon;

/* Starts serving cfg->listen, over TLS when cert_pem is not NULL (then
 * key_pem too, both PEM text). NULL, with the reason in err. */
struct MHD_Daemon *http_start(struct web_config *cfg, const char *cert_pem,
    const char *key_pem, char *err, size_t errlen);

/* Stops serving (requests in flight are finished) and closes the log. */
void http_stop(struct MHD_Daemon *d);

#endif
