/*
 * Every transport the server offers survives peers that connect and drop
 * during the SP negotiation (nng issue 1518 left ipc:// listeners dead),
 * and a graceful stop finishes cleanly with calls in flight.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "status.h"

/* A raw socket to url (tcp://127.0.0.1:port or ipc:///path), or -1. */
static int
raw_connect(const char *url)
{
	int fd;

	if (strncmp(url, "tcp://", 6) == 0) {
		struct sockaddr_in sa;
		const char *colon = strrchr(url, ':');

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)atoi(colon + 1));
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 &&
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			close(fd);
			fd = -1;
		}
		return fd;
	}
	struct sockaddr_un su;

	memset(&su, 0, sizeof(su));
	su.sun_family = AF_UNIX;
	snprintf(su.sun_path, sizeof(su.sun_path), "%s", url + 6);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&su, sizeof(su)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int
health(const char *url)
{
	Hoptac__V1__HealthCheckRequest req =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	/* Long enough for the ipc watchdog to notice and restore. */
	struct rpc_client_options opt = {10000, NULL, 0};
	struct rpc_client_status st;
	char err[128];
	struct rpc_client *c = rpc_client_open(url, NULL, err, sizeof(err));

	assert_non_null(c);
	rpc_client_call(c, "/hoptac.v1.Health/Check", &req.base,
	    &hoptac__v1__health_check_response__descriptor, &resp, &opt, &st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	rpc_client_close(c);
	return st.code;
}

/* Connects and drops at each point of the negotiation: before sending,
 * mid-header, with a wrong header, and after a whole header. */
static void
abuse(const char *url)
{
	static const uint8_t header[8] = {0, 'S', 'P', 0, 0x00, 0x30, 0, 0};
	static const uint8_t wrong[8] = {
	    'G', 'E', 'T', ' ', '/', ' ', 'H', 'T'};

	for (int round = 0; round < 20; round++) {
		for (size_t cut = 0; cut <= sizeof(header); cut++) {
			int fd = raw_connect(url);

			assert_true(fd >= 0);
			if (cut > 0)
				assert_int_equal(
				    write(fd, header, cut), (ssize_t)cut);
			close(fd);
		}
		int fd = raw_connect(url);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, wrong, sizeof(wrong)), 8);
		close(fd);
	}
}

static void
test_negotiation_drops(void **state)
{
	struct harness h;

	(void)state;
	harness_start(&h, HARNESS_TCP, 1);
	abuse(h.url);
	abuse(h.url2);
	/* Both listeners still accept and serve. */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(health(h.url), STATUS_OK);
		assert_int_equal(health(h.url2), STATUS_OK);
	}
	harness_stop(&h);
	harness_cleanup(&h);
}

/* A peer that connects and never speaks holds nothing up. */
static void
test_silent_peers(void **state)
{
	struct harness h;
	int fds[32];

	(void)state;
	harness_start(&h, HARNESS_IPC, 0);
	for (int i = 0; i < 32; i++) {
		fds[i] = raw_connect(h.url);
		assert_true(fds[i] >= 0);
	}
	assert_int_equal(health(h.url), STATUS_OK);
	for (int i = 0; i < 32; i++)
		close(fds[i]);
	assert_int_equal(health(h.url), STATUS_OK);
	harness_stop(&h);
	harness_cleanup(&h);
}

struct flood {
	struct harness *h;
	int ok, other;
};

static void *
flood_main(void *arg)
{
	struct flood *f = arg;
	struct rpc_client *c = harness_client(f->h);

	for (int i = 0; i < 400; i++) {
		char id[32];
		Hoptac__V1__Activity *a;
		int rc;

		snprintf(id, sizeof(id), "term-%p-%d", (void *)f, i);
		a = harness_activity("KT-DAKGLEI", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "2024", 0);
		rc = harness_submit(c, a, NULL, 2000);
		hoptac__v1__activity__free_unpacked(a, NULL);
		if (rc == STATUS_OK)
			f->ok++;
		else {
			f->other++;
			break;
		}
	}
	rpc_client_close(c);
	return NULL;
}

/* SIGTERM under load: the server exits 0, what it acknowledged is kept,
 * and it starts again on the same file. */
static void
test_graceful_stop_under_load(void **state)
{
	struct harness h;
	struct flood f[4];
	pthread_t t[4];
	struct rpc_client *c;
	long acked = 0;

	(void)state;
	harness_start(&h, HARNESS_TCP, 0);
	c = harness_client(&h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	rpc_client_close(c);
	for (int i = 0; i < 4; i++) {
		memset(&f[i], 0, sizeof(f[i]));
		f[i].h = &h;
		pthread_create(&t[i], NULL, flood_main, &f[i]);
	}
	usleep(200 * 1000);
	harness_stop(&h); /* asserts exit status 0 */
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		acked += f[i].ok;
	}
	harness_restart(&h);
	c = harness_client(&h);
	assert_true(harness_count(c, "KT-DAKGLEI") >= acked);
	assert_true(harness_count(c, "KT-DAKGLEI") <= acked + 4);
	rpc_client_close(c);
	harness_stop(&h);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_negotiation_drops),
	    cmocka_unit_test(test_silent_peers),
	    cmocka_unit_test(test_graceful_stop_under_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
