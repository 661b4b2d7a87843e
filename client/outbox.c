#include "outbox.h"
#include "cli_i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rpc.h"

struct outbox {
	sqlite3 *db;
	char *path; /* owned */
	int lock_fd;
};

static const char outbox_schema[] =
    "CREATE TABLE IF NOT EXISTS outbox ("
    "  seq INTEGER PRIMARY KEY,"
    "  method TEXT NOT NULL,"
    "  request_id TEXT NOT NULL UNIQUE,"
    "  payload BLOB NOT NULL,"
    "  label TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  status INTEGER NOT NULL DEFAULT 0,"
    "  message TEXT NOT NULL DEFAULT '',"
    "  created_at_ms INTEGER NOT NULL,"
    "  done_at_ms INTEGER"
    ");"
    "CREATE INDEX IF NOT EXISTS outbox_by_state ON outbox(state, seq);"
    "CREATE TABLE IF NOT EXISTS inbox ("
    "  kind TEXT NOT NULL,"
    "  key TEXT NOT NULL,"
    "  body BLOB NOT NULL,"
    "  PRIMARY KEY (kind, key)"
    ") WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS meta ("
    "  key TEXT PRIMARY KEY,"
    "  value INTEGER NOT NULL"
    ");"
    "PRAGMA user_version = 1;";

const char *
outbox_default_path(void)
{
	static char path[1024];
	const char *env = getenv("HOPTAC_OUTBOX");
	const char *data = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (env != NULL && env[0] != '\0')
		return env;
	if (data != NULL && data[0] == '/')
		snprintf(path, sizeof(path), "%s/hoptac/outbox.db", data);
	else
		snprintf(path, sizeof(path), "%s/.local/share/hoptac/outbox.db",
		    home != NULL ? home : ".");
	return path;
}

/* Creates the directories of path, as mkdir -p does. */
static int
outbox_mkdirs(const char *path)
{
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* A new empty outbox file, private whatever the umask. */
static int
outbox_create(const char *path)
{
	int fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno == EEXIST ? 0
		                       : -1; /* made meanwhile: sqlite sees */
	return close(fd);
}

/* What the office is told to do with an outbox that cannot be used: the
 * file may still hold queued work, so it is kept, never replaced. */
static const char *
outbox_advice(void)
{
	return _("keep the file (it may hold queued work) and move it aside; "
	         "the next command starts a new outbox, and the department "
	         "can recover the old one");
}

struct outbox *
outbox_open(const char *path, char *err, size_t errlen)
{
	struct outbox *o = calloc(1, sizeof(*o));
	struct stat sb;

	if (o == NULL || (o->path = strdup(path)) == NULL) {
		snprintf(err, errlen, _("out of memory"));
		goto fail;
	}
	o->lock_fd = -1;
	if (outbox_mkdirs(path) != 0) {
		snprintf(err, errlen,
		    _("cannot create the directory of %s: %s"), path,
		    strerror(errno));
		goto fail;
	}
	/* sqlite takes an empty file for a new database: an outbox cut to
	 * nothing would silently start again with "0 queued". */
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
		snprintf(err, errlen,
		    _("outbox %s is an empty file, not an outbox: %s"), path,
		    outbox_advice());
		goto fail;
	}
	/* sqlite would create the file 0644 less the umask, and its WAL
	 * and shared-memory files take the database's mode: made here
	 * first, the three are private. O_EXCL also refuses a link
	 * planted at the name. */
	if (stat(path, &sb) != 0 && errno == ENOENT &&
	    outbox_create(path) != 0) {
		snprintf(err, errlen, _("cannot create the outbox %s: %s"),
		    path, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(path, &o->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_busy_timeout(o->db, 10000);
	/* What the office was told is saved must survive a crash or a
	 * power cut: WAL with a full sync on every commit. */
	if (sqlite3_exec(o->db,
	        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL,
	        NULL) != SQLITE_OK ||
	    sqlite3_exec(o->db, outbox_schema, NULL, NULL, NULL) != SQLITE_OK)
		goto sqlfail;
	return o;
sqlfail:
	snprintf(err, errlen, _("outbox %s cannot be used (%s): %s"), path,
	    o->db ? sqlite3_errmsg(o->db) : _("out of memory"),
	    outbox_advice());
fail:
	outbox_close(o);
	return NULL;
}

void
outbox_fault(struct outbox *o, char *buf, size_t len)
{
	snprintf(buf, len, _("outbox %s cannot be read (%s): %s"), o->path,
	    sqlite3_errmsg(o->db), outbox_advice());
}

void
outbox_close(struct outbox *o)
{
	if (o == NULL)
		return;
	sqlite3_close(o->db);
	if (o->lock_fd >= 0)
		close(o->lock_fd); /* releases the flock */
	free(o->path);
	free(o);
}

int
outbox_lock(struct outbox *o)
{
	char lock[1100];

	snprintf(lock, sizeof(lock), "%s.lock", o->path);
	o->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (o->lock_fd < 0)
		return -1;
	return flock(o->lock_fd, LOCK_EX | LOCK_NB) == 0 ? 0 : -1;
}

int
outbox_put_id(struct outbox *o, const char *method, const char *request_id,
    const uint8_t *payload, size_t len, const char *label, int64_t *seq)
{
	static const char sql[] =
	    "INSERT INTO outbox(method, request_id, payload, label,"
	    " created_at_ms) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, payload, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, rpc_wall_ms());
	if (sqlite3_step(st) == SQLITE_DONE) {
		*seq = sqlite3_last_insert_rowid(o->db);
		rc = 0;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

int
outbox_put(struct outbox *o, const char *method, const uint8_t *payload,
    size_t len, const char *label, int64_t *seq)
{
	char id[37];

	rpc_new_id(id);
	return outbox_put_id(o, method, id, payload, len, label, seq);
}

int
outbox_settle(
    struct outbox *o, const char *request_id, int status, const char *message)
{
	static const char sql[] = "UPDATE outbox SET state = ?, status = ?,"
	                          " message = ?, done_at_ms = ?"
	                          " WHERE request_id = ? AND state = 0";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int(
	    st, 1, status == 0 ? OUTBOX_DELIVERED : OUTBOX_REFUSED);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, rpc_wall_ms());
	sqlite3_bind_text(st, 5, request_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = sqlite3_changes(o->db) > 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int
outbox_begin(struct outbox *o)
{
	return sqlite3_exec(o->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) ==
	        SQLITE_OK
	    ? 0
	    : -1;
}

int
outbox_commit(struct outbox *o)
{
	if (sqlite3_exec(o->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

void
outbox_entry_fini(struct outbox_entry *e)
{
	free(e->payload);
	e->payload = NULL;
}

static void
outbox_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
}

/* Loads the rows of a prepared, bound query into e. */
static int
outbox_load(sqlite3_stmt *st, struct outbox_entry *e, int max)
{
	int n = 0, rv = SQLITE_ROW;

	while (n < max && (rv = sqlite3_step(st)) == SQLITE_ROW) {
		struct outbox_entry *x = &e[n];
		int len = sqlite3_column_bytes(st, 3);

		memset(x, 0, sizeof(*x));
		x->seq = sqlite3_column_int64(st, 0);
		outbox_text(st, 1, x->method, sizeof(x->method));
		outbox_text(st, 2, x->request_id, sizeof(x->request_id));
		if ((x->payload = malloc(len > 0 ? (size_t)len : 1)) == NULL)
			goto fail;
		if (len > 0)
			memcpy(x->payload, sqlite3_column_blob(st, 3),
			    (size_t)len);
		x->len = (size_t)len;
		outbox_text(st, 4, x->label, sizeof(x->label));
		x->state = sqlite3_column_int(st, 5);
		x->status = sqlite3_column_int(st, 6);
		outbox_text(st, 7, x->message, sizeof(x->message));
		x->created_at_ms = sqlite3_column_int64(st, 8);
		n++;
	}
	/* A failed step is not the end of the rows. */
	if (rv != SQLITE_ROW && rv != SQLITE_DONE)
		goto fail;
	return n;
fail:
	for (int i = 0; i < n; i++)
		outbox_entry_fini(&e[i]);
	return -1;
}

#define OUTBOX_COLUMNS                                                         \
	"seq, method, request_id, payload, label, state, status, message,"     \
	" created_at_ms"

int
outbox_scan(
    struct outbox *o, int state, int64_t after, struct outbox_entry *e, int max)
{
	static const char sql[] = "SELECT " OUTBOX_COLUMNS " FROM outbox"
	                          " WHERE (?1 < 0 OR state = ?1) AND seq > ?2"
	                          " ORDER BY seq LIMIT ?3";
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, state);
		sqlite3_bind_int64(st, 2, after);
		sqlite3_bind_int(st, 3, max);
		n = outbox_load(st, e, max);
	}
	sqlite3_finalize(st);
	return n;
}

int
outbox_pending(struct outbox *o, int64_t after, struct outbox_entry *e, int max)
{
	return outbox_scan(o, OUTBOX_PENDING, after, e, max);
}

int
outbox_list(struct outbox *o, int state, struct outbox_entry *e, int max)
{
	static const char sql[] = "SELECT * FROM (SELECT " OUTBOX_COLUMNS
	                          " FROM outbox WHERE state = ?"
	                          " ORDER BY seq DESC LIMIT ?) ORDER BY seq";
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, state);
		sqlite3_bind_int(st, 2, max);
		n = outbox_load(st, e, max);
	}
	sqlite3_finalize(st);
	return n;
}

static int
outbox_mark(
    struct outbox *o, int64_t seq, int state, int status, const char *message)
{
	static const char sql[] = "UPDATE outbox SET state = ?, status = ?,"
	                          " message = ?, done_at_ms = ? WHERE seq = ?";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int(st, 1, state);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_text(st, 3, message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, rpc_wall_ms());
	sqlite3_bind_int64(st, 5, seq);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

int
outbox_delivered(struct outbox *o, int64_t seq)
{
	return outbox_mark(o, seq, OUTBOX_DELIVERED, 0, "");
}

int
outbox_refused(struct outbox *o, int64_t seq, int status, const char *message)
{
	return outbox_mark(o, seq, OUTBOX_REFUSED, status, message);
}

int
outbox_counts(struct outbox *o, long counts[3])
{
	static const char sql[] =
	    "SELECT state, count(*) FROM outbox GROUP BY state";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	counts[0] = counts[1] = counts[2] = 0;
	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0);

		if (s >= 0 && s < 3)
			counts[s] = sqlite3_column_int64(st, 1);
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	return rc;
}

int
outbox_cursor(struct outbox *o, int64_t *ms)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = 'cursor'";
	sqlite3_stmt *st = NULL;
	int rc = -1, rv;

	*ms = 0;
	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	rv = sqlite3_step(st);
	if (rv == SQLITE_ROW)
		*ms = sqlite3_column_int64(st, 0);
	rc = rv == SQLITE_ROW || rv == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}

int
outbox_set_cursor(struct outbox *o, int64_t ms)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO meta(key, value) VALUES ('cursor', ?)";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, ms);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
outbox_keep(struct outbox *o, const char *kind, const char *key,
    const uint8_t *body, size_t len)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO inbox(kind, key, body) VALUES (?, ?, ?)";
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, body, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
outbox_kept(struct outbox *o, const char *kind,
    int (*each)(void *arg, const uint8_t *body, size_t len), void *arg)
{
	static const char sql[] =
	    "SELECT body FROM inbox WHERE kind = ? ORDER BY key";
	sqlite3_stmt *st = NULL;
	int rc = -1, rv;

	if (sqlite3_prepare_v2(o->db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	while ((rv = sqlite3_step(st)) == SQLITE_ROW)
		if (each(arg, sqlite3_column_blob(st, 0),
		        (size_t)sqlite3_column_bytes(st, 0)) != 0)
			break;
	rc = rv == SQLITE_ROW || rv == SQLITE_DONE ? 0 : -1;
out:
	sqlite3_finalize(st);
	return rc;
}
