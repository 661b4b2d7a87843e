/*
 * A database the server cannot read at start: it says which file and
 * why, exits non-zero, and leaves the file as it found it, with no new
 * empty database made in its place or beside it. Tests run as root, so
 * permissions deny nothing: these are the cases a root-run server meets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "status.h"

/* The whole of a file, malloc'd; *len its size. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	uint8_t *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	*len = (size_t)sb.st_size;
	assert_non_null(buf = malloc(*len + 1));
	assert_int_equal(read(fd, buf, *len), (ssize_t)*len);
	close(fd);
	return buf;
}

static void
spit(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* How many entries dir holds. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* No journal, WAL or shared-memory file was made beside path. */
static void
assert_nothing_beside(const char *path)
{
	static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
	char p[400];

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
		if (exists(p))
			fail_msg("%s was created", p);
	}
}

/* Starts the server expecting a refusal whose message names the file and
 * the cause. */
static void
assert_refused(struct harness *h, const char *cause)
{
	char log[4096];
	int rc = harness_start_fails(h, log, sizeof(log));

	print_message("%s", log);
	assert_int_not_equal(rc, 0);
	assert_int_not_equal(rc, -1);
	if (strstr(log, h->db) == NULL)
		fail_msg("the message does not name %s: %s", h->db, log);
	if (strstr(log, cause) == NULL)
		fail_msg("the message does not say \"%s\": %s", cause, log);
}

/* A database of n activities of unit, made by the server itself, stopped
 * cleanly; its bytes in *len. */
static uint8_t *
make_database_of(struct harness *h, const char *unit, int n, size_t *len)
{
	struct rpc_client *c;

	harness_restart(h);
	c = harness_client(h);
	harness_unit(c, unit, "UBND huyện thử nghiệm");
	for (int i = 0; i < n; i++) {
		char id[32];
		Hoptac__V1__Activity *a;

		snprintf(id, sizeof(id), "%s-%04d", unit, i);
		a = harness_activity(unit, id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
		    "2024-03", 2);
		assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	rpc_client_close(c);
	harness_stop(h);
	assert_nothing_beside(h->db);
	return slurp(h->db, len);
}

/* The database of the tests: 200 activities of KT-DAKGLEI. */
static uint8_t *
make_database(struct harness *h, size_t *len)
{
	return make_database_of(h, "KT-DAKGLEI", 200, len);
}

static void
test_path_is_directory(void **state)
{
	struct harness h;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	assert_int_equal(mkdir(h.db, 0755), 0);
	assert_refused(&h, "is a directory");
	assert_int_equal(entries(h.db), 0);
	assert_nothing_beside(h.db);
	harness_cleanup(&h);
}

static void
test_directory_missing(void **state)
{
	struct harness h;
	char missing[280];

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	snprintf(missing, sizeof(missing), "%.256s/no-such-dir", h.dir);
	snprintf(h.db, sizeof(h.db), "%.280s/hoptac.db", missing);
	assert_refused(&h, "does not exist");
	assert_false(exists(missing));
	harness_cleanup(&h);
}

/* A database whose first page was overwritten: sqlite's magic string is
 * gone, so nothing of the file can be trusted. */
static void
test_garbage_header(void **state)
{
	struct harness h;
	uint8_t *before, *after;
	size_t len, len2;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	before = make_database(&h, &len);
	for (size_t i = 0; i < 100; i++)
		before[i] = (uint8_t)(0x5a ^ (i * 7));
	spit(h.db, before, len);
	assert_refused(&h, "not an sqlite database");
	after = slurp(h.db, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(after, before, len);
	assert_nothing_beside(h.db);
	free(before);
	free(after);
	harness_cleanup(&h);
}

/* A file that is not a database at all, such as a configuration file
 * given as the database by mistake. */
static void
test_not_a_database(void **state)
{
	static const char text[] = "listen = tcp://127.0.0.1:7420\n"
	                           "database = /var/lib/hoptac/hoptac.db\n";
	struct harness h;
	uint8_t *after;
	size_t len;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	spit(h.db, (const uint8_t *)text, sizeof(text) - 1);
	assert_refused(&h, "not an sqlite database");
	after = slurp(h.db, &len);
	assert_int_equal(len, sizeof(text) - 1);
	assert_memory_equal(after, text, len);
	assert_nothing_beside(h.db);
	free(after);
	harness_cleanup(&h);
}

/* A database cut short, as a copy interrupted by a full disk leaves it:
 * its header promises pages that are not there. */
static void
test_truncated(void **state)
{
	struct harness h;
	uint8_t *whole, *after;
	size_t len, cut, len2;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	whole = make_database(&h, &len);
	cut = len / 2 / 4096 * 4096;
	assert_true(cut >= 4096);
	spit(h.db, whole, cut);
	assert_refused(&h, "truncated or damaged");
	after = slurp(h.db, &len2);
	assert_int_equal(len2, cut);
	assert_memory_equal(after, whole, cut);
	assert_nothing_beside(h.db);
	/* Cut in the middle of a page, too. */
	spit(h.db, whole, cut + 1000);
	assert_refused(&h, "truncated or damaged");
	free(after);
	after = slurp(h.db, &len2);
	assert_int_equal(len2, cut + 1000);
	assert_memory_equal(after, whole, cut + 1000);
	assert_nothing_beside(h.db);
	free(whole);
	free(after);
	harness_cleanup(&h);
}

/* A file's bytes are still before's. */
static void
assert_same(const char *path, const uint8_t *before, size_t len)
{
	uint8_t *after;
	size_t len2;

	if (!exists(path))
		fail_msg("%s is gone", path);
	after = slurp(path, &len2);
	if (len2 != len)
		fail_msg("%s is %zu bytes, was %zu", path, len2, len);
	assert_memory_equal(after, before, len);
	free(after);
}

/* A database a server was writing when it was killed: a unit and n
 * activities more, only in its WAL. */
static void
make_live_database(struct harness *h, int n)
{
	struct rpc_client *c;

	harness_restart(h);
	c = harness_client(h);
	harness_unit(c, "KT-LIVE", "UBND huyện đang ghi");
	for (int i = 0; i < n; i++) {
		char id[32];
		Hoptac__V1__Activity *a;

		snprintf(id, sizeof(id), "live-%04d", i);
		a = harness_activity("KT-LIVE", id,
		    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
		    "2024-05", 3);
		assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
		hoptac__v1__activity__free_unpacked(a, NULL);
	}
	rpc_client_close(c);
	harness_kill(h);
}

/* Runs hoptacd check on path: its exit status, what it said in out. */
static int
run_check(struct harness *h, const char *path, char *out, size_t len)
{
	char o[4096], e[4096];
	int rc = harness_hoptacd(
	    h, o, sizeof(o), e, sizeof(e), "check", "-D", path, NULL);

	snprintf(out, len, "%s%s", o, e);
	print_message("hoptacd check: exit %d: %s", rc, out);
	return rc;
}

/* hoptacd never makes a database: hoptacd init does. */
static void
test_missing_database(void **state)
{
	struct harness h;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	assert_refused(&h, "hoptacd init");
	assert_false(exists(h.db));
	assert_nothing_beside(h.db);
	harness_cleanup(&h);
}

/* An empty file is not an empty database: it is what a disk or a copy
 * gone wrong leaves, and clients would find none of their credentials. */
static void
test_zero_byte_file(void **state)
{
	struct harness h;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	spit(h.db, (const uint8_t *)"", 0);
	assert_refused(&h, "empty (0 bytes)");
	assert_refused(&h, "hoptacd init");
	assert_same(h.db, (const uint8_t *)"", 0);
	assert_nothing_beside(h.db);
	harness_cleanup(&h);
}

/* A database removed with its WAL left behind: the WAL holds the last
 * writes, and neither the server nor init may start a new database over
 * it (sqlite would take the WAL in, or delete it). */
static void
test_wal_without_database(void **state)
{
	struct harness h;
	char wal[400], shm[400], out[4096], err[4096];
	uint8_t *log;
	size_t len;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	make_live_database(&h, 20);
	snprintf(wal, sizeof(wal), "%s-wal", h.db);
	snprintf(shm, sizeof(shm), "%s-shm", h.db);
	log = slurp(wal, &len);
	assert_true(len > 0);
	assert_int_equal(unlink(h.db), 0);
	unlink(shm);

	assert_refused(&h, wal);
	assert_refused(&h, "it does not exist");
	assert_false(exists(h.db));
	assert_same(wal, log, len);

	harness_expect(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                   "init", "-D", h.db, NULL),
	    1, "init beside a WAL", out, err);
	assert_non_null(strstr(err, wal));
	assert_false(exists(h.db));
	assert_same(wal, log, len);

	/* Nor over an empty file beside it. */
	spit(h.db, (const uint8_t *)"", 0);
	assert_refused(&h, wal);
	harness_expect(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                   "init", "-D", h.db, NULL),
	    1, "init of an empty file beside a WAL", out, err);
	assert_same(h.db, (const uint8_t *)"", 0);
	assert_same(wal, log, len);
	free(log);
	harness_cleanup(&h);
}

/* The WAL at log beside the database of h, whose bytes are db: refused
 * at start, by hoptacd check too, and both files left as they were
 * (sqlite may make the WAL's index, -shm, and it is removed after). */
static void
expect_wal_refused(struct harness *h, const uint8_t *db, size_t len,
    const uint8_t *log, size_t log_len, const char *cause)
{
	char wal[400], shm[400], out[8192];

	snprintf(wal, sizeof(wal), "%s-wal", h->db);
	snprintf(shm, sizeof(shm), "%s-shm", h->db);
	spit(wal, log, log_len);
	assert_refused(h, cause);
	assert_refused(h, wal);
	assert_same(h->db, db, len);
	assert_same(wal, log, log_len);
	assert_int_equal(run_check(h, h->db, out, sizeof(out)), 1);
	assert_non_null(strstr(out, cause));
	assert_same(h->db, db, len);
	assert_same(wal, log, log_len);
	unlink(wal);
	unlink(shm);
}

/* Another database's WAL beside a clean database: sqlite would read it
 * into the database, and the last connection's close would checkpoint it
 * there and delete it. The WALs of servers killed while writing, copied
 * beside a database of other records: one of a smaller database, which
 * would make it a smaller database that is sound by itself, and one of a
 * larger one, whose few pages (its units, its inboxes) fit those of the
 * file well enough for quick_check, but leave the file's records with no
 * unit. */
static void
test_wal_of_another_database(void **state)
{
	struct harness h, small, large;
	char wal[400];
	uint8_t *db, *small_log, *large_log;
	size_t len, small_len, large_len;

	(void)state;
	harness_prepare(&small, HARNESS_TCP, 0);
	make_live_database(&small, 60);
	snprintf(wal, sizeof(wal), "%s-wal", small.db);
	small_log = slurp(wal, &small_len);
	assert_true(small_len > 0);
	harness_prepare(&large, HARNESS_TCP, 0);
	free(make_database_of(&large, "KT-KONPLONG", 400, &len));
	make_live_database(&large, 20);
	snprintf(wal, sizeof(wal), "%s-wal", large.db);
	large_log = slurp(wal, &large_len);
	assert_true(large_len > 0);

	harness_prepare(&h, HARNESS_TCP, 0);
	db = make_database(&h, &len);
	expect_wal_refused(
	    &h, db, len, small_log, small_len, "another database's");
	expect_wal_refused(&h, db, len, large_log, large_len,
	    "foreign_key_check found: activities row 1 refers to no units");
	/* And the database is served again once the WAL is put aside. */
	harness_restart(&h);
	harness_stop(&h);
	free(db);
	free(small_log);
	free(large_log);
	harness_cleanup(&small);
	harness_cleanup(&large);
	harness_cleanup(&h);
}

/* A database cut in half with its own WAL beside it: the WAL's pages
 * are whole, but the pages only the file had are gone. It used to be
 * served, and checkpointed into at the stop. */
static void
test_half_database_with_wal(void **state)
{
	struct harness h;
	char wal[400];
	uint8_t *whole, *log;
	size_t len, cut, log_len;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	free(make_database(&h, &len));
	make_live_database(&h, 20);
	snprintf(wal, sizeof(wal), "%s-wal", h.db);
	log = slurp(wal, &log_len);
	assert_true(log_len > 0);
	whole = slurp(h.db, &len);
	cut = len / 2 / 4096 * 4096;
	assert_true(cut >= 4096);
	spit(h.db, whole, cut);

	assert_refused(&h, "has no copy of");
	assert_refused(&h, wal);
	assert_same(h.db, whole, cut);
	assert_same(wal, log, log_len);
	free(whole);
	free(log);
	harness_cleanup(&h);
}

/* hoptacd check: the full integrity check, on demand, beside a running
 * server or not; what only it finds (an index that does not match its
 * table, which the quick check at start does not read); a damaged file
 * left as it was. */
static void
test_check(void **state)
{
	struct harness h;
	char out[8192], cmd[1200], missing[400];
	uint8_t *whole;
	size_t len, cut;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	whole = make_database(&h, &len);
	assert_int_equal(run_check(&h, h.db, out, sizeof(out)), 0);
	assert_non_null(strstr(out, ": ok"));
	assert_same(h.db, whole, len);
	assert_nothing_beside(h.db);

	/* Beside a running server, which goes on serving. */
	harness_restart(&h);
	assert_int_equal(run_check(&h, h.db, out, sizeof(out)), 0);
	assert_non_null(strstr(out, ": ok"));
	harness_stop(&h);

	/* A partner row of no record (a table WITHOUT ROWID: no row
	 * number to name). */
	snprintf(cmd, sizeof(cmd),
	    "sqlite3 '%s' \"INSERT INTO activity_partners VALUES "
	    "('LA-XE', 999999)\"",
	    h.db);
	assert_int_equal(system(cmd), 0);
	free(whole);
	whole = slurp(h.db, &len);
	assert_int_equal(run_check(&h, h.db, out, sizeof(out)), 1);
	assert_non_null(strstr(out,
	    "foreign_key_check found: "
	    "activity_partners has a row that refers "
	    "to no activities"));
	assert_same(h.db, whole, len);
	snprintf(cmd, sizeof(cmd),
	    "sqlite3 '%s' \"DELETE FROM activity_partners WHERE "
	    "activity_seq = 999999\"",
	    h.db);
	assert_int_equal(system(cmd), 0);

	/* An index out of step with its table. */
	snprintf(cmd, sizeof(cmd),
	    "sqlite3 '%s' \"PRAGMA writable_schema = ON; UPDATE "
	    "sqlite_schema SET sql = 'CREATE INDEX activities_by_unit ON "
	    "activities(start_day, unit_code)' WHERE name = "
	    "'activities_by_unit'\"",
	    h.db);
	assert_int_equal(system(cmd), 0);
	free(whole);
	whole = slurp(h.db, &len);
	assert_int_equal(run_check(&h, h.db, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "activities_by_unit"));
	assert_non_null(strstr(out, "restore the last backup"));
	assert_same(h.db, whole, len);
	assert_nothing_beside(h.db);

	/* A file cut short. */
	cut = len / 2 / 4096 * 4096;
	spit(h.db, whole, cut);
	assert_int_equal(run_check(&h, h.db, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "truncated or damaged"));
	assert_non_null(strstr(out, h.db));
	assert_same(h.db, whole, cut);
	assert_nothing_beside(h.db);

	snprintf(missing, sizeof(missing), "%s/none.db", h.dir);
	assert_int_equal(run_check(&h, missing, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "does not exist"));
	assert_false(exists(missing));
	free(whole);
	harness_cleanup(&h);
}

/* A write in rollback-journal mode cut short (a database written with
 * sqlite3 after a restore, say): the journal must be rolled back before
 * the database can be read, which the server leaves to the operator,
 * saying how; once it is, the server takes the database again. */
static void
test_hot_journal(void **state)
{
	struct harness h;
	char cmd[2400], journal[400], saved[380], saved_journal[400];
	uint8_t *db, *log;
	size_t len, log_len;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	free(make_database(&h, &len));
	snprintf(journal, sizeof(journal), "%s-journal", h.db);
	snprintf(saved, sizeof(saved), "%s/cut.db", h.dir);
	snprintf(saved_journal, sizeof(saved_journal), "%s-journal", saved);
	/* The files as they are in the middle of the transaction. */
	snprintf(cmd, sizeof(cmd),
	    "sqlite3 '%s' \"PRAGMA journal_mode = DELETE;\" >/dev/null && "
	    "printf '%%s\\n' 'PRAGMA cache_size = 1;' 'BEGIN;' "
	    "'UPDATE activities SET people = people + 1;' "
	    "\".shell cp '%s' '%s' && cp '%s' '%s'\" 'ROLLBACK;' | "
	    "sqlite3 '%s'",
	    h.db, h.db, saved, journal, saved_journal, h.db);
	assert_int_equal(system(cmd), 0);
	assert_true(exists(saved_journal));
	assert_int_equal(rename(saved, h.db), 0);
	assert_int_equal(rename(saved_journal, journal), 0);
	db = slurp(h.db, &len);
	log = slurp(journal, &log_len);

	assert_refused(&h, "rollback journal");
	assert_refused(&h, journal);
	assert_same(h.db, db, len);
	assert_same(journal, log, log_len);

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA quick_check'", h.db);
	assert_int_equal(system(cmd), 0);
	assert_false(exists(journal));
	harness_restart(&h);
	harness_stop(&h);
	free(db);
	free(log);
	harness_cleanup(&h);
}

/* What Health/Check answers for the whole server. */
static int
health(struct rpc_client *c)
{
	Hoptac__V1__HealthCheckRequest req =
	    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
	Hoptac__V1__HealthCheckResponse *resp = NULL;
	struct rpc_client_status st;
	int status;

	rpc_client_invoke(c, METHOD_HEALTH_CHECK, &req.base,
	    (ProtobufCMessage **)&resp, NULL, &st);
	assert_int_equal(st.code, STATUS_OK);
	status = (int)resp->status;
	hoptac__v1__health_check_response__free_unpacked(resp, NULL);
	return status;
}

/* A page damaged under a running server: the call that reads it fails
 * with DATA_LOSS, health turns NOT_SERVING, the log says what was found
 * and what to do, and the
 * stop leaves the WAL, with the write acknowledged meanwhile, beside the
 * damaged file instead of checkpointing into it. */
static void
test_damage_while_serving(void **state)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;
	struct rpc_client *c;
	struct harness h;
	Hoptac__V1__Activity *a;
	char wal[400], log[8192];
	uint8_t *db;
	const size_t keep = 8192;
	size_t len, wal_len;
	FILE *f;
	int fd;

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	db = make_database(&h, &len);
	harness_restart(&h);
	c = harness_client(&h);
	a = harness_activity("KT-DAKGLEI", "after-start",
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE, "2024-06", 4);
	assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	/* A read waits for the writer to settle what was submitted, so that
	 * the writer meets no damage of its own before health is asked. */
	req.page_size = 1;
	rpc_client_invoke(
	    c, METHOD_ACTIVITIES_LIST, &req.base, &resp, NULL, &st);
	assert_int_equal(st.code, STATUS_OK);
	protobuf_c_message_free_unpacked(resp, NULL);
	resp = NULL;

	/* Every page but the first two, overwritten in the file. */
	for (size_t i = keep; i < len; i++)
		db[i] = (uint8_t)(0xa5 ^ (i * 13));
	assert_true((fd = open(h.db, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, db + keep, len - keep, (off_t)keep),
	    (ssize_t)(len - keep));
	close(fd);

	assert_int_equal(
	    health(c), HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_SERVING);
	req.page_size = 1000;
	rpc_client_invoke(
	    c, METHOD_ACTIVITIES_LIST, &req.base, &resp, NULL, &st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	print_message(
	    "Activities/List: %s %s\n", status_name(st.code), st.message);
	assert_int_equal(st.code, STATUS_DATA_LOSS);
	/* From then on the server says it is not fit to serve. */
	assert_int_equal(
	    health(c), HOPTAC__V1__SERVING_STATUS__SERVING_STATUS_NOT_SERVING);
	rpc_client_close(c);
	harness_stop(&h);

	/* The end of the log, where this start's messages are. */
	assert_non_null(f = fopen(h.log, "r"));
	fseek(f, -(long)(sizeof(log) - 1), SEEK_END);
	log[fread(log, 1, sizeof(log) - 1, f)] = '\0';
	fclose(f);
	if (strstr(log, "HOPTACD-DAMAGED") == NULL ||
	    strstr(log, "hoptacd check") == NULL || strstr(log, h.db) == NULL)
		fail_msg("the log does not say it: %s", log);
	assert_same(h.db, db, len);
	snprintf(wal, sizeof(wal), "%s-wal", h.db);
	free(slurp(wal, &wal_len));
	assert_true(wal_len > 0);
	free(db);
	harness_cleanup(&h);
}

/* What holds the records is private to the server's user whatever the
 * umask: the database, its WAL and index, and backups. */
static void
test_file_modes(void **state)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	struct harness h;
	char p[400], copy[400], out[4096], err[4096];
	struct stat sb;
	mode_t old = umask(022);

	(void)state;
	harness_prepare(&h, HARNESS_TCP, 0);
	harness_restart(&h);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", h.db, suffixes[i]);
		assert_int_equal(stat(p, &sb), 0);
		if ((sb.st_mode & 0777) != 0600)
			fail_msg("%s has mode %04o", p,
			    (unsigned)(sb.st_mode & 0777));
	}
	/* A backup is private even of a database that is not (one made
	 * before databases were). */
	assert_int_equal(chmod(h.db, 0644), 0);
	snprintf(copy, sizeof(copy), "%s/copy.db", h.dir);
	harness_expect(harness_hoptacd(&h, out, sizeof(out), err, sizeof(err),
	                   "backup", "-D", h.db, copy, NULL),
	    0, "backup", out, err);
	assert_int_equal(stat(copy, &sb), 0);
	if ((sb.st_mode & 0777) != 0600)
		fail_msg(
		    "%s has mode %04o", copy, (unsigned)(sb.st_mode & 0777));
	harness_stop(&h);
	umask(old);
	harness_cleanup(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_is_directory),
	    cmocka_unit_test(test_directory_missing),
	    cmocka_unit_test(test_garbage_header),
	    cmocka_unit_test(test_not_a_database),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_missing_database),
	    cmocka_unit_test(test_zero_byte_file),
	    cmocka_unit_test(test_wal_without_database),
	    cmocka_unit_test(test_wal_of_another_database),
	    cmocka_unit_test(test_half_database_with_wal),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_hot_journal),
	    cmocka_unit_test(test_damage_while_serving),
	    cmocka_unit_test(test_file_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
