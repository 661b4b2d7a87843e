/*
 * The writer owns the only connection that writes to sqlite
 * (ARCHITECTURE.md: two writers or checkpointers can corrupt a WAL
 * database before 3.51.3), and its connection is the one that
 * checkpoints; one thread at a time uses it, under run_mu. The writer's
 * thread takes every call waiting in its queue into one transaction and
 * commits once: group commit, so a durable write costs one fsync shared
 * by all the calls of the group, and hands the group's replies to the
 * replier's thread. A call submitted while nothing waits and the writer
 * is idle is served, and answered, by the submitting thread
 * (writer_submit).
 */
#include "writer.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "callq.h"
#include "hoptac/v1/auth.pb-c.h"
#include "log.h"
#include "rpc.h"
#include "status.h"
#include "store.h"
#include "validate.h"

#define WRITER_GROUP_MAX 512

/* Refusals without a valid credential are counted, not recorded one by
 * one: anyone can send them, as fast as the server answers, and a row
 * each filled the database at 0.85 MB/s. The first call of a minute from
 * a peer address (without its port), for a method, with a reason, gets
 * its row at once, as before; the rest of that minute make one row more,
 * with their count, written once the minute is over. */
#define WRITER_MINUTE_MS    60000
#define WRITER_REFUSALS_MAX 64
/* Where refusals go once WRITER_REFUSALS_MAX groups are counted. */
#define WRITER_OTHERS_PEER    "*"
#define WRITER_OTHERS_METHOD  "*"
#define WRITER_OTHERS_MESSAGE "refusals beyond the groups counted apart"

struct writer_refusal {
	int64_t minute_ms; /* wall clock, the minute's start */
	char peer[80];
	const char *method; /* the method table's, or WRITER_OTHERS_METHOD */
	int status;
	char message[512];
	char credential_id[AUTH_ID_LEN + 1]; /* the one claimed, if any */
	int64_t count; /* after the first, which has its own row */
};

/* New records wait in the store's inbox, and on sqlite the calls' audit
 * rows beside them (store.h, store_settle, store_backlog), until this
 * many are there, or no call came for WRITER_SETTLE_IDLE_MS, or a
 * reader needs them: settling many at once is what shares the pages of
 * the indexes and the counts among them. 4,096 rather than 2,048 made
 * batches of 1,000 a fifth faster and wrote a seventh less a call at 16
 * clients; 8,192 rather than 4,096, once a settling's counts were summed
 * as they came, 8% faster again, for 1.5 MiB more memory at 16 clients
 * and a WAL of up to 13 MB instead of 10 after a settling
 * (docs/PERFORMANCE.md). */
#define WRITER_SETTLE_ROWS    8192
#define WRITER_SETTLE_IDLE_MS 20

struct writer {
	struct callq q;
	pthread_t thread;
	/* The groups the writer's thread has committed, whose replies the
	 * replier's thread sends (writer_replier_main). */
	struct callq replies;
	pthread_t replier;
	/* Held by the thread that uses db: the writer's own, or one that
	 * submits a call while the writer has nothing to do and serves it
	 * itself (writer_submit). Everything below that is "the writer's"
	 * is under it. */
	pthread_mutex_t run_mu;
	/* The writer's thread has taken work and waits for run_mu: a
	 * submitter then queues its call rather than go first. */
	atomic_int claimed;
	struct store_conn *db; /* owned */
	int64_t last_group_ms; /* rpc_now_ms when the last group ended */
	int sleeps; /* the writer sleeps until a call comes, not a settle */
	/* What readers wait on (writer_settled), under settle_mu. */
	pthread_mutex_t settle_mu;
	pthread_cond_t settle_cv;
	int64_t unsettled;      /* committed in the inbox, not settled */
	uint64_t settle_rounds; /* attempts to settle so far */
	int settle_rc;          /* how the last attempt went */
	int settle_wanted;      /* a reader waits */
	int stopped;            /* the writer has gone: nobody settles */
	int64_t full_logged_ms; /* when HOPTACD-FULL was last logged */
	/* What a settling would move, the audit trail's waiting rows too
	 * (store_backlog): the writer thread's alone. */
	int64_t backlog;
	/* Counted and not yet written: the writer thread's alone. */
	struct writer_refusal refusals[WRITER_REFUSALS_MAX];
	int n_refusals;
};

#define WRITER_FULL_LOG_MS 60000

/* A write refused for want of space: the client hears that storage is
 * full (not that the store failed), the operator reads it in the log,
 * once a minute at most. */
static void
writer_full(struct writer *w, struct call *c)
{
	char why[160];
	int64_t now = rpc_now_ms();

	store_full_reason(w->db, why, sizeof(why));
	call_fail(c, STATUS_RESOURCE_EXHAUSTED,
	    "storage is full: %s; nothing of this call was stored", why);
	if (w->full_logged_ms == 0 ||
	    now - w->full_logged_ms >= WRITER_FULL_LOG_MS) {
		log_warnx("HOPTACD-FULL: storage is full: %s; writes that "
		          "need more space are refused",
		    why);
		w->full_logged_ms = now;
	}
}

/* The call fails for the store: UNAVAILABLE, which clients retry with
 * the same request id, when nothing of it can have stayed (a database
 * on a server out of reach, its connection lost: the transaction went
 * with it); else INTERNAL. */
static void
writer_store_failed(struct call *c, int rc)
{
	if (rc == STATUS_UNAVAILABLE)
		call_fail(c, STATUS_UNAVAILABLE,
		    "the database could not be reached; nothing of this call "
		    "was stored; retry");
	else
		call_fail(c, STATUS_INTERNAL, "the store failed");
}

/* One call inside the group transaction, under its own savepoint so a
 * failing call changes nothing and the others still commit. */
static void
writer_apply(struct writer *w, struct call *c)
{
	const char *id = c->req->request_id;
	const char *method = c->method->info->path;
	int rc;

	if (call_expired(c))
		return;
	/* Under the caller's credential: another's request id, guessed or
	 * seen, is a new call of this caller's, never a way to its reply. */
	rc = store_request_find(
	    w->db, c->who.id, id, method, &c->payload, &c->payload_len);
	if (rc == STATUS_OK) {
		c->status = STATUS_OK;
		c->replayed = 1;
		return;
	}
	if (rc == STATUS_FAILED_PRECONDITION) {
		call_fail(
		    c, rc, "request_id %s was used for another method", id);
		return;
	}
	if (rc == STATUS_NOT_FOUND)
		rc = store_savepoint(w->db);
	if (rc != STATUS_OK) {
		writer_store_failed(c, rc);
		return;
	}
	c->status = c->method->run(c, w->db);
	if (c->status == STATUS_OK && call_pack_output(c) == STATUS_OK) {
		rc = store_request_save(w->db, c->who.id, id, method,
		    c->log_payload ? c->log_payload : c->payload,
		    c->log_payload ? c->log_payload_len : c->payload_len,
		    call_wall_ms());
		if (rc != STATUS_OK)
			call_fail(c, rc, "the store failed");
	}
	if (store_full_take(w->db))
		writer_full(w, c);
	else if (!store_in_transaction(w->db))
		writer_store_failed(c, STATUS_UNAVAILABLE);
	/* After SQLITE_FULL sqlite may have rolled the whole transaction
	 * back already, savepoint included, and a database on a server may
	 * have gone with its connection: the caller deals with that. */
	if (!store_in_transaction(w->db))
		return;
	if (c->status == STATUS_OK)
		rc = store_release(w->db);
	else
		rc = store_rollback_savepoint(w->db);
	if (rc != STATUS_OK && c->status == STATUS_OK)
		call_fail(c, STATUS_INTERNAL, "the store failed");
}

/* The group of (minute, peer, method, status, message), made when
 * missing; NULL when there is no room for it. */
static struct writer_refusal *
writer_refusal_group(struct writer *w, int64_t minute_ms, const char *peer,
    const char *method, int status, const char *message, int room)
{
	struct writer_refusal *r;

	for (int i = 0; i < w->n_refusals; i++) {
		r = &w->refusals[i];
		if (r->minute_ms == minute_ms && r->status == status &&
		    strcmp(r->method, method) == 0 &&
		    strcmp(r->peer, peer) == 0 &&
		    strcmp(r->message, message) == 0)
			return r;
	}
	if (w->n_refusals >= room)
		return NULL;
	r = &w->refusals[w->n_refusals++];
	r->minute_ms = minute_ms;
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	r->method = method;
	r->status = status;
	snprintf(r->message, sizeof(r->message), "%s", message);
	r->credential_id[0] = '\0';
	r->count = -1;
	return r;
}

/* Counts a call refused for want of a valid credential; 0 when it is
 * the first of its group, to be recorded in a row of its own. The reason
 * may name any id the caller made up, and the peer may be any address:
 * past WRITER_REFUSALS_MAX - 2 groups (two minutes may be open at once,
 * each needing its group of others), the rest of the minute is counted
 * together, so memory and rows stay bounded whatever is sent. */
static int
writer_refused(struct writer *w, const struct call *c)
{
	int64_t now = call_wall_ms();
	int64_t minute = now - now % WRITER_MINUTE_MS;
	char peer[sizeof(c->peer)];
	char *port;
	struct writer_refusal *r;

	snprintf(peer, sizeof(peer), "%s", c->peer);
	port = strrchr(peer, ':');
	if (port != NULL)
		*port = '\0'; /* a new connection is a new port, same peer */
	r = writer_refusal_group(w, minute, peer, c->method->info->path,
	    c->status, c->message, WRITER_REFUSALS_MAX - 2);
	if (r == NULL)
		r = writer_refusal_group(w, minute, WRITER_OTHERS_PEER,
		    WRITER_OTHERS_METHOD, c->status, WRITER_OTHERS_MESSAGE,
		    WRITER_REFUSALS_MAX);
	if (r == NULL) /* a third minute open: never, but kept, not lost */
		r = &w->refusals[WRITER_REFUSALS_MAX - 1];
	if (r->count++ < 0)
		return 0;
	if (r->credential_id[0] == '\0')
		snprintf(r->credential_id, sizeof(r->credential_id), "%s",
		    c->who.id);
	return 1;
}

/* Writes the counts of the minutes before before_ms, in a transaction
 * of their own. Counts that cannot be written are logged and dropped:
 * the next group must not wait on them, nor memory grow. */
static void
writer_refusals_flush(struct writer *w, int64_t before_ms)
{
	Hoptac__V1__AuditEntry e = HOPTAC__V1__AUDIT_ENTRY__INIT;
	struct writer_refusal *r;
	int n = 0, rc = STATUS_OK;

	for (int i = 0; i < w->n_refusals; i++)
		n += w->refusals[i].minute_ms < before_ms &&
		    w->refusals[i].count > 0;
	if (n == 0)
		goto forget;
	rc = store_begin(w->db);
	for (int i = 0; i < w->n_refusals && rc == STATUS_OK; i++) {
		r = &w->refusals[i];
		if (r->minute_ms >= before_ms || r->count <= 0)
			continue;
		e.at_ms = r->minute_ms;
		e.credential_id = r->credential_id;
		e.method = (char *)r->method;
		e.status = r->status;
		e.message = r->message;
		e.peer = r->peer;
		e.count = r->count;
		rc = store_audit_append(w->db, &e);
	}
	if (rc == STATUS_OK)
		rc = store_commit(w->db);
	if (rc != STATUS_OK) {
		log_warnx("HOPTACD-AUDIT: counts of refusals not recorded: %s",
		    store_errmsg(w->db));
		store_full_take(w->db);
		if (store_in_transaction(w->db))
			store_rollback(w->db);
	}
forget:
	n = 0;
	for (int i = 0; i < w->n_refusals; i++) {
		r = &w->refusals[i];
		if (r->minute_ms >= before_ms)
			w->refusals[n++] = *r;
		else if (rc != STATUS_OK && r->count > 0)
			log_warnx("HOPTACD-AUDIT: %" PRId64 " x %s from %s: %s",
			    r->count, r->method, r->peer, r->message);
	}
	w->n_refusals = n;
}

/* The call's row in the audit trail, in the current transaction but
 * outside the call's savepoint: a failed call is recorded too (one
 * refused for want of a valid credential is counted instead). A row that
 * cannot be written is logged; if that cost the transaction (storage
 * full), the call's own change went with it and the call fails. */
static void
writer_audit(struct writer *w, struct call *c)
{
	Hoptac__V1__AuditEntry e = HOPTAC__V1__AUDIT_ENTRY__INIT;
	char roles[64];

	if (c->status == STATUS_UNAUTHENTICATED && writer_refused(w, c))
		return;
	role_join(c->who.roles, roles, sizeof(roles));
	e.at_ms = call_wall_ms();
	e.credential_id = c->who.id;
	e.name = c->who.name;
	e.roles = roles;
	e.unit_code = c->who.unit;
	e.method = (char *)c->method->info->path;
	e.target = c->target;
	e.status = c->status;
	e.message = c->message;
	e.peer = c->peer;
	e.request_id = c->req->request_id;
	if (store_audit_append(w->db, &e) == STATUS_OK)
		return;
	log_warnx("HOPTACD-AUDIT: %s %s not recorded: %s",
	    c->method->info->path, c->req->request_id, store_errmsg(w->db));
	if (store_in_transaction(w->db) || c->status != STATUS_OK)
		return;
	if (store_full_take(w->db))
		writer_full(w, c);
	else
		call_fail(c, STATUS_UNAVAILABLE,
		    "the write could not be committed; retry");
}

/* A call's work in the transaction: its change (unless it only needs
 * its audit row), then its audit row. */
static void
writer_step(struct writer *w, struct call *c)
{
	if (!c->audit_only)
		writer_apply(w, c);
	if (store_in_transaction(w->db))
		writer_audit(w, c);
}

/* Brings a call that ran in a transaction since rolled back to where
 * dispatch left it, to run again: its outcome goes, the copy of the reply
 * kept for the log included. Handlers move parts of their input into
 * their output, so the input is unpacked and checked anew from the
 * envelope. */
static void
writer_reset(struct call *c)
{
	call_clear_outcome(c);
	protobuf_c_message_free_unpacked(c->input, NULL);
	c->input = protobuf_c_message_unpack(c->method->desc->input, NULL,
	    c->req->payload.len, c->req->payload.data);
	if (c->input == NULL)
		call_fail(c, STATUS_INTERNAL, "out of memory");
	else if (c->method->check != NULL)
		c->method->check(c);
}

/* Commits. Returns OK, RESOURCE_EXHAUSTED when there was no room for
 * it, or UNAVAILABLE; the transaction is over either way. */
static int
writer_commit(struct writer *w)
{
	int rc = store_commit(w->db);

	if (rc == STATUS_OK)
		return STATUS_OK;
	if (store_full_take(w->db)) {
		rc = STATUS_RESOURCE_EXHAUSTED;
	} else {
		log_warnx("HOPTACD-COMMIT: %s", store_errmsg(w->db));
		rc = STATUS_UNAVAILABLE;
	}
	if (store_in_transaction(w->db))
		store_rollback(w->db);
	return rc;
}

/* A call whose transaction did not commit (rc from writer_commit) fails
 * with it: storage is full, or the client is to retry. */
static void
writer_lost(struct writer *w, struct call *c, int rc)
{
	if (rc == STATUS_RESOURCE_EXHAUSTED)
		writer_full(w, c);
	else
		call_fail(c, STATUS_UNAVAILABLE,
		    "the write could not be committed; retry");
}

/* The calls of a transaction that did not commit fail with it. */
static void
writer_uncommitted(struct writer *w, struct call *group, int rc)
{
	for (struct call *c = group; c != NULL; c = c->next)
		if (c->status == STATUS_OK)
			writer_lost(w, c, rc);
}

/* One call in a transaction of its own: whatever it meets, it takes no
 * other call down with it. A call that failed already (or only needs
 * its audit row) writes its audit row alone. */
static void
writer_alone(struct writer *w, struct call *c)
{
	int run = c->status == STATUS_OK && !c->audit_only;
	int rc;

	if (store_begin(w->db) != STATUS_OK) {
		if (run)
			writer_lost(w, c, STATUS_UNAVAILABLE);
		return;
	}
	if (run)
		writer_apply(w, c);
	if (!store_in_transaction(w->db))
		return; /* rolled back for want of space: c failed */
	writer_audit(w, c);
	if (!store_in_transaction(w->db))
		return;
	if ((rc = writer_commit(w)) != STATUS_OK && c->status == STATUS_OK)
		writer_lost(w, c, rc);
}

/* When a call did not fit, sqlite may have rolled the whole group back
 * with it (lost: that call), or the group as a whole may not fit where
 * each of its calls would (lost NULL). Every call that had succeeded, and
 * every one not run yet, runs again in a transaction of its own, so none
 * is lost, or failed for another's sake. That costs a commit each, and
 * happens only while storage is full. */
static void
writer_one_by_one(struct writer *w, struct call *group, struct call *lost)
{
	struct call *c;

	for (c = group; c != lost; c = c->next)
		if (c->status == STATUS_OK)
			writer_reset(c);
	for (c = group; c != NULL; c = c->next)
		if (c != lost)
			writer_alone(w, c);
}

/* Tells readers how many new records wait, as committed; after an
 * attempt to settle (settled), how it went (rc), waking those waiting
 * for it. */
static void
writer_publish(struct writer *w, int settled, int rc)
{
	int64_t n = store_unsettled(w->db);

	w->backlog = store_backlog(w->db);
	pthread_mutex_lock(&w->settle_mu);
	w->unsettled = n;
	if (settled) {
		w->settle_rc = rc;
		w->settle_rounds++;
		w->settle_wanted = 0;
		pthread_cond_broadcast(&w->settle_cv);
	}
	pthread_mutex_unlock(&w->settle_mu);
}

/* Sends the replies of the calls linked from first. */
static void
writer_answer(struct call *first)
{
	struct call *c, *next;

	for (c = first; c != NULL; c = next) {
		next = c->next;
		c->finish(c);
	}
}

/* Runs a group of calls in one transaction. Its replies are the
 * caller's to send, once it returns: a write is acknowledged after its
 * transaction is durable, never before. */
static void
writer_group(struct writer *w, struct call *group)
{
	struct call *c, *lost = NULL;
	int64_t now = call_wall_ms();
	int rc, ok = 0;

	writer_refusals_flush(w, now - now % WRITER_MINUTE_MS);
	if (store_begin(w->db) != STATUS_OK) {
		log_warnx("HOPTACD-BEGIN: %s", store_errmsg(w->db));
		writer_uncommitted(w, group, STATUS_UNAVAILABLE);
		goto reply;
	}
	for (c = group; c != NULL && lost == NULL; c = c->next) {
		writer_step(w, c);
		if (!store_in_transaction(w->db))
			lost = c;
	}
	if (lost != NULL) {
		writer_one_by_one(w, group, lost);
		goto reply;
	}
	if ((rc = writer_commit(w)) == STATUS_OK)
		goto reply;
	for (c = group; c != NULL; c = c->next)
		ok += c->status == STATUS_OK;
	if (rc == STATUS_RESOURCE_EXHAUSTED && ok > 1)
		writer_one_by_one(w, group, NULL);
	else
		writer_uncommitted(w, group, rc);
reply:
	/* Before any reply: a reader must never miss what was acknowledged. */
	writer_publish(w, 0, STATUS_OK);
	for (c = group; c != NULL; c = c->next)
		if (!c->audit_only && c->method->after_commit != NULL)
			c->method->after_commit(c, w->db);
	for (c = group; c != NULL; c = c->next)
		c->audited = 1; /* or lost with its transaction: not retried */
	/* Idle is counted from here: a group that took longer than
	 * WRITER_SETTLE_IDLE_MS (a batch under valgrind) is no pause. */
	w->last_group_ms = rpc_now_ms();
}

/* Settles the inbox in a transaction of its own. A failure is logged
 * (store_settle) and leaves the records waiting, acknowledged and safe:
 * the next attempt takes them. */
static void
writer_settle(struct writer *w)
{
	int64_t moved = 0;
	int rc = store_begin(w->db);

	if (rc == STATUS_OK &&
	    (rc = store_settle(w->db, &moved)) == STATUS_OK &&
	    (rc = store_commit(w->db)) != STATUS_OK)
		log_warnx(
		    "HOPTACD-SETTLE: %lld new activities settled but not "
		    "committed: %s; they wait, acknowledged, for the next "
		    "attempt",
		    (long long)moved, store_errmsg(w->db));
	if (rc != STATUS_OK) {
		store_full_take(w->db);
		if (store_in_transaction(w->db))
			store_rollback(w->db);
	}
	writer_publish(w, 1, rc);
}

/* Whether the writer should settle now: a reader waits, or enough
 * records wait, or some wait and no call came for WRITER_SETTLE_IDLE_MS.
 * Under run_mu. */
static int
writer_settle_due(struct writer *w)
{
	int wanted;

	pthread_mutex_lock(&w->settle_mu);
	wanted = w->settle_wanted;
	pthread_mutex_unlock(&w->settle_mu);
	return wanted ||
	    (w->backlog > 0 &&
	        (w->backlog >= WRITER_SETTLE_ROWS ||
	            rpc_now_ms() - w->last_group_ms >= WRITER_SETTLE_IDLE_MS));
}

/* How long the writer may sleep: until the idle settle, if anything
 * waits for it. Under run_mu. */
static int
writer_sleep_ms(struct writer *w)
{
	int64_t left;

	if (w->backlog <= 0)
		return -1;
	left = WRITER_SETTLE_IDLE_MS - (rpc_now_ms() - w->last_group_ms);
	return left < 1                    ? 1
	    : left > WRITER_SETTLE_IDLE_MS ? WRITER_SETTLE_IDLE_MS
	                                   : (int)left;
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct call *group;
	int closing = 0, sleep_ms;

	callq_thread_name("hoptacd-writer");
	pthread_mutex_lock(&w->run_mu);
	writer_settle(w); /* what a stop left in the inbox */
	w->sleeps = (sleep_ms = writer_sleep_ms(w)) < 0;
	pthread_mutex_unlock(&w->run_mu);
	for (;;) {
		group = callq_take_timed(
		    &w->q, WRITER_GROUP_MAX, sleep_ms, &closing);
		if (group == NULL && closing)
			break;
		atomic_store(&w->claimed, 1);
		pthread_mutex_lock(&w->run_mu);
		atomic_store(&w->claimed, 0);
		if (group != NULL) {
			writer_group(w, group);
			callq_push_all(&w->replies, group);
		}
		if (writer_settle_due(w))
			writer_settle(w);
		w->sleeps = (sleep_ms = writer_sleep_ms(w)) < 0;
		pthread_mutex_unlock(&w->run_mu);
	}
	pthread_mutex_lock(&w->run_mu);
	writer_settle(w);
	writer_refusals_flush(w, INT64_MAX);
	pthread_mutex_unlock(&w->run_mu);
	pthread_mutex_lock(&w->settle_mu);
	w->stopped = 1;
	pthread_cond_broadcast(&w->settle_cv);
	pthread_mutex_unlock(&w->settle_mu);
	return NULL;
}

/* Sends the replies of the groups the writer's thread committed. Sending
 * a reply over TCP on loopback does the receiver's work too; on the
 * writer's thread it held up the next group (docs/PERFORMANCE.md). */
static void *
writer_replier_main(void *arg)
{
	struct writer *w = arg;
	struct call *c;

	callq_thread_name("hoptacd-reply");
	while ((c = callq_take(&w->replies, INT_MAX)) != NULL)
		writer_answer(c);
	return NULL;
}

int
writer_settled(struct writer *w)
{
	uint64_t round;
	int rc = STATUS_OK;

	pthread_mutex_lock(&w->settle_mu);
	if (w->unsettled > 0 && !w->stopped) {
		round = w->settle_rounds;
		w->settle_wanted = 1;
		callq_kick(&w->q);
		while (w->settle_rounds == round && !w->stopped)
			pthread_cond_wait(&w->settle_cv, &w->settle_mu);
	}
	/* A stop's last attempt counts too: what it left waits. */
	if (w->unsettled > 0)
		rc = w->settle_rc;
	pthread_mutex_unlock(&w->settle_mu);
	return rc;
}

struct writer *
writer_create(struct store_conn *db)
{
	struct writer *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	callq_init(&w->q);
	callq_init(&w->replies);
	pthread_mutex_init(&w->run_mu, NULL);
	pthread_mutex_init(&w->settle_mu, NULL);
	pthread_cond_init(&w->settle_cv, NULL);
	w->db = db;
	/* Unknown until the writer has settled what a stop left: readers
	 * wait for that first. */
	w->unsettled = 1;
	if (pthread_create(&w->replier, NULL, writer_replier_main, w) != 0)
		goto fail;
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		callq_close(&w->replies);
		pthread_join(w->replier, NULL);
		goto fail;
	}
	return w;
fail:
	callq_fini(&w->q);
	callq_fini(&w->replies);
	pthread_mutex_destroy(&w->run_mu);
	pthread_mutex_destroy(&w->settle_mu);
	pthread_cond_destroy(&w->settle_cv);
	free(w);
	return NULL;
}

/*
 * With nothing queued and the writer idle, the submitting thread (one of
 * nng's, or a reader's for an audit row) serves the call itself, as a
 * group of one: waking the writer's thread and handing the call over
 * made one client's calls a tenth slower (docs/PERFORMANCE.md).
 * Otherwise the call waits in the queue for the writer's next group, as
 * calls arriving together should.
 */
void
writer_submit(struct writer *w, struct call *c)
{
	int due;

	if (!callq_idle(&w->q) || atomic_load(&w->claimed) ||
	    pthread_mutex_trylock(&w->run_mu) != 0) {
		callq_push(&w->q, c);
		return;
	}
	c->next = NULL;
	writer_group(w, c);
	/* The settling is the writer's, not on a thread of nng's; a writer
	 * asleep until a call comes is woken to time its idle settle. */
	due = writer_settle_due(w) || (w->sleeps && w->backlog > 0);
	pthread_mutex_unlock(&w->run_mu);
	if (due)
		callq_kick(&w->q);
	/* Outside the lock: the next call need not wait for this reply. */
	writer_answer(c);
}

void
writer_destroy(struct writer *w)
{
	if (w == NULL)
		return;
	callq_close(&w->q);
	pthread_join(w->thread, NULL);
	/* A call its submitter serves (it may have found the queue open
	 * just before the close) is done with the store once run_mu is
	 * free, before the store closes. Calls in flight were drained before
	 * (server_stop). */
	pthread_mutex_lock(&w->run_mu);
	pthread_mutex_unlock(&w->run_mu);
	/* The writer's last groups are answered before the socket closes. */
	callq_close(&w->replies);
	pthread_join(w->replier, NULL);
	callq_fini(&w->q);
	callq_fini(&w->replies);
	pthread_mutex_destroy(&w->run_mu);
	pthread_mutex_destroy(&w->settle_mu);
	pthread_cond_destroy(&w->settle_cv);
	store_close(w->db);
	free(w);
}
