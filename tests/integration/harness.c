#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "date.h"

#include "pbstr.h"
#include "pgtest.h"
#include "rpc.h"
#include "status.h"

static const char *
harness_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || v[0] == '\0')
		fail_msg("%s is not set (run the tests through ctest)", name);
	return v;
}

void
harness_expect(
    int got, int want, const char *what, const char *out, const char *err)
{
	if (got != want)
		fail_msg("%s: exit %d, expected %d\nstdout: %s\nstderr: %s",
		    what, got, want, out, err);
}

const char *
harness_data(const char *name)
{
	static char path[512];

	snprintf(
	    path, sizeof(path), "%s/%s", harness_env("HOPTAC_TEST_DATA"), name);
	return path;
}

/* A port that was free a moment ago: bind to 0 and read what we got. */
int
harness_free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void
harness_spawn(struct harness *h)
{
	const char *bin = harness_env("HOPTACD");
	const char *argv[16 + HARNESS_ARGS_MAX];
	int argc = 0;
	pid_t pid;

	argv[argc++] = "hoptacd";
	argv[argc++] = "-d";
	argv[argc++] = "-D";
	argv[argc++] = h->db;
	argv[argc++] = "-l";
	argv[argc++] = h->url;
	if (h->url2[0] != '\0') {
		argv[argc++] = "-l";
		argv[argc++] = h->url2;
	}
	argv[argc++] = "-o";
	argv[argc++] = "drain_ms=3000";
	for (int i = 0; i < h->n_args; i++)
		argv[argc++] = h->args[i];
	argv[argc] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(h->log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		/* A test that fails midway returns without stopping its
		 * server: the server goes with the test, not on for ever. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
			close(fd);
		}
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	h->pid = pid;
}

/* Polls Health/Check until SERVING: the server is up when it answers. */
static void
harness_wait_ready(struct harness *h)
{
	for (int i = 0; i < 200; i++) {
		Hoptac__V1__HealthCheckRequest req =
		    HOPTAC__V1__HEALTH_CHECK_REQUEST__INIT;
		ProtobufCMessage *resp = NULL;
		struct rpc_client_options opt = {300, NULL, 1};
		struct rpc_client_status st;
		struct rpc_client *c = rpc_client_open(
		    h->url, NULL, st.message, sizeof(st.message));
		int status;

		assert_non_null(c);
		rpc_client_call(c, "/hoptac.v1.Health/Check", &req.base,
		    &hoptac__v1__health_check_response__descriptor, &resp, &opt,
		    &st);
		rpc_client_close(c);
		if (resp != NULL)
			protobuf_c_message_free_unpacked(resp, NULL);
		if (st.code == STATUS_OK)
			return;
		if (waitpid(h->pid, &status, WNOHANG) == h->pid) {
			h->pid = 0;
			fail_msg("hoptacd exited at start; see %s", h->log);
		}
		usleep(50 * 1000);
	}
	fail_msg("hoptacd did not answer within 10 s; see %s", h->log);
}

/* hoptacd init on h->db: the administrator's token into h. */
static void
harness_init(struct harness *h)
{
	char path[400];
	int status;
	FILE *f;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/admin.token", h->dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(h->log, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
			close(fd);
		}
		/* -F: a database brought in (a backup) has its own. */
		execl(harness_env("HOPTACD"), "hoptacd", "init", "-F", "-D",
		    h->db, "-o", path, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(h->admin_token, sizeof(h->admin_token), f));
	fclose(f);
	h->admin_token[strcspn(h->admin_token, "\n")] = '\0';
}

void
harness_issue(struct harness *h, const char *name, unsigned roles,
    const char *unit, char *out, size_t outlen)
{
	Hoptac__V1__IssueCredentialRequest req =
	    HOPTAC__V1__ISSUE_CREDENTIAL_REQUEST__INIT;
	Hoptac__V1__IssueCredentialResponse *resp = NULL;
	Hoptac__V1__Role r[4];
	struct rpc_client_status st;
	struct rpc_client *c = harness_client_as(h, h->admin_token);

	for (int i = 1; i < 5; i++)
		if (roles & (1u << i))
			r[req.n_roles++] = (Hoptac__V1__Role)i;
	req.roles = r;
	req.name = (char *)name;
	req.unit_code = (char *)(unit ? unit : "");
	rpc_client_call(c, "/hoptac.v1.Credentials/Issue", &req.base,
	    &hoptac__v1__issue_credential_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL, &st);
	rpc_client_close(c);
	if (st.code != STATUS_OK)
		fail_msg("Credentials/Issue: %s", st.message);
	snprintf(out, outlen, "%s", resp->token);
	hoptac__v1__issue_credential_response__free_unpacked(resp, NULL);
}

int
harness_pg(void)
{
	return pgtest_conninfo() != NULL;
}

void
harness_sql_command(
    const struct harness *h, const char *sql, char *cmd, size_t len)
{
	char quoted[2048];
	size_t q = 0;
	int n;

	/* In the shell's single quotes, a quote is '\'' */
	for (const char *p = sql; *p != '\0'; p++) {
		assert_true(q + 5 < sizeof(quoted));
		if (*p == '\'') {
			memcpy(quoted + q, "'\\''", 4);
			q += 4;
		} else {
			quoted[q++] = *p;
		}
	}
	quoted[q] = '\0';
	if (h->pg_db[0] != '\0')
		n = snprintf(cmd, len, "psql -XAtq '%s' -c '%s'",
		    h->db + strlen("postgresql:"), quoted);
	else
		/* Waiting for the server's writer, which may be in a
		 * transaction (a settling 20 ms after the last write). */
		n = snprintf(cmd, len,
		    "sqlite3 -cmd '.timeout 10000' '%s' '%s'", h->db, quoted);
	assert_true(n > 0 && (size_t)n < len);
}

void
harness_behind(struct harness *h, const char *sql)
{
	char cmd[4096];

	harness_stop(h);
	harness_sql_command(h, sql, cmd, sizeof(cmd));
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	harness_restart(h);
}

void
harness_prepare(struct harness *h, enum harness_transport t, int both)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->dir, sizeof(h->dir), "/tmp/hoptac-test-XXXXXX");
	assert_non_null(mkdtemp(h->dir));
	snprintf(h->db, sizeof(h->db), "%s/hoptac.db", h->dir);
	/* On PostgreSQL, a fresh database of its own. */
	if (pgtest_conninfo() != NULL &&
	    pgtest_create("hoptac_i", h->pg_db, sizeof(h->pg_db), h->db,
	        sizeof(h->db)) != 0)
		fail_msg("cannot make a PostgreSQL database for the test");
	snprintf(h->log, sizeof(h->log), "%s/hoptacd.log", h->dir);
	if (t == HARNESS_TCP)
		snprintf(h->url, sizeof(h->url), "tcp://127.0.0.1:%d",
		    harness_free_port());
	else
		snprintf(
		    h->url, sizeof(h->url), "ipc://%s/hoptacd.sock", h->dir);
	if (both)
		snprintf(
		    h->url2, sizeof(h->url2), "ipc://%s/hoptacd2.sock", h->dir);
}

void
harness_start(struct harness *h, enum harness_transport t, int both)
{
	harness_prepare(h, t, both);
	harness_restart(h);
}

void
harness_args(struct harness *h, ...)
{
	va_list ap;
	const char *a;

	h->n_args = 0;
	va_start(ap, h);
	while ((a = va_arg(ap, const char *)) != NULL) {
		assert_true(h->n_args < HARNESS_ARGS_MAX);
		assert_true(strlen(a) < sizeof(h->argbuf[0]));
		snprintf(h->argbuf[h->n_args], sizeof(h->argbuf[0]), "%s", a);
		h->args[h->n_args] = h->argbuf[h->n_args];
		h->n_args++;
	}
	va_end(ap);
}

int
harness_start_fails(struct harness *h, char *log, size_t loglen)
{
	struct stat sb;
	off_t from = stat(h->log, &sb) == 0 ? sb.st_size : 0;
	int status = 0, fd;
	ssize_t n;

	assert_int_equal(h->pid, 0);
	harness_spawn(h);
	for (int waited = 0; waitpid(h->pid, &status, WNOHANG) != h->pid;
	     waited += 10) {
		if (waited > 10000) {
			harness_kill(h);
			fail_msg("hoptacd was expected to fail at start but "
			         "was still running after 10 s; see %s",
			    h->log);
		}
		usleep(10 * 1000);
	}
	h->pid = 0;
	log[0] = '\0';
	if ((fd = open(h->log, O_RDONLY)) >= 0) {
		n = pread(fd, log, loglen - 1, from);
		log[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first start of a database makes its credentials: the
 * administrator's before the server opens it, the department's once it
 * serves. */
void
harness_restart(struct harness *h)
{
	assert_int_equal(h->pid, 0);
	if (h->admin_token[0] == '\0')
		harness_init(h);
	harness_spawn(h);
	harness_wait_ready(h);
	if (h->token[0] == '\0')
		harness_issue(h, "department (tests)",
		    (1u << HOPTAC__V1__ROLE__ROLE_REVIEWER) |
		        (1u << HOPTAC__V1__ROLE__ROLE_ADMIN) |
		        (1u << HOPTAC__V1__ROLE__ROLE_PEER),
		    NULL, h->token, sizeof(h->token));
}

void
harness_stop(struct harness *h)
{
	int status;

	assert_true(h->pid > 0);
	assert_int_equal(kill(h->pid, SIGTERM), 0);
	/* A stop that hangs fails here, not at ctest's time-out. */
	for (int waited = 0; waitpid(h->pid, &status, WNOHANG) != h->pid;
	     waited += 10) {
		if (waited > 20000) {
			harness_kill(h);
			fail_msg("hoptacd did not stop within 20 s of SIGTERM");
		}
		usleep(10 * 1000);
	}
	h->pid = 0;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

void
harness_kill(struct harness *h)
{
	int status;

	if (h->pid <= 0)
		return;
	kill(h->pid, SIGKILL);
	waitpid(h->pid, &status, 0);
	h->pid = 0;
}

void
harness_cleanup(struct harness *h)
{
	char cmd[400];

	harness_kill(h);
	if (h->pg_db[0] != '\0') {
		pgtest_drop(h->pg_db);
		h->pg_db[0] = '\0';
	}
	if (h->dir[0] == '\0')
		return;
	if (getenv("HOPTAC_KEEP_TEST_DIRS") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", h->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", h->dir);
	}
	h->dir[0] = '\0';
}

int
harness_teardown(void **state)
{
	struct harness *h = *state;

	if (h != NULL) {
		harness_stop(h);
		harness_cleanup(h);
	}
	return 0;
}

/* Appends what fd has to buf (cut to len, NUL-terminated); 0 at EOF. */
static int
harness_read(int fd, char *buf, size_t len, size_t *used)
{
	char scratch[4096];
	int keep = buf != NULL && *used + 1 < len;
	ssize_t n = read(fd, keep ? buf + *used : scratch,
	    keep ? len - 1 - *used : sizeof(scratch));

	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	if (keep) {
		*used += (size_t)n;
		buf[*used] = '\0';
	}
	return 1;
}

/* Reads a child's stdout and stderr pipes into out and err until both
 * close, then reaps it. Both pipes are read together: a full one would
 * block the child. Returns the exit status, or -1. */
static int
harness_collect(pid_t pid, int fdout, int fderr, char *out, size_t outlen,
    char *err, size_t errlen)
{
	struct pollfd fds[2] = {{fdout, POLLIN, 0}, {fderr, POLLIN, 0}};
	size_t used[2] = {0, 0};
	int open_fds = 2, status;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	while (open_fds > 0 && poll(fds, 2, -1) >= 0) {
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || fds[i].revents == 0)
				continue;
			if (!harness_read(fds[i].fd, i ? err : out,
			        i ? errlen : outlen, &used[i])) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int
harness_hoptacd(
    struct harness *h, char *out, size_t outlen, char *err, size_t errlen, ...)
{
	const char *argv[64];
	int argc = 0, po[2], pe[2];
	va_list ap;
	pid_t pid;

	(void)h;
	argv[argc++] = "hoptacd";
	va_start(ap, errlen);
	for (const char *a;
	     (a = va_arg(ap, const char *)) != NULL && argc < 63;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		execv(harness_env("HOPTACD"), (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	return harness_collect(pid, po[0], pe[0], out, outlen, err, errlen);
}

/* Runs hoptac with args; with_server: after "--server URL", and with
 * h->token unless the test set $HOPTAC_TOKEN. */
static int
harness_run_cli(struct harness *h, int with_server, char *out, size_t outlen,
    char *err, size_t errlen, va_list ap)
{
	const char *argv[64];
	int argc = 0, po[2], pe[2];
	pid_t pid;

	argv[argc++] = "hoptac";
	if (with_server) {
		argv[argc++] = "--server";
		argv[argc++] = h->url;
	}
	for (const char *a;
	     (a = va_arg(ap, const char *)) != NULL && argc < 63;)
		argv[argc++] = a;
	argv[argc] = NULL;
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		close(po[1]);
		close(pe[1]);
		{
			/* Each test server has its own client outbox. */
			char outbox[400];

			snprintf(
			    outbox, sizeof(outbox), "%s/outbox.db", h->dir);
			setenv("HOPTAC_OUTBOX", outbox, 1);
		}
		if (with_server && getenv("HOPTAC_TOKEN") == NULL)
			setenv("HOPTAC_TOKEN", h->token, 1);
		execv(harness_env("HOPTAC"), (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	return harness_collect(pid, po[0], pe[0], out, outlen, err, errlen);
}

int
harness_cli_run(struct harness *h, int with_server, char *out, size_t outlen,
    char *err, size_t errlen, ...)
{
	va_list ap;
	int rc;

	va_start(ap, errlen);
	rc = harness_run_cli(h, with_server, out, outlen, err, errlen, ap);
	va_end(ap);
	return rc;
}

struct rpc_client *
harness_client_as(struct harness *h, const char *token)
{
	char err[256];
	struct rpc_client *c = rpc_client_open(h->url, token, err, sizeof(err));

	if (c == NULL)
		fail_msg("rpc_client_open: %s", err);
	return c;
}

struct rpc_client *
harness_client(struct harness *h)
{
	return harness_client_as(h, h->token);
}

Hoptac__V1__Activity *
harness_activity(
    const char *unit, const char *id, int kind, const char *start, int people)
{
	Hoptac__V1__Activity *a = malloc(sizeof(*a));

	assert_non_null(a);
	hoptac__v1__activity__init(a);
	assert_int_equal(pbstr_set(&a->id, id), 0);
	assert_int_equal(pbstr_set(&a->unit_code, unit), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "Sê Kông"), 0);
	a->kind = kind;
	assert_int_equal(pbstr_set(&a->start_date, start), 0);
	assert_int_equal(pbstr_set(&a->title, "Đoàn công tác thử nghiệm"), 0);
	a->people = people;
	return a;
}

void
harness_unit(struct rpc_client *c, const char *code, const char *name)
{
	Hoptac__V1__CreateUnitRequest req =
	    HOPTAC__V1__CREATE_UNIT_REQUEST__INIT;
	Hoptac__V1__Unit u = HOPTAC__V1__UNIT__INIT;
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;

	u.code = (char *)code;
	u.name = (char *)name;
	u.kind = HOPTAC__V1__UNIT_KIND__UNIT_KIND_DISTRICT_COMMITTEE;
	u.province = (char *)"Kon Tum";
	req.unit = &u;
	rpc_client_call(c, "/hoptac.v1.Units/Create", &req.base,
	    &hoptac__v1__create_unit_response__descriptor, &resp, NULL, &st);
	if (st.code != STATUS_OK)
		fail_msg(
		    "Units/Create: %s %s", status_name(st.code), st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
}

void
harness_request(struct rpc_client *c, const char *reference, const char *issuer,
    char **units, size_t n)
{
	Hoptac__V1__CreateRequestRequest req =
	    HOPTAC__V1__CREATE_REQUEST_REQUEST__INIT;
	Hoptac__V1__ReportingRequest r = HOPTAC__V1__REPORTING_REQUEST__INIT;
	struct rpc_client_options opt = {60000, NULL, 0};
	ProtobufCMessage *resp = NULL;
	struct rpc_client_status st;

	r.reference = (char *)reference;
	r.issuer_unit = (char *)issuer;
	r.issued_on = (char *)"2024-05-02";
	r.title = (char *)"báo cáo tổng hợp của các xã";
	r.period_from = (char *)"2024";
	r.due_on = (char *)"2099-12-31";
	r.n_unit_codes = n;
	r.unit_codes = units;
	req.request = &r;
	rpc_client_call(c, "/hoptac.v1.Requests/Create", &req.base,
	    &hoptac__v1__create_request_response__descriptor, &resp, &opt, &st);
	if (st.code != STATUS_OK)
		fail_msg(
		    "Requests/Create: %s %s", status_name(st.code), st.message);
	protobuf_c_message_free_unpacked(resp, NULL);
}

int
harness_submit_with(struct rpc_client *c, Hoptac__V1__Activity *a,
    const struct rpc_client_options *opt, struct rpc_client_status *st)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	ProtobufCMessage *resp = NULL;

	req.n_activities = 1;
	req.activities = &a;
	rpc_client_call(c, "/hoptac.v1.Activities/Submit", &req.base,
	    &hoptac__v1__submit_activities_response__descriptor, &resp, opt,
	    st);
	if (resp != NULL)
		protobuf_c_message_free_unpacked(resp, NULL);
	return st->code;
}

int
harness_submit(struct rpc_client *c, Hoptac__V1__Activity *a,
    const char *request_id, uint32_t timeout_ms)
{
	struct rpc_client_options opt = {timeout_ms, request_id, 0};
	struct rpc_client_status st;

	return harness_submit_with(c, a, &opt, &st);
}

void
harness_one_record(struct harness *h, const char *unit, const char *id)
{
	struct rpc_client *c;
	Hoptac__V1__Activity *a;

	harness_start(h, HARNESS_TCP, 0);
	c = harness_client(h);
	harness_unit(c, unit, unit);
	a = harness_activity(unit, id, 1, "2024-05-02", 3);
	assert_int_equal(harness_submit(c, a, NULL, 5000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	rpc_client_close(c);
}

long
harness_count(struct rpc_client *c, const char *unit)
{
	Hoptac__V1__ListActivitiesRequest req =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse *resp = NULL;
	struct rpc_client_status st;
	long n;

	req.unit_code = (char *)unit;
	req.page_size = 1;
	rpc_client_call(c, "/hoptac.v1.Activities/List", &req.base,
	    &hoptac__v1__list_activities_response__descriptor,
	    (ProtobufCMessage **)&resp, NULL, &st);
	if (st.code != STATUS_OK)
		fail_msg(
		    "Activities/List: %s %s", status_name(st.code), st.message);
	n = (long)resp->total;
	hoptac__v1__list_activities_response__free_unpacked(resp, NULL);
	return n;
}

long
harness_rss_kb(struct harness *h)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	assert_true(h->pid > 0);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)h->pid);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	assert_true(kb > 0);
	return kb;
}

int
harness_valgrind(void)
{
	const char *v = getenv("HOPTAC_TEST_VALGRIND");

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

#if defined(__SANITIZE_ADDRESS__)
#define HARNESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HARNESS_ASAN 1
#endif
#endif

void
harness_bound_memory(void)
{
#ifdef HARNESS_ASAN
	/* ASan keeps freed memory in a quarantine of 256 MiB by default:
	 * a server that frees what it allocates would still look as if it
	 * grew by that much. The servers started from here on inherit a
	 * small one. */
	const char *old = getenv("ASAN_OPTIONS");
	char opts[1024];

	if (old != NULL && strstr(old, "quarantine_size_mb") != NULL)
		return;
	snprintf(opts, sizeof(opts), "%s%squarantine_size_mb=16",
	    old != NULL ? old : "", old != NULL && old[0] != '\0' ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
#endif
}

void
harness_day_text(int offset, char *buf, size_t len)
{
	struct date_partial d;
	int32_t today = (int32_t)((time(NULL) + 7L * 3600) / 86400);

	date_from_days(today + offset, &d);
	snprintf(buf, len, "%d/%d/%d", d.day, d.month, d.year);
}
