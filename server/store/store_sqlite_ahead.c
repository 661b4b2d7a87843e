/*
 * The settling's reading ahead (store_sqlite_ahead.h).
 *
 * A ring of chunks goes round between the writer and a helper: the
 * writer reads rows into a free chunk (the connection is its alone), the
 * helper makes them ready, the writer inserts them, the helper frees
 * what they held. A settling spent a quarter of its instructions
 * unpacking records, folding their texts and counting them, all on the
 * writer's thread while every caller waited and the other core idled.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "callq.h"
#include "status.h"
#include "store_sqlite_ahead.h"
#include "store_sqlite_int.h"

/* Enough for the helper to free one chunk and make another ready while
 * the writer inserts a third. */
#define STORE_AHEAD_RING 3

enum store_ahead_state {
	STORE_AHEAD_FREE,  /* the writer's, to read rows into */
	STORE_AHEAD_READ,  /* rows read: the helper's, to make ready */
	STORE_AHEAD_READY, /* the writer's, to insert */
	STORE_AHEAD_USED,  /* inserted: the helper's, to free */
};

struct store_ahead_slot {
	struct store_ahead_chunk chunk;
	uint8_t *bytes; /* owned: the rows' bodies, one after another */
	size_t cap;
	size_t off[STORE_AHEAD_CHUNK], len[STORE_AHEAD_CHUNK];
	enum store_ahead_state state; /* under mu */
};

struct store_ahead {
	struct store_sqlite *c;
	sqlite3_stmt *st;
	const char *sql;
	store_ahead_each each;
	void *arg;
	struct store_ahead_slot ring[STORE_AHEAD_RING];
	size_t fill_at, use_at; /* the writer's: next to read into, to use */
	size_t ready_at;        /* the helper's: next to make ready */
	int read_all;           /* every row read */
	int read_rc;            /* why reading stopped early */
	int handed;             /* ring[use_at] is out with the writer */
	int apart, stop;        /* stop under mu */
	pthread_t helper;
	pthread_mutex_t mu;
	pthread_cond_t to_helper, to_writer;
};

/* Makes the records of s ready, in order; the first that fails stops
 * the rest of the chunk. */
static void
store_ahead_ready(struct store_ahead *ah, struct store_ahead_slot *s)
{
	struct store_ahead_chunk *k = &s->chunk;
	int rc = STATUS_OK;

	for (size_t i = 0; i < k->n; i++) {
		const uint8_t *body = s->bytes + s->off[i];

		if (rc == STATUS_OK) {
			k->a[i] =
			    hoptac__v1__activity__unpack(NULL, s->len[i], body);
			rc = k->a[i] != NULL ? STATUS_OK : STATUS_DATA_LOSS;
		}
		/* The inbox keeps the record as the table does, packed: its
		 * bytes go across as they are. */
		if (rc == STATUS_OK)
			rc = store_activity_columns(
			    k->a[i], body, s->len[i], &k->cols[i]);
		if (rc == STATUS_OK)
			rc = ah->each(ah->arg, k->a[i]);
		k->rc[i] = rc;
	}
}

/* Frees what the records of s held, leaving each empty for the next
 * rows (store_ahead_ready sets every rc); the bytes stay. */
static void
store_ahead_release(struct store_ahead_slot *s)
{
	struct store_ahead_chunk *k = &s->chunk;

	for (size_t i = 0; i < k->n; i++) {
		if (k->a[i] != NULL)
			hoptac__v1__activity__free_unpacked(k->a[i], NULL);
		store_activity_columns_free(&k->cols[i]);
		k->a[i] = NULL;
	}
	k->n = 0;
}

static void *
store_ahead_main(void *arg)
{
	struct store_ahead *ah = arg;

	callq_thread_name("hoptacd-settle");
	pthread_mutex_lock(&ah->mu);
	while (!ah->stop) {
		struct store_ahead_slot *next = &ah->ring[ah->ready_at], *s;
		enum store_ahead_state to;

		s = NULL;
		if (next->state == STORE_AHEAD_READ) {
			s = next;
			to = STORE_AHEAD_READY;
			ah->ready_at = (ah->ready_at + 1) % STORE_AHEAD_RING;
		} else {
			for (size_t i = 0; i < STORE_AHEAD_RING && s == NULL;
			     i++)
				if (ah->ring[i].state == STORE_AHEAD_USED)
					s = &ah->ring[i];
			to = STORE_AHEAD_FREE;
		}
		if (s == NULL) {
			pthread_cond_wait(&ah->to_helper, &ah->mu);
			continue;
		}
		/* A slot in READ or USED is the helper's alone. */
		pthread_mutex_unlock(&ah->mu);
		if (to == STORE_AHEAD_READY)
			store_ahead_ready(ah, s);
		else
			store_ahead_release(s);
		pthread_mutex_lock(&ah->mu);
		s->state = to;
		pthread_cond_signal(&ah->to_writer);
	}
	pthread_mutex_unlock(&ah->mu);
	return NULL;
}

/* Reads up to a chunk of rows into s (FREE, so the writer's, and its
 * records empty: calloc'd, or released). */
static void
store_ahead_read(struct store_ahead *ah, struct store_ahead_slot *s)
{
	size_t used = 0;
	int rv = SQLITE_ROW;

	s->chunk.n = 0;
	while (s->chunk.n < STORE_AHEAD_CHUNK &&
	    (rv = sqlite3_step(ah->st)) == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(ah->st, 0);
		const void *body = sqlite3_column_blob(ah->st, 0);
		size_t i = s->chunk.n;

		if (used + len > s->cap) {
			size_t cap = 2 * (used + len);
			uint8_t *grown = realloc(s->bytes, cap);

			if (grown == NULL) {
				ah->read_rc = STATUS_INTERNAL;
				break;
			}
			s->bytes = grown;
			s->cap = cap;
		}
		if (len > 0)
			memcpy(s->bytes + used, body, len);
		s->off[i] = used;
		s->len[i] = len;
		used += len;
		s->chunk.n++;
	}
	if (ah->read_rc != STATUS_OK)
		ah->read_all = 1;
	else if (rv != SQLITE_ROW) {
		ah->read_all = 1;
		if (rv != SQLITE_DONE)
			ah->read_rc = store_sqlite_fail(ah->c, ah->sql);
	}
}

/* Starts the helper; 0, or -1 when it could not be (nothing to undo). */
static int
store_ahead_start(struct store_ahead *ah)
{
	if (pthread_mutex_init(&ah->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&ah->to_helper, NULL) != 0)
		goto no_to_helper;
	if (pthread_cond_init(&ah->to_writer, NULL) != 0)
		goto no_to_writer;
	if (pthread_create(&ah->helper, NULL, store_ahead_main, ah) == 0)
		return 0;
	pthread_cond_destroy(&ah->to_writer);
no_to_writer:
	pthread_cond_destroy(&ah->to_helper);
no_to_helper:
	pthread_mutex_destroy(&ah->mu);
	return -1;
}

int
store_ahead_open(struct store_ahead **out, struct store_sqlite *c,
    sqlite3_stmt *st, const char *sql, int apart, store_ahead_each each,
    void *arg)
{
	struct store_ahead *ah = calloc(1, sizeof(*ah));

	*out = ah;
	if (ah == NULL)
		return STATUS_INTERNAL;
	ah->c = c;
	ah->st = st;
	ah->sql = sql;
	ah->each = each;
	ah->arg = arg;
	ah->read_rc = STATUS_OK;
	/* Without a thread of its own, each chunk is made ready as read. */
	ah->apart = apart && store_ahead_start(ah) == 0;
	return STATUS_OK;
}

/* Reads rows into every free slot ahead, handing each to the helper. */
static void
store_ahead_feed(struct store_ahead *ah)
{
	for (;;) {
		struct store_ahead_slot *s = &ah->ring[ah->fill_at];
		int free_slot;

		if (ah->read_all)
			return;
		pthread_mutex_lock(&ah->mu);
		free_slot = s->state == STORE_AHEAD_FREE;
		pthread_mutex_unlock(&ah->mu);
		if (!free_slot)
			return;
		store_ahead_read(ah, s);
		if (s->chunk.n == 0)
			return; /* nothing more: the slot stays free */
		pthread_mutex_lock(&ah->mu);
		s->state = STORE_AHEAD_READ;
		pthread_cond_signal(&ah->to_helper);
		pthread_mutex_unlock(&ah->mu);
		ah->fill_at = (ah->fill_at + 1) % STORE_AHEAD_RING;
	}
}

/* store_ahead_next without a helper: one chunk read and made ready. */
static struct store_ahead_chunk *
store_ahead_next_inline(struct store_ahead *ah, int *rc)
{
	struct store_ahead_slot *s = &ah->ring[0];

	store_ahead_release(s);
	*rc = STATUS_OK;
	if (!ah->read_all)
		store_ahead_read(ah, s);
	if (s->chunk.n == 0) {
		*rc = ah->read_rc;
		return NULL;
	}
	store_ahead_ready(ah, s);
	return &s->chunk;
}

struct store_ahead_chunk *
store_ahead_next(struct store_ahead *ah, int *rc)
{
	if (!ah->apart)
		return store_ahead_next_inline(ah, rc);
	/* The chunk handed out last goes back to the helper, to free. */
	if (ah->handed) {
		pthread_mutex_lock(&ah->mu);
		ah->ring[ah->use_at].state = STORE_AHEAD_USED;
		pthread_cond_signal(&ah->to_helper);
		pthread_mutex_unlock(&ah->mu);
		ah->use_at = (ah->use_at + 1) % STORE_AHEAD_RING;
		ah->handed = 0;
	}
	/* Slots from use_at up to fill_at hold rows read, in order; past
	 * them, a slot is free or still the helper's to free. */
	for (;;) {
		struct store_ahead_slot *s = &ah->ring[ah->use_at];
		enum store_ahead_state state;

		store_ahead_feed(ah);
		pthread_mutex_lock(&ah->mu);
		while (s->state == STORE_AHEAD_READ ||
		    s->state == STORE_AHEAD_USED)
			pthread_cond_wait(&ah->to_writer, &ah->mu);
		state = s->state;
		pthread_mutex_unlock(&ah->mu);
		if (state == STORE_AHEAD_READY) {
			ah->handed = 1;
			*rc = STATUS_OK;
			return &s->chunk;
		}
		/* Free where rows would be read: none are left. */
		if (ah->read_all) {
			*rc = ah->read_rc;
			return NULL;
		}
	}
}

void
store_ahead_close(struct store_ahead *ah)
{
	if (ah == NULL)
		return;
	if (ah->apart) {
		pthread_mutex_lock(&ah->mu);
		ah->stop = 1;
		pthread_cond_signal(&ah->to_helper);
		pthread_mutex_unlock(&ah->mu);
		pthread_join(ah->helper, NULL);
		pthread_cond_destroy(&ah->to_writer);
		pthread_cond_destroy(&ah->to_helper);
		pthread_mutex_destroy(&ah->mu);
	}
	for (size_t i = 0; i < STORE_AHEAD_RING; i++) {
		store_ahead_release(&ah->ring[i]);
		free(ah->ring[i].bytes);
	}
	free(ah);
}
