/*
 * The files the client writes: private whatever the umask, never
 * written through a link planted at the name or next to it, and a token
 * file that is a FIFO refused at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "hoptac/v1/bundle.pb-c.h"
#include "outbox.h"
#include "safefile.h"
#include "tokenfile.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hoptac-safefile-XXXXXX");
	assert_non_null(mkdtemp(dir));
	umask(022);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void
path_in(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void
assert_private_file(const char *path)
{
	struct stat sb;

	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
}

/* A file the link points at, holding "victim". */
static void
plant_link(const char *link, char *victim, size_t len)
{
	FILE *f;

	path_in(victim, len, "victim");
	assert_non_null(f = fopen(victim, "w"));
	fputs("victim\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(symlink(victim, link), 0);
}

static void
assert_victim_unchanged(const char *victim)
{
	char buf[32] = "";
	FILE *f = fopen(victim, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "victim\n");
}

static int
write_receipt(const char *path)
{
	Hoptac__V1__Receipt r = HOPTAC__V1__RECEIPT__INIT;
	char err[256];

	r.bundle_id = "b-1";
	return bundle_write_file(
	    path, RECEIPT_MAGIC, &r.base, err, sizeof(err));
}

static void
test_modes_under_umask_022(void **state)
{
	char path[128], err[256];
	struct safefile sf;
	struct outbox *o;

	(void)state;
	path_in(path, sizeof(path), "report.html");
	assert_int_equal(safefile_open(&sf, path, err, sizeof(err)), 0);
	fputs("<p>report</p>\n", sf.f);
	assert_int_equal(safefile_commit(&sf, err, sizeof(err)), 0);
	assert_private_file(path);

	path_in(path, sizeof(path), "office.receipt");
	assert_int_equal(write_receipt(path), 0);
	assert_private_file(path);

	path_in(path, sizeof(path), "outbox/outbox.db");
	assert_non_null(o = outbox_open(path, err, sizeof(err)));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "-wal");
	assert_private_file(path);
	outbox_close(o);
	path[strlen(path) - 4] = '\0';
	assert_private_file(path);
}

static void
test_link_at_name_replaced(void **state)
{
	char path[128], victim[128];

	(void)state;
	path_in(path, sizeof(path), "consolidated.html");
	plant_link(path, victim, sizeof(victim));
	assert_int_equal(write_receipt(path), 0);
	assert_victim_unchanged(victim);
	assert_private_file(path);
}

static void
test_link_at_tmp_not_followed(void **state)
{
	char path[128], tmp[160], victim[128];
	(void)state;
	path_in(path, sizeof(path), "office.bundle");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	plant_link(tmp, victim, sizeof(victim));
	assert_int_equal(write_receipt(path), 0);
	assert_victim_unchanged(victim);
	assert_private_file(path);
}

static void
test_failed_write_leaves_nothing(void **state)
{
	char path[128], err[256];
	struct safefile sf;

	(void)state;
	path_in(path, sizeof(path), "half.md");
	assert_int_equal(safefile_open(&sf, path, err, sizeof(err)), 0);
	fputs("half", sf.f);
	safefile_abort(&sf);
	assert_int_equal(access(path, F_OK), -1);
	path_in(path, sizeof(path), "no-such-dir/x.md");
	assert_int_equal(safefile_open(&sf, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-dir/x.md"));
}

static void
test_fifo_token_refused(void **state)
{
	char path[128], token[TOKENFILE_MAX], err[256];

	(void)state;
	path_in(path, sizeof(path), "token");
	assert_int_equal(mkfifo(path, 0600), 0);
	setenv("HOPTAC_TOKEN_FILE", path, 1);
	unsetenv(TOKENFILE_ENV);
	/* Before O_NONBLOCK this open waited for a writer for ever. */
	assert_int_equal(tokenfile_read(TOKENFILE_ENV, token, sizeof(token),
	                     err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not a regular file"));
	unsetenv("HOPTAC_TOKEN_FILE");
}

/* Files the client reads (imports, report files, bundles): a named pipe
 * or a directory is refused at once, a regular file read. */
static void
test_read_regular_only(void **state)
{
	char path[128], err[256], line[16];
	FILE *f;

	(void)state;
	path_in(path, sizeof(path), "fifo.csv");
	assert_int_equal(mkfifo(path, 0600), 0);
	/* With fopen this waited for a writer for ever. */
	assert_null(safefile_read(path, "r", err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));
	assert_non_null(strstr(err, "fifo.csv"));
	path_in(path, sizeof(path), "");
	assert_null(safefile_read(path, "r", err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));
	path_in(path, sizeof(path), "missing.csv");
	assert_null(safefile_read(path, "r", err, sizeof(err)));
	assert_non_null(strstr(err, "missing.csv"));
	path_in(path, sizeof(path), "plain.csv");
	assert_non_null(f = fopen(path, "w"));
	fputs("id,unit\n", f);
	fclose(f);
	assert_non_null(f = safefile_read(path, "r", err, sizeof(err)));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "id,unit\n");
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_modes_under_umask_022, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_at_name_replaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_link_at_tmp_not_followed, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_failed_write_leaves_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_fifo_token_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_read_regular_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
