/*
 * hoptac-web under load: 100 page loads at once by a signed-in reviewer,
 * each on its own connection, every one answered 200 with the whole
 * page, hoptacd behind it holding to its own limit of connections from
 * one address (64); and with only four connections to hoptacd allowed,
 * the pages wait their turn rather than fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "web_harness.h"

#define LOADS 100

struct load_test {
	struct harness h;
	char reviewer[128];
};

/* One page load of the 100, run by its own thread. */
struct load_one {
	int port;
	const char *cookie;
	pthread_barrier_t *start;
	int status; /* the HTTP status, or -1 */
	int whole;  /* the page ended with </html> */
};

static int
setup(void **state)
{
	static struct load_test t;

	harness_start(&t.h, HARNESS_TCP, 0);
	harness_issue(&t.h, "Phòng HTQT, Sở Ngoại vụ", 1u << 2, NULL,
	    t.reviewer, sizeof(t.reviewer));
	*state = &t;
	return 0;
}

static void *
load_page(void *arg)
{
	struct load_one *l = arg;
	static __thread char buf[256 * 1024];
	char req[512];
	struct sockaddr_in sa;
	size_t got = 0;
	ssize_t n;
	int fd;

	l->status = -1;
	snprintf(req, sizeof(req),
	    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: %s\r\n"
	    "Connection: close\r\n\r\n",
	    l->cookie);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)l->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pthread_barrier_wait(l->start);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
		while (got < sizeof(buf) - 1 &&
		    (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
			got += (size_t)n;
		buf[got] = '\0';
		if (sscanf(buf, "HTTP/1.1 %d", &l->status) != 1)
			l->status = -1;
		l->whole = strstr(buf, "</html>") != NULL;
	}
	close(fd);
	return NULL;
}

/* 100 loads at once through a hoptac-web allowed limit connections to
 * hoptacd: every one answered, the whole page. */
static void
hundred_at_once(struct load_test *t, const char *limit)
{
	struct web_harness w;
	static struct load_one one[LOADS];
	static struct web_answer a;
	pthread_t th[LOADS];
	pthread_barrier_t start;
	int ok = 0;

	web_start(&w, &t->h, "--max-connections", "256", "--max-per-ip", "128",
	    "--hoptacd-connections", limit, NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(pthread_barrier_init(&start, NULL, LOADS), 0);
	for (int i = 0; i < LOADS; i++) {
		one[i] = (struct load_one) {w.port, w.cookie, &start, -1, 0};
		assert_int_equal(
		    pthread_create(&th[i], NULL, load_page, &one[i]), 0);
	}
	for (int i = 0; i < LOADS; i++) {
		pthread_join(th[i], NULL);
		if (one[i].status != 200 || !one[i].whole)
			print_message("load %d: %d\n", i, one[i].status);
		ok += one[i].status == 200 && one[i].whole;
	}
	pthread_barrier_destroy(&start);
	assert_int_equal(ok, LOADS);
	/* And after them, hoptac-web serves as before. */
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	web_stop(&w);
}

static void
test_hundred_at_once(void **state)
{
	hundred_at_once(*state, "48");
}

/* Four connections to hoptacd for a hundred pages: they wait their
 * turn, none is refused. */
static void
test_hundred_on_four(void **state)
{
	hundred_at_once(*state, "4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_hundred_at_once, web_teardown),
	    cmocka_unit_test_teardown(test_hundred_on_four, web_teardown),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
