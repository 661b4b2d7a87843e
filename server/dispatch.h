/*
 * Dispatch: from an nng message to a routed call, and from a finished
 * call to the reply message. Methods are found by full name through the
 * service descriptors protoc-c generates, never by index.
 */
#ifndef HOPTAC_DISPATCH_H
#define HOPTAC_DISPATCH_H

#include <nng/nng.h>

#include "call.h"

/* Resolves the method table against the generated descriptors. Returns 0,
 * or -1 if a table entry names a method that does not exist. */
int dispatch_init(void);

/* The method with this full name, or NULL. */
const struct method *dispatch_find(const char *full_name);

/* The method table, for reflection. */
size_t dispatch_count(void);
const struct method *dispatch_at(size_t i);

/* Decodes msg (freed here) into c and runs or queues the call; c->peer
 * is the caller's to set, from msg's pipe. While the server is stopping, every call but Health's is refused
 * UNAVAILABLE. The call always ends with c->finish(c), possibly before
 * this returns. */
void dispatch_start(struct call *c, nng_msg *msg, int stopping);

/* Whether a finished call still needs its audit row: every mutating
 * call and every call refused for who made it (docs/SECURITY.md). Not,
 * while the server is stopping, one that ended UNAVAILABLE: it has not
 * run, and the writer may be gone. */
int dispatch_audited(const struct call *c, int stopping);

/* The reply for a finished call, as a new nng message, and the call's
 * line in the log. The call is left as it is, for call_reset. NULL only
 * when out of memory. */
nng_msg *dispatch_reply(struct call *c);

#endif
