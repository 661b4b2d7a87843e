/*
 * Delivery of the outbox to the server: each queued call resent with its
 * own request id until the server answers, so a call whose reply was lost
 * is applied once. Consecutive activities travel together in one Submit
 * of up to DELIVER_BATCH; the activities' own ids keep that exactly-once
 * too.
 */
#ifndef HOPTAC_DELIVER_H
#define HOPTAC_DELIVER_H

#include <stdint.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "outbox.h"

#define DELIVER_BATCH 1000

struct deliver_stats {
	long delivered;                /* entries the server took */
	long created;                  /* activities stored by this delivery */
	long existing;                 /* activities the server had already */
	long differ;                   /* ... with other content */
	long refused;                  /* entries the server refused */
	long conflicts;                /* amendments kept aside as conflicts */
	long left;                     /* entries still pending */
	int unreachable;               /* stopped: the server did not answer */
	int failed;                    /* stopped: a server or local fault */
	struct rpc_client_status last; /* the status that stopped delivery */
};

/* Opens the outbox cli names (cli->outbox_path or the default). NULL
 * after printing why. */
struct outbox *deliver_outbox(struct cli *cli);

/* Delivers the pending entries with seq >= from (0: all), in order,
 * until done or the server stops answering. Refusals are printed to
 * stderr (unless quiet) with their labels. A status in *stats. */
void deliver_pending(struct cli *cli, struct outbox *o, int64_t from, int quiet,
    struct deliver_stats *stats);

/* Delivers one entry alone and hands its reply (unpacked as resp_desc)
 * to the caller: for the commands that print what the server said.
 * Returns the status code; the entry's state is recorded. */
int deliver_one(struct cli *cli, struct outbox *o, const struct outbox_entry *e,
    const ProtobufCMessageDescriptor *resp_desc, ProtobufCMessage **resp,
    struct rpc_client_status *st);

/* Queues one call (req packed) and tries to deliver it at once. Returns
 * CLI_OK with *resp when the server took it; CLI_OK with *resp NULL when
 * the server could not be reached and the call waits in the outbox (a
 * note says so on stderr); else the exit code of the refusal or fault,
 * printed. */
int deliver_now(struct cli *cli, enum method_id method,
    const ProtobufCMessage *req, const char *label, ProtobufCMessage **resp);

/* Keeps what a pull brought in the outbox, with its new cursor, in one
 * commit: from sync, or from a receipt carried by hand. 0 or -1. */
int deliver_keep_pull(struct outbox *o, const Hoptac__V1__PullResponse *resp);

/* The exit code for the end of a delivery: 0 all delivered, 75 server
 * unreachable (work kept), 65 some refused, 77 credential, 78 settings,
 * 1 a fault. */
int deliver_exit(const struct cli *cli, const struct deliver_stats *stats);

#endif
