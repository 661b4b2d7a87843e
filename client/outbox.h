/*
 * The local outbox: every record an office enters is written here first,
 * durably, and delivered when the server answers (hoptac sync). Its own
 * sqlite file, by default $XDG_DATA_HOME/hoptac/outbox.db (or
 * ~/.local/share/hoptac/outbox.db); HOPTAC_OUTBOX or --outbox name another.
 * The only client code that speaks SQL.
 */
#ifndef HOPTAC_OUTBOX_H
#define HOPTAC_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

enum outbox_state {
	OUTBOX_PENDING = 0,
	OUTBOX_DELIVERED = 1,
	OUTBOX_REFUSED = 2,
};

/* One queued call: a method, the packed request, its idempotency key. */
struct outbox_entry {
	int64_t seq;
	char method[128];
	char request_id[40];
	char label[256];  /* for people: "activity dg-1", "x.csv:12" */
	uint8_t *payload; /* malloc'd; outbox_entry_fini frees it */
	size_t len;
	int state;
	int status;        /* the server's code, for refused entries */
	char message[512]; /* the server's message, for refused entries */
	int64_t created_at_ms;
};

struct outbox;

/* The default path (static storage), from the environment. */
const char *outbox_default_path(void);

/* Opens (creating the file and its directory when missing) the outbox at
 * path. NULL with a reason in err. */
struct outbox *outbox_open(const char *path, char *err, size_t errlen);
void outbox_close(struct outbox *o);

/* After a call of o failed: which file, what went wrong and what the
 * office should do, into buf. */
void outbox_fault(struct outbox *o, char *buf, size_t len);

/* Queues a call; durable (committed, synchronous=FULL) when it returns 0.
 * A new request id is made for it; *seq gets its place. -1 on failure. */
int outbox_put(struct outbox *o, const char *method, const uint8_t *payload,
    size_t len, const char *label, int64_t *seq);

/* outbox_put with a given request id (a call carried in a bundle keeps
 * the id it was queued with). -1 also when the id is already queued. */
int outbox_put_id(struct outbox *o, const char *method, const char *request_id,
    const uint8_t *payload, size_t len, const char *label, int64_t *seq);

/* Records the outcome of the entry queued under request_id, if it is
 * still pending: status 0 delivered, else refused with message. Returns
 * 1 when an entry changed, 0 when none did, -1 on failure. */
int outbox_settle(
    struct outbox *o, const char *request_id, int status, const char *message);

/* Loads up to max entries in a state (-1: any) after seq `after`, in
 * order. Returns how many, or -1. */
int outbox_scan(struct outbox *o, int state, int64_t after,
    struct outbox_entry *e, int max);

/* Groups many outbox_put into one commit (an import): 0 or -1. Until
 * outbox_commit, nothing of the group is saved. */
int outbox_begin(struct outbox *o);
int outbox_commit(struct outbox *o);

/* Loads up to max pending entries after seq `after`, in order, into e
 * (caller runs outbox_entry_fini on each). Returns how many, or -1. */
int outbox_pending(
    struct outbox *o, int64_t after, struct outbox_entry *e, int max);

/* Loads the entries in a state (newest last) for status listings. */
int outbox_list(struct outbox *o, int state, struct outbox_entry *e, int max);

void outbox_entry_fini(struct outbox_entry *e);

/* Records the outcome of an entry. */
int outbox_delivered(struct outbox *o, int64_t seq);
int outbox_refused(
    struct outbox *o, int64_t seq, int status, const char *message);

/* How many entries are in each state. */
int outbox_counts(struct outbox *o, long counts[3]);

/* Takes the outbox's lock (a file beside it) without waiting: 0, or -1
 * when another process holds it. Released by outbox_close. */
int outbox_lock(struct outbox *o);

/* What sync pulls from the server is kept beside the queue, for offline
 * reading (hoptac inbox): packed messages by kind ("request", "report",
 * "unit", "partner") and key, the newest copy winning; and the cursor of
 * the last pull (0 before the first). Each returns 0 or -1. */
int outbox_cursor(struct outbox *o, int64_t *ms);
int outbox_set_cursor(struct outbox *o, int64_t ms);
int outbox_keep(struct outbox *o, const char *kind, const char *key,
    const uint8_t *body, size_t len);
/* Calls each(arg, body, len) for every kept message of a kind, in key
 * order, until it returns non-zero. */
int outbox_kept(struct outbox *o, const char *kind,
    int (*each)(void *arg, const uint8_t *body, size_t len), void *arg);

#endif
