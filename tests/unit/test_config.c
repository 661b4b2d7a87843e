#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

/* A config file in a temporary directory, removed after each test. */
struct fixture {
	char dir[64];
	char path[128];
	struct server_config cfg;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/hoptac-config-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/hoptacd.conf", f->dir);
	server_config_defaults(&f->cfg);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	server_config_free(&f->cfg);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Sets key, which must succeed. */
static void
set_ok(struct server_config *cfg, const char *key, const char *value)
{
	char err[256] = "";

	if (server_config_set(cfg, key, value, err, sizeof(err)) != 0)
		fail_msg("%s = %s: %s", key, value, err);
}

/* Sets key, which must fail with exactly want. */
static void
set_bad(struct server_config *cfg, const char *key, const char *value,
    const char *want)
{
	char err[256] = "";

	if (server_config_set(cfg, key, value, err, sizeof(err)) != -1)
		fail_msg("%s = %s: accepted", key, value);
	assert_string_equal(err, want);
}

/* A number key takes min and max, refuses one beyond either with the
 * range in the message, and a refusal leaves max in place. */
static void
set_range(struct server_config *cfg, const char *key, int min, int max,
    const int *field)
{
	char v[32], want[128];

	snprintf(v, sizeof(v), "%d", min);
	set_ok(cfg, key, v);
	assert_int_equal(*field, min);
	snprintf(v, sizeof(v), "%d", max);
	set_ok(cfg, key, v);
	assert_int_equal(*field, max);
	for (int i = 0; i < 2; i++) {
		snprintf(v, sizeof(v), "%d", i == 0 ? min - 1 : max + 1);
		snprintf(want, sizeof(want),
		    "\"%s\" is not a number from %d to %d", v, min, max);
		set_bad(cfg, key, v, want);
	}
	assert_int_equal(*field, max);
}

static void
test_defaults(void **state)
{
	struct server_config cfg;

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	server_config_defaults(&cfg);
	assert_int_equal(cfg.n_listen, 0);
	assert_null(cfg.database);
	assert_int_equal(cfg.contexts, 64);
	assert_int_equal(cfg.readers, 4);
	assert_int_equal(cfg.log_level, LOG_LEVEL_INFO);
	assert_int_equal(cfg.drain_ms, 5000);
	assert_int_equal(cfg.max_connections, 1024);
	assert_int_equal(cfg.max_connections_per_address, 64);
	assert_int_equal(cfg.max_unread_per_address, 16);
	assert_int_equal(cfg.idle_timeout_ms, 10000);
	assert_true(cfg.max_db_size == 0);
	assert_true(cfg.wal_checkpoint_size == 4LL << 20);
	assert_true(cfg.wal_size_limit == 4LL << 20);
	assert_true(cfg.filing_tolerance_ms == 6LL * 3600 * 1000);
	for (size_t i = 0; i < SERVER_MAX_LISTEN; i++)
		assert_null(cfg.listen[i]);
	server_config_free(&cfg);
}

static void
test_set_listen(void **state)
{
	struct fixture *f = *state;
	char url[64];

	set_ok(&f->cfg, "listen", "tcp://0.0.0.0:7400");
	set_ok(&f->cfg, "listen", "ipc:///run/hoptacd/hoptacd.sock");
	assert_int_equal(f->cfg.n_listen, 2);
	assert_string_equal(f->cfg.listen[0], "tcp://0.0.0.0:7400");
	assert_string_equal(
	    f->cfg.listen[1], "ipc:///run/hoptacd/hoptacd.sock");

	set_bad(&f->cfg, "listen", "http://0.0.0.0:7400",
	    "listen URL \"http://0.0.0.0:7400\" must start with tcp://, "
	    "tls+tcp:// or "
	    "ipc://");
	set_bad(&f->cfg, "listen", "0.0.0.0:7400",
	    "listen URL \"0.0.0.0:7400\" must start with tcp://, tls+tcp:// or "
	    "ipc://");
	set_bad(&f->cfg, "listen", "ws://[::1]:7400",
	    "listen URL \"ws://[::1]:7400\" must start with tcp://, tls+tcp:// "
	    "or ipc://");
	set_bad(&f->cfg, "listen", "TCP://0.0.0.0:7400",
	    "listen URL \"TCP://0.0.0.0:7400\" must start with tcp://, "
	    "tls+tcp:// or "
	    "ipc://");
	set_bad(&f->cfg, "listen", "",
	    "listen URL \"\" must start with tcp://, tls+tcp:// or ipc://");
	/* A refused URL takes no slot. */
	assert_int_equal(f->cfg.n_listen, 2);

	while (f->cfg.n_listen < SERVER_MAX_LISTEN) {
		snprintf(url, sizeof(url), "tcp://127.0.0.1:%zu",
		    7400 + f->cfg.n_listen);
		set_ok(&f->cfg, "listen", url);
	}
	snprintf(url, sizeof(url), "at most %d listen URLs", SERVER_MAX_LISTEN);
	set_bad(&f->cfg, "listen", "tcp://127.0.0.1:7499", url);
	assert_int_equal(f->cfg.n_listen, SERVER_MAX_LISTEN);
	assert_string_equal(
	    f->cfg.listen[SERVER_MAX_LISTEN - 1], "tcp://127.0.0.1:7407");
}

static void
test_set_database(void **state)
{
	struct fixture *f = *state;

	set_ok(&f->cfg, "database", "/var/lib/hoptac/hoptac.db");
	assert_string_equal(f->cfg.database, "/var/lib/hoptac/hoptac.db");
	/* The later setting wins, and the earlier is freed. */
	set_ok(&f->cfg, "database", "/srv/hợp tác/hoptac.db");
	assert_string_equal(f->cfg.database, "/srv/hợp tác/hoptac.db");
}

/* The WAL's bounds: sizes, within a range; a checkpoint interval of
 * less than 64 KiB would checkpoint at nearly every commit. */
static void
test_set_wal_bounds(void **state)
{
	struct fixture *f = *state;

	set_ok(&f->cfg, "wal_checkpoint_size", "1M");
	assert_true(f->cfg.wal_checkpoint_size == 1LL << 20);
	set_ok(&f->cfg, "wal_checkpoint_size", "64K");
	assert_true(f->cfg.wal_checkpoint_size == 64 << 10);
	set_bad(&f->cfg, "wal_checkpoint_size", "63K",
	    "\"63K\" is not a size from 64K to 1024M");
	set_bad(&f->cfg, "wal_checkpoint_size", "2G",
	    "\"2G\" is not a size from 64K to 1024M");
	set_ok(&f->cfg, "wal_size_limit", "0");
	assert_true(f->cfg.wal_size_limit == 0);
	set_ok(&f->cfg, "wal_size_limit", "40M");
	assert_true(f->cfg.wal_size_limit == 40LL << 20);
	set_bad(&f->cfg, "wal_size_limit", "4X",
	    "\"4X\" is not a size in bytes (such as 500M or 2G)");
	assert_true(f->cfg.wal_checkpoint_size == 64 << 10);
	assert_true(f->cfg.wal_size_limit == 40LL << 20);
}

/* filing_tolerance: a time with its unit, up to a week. */
static void
test_set_filing_tolerance(void **state)
{
	struct fixture *f = *state;
	const char *const bad[] = {"6", "6 h", "h", "-1h", "169h", "6d"};

	set_ok(&f->cfg, "filing_tolerance", "90m");
	assert_true(f->cfg.filing_tolerance_ms == 90LL * 60000);
	set_ok(&f->cfg, "filing_tolerance", "168h");
	assert_true(f->cfg.filing_tolerance_ms == 168LL * 3600000);
	set_ok(&f->cfg, "filing_tolerance", "30s");
	assert_true(f->cfg.filing_tolerance_ms == 30000);
	set_ok(&f->cfg, "filing_tolerance", "0");
	assert_true(f->cfg.filing_tolerance_ms == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[128];

		snprintf(want, sizeof(want),
		    "filing_tolerance: \"%s\" is not a time from 0 to 168h "
		    "(such as 6h or 90m)",
		    bad[i]);
		set_bad(&f->cfg, "filing_tolerance", bad[i], want);
	}
	assert_true(f->cfg.filing_tolerance_ms == 0);
}

/* Sizes in bytes, or with K, M, G as operators write quotas. */
static void
test_set_max_db_size(void **state)
{
	struct fixture *f = *state;

	set_ok(&f->cfg, "max_db_size", "1048576");
	assert_true(f->cfg.max_db_size == 1048576);
	set_ok(&f->cfg, "max_db_size", "384K");
	assert_true(f->cfg.max_db_size == 384LL * 1024);
	set_ok(&f->cfg, "max_db_size", "500m");
	assert_true(f->cfg.max_db_size == 500LL * 1024 * 1024);
	set_ok(&f->cfg, "max_db_size", "2G");
	assert_true(f->cfg.max_db_size == 2LL * 1024 * 1024 * 1024);
	set_ok(&f->cfg, "max_db_size", "0");
	assert_true(f->cfg.max_db_size == 0);
	set_bad(&f->cfg, "max_db_size", "2T",
	    "\"2T\" is not a size in bytes (such as 500M or 2G)");
	set_bad(&f->cfg, "max_db_size", "-1",
	    "\"-1\" is not a size in bytes (such as 500M or 2G)");
	set_bad(&f->cfg, "max_db_size", "M",
	    "\"M\" is not a size in bytes (such as 500M or 2G)");
	set_bad(&f->cfg, "max_db_size", "10 M",
	    "\"10 M\" is not a size in bytes (such as 500M or 2G)");
	set_bad(&f->cfg, "max_db_size", "99999999999G",
	    "\"99999999999G\" is not a size in bytes (such as 500M or 2G)");
	/* A refused value leaves the last good one. */
	assert_true(f->cfg.max_db_size == 0);
}

static void
test_set_numbers(void **state)
{
	struct fixture *f = *state;

	set_ok(&f->cfg, "contexts", "1");
	assert_int_equal(f->cfg.contexts, 1);
	set_ok(&f->cfg, "contexts", "4096");
	assert_int_equal(f->cfg.contexts, 4096);
	set_bad(
	    &f->cfg, "contexts", "0", "\"0\" is not a number from 1 to 4096");
	set_bad(&f->cfg, "contexts", "4097",
	    "\"4097\" is not a number from 1 to 4096");
	set_bad(
	    &f->cfg, "contexts", "-5", "\"-5\" is not a number from 1 to 4096");
	set_bad(&f->cfg, "contexts", "many",
	    "\"many\" is not a number from 1 to 4096");
	set_bad(&f->cfg, "contexts", "", "\"\" is not a number from 1 to 4096");
	set_bad(&f->cfg, "contexts", "12x",
	    "\"12x\" is not a number from 1 to 4096");
	set_bad(&f->cfg, "contexts", "1.5",
	    "\"1.5\" is not a number from 1 to 4096");
	/* Beyond long: strtol's ERANGE, not a wrapped value. */
	set_bad(&f->cfg, "contexts", "99999999999999999999999",
	    "\"99999999999999999999999\" is not a number from 1 to 4096");
	/* Beyond int but within long must not wrap into range either. */
	set_bad(&f->cfg, "contexts", "4294967360",
	    "\"4294967360\" is not a number from 1 to 4096");
	/* A refused value leaves the setting alone. */
	assert_int_equal(f->cfg.contexts, 4096);

	set_ok(&f->cfg, "readers", "1");
	set_ok(&f->cfg, "readers", "64");
	assert_int_equal(f->cfg.readers, 64);
	set_bad(&f->cfg, "readers", "0", "\"0\" is not a number from 1 to 64");
	set_bad(
	    &f->cfg, "readers", "65", "\"65\" is not a number from 1 to 64");
	assert_int_equal(f->cfg.readers, 64);

	set_range(&f->cfg, "drain_ms", 0, 600000, &f->cfg.drain_ms);
	set_range(
	    &f->cfg, "max_connections", 1, 65536, &f->cfg.max_connections);
	set_range(&f->cfg, "max_connections_per_address", 1, 65536,
	    &f->cfg.max_connections_per_address);
	set_range(&f->cfg, "max_unread_per_address", 1, 4096,
	    &f->cfg.max_unread_per_address);
	/* 0 turns the idle limit off. */
	set_range(
	    &f->cfg, "idle_timeout_ms", 0, 3600000, &f->cfg.idle_timeout_ms);
}

static void
test_set_log_level(void **state)
{
	struct fixture *f = *state;
	static const char *const names[] = {"error", "warn", "info", "debug"};
	static const int levels[] = {
	    LOG_LEVEL_ERROR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG};
	const char *want = "log_level must be error, warn, info or debug";

	for (size_t i = 0; i < 4; i++) {
		set_ok(&f->cfg, "log_level", names[i]);
		assert_int_equal(f->cfg.log_level, levels[i]);
	}
	set_bad(&f->cfg, "log_level", "verbose", want);
	set_bad(&f->cfg, "log_level", "INFO", want);
	set_bad(&f->cfg, "log_level", "warning", want);
	set_bad(&f->cfg, "log_level", "", want);
	set_bad(&f->cfg, "log_level", "2", want);
	assert_int_equal(f->cfg.log_level, LOG_LEVEL_DEBUG);
}

static void
test_set_unknown_key(void **state)
{
	struct fixture *f = *state;

	set_bad(&f->cfg, "listen_url", "tcp://0.0.0.0:7400",
	    "unknown key \"listen_url\"");
	/* Keys are case-sensitive. */
	set_bad(&f->cfg, "Database", "/tmp/x.db", "unknown key \"Database\"");
	set_bad(&f->cfg, "", "x", "unknown key \"\"");
	assert_int_equal(f->cfg.n_listen, 0);
	assert_null(f->cfg.database);
}

static void
test_load(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	write_file(f->path,
	    "# hoptacd configuration\n"
	    "\n"
	    "listen = tcp://0.0.0.0:7400\n"
	    "   listen=ipc:///run/hoptacd.sock   \n"
	    "\t\n"
	    "database = /var/lib/hoptac/a=b.db # the store\n"
	    "contexts\t=\t128\n"
	    "    # an indented comment = with an equals sign\n"
	    "readers = 8\r\n"
	    "log_level = debug\n"
	    "allow_plaintext = yes\n"
	    "drain_ms = 250"); /* no final newline */
	if (server_config_load(&f->cfg, f->path, err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(f->cfg.n_listen, 2);
	assert_string_equal(f->cfg.listen[0], "tcp://0.0.0.0:7400");
	assert_string_equal(f->cfg.listen[1], "ipc:///run/hoptacd.sock");
	/* Only the first "=" splits; the comment and spaces go. */
	assert_string_equal(f->cfg.database, "/var/lib/hoptac/a=b.db");
	assert_int_equal(f->cfg.contexts, 128);
	assert_int_equal(f->cfg.readers, 8);
	assert_int_equal(f->cfg.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(f->cfg.drain_ms, 250);
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), 0);
}

static void
expect_load_error(
    struct fixture *f, const char *text, int line, const char *reason)
{
	char err[512] = "", want[512];

	write_file(f->path, text);
	assert_int_equal(
	    server_config_load(&f->cfg, f->path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%d: %s", f->path, line, reason);
	assert_string_equal(err, want);
}

static void
test_load_errors(void **state)
{
	struct fixture *f = *state;

	expect_load_error(f,
	    "# comment\n"
	    "listen = tcp://0.0.0.0:7400\n"
	    "\n"
	    "this line has no equals sign\n"
	    "readers = 2\n",
	    4, "expected key = value");
	/* Loading stops at the bad line. */
	assert_int_equal(f->cfg.readers, 4);
	assert_int_equal(f->cfg.n_listen, 1);

	expect_load_error(f, "\n\n\ncontexts = lots\n", 4,
	    "\"lots\" is not a number from 1 to 4096");
	expect_load_error(
	    f, "# x\nlog-level = info\n", 2, "unknown key \"log-level\"");
	expect_load_error(f, "listen = http://example.org/\n", 1,
	    "listen URL \"http://example.org/\" must start with tcp://, "
	    "tls+tcp:// or "
	    "ipc://");
	expect_load_error(f, "= tcp://0.0.0.0:7400\n", 1, "unknown key \"\"");
}

/* A line longer than any buffer is still one line: a long comment must
 * not spill into a second, bogus line, and line numbers must hold. */
static void
test_load_long_line(void **state)
{
	struct fixture *f = *state;
	size_t n = 5000;
	char *text = malloc(2 * n + 200);
	char *db = malloc(n + 32);
	char err[512] = "", want[512];

	assert_non_null(text);
	assert_non_null(db);
	/* a long comment, then a long value, then a short key */
	memset(text, 0, 2 * n + 200);
	text[0] = '#';
	text[1] = ' ';
	memset(text + 2, 'c', n);
	memset(db, 'd', n);
	db[n] = '\0';
	snprintf(text + 2 + n, n + 198, "\ndatabase = /%s\nreaders = 2\n", db);
	write_file(f->path, text);
	if (server_config_load(&f->cfg, f->path, err, sizeof(err)) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(f->cfg.readers, 2);
	assert_non_null(f->cfg.database);
	assert_int_equal(strlen(f->cfg.database), n + 1);

	/* An error after a long line names the right line. */
	snprintf(text + strlen(text), 2 * n + 200 - strlen(text), "oops\n");
	write_file(f->path, text);
	assert_int_equal(
	    server_config_load(&f->cfg, f->path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:4: expected key = value", f->path);
	assert_string_equal(err, want);
	free(text);
	free(db);
}

static void
test_load_missing_file(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", want[256];

	assert_int_equal(
	    server_config_load(&f->cfg, f->path, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: No such file or directory", f->path);
	assert_string_equal(err, want);
}

static void
test_load_empty_file(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	write_file(f->path, "");
	assert_int_equal(
	    server_config_load(&f->cfg, f->path, err, sizeof(err)), 0);
	assert_int_equal(f->cfg.n_listen, 0);
	assert_int_equal(f->cfg.contexts, 64);
}

static void
test_check(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "no listen URL (listen = tcp://...)");
	set_ok(&f->cfg, "listen", "tcp://127.0.0.1:7400");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "no database file (database = ...)");
	set_ok(&f->cfg, "database", "");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "no database file (database = ...)");
	set_ok(&f->cfg, "database", "/tmp/hoptac.db");
	strcpy(err, "(unset)");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "(unset)");
}

static void
test_config_free(void **state)
{
	struct server_config cfg;

	(void)state;
	server_config_defaults(&cfg);
	set_ok(&cfg, "listen", "tcp://127.0.0.1:7400");
	set_ok(&cfg, "listen", "ipc:///tmp/hoptacd.sock");
	set_ok(&cfg, "database", "/tmp/hoptac.db");
	server_config_free(&cfg);
	assert_int_equal(cfg.n_listen, 0);
	assert_null(cfg.database);
	/* Freeing twice, or freeing the defaults, is harmless. */
	server_config_free(&cfg);
	server_config_defaults(&cfg);
	server_config_free(&cfg);
	/* And the struct can be filled again after a free. */
	set_ok(&cfg, "listen", "tcp://127.0.0.1:7401");
	assert_int_equal(cfg.n_listen, 1);
	server_config_free(&cfg);
}

/* A listener named by a host that only starts like a loopback address
 * is not on the loopback: the name may resolve anywhere. */
static void
test_check_loopback_by_name(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	set_ok(&f->cfg, "database", "/tmp/x.db");
	set_ok(&f->cfg, "listen", "tcp://127.evil.test:7420");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "tcp://127.evil.test:7420 is not a loopback address: listen on "
	    "tls+tcp://, or set allow_plaintext = yes");
}

/* Credentials must not cross a network in clear unless the operator
 * says so, and a TLS listener needs its certificate and key. */
static void
test_check_transport_security(void **state)
{
	struct fixture *f = *state;
	char err[256] = "";

	set_ok(&f->cfg, "database", "/tmp/x.db");
	set_ok(&f->cfg, "listen", "tcp://127.0.0.1:7420");
	set_ok(&f->cfg, "listen", "ipc:///tmp/x.sock");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), 0);
	set_ok(&f->cfg, "listen", "tcp://192.0.2.10:7420");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "tcp://192.0.2.10:7420 is not a loopback address: listen on "
	    "tls+tcp://, or set allow_plaintext = yes");
	set_bad(&f->cfg, "allow_plaintext", "maybe",
	    "allow_plaintext must be yes or no");
	set_ok(&f->cfg, "allow_plaintext", "yes");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), 0);
	set_ok(&f->cfg, "listen", "tls+tcp://0.0.0.0:7443");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	assert_string_equal(
	    err, "tls+tcp://0.0.0.0:7443 needs tls_cert and tls_key");
	set_ok(&f->cfg, "tls_cert", "/etc/hoptac/server.crt");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), -1);
	set_ok(&f->cfg, "tls_key", "/etc/hoptac/server.key");
	assert_int_equal(server_config_check(&f->cfg, err, sizeof(err)), 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    T(test_set_listen),
	    T(test_set_database),
	    T(test_set_numbers),
	    T(test_set_max_db_size),
	    T(test_set_wal_bounds),
	    T(test_set_filing_tolerance),
	    T(test_set_log_level),
	    T(test_set_unknown_key),
	    T(test_load),
	    T(test_load_errors),
	    T(test_load_long_line),
	    T(test_load_missing_file),
	    T(test_load_empty_file),
	    T(test_check),
	    T(test_check_loopback_by_name),
	    T(test_check_transport_security),
	    cmocka_unit_test(test_config_free),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
