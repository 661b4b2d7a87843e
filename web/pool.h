/*
 * Connections to hoptacd kept between HTTP requests: an idle client of
 * the client library, each with the credential it was opened with, is
 * given back at the end of a request and taken again by the next one
 * with the same credential, so that a page costs its calls and not a
 * new connection (TCP, and TLS for tls+tcp://). At most cap idle in all
 * and WEB_POOL_PER_CREDENTIAL for one credential, none idle longer than
 * WEB_POOL_IDLE_S; a client whose call failed on the way (hoptacd away,
 * restarted, slow) is closed, not kept, and the next request dials
 * anew. At most limit clients are open at once, idle or in use, so that
 * hoptacd's limit of connections from one address is never reached: a
 * request beyond it waits for one to come back.
 */
#ifndef HOPTAC_WEB_POOL_H
#define HOPTAC_WEB_POOL_H

#include "rpc_client.h"

#define WEB_POOL_PER_CREDENTIAL 4
#define WEB_POOL_IDLE_S         60
#define WEB_POOL_KEY            32 /* bytes: SHA-256 of the credential */

/* Keeps at most cap idle clients (0: none, a connection per request)
 * and limit open at once. */
void web_pool_init(unsigned cap, unsigned limit);

/* Closes every idle client. */
void web_pool_fini(void);

/* The key of credential token, into key. */
void web_pool_key(const char *token, unsigned char key[WEB_POOL_KEY]);

/* An idle client of credential key taken out of the pool, else one that
 * open(arg) opens, when fewer than limit are open, waiting up to wait_ms
 * for one to be given back. NULL: open failed, or the wait was over. */
struct rpc_client *web_pool_take(const unsigned char key[WEB_POOL_KEY],
    struct rpc_client *(*open)(void *arg), void *arg, unsigned wait_ms);

/* Gives c (owned, from web_pool_take; NULL: none) back for key when
 * reusable and there is room, else closes it. */
void web_pool_give(
    struct rpc_client *c, const unsigned char key[WEB_POOL_KEY], int reusable);

/* Closes the idle clients of key: its session ended. */
void web_pool_drop(const unsigned char key[WEB_POOL_KEY]);

#endif
