/*
 * The listener: one REP socket, a pool of contexts each with its own aio
 * (the pattern of nng's demo/async) and one more to send replies, and
 * the server's start and stop.
 * Callbacks never block: work that touches the store goes to a queue.
 */
#include "server_impl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/supplemental/util/platform.h>

#include "callq.h"
#include "dispatch.h"
#include "handlers.h"
#include "ipcwatch.h"
#include "log.h"
#include "readers.h"
#include "rpc.h"
#include "status.h"
#include "store.h"
#include "tls.h"
#include "writer.h"

enum slot_state {
	SLOT_RECV,
	SLOT_WORK,
	SLOT_SEND,
};

/* How long a slot waits, at first and at most, before it looks again
 * at a reply queued behind another on the same connection. */
#define SLOT_QUEUED_MS     1
#define SLOT_QUEUED_MAX_MS 64
/* A reply queued this long behind another on its connection is unread:
 * a client that waits for each reply never has one queued for more than
 * the moment nng takes to note that the one before it has left. */
#define SLOT_UNREAD_MS 60

struct server_slot {
	struct server *srv;
	nng_aio *aio; /* receives; waits while a queued reply is sent */
	/* Sends, without a callback: see server_slot_finish. */
	nng_aio *saio;
	nng_ctx ctx;
	enum slot_state state;
	uint32_t pipe; /* the pipe of the call in progress */
	int queued_ms; /* the slot's next wait for a queued reply */
	int waited_ms; /* how long its reply has waited so far */
	int unread;    /* 1: counted in its pipe's unread replies */
	struct call call;
};

static void server_pipe_calls(struct server *s, uint32_t pid, int delta,
    int unread, char *peer, size_t len);
static void server_slot_unread(struct server_slot *s);

static void
server_slot_recv(struct server_slot *s)
{
	s->state = SLOT_RECV;
	nng_ctx_recv(s->ctx, s->aio);
}

/* Whether the reply in s->saio has left: nng 1.5.2 has no nng_aio_busy.
 * rep0 takes the message out of the aio when it hands it to the pipe,
 * then completes the aio; a failure completes it at once, the message
 * left in it. Only a reply queued behind another on the same connection
 * stays in the aio with no result yet. nng_aio_wait covers the moment
 * between the taking and the completing. */
static int
server_slot_sent(struct server_slot *s)
{
	if (nng_aio_get_msg(s->saio) != NULL && nng_aio_result(s->saio) == 0)
		return 0;
	nng_aio_wait(s->saio);
	return 1;
}

/* The call is over (rv: how its reply went): the slot takes the next
 * one, unless the server is closing. */
static void
server_slot_end(struct server_slot *s, int rv)
{
	server_pipe_calls(s->srv, s->pipe, -1, -s->unread, NULL, 0);
	s->unread = 0;
	atomic_fetch_sub(&s->srv->busy, 1);
	if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
		return;
	server_slot_recv(s);
}

/* Ends the call once its reply has left (or failed); until then, looks
 * again after a wait that doubles from SLOT_QUEUED_MS to
 * SLOT_QUEUED_MAX_MS (queued_ms 0 before the first). */
static void
server_slot_await(struct server_slot *s)
{
	int rv;

	if (server_slot_sent(s)) {
		if ((rv = nng_aio_result(s->saio)) != 0) {
			nng_msg_free(nng_aio_get_msg(s->saio));
			nng_aio_set_msg(s->saio, NULL);
		}
		server_slot_end(s, rv);
		return;
	}
	s->waited_ms += s->queued_ms;
	if (s->waited_ms >= SLOT_UNREAD_MS)
		server_slot_unread(s);
	if (s->queued_ms == 0)
		s->queued_ms = SLOT_QUEUED_MS;
	else if (s->queued_ms < SLOT_QUEUED_MAX_MS)
		s->queued_ms *= 2;
	nng_sleep_aio(s->queued_ms, s->aio);
}

/* Called from any thread when a call has its outcome. */
static void
server_slot_finish(struct call *c)
{
	struct server_slot *s = (struct server_slot *)((char *)c -
	    offsetof(struct server_slot, call));
	nng_msg *reply;

	if (dispatch_audited(c, server_stopping(s->srv))) {
		/* The writer appends the row, then finishes it again. */
		c->audit_only = 1;
		writer_submit(s->srv->writer, c);
		return;
	}
	reply = dispatch_reply(c);
	call_reset(c); /* the reply holds copies; the slot takes the next */
	if (reply == NULL) {
		/* Out of memory: the client retries on its deadline. */
		server_slot_end(s, 0);
		return;
	}
	/* With no callback on saio, a reply that nng writes at once has
	 * left when nng_ctx_send returns, and the slot takes the next call
	 * on this thread: a callback would be one more hand-off to nng's
	 * task threads a call (docs/PERFORMANCE.md).
	 * A reply queued behind another is looked at again after a while,
	 * by the slot's receiving aio. */
	s->state = SLOT_SEND;
	s->queued_ms = 0;
	s->waited_ms = 0;
	nng_aio_set_msg(s->saio, reply);
	nng_ctx_send(s->ctx, s->saio);
	server_slot_await(s);
}

static void
server_slot_cb(void *arg)
{
	struct server_slot *s = arg;
	int rv = nng_aio_result(s->aio);
	nng_msg *msg;

	switch (s->state) {
	case SLOT_RECV:
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return; /* shutting down */
		if (rv != 0) {
			log_warnx("HOPTACD-RECV: %s", nng_strerror(rv));
			server_slot_recv(s);
			return;
		}
		msg = nng_aio_get_msg(s->aio);
		s->pipe = (uint32_t)nng_pipe_id(nng_msg_get_pipe(msg));
		server_pipe_calls(
		    s->srv, s->pipe, 1, 0, s->call.peer, sizeof(s->call.peer));
		atomic_fetch_add(&s->srv->busy, 1);
		s->state = SLOT_WORK;
		dispatch_start(&s->call, msg, server_stopping(s->srv));
		return;
	case SLOT_SEND: /* a wait for a queued reply is over */
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return; /* shutting down: server_free stops saio */
		server_slot_await(s);
		return;
	case SLOT_WORK:
		return; /* no aio is pending while a call works */
	}
}

#define SERVER_WATCH_MS 1000
#define SERVER_PROBE_MS 500

/* Re-creates the listener of cfg->listen[i] after the old one stopped
 * accepting. Closing it also drops the pipes it had accepted; their
 * clients reconnect and resend, which idempotency makes safe. */
static void
server_restore(struct server *s, size_t i)
{
	int rv;

	nng_listener_close(s->listeners[i]);
	rv = nng_listen(s->sock, s->cfg.listen[i], &s->listeners[i], 0);
	if (rv != 0) {
		log_error("HOPTACD-IPC-RESTORE: cannot listen again on %s: %s",
		    s->cfg.listen[i], nng_strerror(rv));
		return;
	}
	log_warnx("HOPTACD-IPC-RESTORE: %s had stopped accepting; restored",
	    s->cfg.listen[i]);
}

#define SERVER_REFUSED_LOG_MS 10000

/* Where pid is, or would go, in the sorted admitted pipes. */
static int
server_pipe_find(const struct server *s, uint32_t pid)
{
	int lo = 0, hi = s->n_pipes;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (s->pipes[mid].id < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The admitted pipe pid, or NULL. Under pipes_mu. */
static struct server_pipe *
server_pipe_get(struct server *s, uint32_t pid)
{
	int at = server_pipe_find(s, pid);

	if (at < s->n_pipes && s->pipes[at].id == pid)
		return &s->pipes[at];
	return NULL;
}

/* "a.b.c.d:port" of an IPv4 address (4 bytes) and a port as nng keeps
 * it, in network order. */
static void
server_peer_v4(const uint8_t *a, uint16_t port, char *peer, size_t len)
{
	snprintf(peer, len, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3],
	    (unsigned)ntohs(port));
}

/* The key of p's peer, and where it comes from as the log shows it
 * ("[2001:db8::1]:5123" for IPv6). An IPv6 peer counts by its /64,
 * which is what one site is given and can spread its connections over;
 * an IPv4-mapped one as the IPv4 address it is. ipc peers are all
 * local: one key. */
static void
server_pipe_addr(
    nng_pipe p, uint8_t key[SERVER_ADDR_LEN], char *peer, size_t len)
{
	static const uint8_t mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	nng_sockaddr sa;

	memset(key, 0, SERVER_ADDR_LEN);
	snprintf(peer, len, "-");
	if (nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) != 0)
		return;
	if (sa.s_family == NNG_AF_INET) {
		key[0] = NNG_AF_INET;
		memcpy(key + 1, &sa.s_in.sa_addr, 4);
		server_peer_v4(key + 1, sa.s_in.sa_port, peer, len);
	} else if (sa.s_family == NNG_AF_INET6 &&
	    memcmp(sa.s_in6.sa_addr, mapped, 12) == 0) {
		key[0] = NNG_AF_INET;
		memcpy(key + 1, sa.s_in6.sa_addr + 12, 4);
		server_peer_v4(key + 1, sa.s_in6.sa_port, peer, len);
	} else if (sa.s_family == NNG_AF_INET6) {
		char ip[INET6_ADDRSTRLEN];

		key[0] = NNG_AF_INET6;
		memcpy(key + 1, sa.s_in6.sa_addr, 8);
		if (inet_ntop(AF_INET6, sa.s_in6.sa_addr, ip, sizeof(ip)) ==
		    NULL)
			snprintf(ip, sizeof(ip), "?");
		snprintf(peer, len, "[%s]:%u", ip,
		    (unsigned)ntohs(sa.s_in6.sa_port));
	} else if (sa.s_family == NNG_AF_IPC) {
		snprintf(peer, len, "ipc");
	} else {
		snprintf(peer, len, "family-%d", sa.s_family);
	}
}

/* The key as an operator reads it, for the log. */
static const char *
server_addr_str(const uint8_t key[SERVER_ADDR_LEN], char *buf, size_t len)
{
	uint8_t in6[16] = {0};

	if (key[0] == NNG_AF_INET)
		return inet_ntop(AF_INET, key + 1, buf, (socklen_t)len);
	if (key[0] != NNG_AF_INET6)
		return "local (ipc)";
	memcpy(in6, key + 1, 8);
	if (inet_ntop(AF_INET6, in6, buf, (socklen_t)len - 3) == NULL)
		return "?";
	memcpy(buf + strlen(buf), "/64", 4); /* room left by inet_ntop's len */
	return buf;
}

/* How many admitted pipes have this key; their unread replies in
 * *unread, unless NULL. Under pipes_mu. */
static int
server_pipe_crowd(
    const struct server *s, const uint8_t key[SERVER_ADDR_LEN], int *unread)
{
	int n = 0, u = 0;

	for (int i = 0; i < s->n_pipes; i++) {
		if (memcmp(s->pipes[i].addr, key, SERVER_ADDR_LEN) != 0)
			continue;
		n++;
		u += s->pipes[i].unread;
	}
	if (unread != NULL)
		*unread = u;
	return n;
}

/* Whether to log now, at most every SERVER_REFUSED_LOG_MS. Under
 * pipes_mu. */
static int
server_log_due(int64_t *last)
{
	int64_t now = rpc_now_ms();

	if (now - *last < SERVER_REFUSED_LOG_MS)
		return 0;
	*last = now;
	return 1;
}

/* Counts the pipes each listener hands to the socket: the sign that its
 * accept path works. Then admits the connection, or closes it when
 * max_connections are open: each may hold a message of up to 4 MiB being
 * received, so their number is what bounds the server's memory. Nor may
 * one address take more than max_connections_per_address of them, so
 * that whoever holds connections open from one place cannot lock every
 * other place out. A pipe closed here is never seen again, not even by
 * pipe_removed. */
static void
server_pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct server *s = arg;
	int id = nng_listener_id(nng_pipe_listener(p));
	struct server_pipe pp = {.id = (uint32_t)nng_pipe_id(p)};
	int at, full = 0, crowded = 0;
	char addr[INET6_ADDRSTRLEN + 4];

	(void)ev;
	for (size_t i = 0; i < s->n_listeners; i++)
		if (nng_listener_id(s->listeners[i]) == id)
			atomic_fetch_add(&s->accepted[i], 1);
	server_pipe_addr(p, pp.addr, pp.peer, sizeof(pp.peer));
	pthread_mutex_lock(&s->pipes_mu);
	if (s->n_pipes >= s->cfg.max_connections) {
		full = server_log_due(&s->refused_logged_ms) ? 2 : 1;
	} else if (server_pipe_crowd(s, pp.addr, NULL) >=
	    s->cfg.max_connections_per_address) {
		crowded = server_log_due(&s->crowd_logged_ms) ? 2 : 1;
	} else {
		pp.active_ms = rpc_now_ms();
		at = server_pipe_find(s, pp.id);
		memmove(&s->pipes[at + 1], &s->pipes[at],
		    (size_t)(s->n_pipes - at) * sizeof(*s->pipes));
		s->pipes[at] = pp;
		s->n_pipes++;
	}
	pthread_mutex_unlock(&s->pipes_mu);
	if (!full && !crowded)
		return;
	nng_pipe_close(p);
	if (full == 2)
		log_warnx("HOPTACD-CONNECTIONS: %d connections open "
		          "(max_connections): new ones are closed",
		    s->cfg.max_connections);
	if (crowded == 2)
		log_warnx("HOPTACD-CONNECTIONS-ADDRESS: %s holds %d "
		          "connections (max_connections_per_address): new "
		          "ones from it are closed",
		    server_addr_str(pp.addr, addr, sizeof(addr)),
		    s->cfg.max_connections_per_address);
}

static void
server_pipe_removed(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct server *s = arg;
	uint32_t pid = (uint32_t)nng_pipe_id(p);
	int at;

	(void)ev;
	pthread_mutex_lock(&s->pipes_mu);
	at = server_pipe_find(s, pid);
	if (at < s->n_pipes && s->pipes[at].id == pid) {
		memmove(&s->pipes[at], &s->pipes[at + 1],
		    (size_t)(s->n_pipes - at - 1) * sizeof(*s->pipes));
		s->n_pipes--;
	}
	pthread_mutex_unlock(&s->pipes_mu);
}

/* A call of pipe pid begins (delta 1) or ends (-1, and unread -1 if its
 * reply had been counted unread): it is not idle meanwhile, and its idle
 * time counts from the last of either. Where the pipe comes from into
 * peer, unless NULL ("-" if it is gone). */
static void
server_pipe_calls(struct server *s, uint32_t pid, int delta, int unread,
    char *peer, size_t len)
{
	struct server_pipe *pp;

	pthread_mutex_lock(&s->pipes_mu);
	if ((pp = server_pipe_get(s, pid)) != NULL) {
		pp->calls += delta;
		pp->unread += unread;
		pp->active_ms = rpc_now_ms();
	}
	if (peer != NULL)
		snprintf(peer, len, "%s", pp != NULL ? pp->peer : "-");
	pthread_mutex_unlock(&s->pipes_mu);
}

/* The reply of slot s has waited SLOT_UNREAD_MS or more behind another
 * on its connection: its peer sends calls ahead and leaves the replies
 * unread, each holding a context. Counts it; closes the connection when
 * its address leaves more than max_unread_per_address replies unread,
 * or when this one has waited idle_timeout_ms. Closing the pipe ends
 * the replies queued on it, and frees their contexts. */
static void
server_slot_unread(struct server_slot *s)
{
	struct server *srv = s->srv;
	struct server_pipe *pp;
	uint8_t key[SERVER_ADDR_LEN];
	char addr[INET6_ADDRSTRLEN + 4];
	int unread = 0, crowded = 0, stale = 0, due = 0;
	nng_pipe p = NNG_PIPE_INITIALIZER;

	pthread_mutex_lock(&srv->pipes_mu);
	if ((pp = server_pipe_get(srv, s->pipe)) != NULL) {
		if (!s->unread) {
			s->unread = 1;
			pp->unread++;
			server_pipe_crowd(srv, pp->addr, &unread);
			crowded = unread > srv->cfg.max_unread_per_address;
		}
		stale = srv->cfg.idle_timeout_ms > 0 &&
		    s->waited_ms >= srv->cfg.idle_timeout_ms;
		if (crowded || stale)
			due = server_log_due(&srv->unread_logged_ms);
		memcpy(key, pp->addr, sizeof(key));
	}
	pthread_mutex_unlock(&srv->pipes_mu);
	if (!crowded && !stale)
		return;
	p.id = s->pipe;
	nng_pipe_close(p);
	if (due && crowded)
		log_warnx("HOPTACD-UNREAD: %s leaves %d replies unread "
		          "(max_unread_per_address %d): the connection of the "
		          "last one is closed",
		    server_addr_str(key, addr, sizeof(addr)), unread,
		    srv->cfg.max_unread_per_address);
	else if (due)
		log_warnx("HOPTACD-UNREAD: a connection from %s left a reply "
		          "unread for %d ms (idle_timeout_ms): closed",
		    server_addr_str(key, addr, sizeof(addr)), s->waited_ms);
}

/* Closes the pipes with no call for idle_timeout_ms: nng 1.5.2 has no
 * receive timeout on a pipe of a REP socket, and a connection that holds
 * its place without asking anything would keep it for ever. The closes
 * happen outside pipes_mu, which pipe_removed takes. */
static void
server_sweep(struct server *s)
{
	int64_t now = rpc_now_ms();
	int n = 0;

	if (s->cfg.idle_timeout_ms == 0)
		return;
	pthread_mutex_lock(&s->pipes_mu);
	for (int i = 0; i < s->n_pipes; i++)
		if (s->pipes[i].calls == 0 &&
		    now - s->pipes[i].active_ms >= s->cfg.idle_timeout_ms)
			s->idle_ids[n++] = s->pipes[i].id;
	pthread_mutex_unlock(&s->pipes_mu);
	for (int i = 0; i < n; i++) {
		nng_pipe p = NNG_PIPE_INITIALIZER;

		p.id = s->idle_ids[i];
		nng_pipe_close(p);
	}
	if (n > 0)
		log_debug("HOPTACD-IDLE: closed %d connections idle for %d ms",
		    n, s->cfg.idle_timeout_ms);
}

/* Whether listener i accepts: a probe peer negotiates, and a pipe (the
 * probe's or anyone's) reaches the socket within SERVER_PROBE_MS. The
 * transport may negotiate while the listener's accept loop is dead, so
 * the pipe is what tells. */
static int
server_listener_alive(struct server *s, size_t i)
{
	unsigned before = atomic_load(&s->accepted[i]);
	int fd = ipcwatch_connect(s->cfg.listen[i], SERVER_PROBE_MS);
	int alive = 0;

	if (fd < 0)
		return 0;
	for (int waited = 0; waited < SERVER_PROBE_MS && !alive; waited += 10) {
		alive = atomic_load(&s->accepted[i]) != before;
		if (!alive)
			nng_msleep(10);
	}
	close(fd);
	return alive;
}

/* How often the watchdog wakes: each second for the ipc listeners, more
 * often when a short idle limit must be kept closely. */
static int
server_watch_period_ms(const struct server *s)
{
	int ms = s->cfg.idle_timeout_ms / 4;

	if (s->cfg.idle_timeout_ms == 0 || ms > SERVER_WATCH_MS)
		return SERVER_WATCH_MS;
	return ms < 50 ? 50 : ms;
}

/* Closes idle connections, and checks every ipc listener each second;
 * one that fails twice in a row (a busy server may be slow once) is
 * restored. */
static void *
server_watch(void *arg)
{
	struct server *s = arg;
	int period = server_watch_period_ms(s);
	int64_t checked = rpc_now_ms();
	struct timespec ts;

	pthread_mutex_lock(&s->watch_mu);
	while (!s->watch_stop) {
		callq_abstime(period, &ts);
		pthread_cond_timedwait(&s->watch_cv, &s->watch_mu, &ts);
		if (s->watch_stop)
			break;
		pthread_mutex_unlock(&s->watch_mu);
		server_sweep(s);
		if (rpc_now_ms() - checked >= SERVER_WATCH_MS) {
			checked = rpc_now_ms();
			for (size_t i = 0; i < s->n_listeners; i++) {
				if (strncmp(s->cfg.listen[i], "ipc://", 6) ==
				        0 &&
				    !server_listener_alive(s, i) &&
				    !server_listener_alive(s, i))
					server_restore(s, i);
			}
		}
		pthread_mutex_lock(&s->watch_mu);
	}
	pthread_mutex_unlock(&s->watch_mu);
	return NULL;
}

static void
server_watch_stop(struct server *s)
{
	if (!s->watching)
		return;
	pthread_mutex_lock(&s->watch_mu);
	s->watch_stop = 1;
	pthread_cond_signal(&s->watch_cv);
	pthread_mutex_unlock(&s->watch_mu);
	pthread_join(s->watch_thread, NULL);
	s->watching = 0;
}

int
server_stopping(const struct server *s)
{
	return atomic_load(&s->stopping);
}

#define SERVER_CLOSE_MS 3000

/* nng_close of a REP socket with contexts can hang for ever in nng 1.5.2
 * (nng issue 1543: the reaper waits on a task that never starts). The
 * close runs on its own thread; if it has not returned in time, the
 * server gives up on it, and what nng may still touch is left allocated
 * (reachable from here, so it is not reported as a leak). */
struct server_closer {
	nng_socket sock;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
};

static struct server *server_abandoned;

static void *
server_close_main(void *arg)
{
	struct server_closer *cl = arg;

	nng_close(cl->sock);
	pthread_mutex_lock(&cl->mu);
	cl->done = 1;
	pthread_cond_signal(&cl->cv);
	pthread_mutex_unlock(&cl->mu);
	return NULL;
}

/* Closes the socket; returns 0, or -1 when nng_close hung. */
static int
server_close_socket(nng_socket sock)
{
	static struct server_closer cl = {
	    .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct timespec ts;
	pthread_t t;
	int done;

	cl.sock = sock;
	cl.done = 0;
	if (pthread_create(&t, NULL, server_close_main, &cl) != 0) {
		nng_close(sock);
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SERVER_CLOSE_MS / 1000;
	pthread_mutex_lock(&cl.mu);
	while (!cl.done && pthread_cond_timedwait(&cl.cv, &cl.mu, &ts) == 0)
		;
	done = cl.done;
	pthread_mutex_unlock(&cl.mu);
	if (!done) {
		pthread_detach(t);
		return -1;
	}
	pthread_join(t, NULL);
	return 0;
}

/* Stops the slot's aios, receiving first, so that nothing re-arms the
 * sending one. A reply still queued is dropped (the client resends);
 * there is none once server_stop has closed the listeners, which drops
 * their connections and what was queued on them. */
static void
server_slot_stop(struct server_slot *s)
{
	if (s->aio != NULL)
		nng_aio_stop(s->aio);
	if (s->saio == NULL)
		return;
	nng_aio_stop(s->saio);
	nng_msg_free(nng_aio_get_msg(s->saio));
	nng_aio_set_msg(s->saio, NULL);
}

/* The queues go first: what they still hold is answered while the
 * socket is open, and the database is closed before anything of nng's
 * can hang. Then the aios stop, so no callback of ours runs past here. */
static void
server_free(struct server *s)
{
	if (s == NULL)
		return;
	server_watch_stop(s);
	readers_destroy(s->readers);
	writer_destroy(s->writer);
	if (s->slots != NULL)
		for (int i = 0; i < s->cfg.contexts; i++)
			server_slot_stop(&s->slots[i]);
	nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_PRE, NULL, NULL);
	nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST, NULL, NULL);
	if (server_close_socket(s->sock) != 0) {
		log_warnx("HOPTACD-CLOSE: the socket did not close in %d ms "
		          "(nng issue 1543); exiting without it",
		    SERVER_CLOSE_MS);
		server_abandoned = s;
		return;
	}
	if (s->slots != NULL) {
		for (int i = 0; i < s->cfg.contexts; i++) {
			nng_aio_free(s->slots[i].aio);
			nng_aio_free(s->slots[i].saio);
		}
		free(s->slots);
	}
	server_config_free(&s->cfg);
	auth_destroy(s->auth);
	pthread_mutex_destroy(&s->watch_mu);
	pthread_mutex_destroy(&s->pipes_mu);
	free(s->pipes);
	free(s->idle_ids);
	pthread_cond_destroy(&s->watch_cv);
	free(s);
}

static int
server_copy_config(struct server_config *dst, const struct server_config *src)
{
	*dst = *src;
	dst->tls_cert = NULL; /* read once by tls_server_config, not kept */
	dst->tls_key = NULL;
	dst->gazetteer = NULL; /* loaded before the start, not kept */
	dst->database = strdup(src->database);
	for (size_t i = 0; i < src->n_listen; i++)
		dst->listen[i] = strdup(src->listen[i]);
	if (dst->database == NULL)
		return -1;
	for (size_t i = 0; i < src->n_listen; i++)
		if (dst->listen[i] == NULL)
			return -1;
	return 0;
}

/* Listens on url, with tls when it is a tls+tcp:// URL. */
static int
server_listen(
    struct server *s, const char *url, nng_tls_config *tls, nng_listener *l)
{
	int rv;

	if (tls == NULL || strncmp(url, "tls+tcp://", 10) != 0)
		return nng_listen(s->sock, url, l, 0);
	if ((rv = nng_listener_create(l, s->sock, url)) != 0)
		return rv;
	if ((rv = nng_listener_set_ptr(*l, NNG_OPT_TLS_CONFIG, tls)) != 0 ||
	    (rv = nng_listener_start(*l, 0)) != 0)
		nng_listener_close(*l);
	return rv;
}

/* Descriptors the server needs beside its connections: the database's,
 * the log's, nng's own, and peers still in their handshake. */
#define SERVER_FDS_SPARE 256

/* Raises the soft limit on open files to the hard one: systems often
 * start daemons at 1024, below max_connections and what is being
 * accepted, and a server out of descriptors accepts no one. Then warns
 * of limits that do not protect what they should. */
static void
server_check_limits(const struct server_config *cfg)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)cfg->max_connections + SERVER_FDS_SPARE)
		log_warnx("HOPTACD-FILES: open files limited to %llu, too "
		          "few for max_connections %d: raise LimitNOFILE",
		    (unsigned long long)rl.rlim_cur, cfg->max_connections);
	if (cfg->max_connections_per_address >= cfg->max_connections)
		log_warnx("HOPTACD-CONNECTIONS-ADDRESS: "
		          "max_connections_per_address %d is not below "
		          "max_connections %d: one address may take them all",
		    cfg->max_connections_per_address, cfg->max_connections);
	if (cfg->max_unread_per_address >= cfg->contexts)
		log_warnx("HOPTACD-UNREAD: max_unread_per_address %d is not "
		          "below contexts %d: one address may hold them all",
		    cfg->max_unread_per_address, cfg->contexts);
}

struct server *
server_start(const struct server_config *cfg, char *err, size_t errlen)
{
	struct server *s = calloc(1, sizeof(*s));
	struct store_conn *db = NULL;
	nng_tls_config *tls = NULL; /* a reference held while listening */
	int rv;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->watch_mu, NULL);
	pthread_cond_init(&s->watch_cv, NULL);
	pthread_mutex_init(&s->pipes_mu, NULL);
	if (server_copy_config(&s->cfg, cfg) != 0 ||
	    (s->pipes = calloc(
	         (size_t)cfg->max_connections, sizeof(*s->pipes))) == NULL ||
	    (s->idle_ids = calloc(
	         (size_t)cfg->max_connections, sizeof(*s->idle_ids))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	server_check_limits(cfg);
	if (dispatch_init() != 0) {
		snprintf(
		    err, errlen, "method table does not match the protocol");
		goto fail;
	}
	if (store_open(cfg->database, STORE_OPEN_WRITE, &db, err, errlen) != 0)
		goto fail;
	if ((cfg->max_db_size > 0 &&
	        store_limit_size(db, cfg->max_db_size) != STATUS_OK) ||
	    store_limit_wal(db, cfg->wal_checkpoint_size,
	        cfg->wal_size_limit) != STATUS_OK) {
		snprintf(err, errlen,
		    "cannot apply max_db_size or the WAL's bounds to %s",
		    cfg->database);
		store_close(db);
		goto fail;
	}
	if ((s->auth = auth_create()) == NULL ||
	    auth_reload(s->auth, db) != STATUS_OK ||
	    handle_partners_merge(db) != STATUS_OK) {
		store_close(db);
		snprintf(err, errlen,
		    "cannot read the credentials or the partners added");
		goto fail;
	}
	if ((s->writer = writer_create(db)) == NULL) {
		store_close(db);
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	s->readers =
	    readers_create(cfg->database, cfg->readers, s->writer, err, errlen);
	if (s->readers == NULL)
		goto fail;
	if ((rv = nng_rep0_open(&s->sock)) != 0) {
		snprintf(
		    err, errlen, "cannot open socket: %s", nng_strerror(rv));
		goto fail;
	}
	/* Above the logical limit, so an oversized request still arrives
	 * and is answered RESOURCE_EXHAUSTED instead of closing the pipe
	 * (after which REQ would resend it for ever). */
	nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, RPC_NNG_RECVMAXSZ);
	nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_PRE, server_pipe_added, s);
	nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST, server_pipe_removed, s);
	s->slots = calloc((size_t)cfg->contexts, sizeof(*s->slots));
	if (s->slots == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 0; i < cfg->contexts; i++) {
		struct server_slot *sl = &s->slots[i];

		sl->srv = s;
		sl->call.srv = s;
		sl->call.finish = server_slot_finish;
		if ((rv = nng_aio_alloc(&sl->aio, server_slot_cb, sl)) != 0 ||
		    (rv = nng_aio_alloc(&sl->saio, NULL, NULL)) != 0 ||
		    (rv = nng_ctx_open(&sl->ctx, s->sock)) != 0) {
			snprintf(err, errlen, "cannot open context: %s",
			    nng_strerror(rv));
			goto fail;
		}
	}
	for (size_t i = 0; i < cfg->n_listen; i++) {
		if (strncmp(cfg->listen[i], "tls+tcp://", 10) == 0 &&
		    tls == NULL &&
		    tls_server_config(
		        cfg->tls_cert, cfg->tls_key, &tls, err, errlen) != 0)
			goto fail;
		rv = server_listen(s, cfg->listen[i], tls, &s->listeners[i]);
		if (rv != 0) {
			snprintf(err, errlen, "cannot listen on %s: %s",
			    cfg->listen[i], nng_strerror(rv));
			goto fail;
		}
		s->n_listeners++;
		log_info("HOPTACD-LISTEN: listening on %s", cfg->listen[i]);
	}
	for (int i = 0; i < cfg->contexts; i++)
		server_slot_recv(&s->slots[i]);
	if (pthread_create(&s->watch_thread, NULL, server_watch, s) != 0) {
		snprintf(err, errlen, "cannot start the watchdog");
		goto fail;
	}
	s->watching = 1;
	if (tls != NULL)
		nng_tls_config_free(tls); /* the listeners hold their own */
	return s;
fail:
	if (tls != NULL)
		nng_tls_config_free(tls);
	server_free(s);
	return NULL;
}

void
server_stop(struct server *s)
{
	int64_t until;

	if (s == NULL)
		return;
	atomic_store(&s->stopping, 1);
	server_watch_stop(s);
	/* New connections are refused from here; calls on open ones get
	 * UNAVAILABLE while the ones in flight finish. */
	for (size_t i = 0; i < s->n_listeners; i++)
		nng_listener_close(s->listeners[i]);
	until = rpc_now_ms() + s->cfg.drain_ms;
	while (atomic_load(&s->busy) > 0 && rpc_now_ms() < until)
		nng_msleep(10);
	if (atomic_load(&s->busy) > 0)
		log_warnx("HOPTACD-DRAIN: %d calls still running after %d ms",
		    atomic_load(&s->busy), s->cfg.drain_ms);
	server_free(s);
	log_info("HOPTACD-STOP: stopped");
}
