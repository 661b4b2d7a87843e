/* hoptac-web for the tests: see web_harness.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "web_harness.h"

#define WEB_ARGS_MAX 24
#define WEB_LIVE_MAX 8

/* The hoptac-web started and not yet stopped: what a failed test left. */
static pid_t web_live[WEB_LIVE_MAX];

/* Replaces was by now in web_live; 0, or -1 when was is not there. */
static int
web_live_set(pid_t was, pid_t now)
{
	for (int i = 0; i < WEB_LIVE_MAX; i++)
		if (web_live[i] == was) {
			web_live[i] = now;
			return 0;
		}
	return -1;
}

void
web_kill_all(void)
{
	for (int i = 0; i < WEB_LIVE_MAX; i++)
		if (web_live[i] > 0) {
			kill(web_live[i], SIGKILL);
			waitpid(web_live[i], NULL, 0);
			web_live[i] = 0;
		}
}

int
web_teardown(void **state)
{
	(void)state;
	web_kill_all();
	return 0;
}

/* A connection to hoptac-web; -1 when it does not accept. */
static int
web_connect(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The size of the file at path, 0 if there is none. */
static off_t
web_log_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Whether the log at path says what past its first from bytes. */
static int
web_log_says(const char *path, off_t from, const char *what)
{
	static char buf[64 * 1024];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return 0;
	if (fseeko(f, from, SEEK_SET) != 0) {
		fclose(f);
		return 0;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, what) != NULL;
}

void
web_start(struct web_harness *w, struct harness *h, ...)
{
	const char *argv[WEB_ARGS_MAX];
	char listen[64];
	int n = 0, fd;
	off_t logged_from; /* where this start's lines begin in the log */
	const char *bin = getenv("HOPTAC_WEB");
	static int registered; /* atexit(web_kill_all) done */
	pid_t parent = getpid();
	va_list ap;

	assert_non_null(bin);
	memset(w, 0, sizeof(*w));
	w->port = harness_free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", w->port);
	snprintf(w->log, sizeof(w->log), "%s/web.log", h->dir);
	logged_from = web_log_size(w->log);
	snprintf(w->access, sizeof(w->access), "%s/access.log", h->dir);
	argv[n++] = bin;
	argv[n++] = "--server";
	argv[n++] = h->url;
	argv[n++] = "--listen";
	argv[n++] = listen;
	argv[n++] = "--access-log";
	argv[n++] = w->access;
	va_start(ap, h);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		assert_true(n < WEB_ARGS_MAX - 1);
		argv[n++] = a;
	}
	va_end(ap);
	argv[n] = NULL;
	if (!registered) {
		atexit(web_kill_all);
		registered = 1;
	}
	w->pid = fork();
	assert_true(w->pid >= 0);
	if (w->pid == 0) {
		int log = open(w->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		/* The test killed, or crashed: hoptac-web goes with it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);

		if (log >= 0) {
			dup2(log, 2);
			dup2(log, 1);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	/* No room to remember it: a test starting so many at once is wrong. */
	if (web_live_set(0, w->pid) != 0) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
		fail_msg("more than %d hoptac-web at once", WEB_LIVE_MAX);
	}
	for (int i = 0; i < 200; i++) {
		int status;

		/* Served by this hoptac-web, not by another process that
		 * took the port it was given: its own log says so. */
		if (web_log_says(w->log, logged_from, "hoptac-web: serving") &&
		    (fd = web_connect(w->port)) >= 0) {
			close(fd);
			return;
		}
		if (waitpid(w->pid, &status, WNOHANG) == w->pid) {
			web_live_set(w->pid, 0);
			w->pid = 0;
			fail_msg("hoptac-web exited at start; see %s", w->log);
		}
		usleep(50 * 1000);
	}
	fail_msg("hoptac-web does not serve on %s", listen);
}

void
web_stop(struct web_harness *w)
{
	int status;

	if (w->pid <= 0)
		return;
	web_live_set(w->pid, 0);
	kill(w->pid, SIGTERM);
	assert_int_equal(waitpid(w->pid, &status, 0), w->pid);
	w->pid = 0;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Keeps the session cookie an answer's headers set. */
static void
web_keep_cookie(struct web_harness *w, const char *headers)
{
	const char *c = strstr(headers, "Set-Cookie: ");
	size_t len;

	if (c == NULL)
		return;
	c += strlen("Set-Cookie: ");
	len = strcspn(c, ";\r\n");
	assert_true(len < sizeof(w->cookie));
	memcpy(w->cookie, c, len);
	w->cookie[len] = '\0';
}

int
web_request(struct web_harness *w, const char *method, const char *path,
    const char *body, struct web_answer *a)
{
	static char raw[sizeof(a->body) + sizeof(a->headers) + 1];
	int fd = web_connect(w->port);
	size_t got = 0;
	ssize_t n;
	char *end;
	FILE *req;
	char *buf = NULL;
	size_t len = 0;

	assert_true(fd >= 0);
	req = open_memstream(&buf, &len);
	assert_non_null(req);
	fprintf(req,
	    "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n",
	    method, path);
	if (w->cookie[0] != '\0')
		fprintf(req, "Cookie: %s\r\n", w->cookie);
	if (w->extra != NULL)
		fputs(w->extra, req);
	if (body != NULL)
		fprintf(req,
		    "Content-Type: application/x-www-form-urlencoded\r\n"
		    "Content-Length: %zu\r\n",
		    strlen(body));
	fprintf(req, "\r\n%s", body != NULL ? body : "");
	fclose(req);
	/* A refusal may come, and the connection close, before all of a
	 * large body is written: what matters is the answer. */
	for (size_t off = 0; off < len; off += (size_t)n)
		if ((n = send(fd, buf + off, len - off, MSG_NOSIGNAL)) <= 0)
			break;
	free(buf);
	while (got < sizeof(raw) - 1 &&
	    (n = read(fd, raw + got, sizeof(raw) - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	raw[got] = '\0';
	if (sscanf(raw, "HTTP/1.1 %d", &a->status) != 1)
		fail_msg("no HTTP answer to %s %s: %.200s", method, path, raw);
	end = strstr(raw, "\r\n\r\n");
	assert_non_null(end);
	*end = '\0';
	assert_true((size_t)(end - raw) < sizeof(a->headers));
	memcpy(a->headers, raw, (size_t)(end - raw) + 1);
	a->body_len = got - (size_t)(end + 4 - raw);
	assert_true(a->body_len < sizeof(a->body));
	memcpy(a->body, end + 4, a->body_len);
	a->body[a->body_len] = '\0';
	web_keep_cookie(w, a->headers);
	return a->status;
}

void
web_csrf(const struct web_answer *a, char out[65])
{
	const char *p = strstr(a->body, "name=\"csrf\" value=\"");

	assert_non_null(p);
	p += strlen("name=\"csrf\" value=\"");
	assert_true(strcspn(p, "\"") == 64);
	memcpy(out, p, 64);
	out[64] = '\0';
}

void
web_form_add(char *buf, size_t len, const char *name, const char *value)
{
	size_t n = strlen(buf);

	n +=
	    (size_t)snprintf(buf + n, len - n, "%s%s=", n > 0 ? "&" : "", name);
	for (; *value != '\0' && n + 4 < len; value++) {
		unsigned char c = (unsigned char)*value;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, len - n, "%%%02X", c);
	}
	assert_true(n + 4 < len);
	buf[n] = '\0';
}

void
web_sign_in(struct web_harness *w, const char *token)
{
	static struct web_answer a;
	char csrf[65], form[1024] = "";

	assert_int_equal(web_request(w, "GET", "/dang-nhap", NULL, &a), 200);
	web_csrf(&a, csrf);
	web_form_add(form, sizeof(form), "ma", token);
	web_form_add(form, sizeof(form), "csrf", csrf);
	assert_int_equal(web_request(w, "POST", "/dang-nhap", form, &a), 303);
	assert_non_null(strstr(a.headers, "HttpOnly"));
	assert_non_null(strstr(a.headers, "SameSite=Strict"));
}
