/*
 * hoptacd under systemd's Type=notify: with $NOTIFY_SOCKET set it sends
 * READY=1 once it serves and STOPPING=1 when told to stop, as datagrams
 * on that socket (sd_notify(3)). The test binds the socket in systemd's
 * place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "harness.h"

static char out[64 * 1024];
static char err[64 * 1024];

/* Receives one datagram from fd into buf (NUL-terminated), waiting at
 * most 30 s, a bound for a loaded machine rather than a measure; returns
 * its length, or -1 when none came. */
static ssize_t
notify_recv(int fd, char *buf, size_t len)
{
	struct pollfd p = {fd, POLLIN, 0};
	ssize_t n;

	if (poll(&p, 1, 30000) != 1)
		return -1;
	if ((n = recv(fd, buf, len - 1, 0)) < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static void
test_notify_ready_stopping(void **state)
{
	struct harness h;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[] = "/tmp/hoptac-notify-XXXXXX", msg[1024];
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/notify", dir);
	assert_true((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	setenv("NOTIFY_SOCKET", sun.sun_path, 1);

	harness_start(&h, HARNESS_TCP, 0);
	assert_true(notify_recv(fd, msg, sizeof(msg)) > 0);
	assert_non_null(strstr(msg, "READY=1"));
	/* Ready means serving: a call made right after is answered. */
	harness_expect(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "ping", NULL),
	    0, "ping after READY=1", out, err);

	harness_stop(&h);
	assert_true(notify_recv(fd, msg, sizeof(msg)) > 0);
	assert_non_null(strstr(msg, "STOPPING=1"));

	unsetenv("NOTIFY_SOCKET");
	harness_cleanup(&h);
	close(fd);
	unlink(sun.sun_path);
	rmdir(dir);
}

/* Without $NOTIFY_SOCKET (started by hand, or Type=simple) nothing is
 * sent and the server serves as before; a socket no one reads is not its
 * concern either, so a dead one does not stop it. */
static void
test_notify_dead_socket(void **state)
{
	struct harness h;

	(void)state;
	setenv("NOTIFY_SOCKET", "/nonexistent/hoptac-notify", 1);
	harness_start(&h, HARNESS_TCP, 0);
	harness_expect(
	    harness_cli(&h, out, sizeof(out), err, sizeof(err), "ping", NULL),
	    0, "ping with a dead NOTIFY_SOCKET", out, err);
	harness_stop(&h);
	unsetenv("NOTIFY_SOCKET");
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_notify_ready_stopping),
	    cmocka_unit_test(test_notify_dead_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
