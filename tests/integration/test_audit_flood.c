/*
 * A flood of calls without a credential must not fill the database: four
 * connections loop a call that carries no token for FLOOD_S seconds; the
 * database grows by less than 1 MiB (every refusal used to be a row of
 * its own, about 0.85 MB/s), an office's write still goes through
 * meanwhile, and the trail still says who was refused, from where and
 * how many times.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>

#include "harness.h"
#include "method.h"
#include "rpc.h"
#include "status.h"

#define FLOODERS 4
#define FLOOD_S  10
/* Calls each connection keeps in flight: an attacker does not wait for
 * one answer before the next call. */
#define FLOOD_INFLIGHT 16
#define OFFICE         (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)
#define MIB            (1024L * 1024L)

static char out[64 * 1024];
static char err[16 * 1024];

struct flooder {
	struct harness *h;
	atomic_int *stop;
	long refused; /* calls answered UNAUTHENTICATED */
	long other;   /* calls answered anything else, or not at all */
};

/* A call to Units/List with no credential, as an attacker sends it. */
static nng_msg *
flooder_request(void)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	char id[37];
	nng_msg *m;

	rpc_new_id(id);
	req.method = (char *)method_path(METHOD_UNITS_LIST);
	req.request_id = id;
	req.timeout_ms = 5000;
	assert_int_equal(
	    nng_msg_alloc(&m, protobuf_c_message_get_packed_size(&req.base)),
	    0);
	protobuf_c_message_pack(&req.base, nng_msg_body(m));
	return m;
}

/* One connection with FLOOD_INFLIGHT calls in flight (a context each),
 * as fast as they are answered. */
static void *
flooder_main(void *arg)
{
	struct flooder *fl = arg;
	nng_ctx ctx[FLOOD_INFLIGHT];
	nng_aio *aio[FLOOD_INFLIGHT];
	nng_socket s;

	assert_int_equal(nng_req0_open(&s), 0);
	assert_int_equal(nng_dial(s, fl->h->url, NULL, 0), 0);
	for (int i = 0; i < FLOOD_INFLIGHT; i++) {
		assert_int_equal(nng_ctx_open(&ctx[i], s), 0);
		assert_int_equal(nng_aio_alloc(&aio[i], NULL, NULL), 0);
		nng_aio_set_timeout(aio[i], 10000);
	}
	while (!atomic_load(fl->stop)) {
		for (int i = 0; i < FLOOD_INFLIGHT; i++) {
			nng_aio_set_msg(aio[i], flooder_request());
			nng_ctx_send(ctx[i], aio[i]);
			nng_aio_wait(aio[i]);
			assert_int_equal(nng_aio_result(aio[i]), 0);
		}
		for (int i = 0; i < FLOOD_INFLIGHT; i++)
			nng_ctx_recv(ctx[i], aio[i]);
		for (int i = 0; i < FLOOD_INFLIGHT; i++) {
			Hoptac__V1__Response *r = NULL;
			nng_msg *m;

			nng_aio_wait(aio[i]);
			if (nng_aio_result(aio[i]) == 0) {
				m = nng_aio_get_msg(aio[i]);
				r = hoptac__v1__response__unpack(
				    NULL, nng_msg_len(m), nng_msg_body(m));
				nng_msg_free(m);
			}
			if (r != NULL && r->status == STATUS_UNAUTHENTICATED)
				fl->refused++;
			else
				fl->other++;
			if (r != NULL)
				hoptac__v1__response__free_unpacked(r, NULL);
		}
	}
	for (int i = 0; i < FLOOD_INFLIGHT; i++) {
		nng_aio_free(aio[i]);
		nng_ctx_close(ctx[i]);
	}
	nng_close(s);
	return NULL;
}

/* The database's size once the server has stopped (its WAL folded in). */
static long
db_size(struct harness *h)
{
	struct stat sb;

	assert_int_equal(stat(h->db, &sb), 0);
	return (long)sb.st_size;
}

/* The refusals of Units/List without a credential the trail counts. */
static long
trail_refused(struct harness *h)
{
	struct rpc_client *c = harness_client(h);
	Hoptac__V1__SearchAuditRequest req =
	    HOPTAC__V1__SEARCH_AUDIT_REQUEST__INIT;
	Hoptac__V1__SearchAuditResponse *resp = NULL;
	struct rpc_client_options opt = {10000, NULL, 0};
	struct rpc_client_status st;
	long n = 0;

	req.method = "Units/List";
	req.refused_only = 1;
	req.page_size = 1000;
	assert_int_equal(rpc_client_invoke(c, METHOD_AUDIT_SEARCH, &req.base,
	                     (ProtobufCMessage **)&resp, &opt, &st),
	    STATUS_OK);
	assert_string_equal(resp->next_page_token, "");
	for (size_t i = 0; i < resp->n_entries; i++) {
		const Hoptac__V1__AuditEntry *e = resp->entries[i];

		assert_int_equal(e->status, STATUS_UNAUTHENTICATED);
		assert_string_equal(e->credential_id, "");
		assert_memory_equal(e->peer, "127.0.0.1", 9);
		assert_non_null(strstr(e->message, "carries none"));
		n += e->count;
	}
	/* A minute makes two rows (the first refusal, then the count of
	 * the rest), not one a call; the flood may straddle two minutes. */
	assert_true(resp->n_entries <= 4);
	hoptac__v1__search_audit_response__free_unpacked(resp, NULL);
	rpc_client_close(c);
	return n;
}

static void
test_flood_without_credential(void **state)
{
	struct harness h;
	struct flooder fl[FLOODERS];
	pthread_t t[FLOODERS];
	atomic_int stop = 0;
	char office[128];
	long before, grown, refused = 0;
	int rc;

	(void)state;
	harness_start(&h, HARNESS_TCP, 0);
	harness_expect(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "unit",
	        "import", harness_data("units-2024.csv"), NULL),
	    0, "units", out, err);
	harness_issue(&h, "Văn thư huyện Đắk Glei", OFFICE, "KT-DAKGLEI",
	    office, sizeof(office));
	harness_stop(&h);
	before = db_size(&h);
	harness_restart(&h);

	for (int i = 0; i < FLOODERS; i++) {
		fl[i] = (struct flooder) {&h, &stop, 0, 0};
		assert_int_equal(
		    pthread_create(&t[i], NULL, flooder_main, &fl[i]), 0);
	}
	sleep(FLOOD_S / 2);
	setenv("HOPTAC_TOKEN", office, 1);
	rc = harness_cli(&h, out, sizeof(out), err, sizeof(err), "activity",
	    "add", "--unit", "KT-DAKGLEI", "--partner", "Xê Kông", "--kind",
	    "conference", "--start", "2024-06-01", "--title",
	    "Hội nghị giao ban", "--id", "flood-office-1", NULL);
	unsetenv("HOPTAC_TOKEN");
	sleep(FLOOD_S - FLOOD_S / 2);
	atomic_store(&stop, 1);
	for (int i = 0; i < FLOODERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(fl[i].other, 0);
		refused += fl[i].refused;
	}
	harness_expect(rc, 0, "the office's activity add", out, err);
	harness_stop(&h);
	grown = db_size(&h) - before;
	print_message(
	    "%ld refused calls in %d s; the database grew %ld bytes\n", refused,
	    FLOOD_S, grown);
	assert_true(refused > 0);
	assert_true(grown < MIB);

	harness_restart(&h);
	assert_int_equal(trail_refused(&h), refused);
	harness_expect(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "audit",
	        "--refused", "--method", "Units/List", NULL),
	    0, "audit", out, err);
	assert_non_null(strstr(out, "CALLS"));
	assert_non_null(strstr(out, "127.0.0.1"));
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_flood_without_credential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
