/* The server's state, shared by the files of server/ and nothing else. */
#ifndef HOPTAC_SERVER_IMPL_H
#define HOPTAC_SERVER_IMPL_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <nng/nng.h>

#include "call.h"
#include "server.h"

struct server_slot;

/* The key pipes of one peer share: a family tag, then the IPv4 address
 * or the /64 of an IPv6 one; all zero for ipc. */
#define SERVER_ADDR_LEN 9

/* One admitted connection. */
struct server_pipe {
	uint32_t id;
	int calls;         /* its requests being served */
	int unread;        /* of their replies, those its peer leaves unread */
	int64_t active_ms; /* admitted, or its last request or reply */
	uint8_t addr[SERVER_ADDR_LEN];
	/* Where it comes from, as the log and the audit trail show it
	 * ("127.0.0.1:5123", "[2001:db8::1]:5123", "ipc"): read once, not a
	 * getpeername a call. Room for the longest IPv6 text and a port. */
	char peer[INET6_ADDRSTRLEN + 8];
};

struct server {
	struct server_config cfg; /* copy; strings owned */
	nng_socket sock;
	nng_listener listeners[SERVER_MAX_LISTEN];
	size_t n_listeners;
	/* The watchdog: checks the ipc listeners (ipcwatch.h) and closes
	 * idle connections. A thread, woken to stop. */
	pthread_t watch_thread;
	int watching;
	pthread_mutex_t watch_mu;
	pthread_cond_t watch_cv;
	int watch_stop;
	atomic_uint accepted[SERVER_MAX_LISTEN]; /* pipes each listener added */
	/* The connections admitted, by pipe id, sorted; max_connections of
	 * room. nng 1.5.2 reports the removal of a pipe closed at ADD_PRE
	 * too, so only an id found here is an admitted one leaving. */
	pthread_mutex_t pipes_mu;
	struct server_pipe *pipes; /* owned */
	int n_pipes;
	int64_t refused_logged_ms; /* HOPTACD-CONNECTIONS, under pipes_mu */
	int64_t crowd_logged_ms;   /* HOPTACD-CONNECTIONS-ADDRESS, likewise */
	int64_t unread_logged_ms;  /* HOPTACD-UNREAD, likewise */
	uint32_t *idle_ids;        /* owned; the watchdog's, to close */
	struct server_slot *slots; /* cfg.contexts of them */
	struct auth *auth;         /* credentials; reloaded by the writer */
	struct writer *writer;
	struct readers *readers;
	atomic_int stopping;
	atomic_int busy; /* slots between receipt and the end of their send */
};

#endif
