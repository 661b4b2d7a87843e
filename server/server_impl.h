/* The server's state, shared by the files of server/ and nothing else. */
#ifndef HOPTAC_SERVER_IMPL_H
#define HOPTAC_SERVER_IMPL_H

#include <stdatomic.h>

#include <nng/nng.h>

#include "call.h"
#include "server.h"

struct server_slot;

struct server {
	struct server_config cfg; /* copy; strings owned */
	nng_socket sock;
	nng_listener listeners[SERVER_MAX_LISTEN];
	size_t n_listeners;
	struct server_slot *slots; /* cfg.contexts of them */
	struct writer *writer;
	struct readpool *readers;
	atomic_int stopping;
	atomic_int busy; /* slots between receipt and the end of their send */
};

#endif
