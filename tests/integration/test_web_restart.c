/*
 * hoptac-web restarted under signed-in people: with --state-dir their
 * cookies still work (the CSRF token too); an expired session does not
 * come back; an altered state file restores nothing, says so in the log
 * and does not stop hoptac-web; the file holds neither the credential
 * nor the session's id in clear. Without --state-dir a restart signs
 * everyone out, as it always did. And hoptacd restarted under
 * hoptac-web: its pages work again, on connections kept between them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "web_harness.h"

static struct web_answer a;

struct restart_test {
	struct harness h;
	char reviewer[128];
	char state[400]; /* hoptac-web's state directory */
	char file[420];  /* and its sessions file */
};

static int
setup(void **state)
{
	static struct restart_test t;

	harness_start(&t.h, HARNESS_TCP, 0);
	harness_issue(&t.h, "Phòng HTQT, Sở Ngoại vụ", 1u << 2, NULL,
	    t.reviewer, sizeof(t.reviewer));
	snprintf(t.state, sizeof(t.state), "%s/web-state", t.h.dir);
	snprintf(t.file, sizeof(t.file), "%s/sessions", t.state);
	assert_int_equal(mkdir(t.state, 0700), 0);
	*state = &t;
	return 0;
}

/* The whole of a file, NUL-terminated, into buf. */
static void
slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n, got = 0;

	assert_true(fd >= 0);
	while ((n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
}

static void
spill(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
}

/* Stops hoptac-web and starts it again on the same state, keeping the
 * cookie the browser holds. */
static void
restart(struct web_harness *w, struct restart_test *t, const char *idle)
{
	char cookie[sizeof(w->cookie)];

	snprintf(cookie, sizeof(cookie), "%s", w->cookie);
	web_stop(w);
	web_start(
	    w, &t->h, "--state-dir", t->state, "--session-idle", idle, NULL);
	snprintf(w->cookie, sizeof(w->cookie), "%s", cookie);
}

/* Whether hoptac-web's log says what. */
static int
logged(const struct web_harness *w, const char *what)
{
	static char log[64 * 1024];

	slurp(w->log, log, sizeof(log));
	return strstr(log, what) != NULL;
}

static void
test_survives_restart(void **state)
{
	struct restart_test *t = *state;
	struct web_harness w;
	static char saved[16 * 1024];
	char csrf[65], form[256] = "";
	struct stat st;

	unlink(t->file);

	web_start(&w, &t->h, "--state-dir", t->state, NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	/* Saved at once, for hoptac-web's eyes only, nothing in clear. */
	assert_int_equal(stat(t->file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	slurp(t->file, saved, sizeof(saved));
	assert_non_null(strstr(saved, "hoptac-web sessions 1\n"));
	assert_null(strstr(saved, t->reviewer));
	assert_null(strstr(saved, strchr(w.cookie, '=') + 1));
	restart(&w, t, "1800");
	assert_true(logged(&w, "1 session(s) restored"));
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	assert_null(strstr(a.headers, "Location: /dang-nhap"));
	/* The forms of the session carry the same token: signing out
	 * works, and ends the session for good, across restarts too. */
	web_csrf(&a, csrf);
	web_form_add(form, sizeof(form), "csrf", csrf);
	assert_int_equal(web_request(&w, "POST", "/dang-xuat", form, &a), 303);
	restart(&w, t, "1800");
	web_sign_in(&w, t->reviewer);
	web_stop(&w);
	/* Without a state directory, nobody is kept. */
	{
		char cookie[sizeof(w.cookie)];

		web_start(&w, &t->h, "--state-dir", t->state, NULL);
		web_sign_in(&w, t->reviewer);
		snprintf(cookie, sizeof(cookie), "%s", w.cookie);
		web_stop(&w);
		web_start(&w, &t->h, NULL);
		snprintf(w.cookie, sizeof(w.cookie), "%s", cookie);
		assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
		web_stop(&w);
	}
}

/* A session that has been idle too long does not come back. */
static void
test_expired(void **state)
{
	struct restart_test *t = *state;
	struct web_harness w;

	unlink(t->file);

	web_start(
	    &w, &t->h, "--state-dir", t->state, "--session-idle", "2", NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	web_stop(&w);
	sleep(3);
	restart(&w, t, "2");
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	assert_non_null(strstr(a.headers, "Location: /dang-nhap"));
	web_stop(&w);
}

/* A digit changed in a sealed record: the session does not open, the
 * log says why, hoptac-web serves on. */
static void
test_altered_record(void **state)
{
	struct restart_test *t = *state;
	struct web_harness w;
	static char saved[16 * 1024];
	char *rec;

	unlink(t->file);

	web_start(&w, &t->h, "--state-dir", t->state, NULL);
	web_sign_in(&w, t->reviewer);
	web_stop(&w);
	slurp(t->file, saved, sizeof(saved));
	/* The last field of the last session's line, its tag at the end. */
	rec = strstr(saved, "\nend ");
	assert_non_null(rec);
	rec[-1] = rec[-1] == '0' ? '1' : '0';
	spill(t->file, saved);
	restart(&w, t, "1800");
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	assert_true(logged(&w, "fails its check"));
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	web_stop(&w);
}

/* Files that are no state file of hoptac-web's: nothing restored, a
 * line in the log, hoptac-web serves. */
static void
test_refused_files(void **state)
{
	struct restart_test *t = *state;
	static const char *const bad[] = {
	    "junk\n",
	    "hoptac-web sessions 1\n",
	    "hoptac-web sessions 1\nend 1\n",
	    "hoptac-web sessions 1\nzz 1 2 00\nend 1\n",
	    "hoptac-web sessions 1\nend 0\nmore\n",
	};
	struct web_harness w;
	static char saved[16 * 1024], cut[16 * 1024];

	unlink(t->file);

	web_start(&w, &t->h, "--state-dir", t->state, NULL);
	web_sign_in(&w, t->reviewer);
	web_stop(&w);
	slurp(t->file, saved, sizeof(saved));
	for (size_t i = 0; i <= sizeof(bad) / sizeof(*bad); i++) {
		/* Last: the good file cut in the middle of its record. */
		if (i < sizeof(bad) / sizeof(*bad))
			spill(t->file, bad[i]);
		else {
			size_t half = strlen(saved) / 2;

			memcpy(cut, saved, half);
			cut[half] = '\0';
			spill(t->file, cut);
		}
		restart(&w, t, "1800");
		assert_true(logged(&w, "refused, no session restored"));
		assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
		assert_int_equal(
		    web_request(&w, "GET", "/dang-nhap", NULL, &a), 200);
		assert_int_equal(truncate(w.log, 0), 0);
	}
	/* The good file, readable by others: refused too. */
	spill(t->file, saved);
	assert_int_equal(chmod(t->file, 0644), 0);
	restart(&w, t, "1800");
	assert_true(logged(&w, "not a file of mode 0600"));
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	web_stop(&w);
}

/* Connections open to the port of hoptacd at url (tcp://host:port). */
static int
hoptacd_connections(const char *url)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	unsigned port = (unsigned)atoi(strrchr(url, ':') + 1), rport, st;
	char line[512];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, " %*d: %*x:%*x %*x:%x %x", &rport, &st) == 2 &&
		    rport == port && st == 1)
			n++;
	fclose(f);
	return n;
}

/* Pages reuse their connection to hoptacd, and find hoptacd again after
 * it restarts (stopped, or killed), without hoptac-web restarting. */
static void
test_hoptacd_restarts(void **state)
{
	struct restart_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, NULL);
	web_sign_in(&w, t->reviewer);
	for (int i = 0; i < 10; i++)
		assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	/* One page after another: one connection, kept between them. */
	assert_int_equal(hoptacd_connections(t->h.url), 1);
	harness_stop(&t->h);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 503);
	harness_restart(&t->h);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	harness_kill(&t->h);
	harness_restart(&t->h);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	assert_int_equal(hoptacd_connections(t->h.url), 1);
	web_stop(&w);
	/* --pool 0: a connection per request, none kept. */
	web_start(&w, &t->h, "--pool", "0", NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	assert_int_equal(hoptacd_connections(t->h.url), 0);
	web_stop(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_survives_restart, web_teardown),
	    cmocka_unit_test_teardown(test_expired, web_teardown),
	    cmocka_unit_test_teardown(test_altered_record, web_teardown),
	    cmocka_unit_test_teardown(test_refused_files, web_teardown),
	    cmocka_unit_test_teardown(test_hoptacd_restarts, web_teardown),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
