/*
 * The listener: one REP socket, a pool of contexts each with its own aio
 * (the pattern of nng's demo/async), and the server's start and stop.
 * Callbacks never block: work that touches the store goes to a queue.
 */
#include "server_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/supplemental/util/platform.h>

#include "dispatch.h"
#include "ipcwatch.h"
#include "log.h"
#include "readers.h"
#include "rpc.h"
#include "status.h"
#include "store.h"
#include "writer.h"

enum slot_state {
	SLOT_RECV,
	SLOT_WORK,
	SLOT_SEND,
};

struct server_slot {
	struct server *srv;
	nng_aio *aio;
	nng_ctx ctx;
	enum slot_state state;
	struct call call;
};

static void
server_slot_recv(struct server_slot *s)
{
	s->state = SLOT_RECV;
	nng_ctx_recv(s->ctx, s->aio);
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
		atomic_fetch_sub(&s->srv->busy, 1);
		server_slot_recv(s);
		return;
	}
	s->state = SLOT_SEND;
	nng_aio_set_msg(s->aio, reply);
	nng_ctx_send(s->ctx, s->aio);
}

static void
server_slot_cb(void *arg)
{
	struct server_slot *s = arg;
	int rv = nng_aio_result(s->aio);

	switch (s->state) {
	case SLOT_RECV:
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return; /* shutting down */
		if (rv != 0) {
			log_warnx("HOPTACD-RECV: %s", nng_strerror(rv));
			server_slot_recv(s);
			return;
		}
		atomic_fetch_add(&s->srv->busy, 1);
		s->state = SLOT_WORK;
		dispatch_start(
		    &s->call, nng_aio_get_msg(s->aio), server_stopping(s->srv));
		return;
	case SLOT_SEND:
		if (rv != 0)
			nng_msg_free(nng_aio_get_msg(s->aio));
		atomic_fetch_sub(&s->srv->busy, 1);
		if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
			return;
		server_slot_recv(s);
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

/* Where pid is, or would go, in the sorted admitted ids. */
static int
server_pipe_find(const struct server *s, uint32_t pid)
{
	int lo = 0, hi = s->n_pipes;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (s->pipe_ids[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Counts the pipes each listener hands to the socket: the sign that its
 * accept path works. Then admits the connection, or closes it when
 * max_connections are open: each may hold a message of up to 4 MiB being
 * received, so their number is what bounds the server's memory. A pipe
 * closed here is never seen again, not even by pipe_removed. */
static void
server_pipe_added(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct server *s = arg;
	int id = nng_listener_id(nng_pipe_listener(p));
	uint32_t pid = (uint32_t)nng_pipe_id(p);
	int at, log = 0;
	int64_t now;

	(void)ev;
	for (size_t i = 0; i < s->n_listeners; i++)
		if (nng_listener_id(s->listeners[i]) == id)
			atomic_fetch_add(&s->accepted[i], 1);
	pthread_mutex_lock(&s->pipes_mu);
	if (s->n_pipes < s->cfg.max_connections) {
		at = server_pipe_find(s, pid);
		memmove(&s->pipe_ids[at + 1], &s->pipe_ids[at],
		    (size_t)(s->n_pipes - at) * sizeof(*s->pipe_ids));
		s->pipe_ids[at] = pid;
		s->n_pipes++;
	} else {
		now = rpc_now_ms();
		if ((log = now - s->refused_logged_ms >= SERVER_REFUSED_LOG_MS))
			s->refused_logged_ms = now;
		pid = 0;
	}
	pthread_mutex_unlock(&s->pipes_mu);
	if (pid != 0)
		return;
	nng_pipe_close(p);
	if (log)
		log_warnx("HOPTACD-CONNECTIONS: %d connections open "
		          "(max_connections): new ones are closed",
		    s->cfg.max_connections);
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
	if (at < s->n_pipes && s->pipe_ids[at] == pid) {
		memmove(&s->pipe_ids[at], &s->pipe_ids[at + 1],
		    (size_t)(s->n_pipes - at - 1) * sizeof(*s->pipe_ids));
		s->n_pipes--;
	}
	pthread_mutex_unlock(&s->pipes_mu);
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

/* Checks every ipc listener each second; one that fails twice in a row
 * (a busy server may be slow once) is restored. */
static void *
server_watch(void *arg)
{
	struct server *s = arg;
	struct timespec ts;

	pthread_mutex_lock(&s->watch_mu);
	while (!s->watch_stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += SERVER_WATCH_MS / 1000;
		pthread_cond_timedwait(&s->watch_cv, &s->watch_mu, &ts);
		if (s->watch_stop)
			break;
		pthread_mutex_unlock(&s->watch_mu);
		for (size_t i = 0; i < s->n_listeners; i++) {
			if (strncmp(s->cfg.listen[i], "ipc://", 6) == 0 &&
			    !server_listener_alive(s, i) &&
			    !server_listener_alive(s, i))
				server_restore(s, i);
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
			if (s->slots[i].aio != NULL)
				nng_aio_stop(s->slots[i].aio);
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
		for (int i = 0; i < s->cfg.contexts; i++)
			nng_aio_free(s->slots[i].aio);
		free(s->slots);
	}
	server_config_free(&s->cfg);
	auth_destroy(s->auth);
	pthread_mutex_destroy(&s->watch_mu);
	pthread_mutex_destroy(&s->pipes_mu);
	free(s->pipe_ids);
	pthread_cond_destroy(&s->watch_cv);
	free(s);
}

static int
server_copy_config(struct server_config *dst, const struct server_config *src)
{
	*dst = *src;
	dst->tls_cert = NULL; /* read once by server_tls, not kept */
	dst->tls_key = NULL;
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

#define SERVER_PEM_MAX (1 << 20)

/* A PEM file as a NUL-terminated string (malloc'd), or NULL. */
static char *
server_read_pem(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(SERVER_PEM_MAX + 1)) != NULL) {
		n = fread(buf, 1, SERVER_PEM_MAX + 1, f);
		if (ferror(f) || n > SERVER_PEM_MAX || n == 0) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/* A server TLS configuration from the certificate and key files. */
static int
server_tls(const struct server_config *cfg, nng_tls_config **out, char *err,
    size_t errlen)
{
	char *cert = NULL, *key = NULL;
	int rv = -1;

	if (nng_tls_config_alloc(out, NNG_TLS_MODE_SERVER) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((cert = server_read_pem(cfg->tls_cert)) == NULL ||
	    (key = server_read_pem(cfg->tls_key)) == NULL) {
		snprintf(err, errlen, "cannot read %s",
		    cert == NULL ? cfg->tls_cert : cfg->tls_key);
		goto out;
	}
	if ((rv = nng_tls_config_own_cert(*out, cert, key, NULL)) != 0) {
		snprintf(err, errlen, "tls_cert %s and tls_key %s: %s",
		    cfg->tls_cert, cfg->tls_key, nng_strerror(rv));
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
	    (s->pipe_ids = calloc(
	         (size_t)cfg->max_connections, sizeof(*s->pipe_ids))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (dispatch_init() != 0) {
		snprintf(
		    err, errlen, "method table does not match the protocol");
		goto fail;
	}
	if (store_open(cfg->database, 0, &db, err, errlen) != 0)
		goto fail;
	if (cfg->max_db_size > 0 &&
	    store_limit_size(db, cfg->max_db_size) != STATUS_OK) {
		snprintf(err, errlen, "cannot apply max_db_size to %s",
		    cfg->database);
		store_close(db);
		goto fail;
	}
	if ((s->auth = auth_create()) == NULL ||
	    auth_reload(s->auth, db) != STATUS_OK) {
		store_close(db);
		snprintf(err, errlen, "cannot read the credentials");
		goto fail;
	}
	if ((s->writer = writer_create(db)) == NULL) {
		store_close(db);
		snprintf(err, errlen, "cannot start the writer thread");
		goto fail;
	}
	s->readers = readers_create(cfg->database, cfg->readers, err, errlen);
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
		    (rv = nng_ctx_open(&sl->ctx, s->sock)) != 0) {
			snprintf(err, errlen, "cannot open context: %s",
			    nng_strerror(rv));
			goto fail;
		}
	}
	for (size_t i = 0; i < cfg->n_listen; i++) {
		if (strncmp(cfg->listen[i], "tls+tcp://", 10) == 0 &&
		    tls == NULL && server_tls(cfg, &tls, err, errlen) != 0)
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
	for (size_t i = 0; i < cfg->n_listen && !s->watching; i++) {
		if (strncmp(cfg->listen[i], "ipc://", 6) != 0)
			continue;
		if (pthread_create(&s->watch_thread, NULL, server_watch, s) !=
		    0) {
			snprintf(err, errlen, "cannot start the ipc watchdog");
			goto fail;
		}
		s->watching = 1;
	}
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
