/*
 * The exit codes that follow sysexits(3), with the real hoptacd and
 * hoptac: settings that cannot work exit 78 (EX_CONFIG), a credential
 * that cannot be read or is refused 77 (EX_NOPERM), and each says what is
 * wrong. Command lines that are wrong stay 2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static char out[64 * 1024];
static char err[64 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define HOPTACD(...)                                                           \
	harness_hoptacd(                                                       \
	    h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)
#define has(text)               assert_non_null(strstr(err, (text)))

static int
setup(void **state)
{
	static struct harness h;

	harness_start(&h, HARNESS_TCP, 0);
	*state = &h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	harness_cleanup(h);
	return 0;
}

/* Writes text to dir/name with mode; path gets its name. */
static void
write_file(struct harness *h, const char *name, const char *text, int mode,
    char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", h->dir, name);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

/* The credential read from a file that is missing, open to others or
 * empty: 77, naming the file, for a call, for a call that queues, and
 * for sync. */
static void
test_client_credential(void **state)
{
	struct harness *h = *state;
	char missing[400], open_[400], empty[400];

	snprintf(missing, sizeof(missing), "%s/no-such-token", h->dir);
	write_file(h, "open.token", "abc\n", 0644, open_, sizeof(open_));
	write_file(h, "empty.token", "", 0600, empty, sizeof(empty));
	/* "" in HOPTAC_TOKEN: the harness passes it, and hoptac reads the
	 * file instead. */
	setenv("HOPTAC_TOKEN", "", 1);

	setenv("HOPTAC_TOKEN_FILE", missing, 1);
	expect(CLI("unit", "list"), 77, "missing token file");
	has(missing);
	expect(CLI("activity", "add", "--unit", "KT-X", "--partner", "LA-XE",
	           "--kind", "conference", "--start", "2024", "--title", "x"),
	    77, "missing token file, queued call");
	has("stays queued");
	expect(CLI("sync", "--quiet"), 77, "missing token file, sync");

	setenv("HOPTAC_TOKEN_FILE", open_, 1);
	expect(CLI("unit", "list"), 77, "token file others can read");
	has("chmod 600");

	setenv("HOPTAC_TOKEN_FILE", empty, 1);
	expect(CLI("unit", "list"), 77, "empty token file");
	has("holds no credential");

	/* A token the server does not know: 77 as before. */
	unsetenv("HOPTAC_TOKEN_FILE");
	setenv("HOPTAC_TOKEN", "0123456789abcdef.nope", 1);
	expect(CLI("unit", "list"), 77, "unknown token");
	unsetenv("HOPTAC_TOKEN");
}

/* Settings the client cannot work with: 78, naming what to change. */
static void
test_client_config(void **state)
{
	struct harness *h = *state;
	char none[400];

	expect(CLI("--server", "http://127.0.0.1:1", "ping"), 78, "scheme");
	has("must start with tcp://");
	expect(CLI("--server", "tls+tcp://127.0.0.1:1", "ping"), 78, "no CA");
	has("--ca or HOPTAC_CA");
	snprintf(none, sizeof(none), "%s/no-such-ca.pem", h->dir);
	expect(CLI("--server", "tls+tcp://127.0.0.1:1", "--ca", none, "ping"),
	    78, "CA file missing");
	has(none);
	expect(CLI("--server", "tcp://192.0.2.1:7420", "unit", "list"), 78,
	    "credential in clear");
	has("HOPTAC_ALLOW_PLAINTEXT");
	/* A wrong command line stays a usage error. */
	expect(CLI("--timeout", "0", "ping"), 2, "bad --timeout");
}

/* hoptacd: a configuration file that cannot be read or is malformed, and
 * a bad value given with -o, -l or -D: 78, for the server and for init,
 * backup and check. */
static void
test_daemon_config(void **state)
{
	struct harness *h = *state;
	char none[400], bad[400], nodb[400], copy[400];

	snprintf(none, sizeof(none), "%s/none.conf", h->dir);
	write_file(h, "bad.conf", "listen = tcp://127.0.0.1:1\ncolour = blue\n",
	    0600, bad, sizeof(bad));
	write_file(h, "nodb.conf", "listen = tcp://127.0.0.1:1\n", 0600, nodb,
	    sizeof(nodb));
	snprintf(copy, sizeof(copy), "%s/copy.db", h->dir);

	expect(HOPTACD("-n", "-f", none), 78, "missing file");
	has("none.conf");
	expect(HOPTACD("-n", "-f", bad), 78, "unknown key");
	has("bad.conf:2");
	expect(HOPTACD("-n", "-f", nodb), 78, "no database");
	has("no database file");
	expect(HOPTACD("-n", "-f", nodb, "-D", h->db, "-o", "contexts=0"), 78,
	    "-o out of range");
	has("contexts");
	expect(HOPTACD("-n", "-D", h->db, "-o", "contexts"), 78, "-o no =");
	expect(HOPTACD("-n", "-D", h->db, "-l", "http://127.0.0.1:1"), 78,
	    "-l scheme");
	expect(HOPTACD("init", "-f", none), 78, "init, missing file");
	expect(HOPTACD("backup", "-f", bad, copy), 78, "backup, bad file");
	expect(HOPTACD("backup", "-f", nodb, copy), 78, "backup, no database");
	expect(HOPTACD("check", "-f", none), 78, "check, missing file");

	/* Wrong command lines stay 2. */
	expect(HOPTACD("-Z"), 2, "unknown flag");
	expect(HOPTACD("-n", "-f", nodb, "-D", h->db, "extra"), 2, "argument");
	expect(HOPTACD("backup", copy), 2, "backup without a database");
	/* A good configuration still passes. */
	expect(HOPTACD("-n", "-f", nodb, "-D", h->db), 0, "good");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_client_credential),
	    cmocka_unit_test(test_client_config),
	    cmocka_unit_test(test_daemon_config),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
