/*
 * hoptac's configuration file, with the real hoptacd and hoptac, in a
 * temporary XDG_CONFIG_HOME or HOME: its server, ca, token_file and unit
 * are used where the command line and the environment leave them; a
 * malformed file exits 78 naming the file and line, and does not stop
 * --help or --version.
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
#include <unistd.h>

#include "harness.h"

static char out[64 * 1024];
static char err[64 * 1024];

#define RUN(...)                                                               \
	harness_cli_plain(                                                     \
	    h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)
#define has(buf, text)          assert_non_null(strstr((buf), (text)))

struct fixture {
	struct harness h;
	char xdg[300], home[300]; /* the two places the user's file may be */
	char token[400];          /* the department's token, in a file */
	char conf[400];           /* $XDG_CONFIG_HOME/hoptac/hoptac.conf */
};

/* Makes top/sub/hoptac (sub may be NULL). */
static void
mkdirs(const char *top, const char *sub)
{
	char path[400];

	assert_int_equal(mkdir(top, 0700), 0);
	snprintf(path, sizeof(path), "%s", top);
	if (sub != NULL) {
		snprintf(path, sizeof(path), "%s/%s", top, sub);
		assert_int_equal(mkdir(path, 0700), 0);
	}
	strncat(path, "/hoptac", sizeof(path) - strlen(path) - 1);
	assert_int_equal(mkdir(path, 0700), 0);
}

static int
setup(void **state)
{
	static struct fixture fs;
	struct fixture *f = &fs;
	FILE *o;

	harness_start(&f->h, HARNESS_TCP, 0);
	snprintf(f->xdg, sizeof(f->xdg), "%.250s/xdg", f->h.dir);
	snprintf(f->home, sizeof(f->home), "%.250s/home", f->h.dir);
	mkdirs(f->xdg, NULL);
	mkdirs(f->home, ".config");
	snprintf(f->conf, sizeof(f->conf), "%.300s/hoptac/hoptac.conf", f->xdg);
	snprintf(
	    f->token, sizeof(f->token), "%.250s/department.token", f->h.dir);
	assert_non_null(o = fopen(f->token, "w"));
	fprintf(o, "%s\n", f->h.token);
	fclose(o);
	assert_int_equal(chmod(f->token, 0600), 0);
	/* Nothing of the test's own environment may stand in for the file. */
	unsetenv("HOPTAC_SERVER");
	unsetenv("HOPTAC_CA");
	unsetenv("HOPTAC_TOKEN");
	unsetenv("HOPTAC_TOKEN_FILE");
	unsetenv("HOPTAC_UNIT");
	setenv("XDG_CONFIG_HOME", f->xdg, 1);
	setenv("HOME", f->home, 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	harness_cleanup(&f->h);
	return 0;
}

static void
write_conf(const char *path, const char *text)
{
	FILE *o = fopen(path, "w");

	assert_non_null(o);
	fputs(text, o);
	fclose(o);
}

/* The user's file names the server and the token file: whoami reaches
 * the test's server with the department's credential. */
static void
test_server_and_token_file(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;
	char text[1200], nobody[400];

	snprintf(text, sizeof(text),
	    "# the department's settings\n"
	    "server = %s   # the test's server\n"
	    "\n"
	    "  token_file=%s\n",
	    h->url, f->token);
	write_conf(f->conf, text);
	expect(RUN("whoami"), 0, "from the file");
	has(out, "peer");

	/* The environment wins over the file, the command line over both. */
	snprintf(nobody, sizeof(nobody), "ipc://%.250s/nobody.sock", h->dir);
	setenv("HOPTAC_SERVER", nobody, 1);
	expect(RUN("--timeout", "500", "ping"), 75, "environment wins");
	has(err, "nobody.sock");
	expect(RUN("--server", h->url, "whoami"), 0, "command line wins");
	unsetenv("HOPTAC_SERVER");
	setenv("HOPTAC_TOKEN_FILE", "/nonexistent/token", 1);
	expect(RUN("whoami"), 77, "environment's token file wins");
	has(err, "/nonexistent/token");
	unsetenv("HOPTAC_TOKEN_FILE");
	remove(f->conf);
}

/* Without XDG_CONFIG_HOME, the file in ~/.config/hoptac; its unit is the
 * one sync pulls for, and its ca the one a tls+tcp:// server needs. */
static void
test_home_unit_and_ca(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;
	char text[1200], path[400];

	expect(harness_cli(h, out, sizeof(out), err, sizeof(err), "unit", "add",
	           "KT-DAKGLEI", "UBND huyện Đắk Glei", "--kind",
	           "district_committee", NULL),
	    0, "unit add");
	unsetenv("XDG_CONFIG_HOME");
	snprintf(path, sizeof(path), "%s/.config/hoptac/hoptac.conf", f->home);
	snprintf(text, sizeof(text),
	    "server = %s\ntoken_file = %s\nunit = KT-DAKGLEI\n"
	    "ca = %.250s/no-such-ca.pem\n",
	    h->url, f->token, h->dir);
	write_conf(path, text);
	expect(RUN("sync"), 0, "sync for the file's unit");
	has(out, "pulled for KT-DAKGLEI");
	expect(RUN("--server", "tls+tcp://127.0.0.1:1", "ping"), 78,
	    "the file's CA");
	has(err, "no-such-ca.pem");
	remove(path);
	setenv("XDG_CONFIG_HOME", f->xdg, 1);
}

/* A malformed file: 78, with the file and the line; --help and
 * --version still answer. */
static void
test_malformed(void **state)
{
	struct fixture *f = *state;
	struct harness *h = &f->h;
	static const struct {
		const char *text, *line, *says;
	} bad[] = {
	    {"server = tcp://127.0.0.1:1\ncolour = blue\n",
	        ":2:", "unknown key \"colour\""},
	    {"# settings\nserver\n", ":2:", "expected key = value"},
	    {"token_file = token\n", ":1:", "absolute path"},
	    {"server = http://x\n", ":1:", "must start with tcp://"},
	    {"unit =\n", ":1:", "has no value"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_conf(f->conf, bad[i].text);
		expect(RUN("ping"), 78, bad[i].text);
		has(err, f->conf);
		has(err, bad[i].line);
		has(err, bad[i].says);
	}
	expect(RUN("--version"), 0, "--version");
	expect(RUN("--help"), 0, "--help");
	/* A file that cannot be read is named too. */
	write_conf(f->conf, "");
	assert_int_equal(chmod(f->conf, 0), 0);
	if (access(f->conf, R_OK) != 0) { /* root reads it anyway */
		expect(RUN("ping"), 78, "unreadable");
		has(err, f->conf);
	}
	remove(f->conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_server_and_token_file),
	    cmocka_unit_test(test_home_unit_and_ca),
	    cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
