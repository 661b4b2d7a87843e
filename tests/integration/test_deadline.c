/*
 * The deadline covers connecting: a host that takes the connection and
 * never speaks, one whose queue of connections is full (attempts are
 * dropped), and a server that was stopped (SIGSTOP) all get an answer
 * within the command's timeout, and an activity added meanwhile is
 * queued. nng's dial alone waited minutes for the first and seconds for
 * the last. And a connection lost under a call: the library, not nng,
 * sends it again, and it is stored once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "status.h"

/* The bar is the timeout plus 0.5 s; a loaded test machine gets one
 * more second on top, which still tells a bounded wait from nng's own
 * (seconds to minutes). */
#define TIMEOUT_MS 2000
#define SLACK_MS   1500

static char out[64 * 1024];
static char err[64 * 1024];

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A listening TCP socket on 127.0.0.1 with the given backlog, that
 * never accepts; its URL in url. */
static int
silent_listener(int backlog, char *url, size_t len)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	snprintf(url, len, "tcp://127.0.0.1:%d", ntohs(a.sin_port));
	return fd;
}

/* hoptac --timeout TIMEOUT_MS ping against url: unreachable (75), in
 * time. */
static void
ping_in_time(struct harness *h, const char *url)
{
	struct harness other = *h;
	int64_t t0 = now_ms(), took;
	int rc;

	snprintf(other.url, sizeof(other.url), "%s", url);
	rc = harness_cli(&other, out, sizeof(out), err, sizeof(err),
	    "--timeout", "2000", "ping", NULL);
	took = now_ms() - t0;
	harness_expect(rc, 75, "ping", out, err);
	assert_non_null(strstr(err, "hint: no answer from "));
	if (took > TIMEOUT_MS + SLACK_MS)
		fail_msg("ping took %lld ms with a timeout of %d ms",
		    (long long)took, TIMEOUT_MS);
}

static int
setup(void **state)
{
	static struct harness hs;

	harness_start(&hs, HARNESS_TCP, 0);
	*state = &hs;
	return 0;
}

static int
teardown(void **state)
{
	harness_cleanup(*state);
	return 0;
}

/* A host that takes the connection and never speaks. */
static void
test_silent_host(void **state)
{
	char url[64];
	int fd = silent_listener(16, url, sizeof(url));

	ping_in_time(*state, url);
	close(fd);
}

/* A host whose queue of connections is full: the kernel drops further
 * attempts, and a connect waits through its retries. */
static void
test_full_backlog(void **state)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	char url[64];
	int fd = silent_listener(0, url, sizeof(url));
	int fill[8];

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	for (size_t i = 0; i < 8; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fill[i] >= 0);
		(void)connect(fill[i], (struct sockaddr *)&a, sizeof(a));
	}
	ping_in_time(*state, url);
	for (size_t i = 0; i < 8; i++)
		close(fill[i]);
	close(fd);
}

/* The server stopped: ping answers in time, and an activity added is
 * queued, then delivered once the server runs again. */
static void
test_stopped_server(void **state)
{
	struct harness *h = *state;
	struct rpc_client *c = harness_client(h);
	int64_t t0, took;
	int rc;

	harness_unit(c, "KT-DEADLINE", "UBND xã Hẹn Giờ");
	assert_int_equal(kill(h->pid, SIGSTOP), 0);
	ping_in_time(h, h->url);
	t0 = now_ms();
	rc = harness_cli(h, out, sizeof(out), err, sizeof(err), "--timeout",
	    "2000", "activity", "add", "--id", "late-link", "--unit",
	    "KT-DEADLINE", "--partner", "LA-XE", "--kind", "other", "--start",
	    "2024-06-01", "--title", "Đoàn làm việc", NULL);
	took = now_ms() - t0;
	assert_int_equal(kill(h->pid, SIGCONT), 0);
	harness_expect(rc, 0, "activity add", out, err);
	assert_non_null(strstr(out, "late-link queued"));
	if (took > TIMEOUT_MS + SLACK_MS)
		fail_msg("activity add took %lld ms with a timeout of %d ms",
		    (long long)took, TIMEOUT_MS);
	harness_expect(
	    harness_cli(h, out, sizeof(out), err, sizeof(err), "sync", NULL), 0,
	    "sync", out, err);
	assert_int_equal(harness_count(c, "KT-DEADLINE"), 1);
	rpc_client_close(c);
}

struct lost_call {
	struct rpc_client *c;
	struct rpc_client_status st;
};

static void *
lost_call_main(void *arg)
{
	struct lost_call *l = arg;
	Hoptac__V1__Activity *a =
	    harness_activity("KT-LOST", "lost-link", 1, "2024-06-02", 3);
	/* Attempts enough for the back-off to outlast the restart. */
	struct rpc_client_options opt = {20000, NULL, 30};

	harness_submit_with(l->c, a, &opt, &l->st);
	hoptac__v1__activity__free_unpacked(a, NULL);
	return NULL;
}

/* The server dies with a request unread (stopped, then killed) and
 * comes back: the call fails its attempt at once, the library sends it
 * again with the same request id once the server is back, and the
 * activity is stored once. nng's own resend is off (docs/protocol.md):
 * it is a second attempt, not nng's resend within the first. */
static void
test_connection_lost(void **state)
{
	struct harness *h = *state;
	struct lost_call l = {harness_client(h), {0}};
	pthread_t t;

	harness_unit(l.c, "KT-LOST", "UBND xã Mất Nối");
	assert_int_equal(kill(h->pid, SIGSTOP), 0);
	assert_int_equal(pthread_create(&t, NULL, lost_call_main, &l), 0);
	usleep(300 * 1000); /* the request waits, unread */
	harness_kill(h);
	harness_restart(h);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (l.st.code != STATUS_OK)
		fail_msg("submit after a lost connection: %s: %s",
		    status_name(l.st.code), l.st.message);
	assert_true(l.st.attempts >= 2);
	assert_int_equal(harness_count(l.c, "KT-LOST"), 1);
	rpc_client_close(l.c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_silent_host),
	    cmocka_unit_test(test_full_backlog),
	    cmocka_unit_test(test_stopped_server),
	    cmocka_unit_test(test_connection_lost),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
