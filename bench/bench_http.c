/*
 * Which HTTP server hoptac-web is built on: a trivial page served by
 * libmicrohttpd (one thread per connection, as hoptac-web runs it) or by
 * nng's own HTTP server, loaded for a while by a small client making one
 * connection per request (as a browser's first visit does, and as `ab`
 * does without -k). docs/PERFORMANCE.md gives the figures.
 *
 *   bench_http -S mhd -p 7470 &     bench_http -S nng -p 7471 &
 *   bench_http -p 7470 -c 4 -t 60   (prints requests/s and failures)
 *
 * It loads hoptac-web's own pages too (bench/web.sh): -P the path, -C
 * the session's cookie, -E a text the page must hold.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <nng/nng.h>
#include <nng/supplemental/http/http.h>

#define HTTP_PAGE                                                              \
	"<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"      \
	"<title>Thử</title></head><body><p>Xin chào</p></body></html>\n"

/* What each request asks, and what its answer must hold. */
static char http_request[2048];
static const char *http_expect = "Xin chào";

struct http_load {
	int port;
	double until; /* CLOCK_MONOTONIC seconds */
	long done, failed;
};

static double
http_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One GET on a new connection; 0 when the answer was a 200. */
static int
http_get_once(int port)
{
	size_t req_len = strlen(http_request);
	struct sockaddr_in sa;
	static __thread char buf[256 * 1024];
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, http_request, req_len) != (ssize_t)req_len)
		goto out;
	while ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		if ((got += (size_t)n) == sizeof(buf) - 1)
			break;
	buf[got] = '\0';
	if (strncmp(buf, "HTTP/1.1 200", 12) == 0 && strstr(buf, http_expect))
		rc = 0;
out:
	close(fd);
	return rc;
}

static void *
http_load_thread(void *arg)
{
	struct http_load *l = arg;

	while (http_now() < l->until) {
		if (http_get_once(l->port) == 0)
			l->done++;
		else
			l->failed++;
	}
	return NULL;
}

static enum MHD_Result
http_mhd_page(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **ptr)
{
	struct MHD_Response *r = cls;

	(void)url, (void)method, (void)version, (void)upload_data;
	(void)upload_size, (void)ptr;
	return MHD_queue_response(conn, MHD_HTTP_OK, r);
}

static int
http_serve(const char *which, int port)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (strcmp(which, "mhd") == 0) {
		struct MHD_Response *r =
		    MHD_create_response_from_buffer(strlen(HTTP_PAGE),
		        (void *)HTTP_PAGE, MHD_RESPMEM_PERSISTENT);
		struct MHD_Daemon *d;

		MHD_add_response_header(
		    r, "Content-Type", "text/html; charset=utf-8");
		d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
		        MHD_USE_INTERNAL_POLLING_THREAD,
		    (uint16_t)port, NULL, NULL, http_mhd_page, r,
		    MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_END);
		if (d == NULL)
			return 1;
		sigwait(&set, &sig);
		MHD_stop_daemon(d);
		MHD_destroy_response(r);
		return 0;
	} else if (strcmp(which, "nng") == 0) {
		char url[64];
		nng_url *u = NULL;
		nng_http_server *s = NULL;
		nng_http_handler *h = NULL;

		snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
		if (nng_url_parse(&u, url) != 0 ||
		    nng_http_server_hold(&s, u) != 0 ||
		    nng_http_handler_alloc_static(&h, "/", HTTP_PAGE,
		        strlen(HTTP_PAGE), "text/html; charset=utf-8") != 0 ||
		    nng_http_server_add_handler(s, h) != 0 ||
		    nng_http_server_start(s) != 0)
			return 1;
		sigwait(&set, &sig);
		nng_http_server_stop(s);
		nng_http_server_release(s);
		nng_url_free(u);
		return 0;
	}
	return 2;
}

int
main(int argc, char **argv)
{
	const char *serve = NULL, *path = "/", *cookie = NULL;
	int port = 7470, conns = 4, seconds = 60, ch;
	pthread_t th[128];
	struct http_load load[128];
	long done = 0, failed = 0;
	double start;

	while ((ch = getopt(argc, argv, "S:p:c:t:P:C:E:")) != -1) {
		switch (ch) {
		case 'S':
			serve = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'c':
			conns = atoi(optarg);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'P':
			path = optarg;
			break;
		case 'C':
			cookie = optarg;
			break;
		case 'E':
			http_expect = optarg;
			break;
		default:
			fprintf(stderr,
			    "usage: bench_http [-S mhd|nng] [-p PORT] "
			    "[-c CONNS] [-t SECONDS] [-P PATH] [-C COOKIE] "
			    "[-E TEXT]\n");
			return 2;
		}
	}
	if (serve != NULL)
		return http_serve(serve, port);
	if (conns < 1 || conns > 128)
		return 2;
	snprintf(http_request, sizeof(http_request),
	    "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s%s%s"
	    "Connection: close\r\n\r\n",
	    path, cookie != NULL ? "Cookie: " : "",
	    cookie != NULL ? cookie : "", cookie != NULL ? "\r\n" : "");
	start = http_now();
	for (int i = 0; i < conns; i++) {
		load[i] = (struct http_load) {port, start + seconds, 0, 0};
		pthread_create(&th[i], NULL, http_load_thread, &load[i]);
	}
	for (int i = 0; i < conns; i++) {
		pthread_join(th[i], NULL);
		done += load[i].done;
		failed += load[i].failed;
	}
	printf("%ld requests in %.1f s: %.0f/s, %ld failed\n", done,
	    http_now() - start, (double)done / (http_now() - start), failed);
	return failed != 0;
}
