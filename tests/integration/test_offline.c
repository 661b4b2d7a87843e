/*
 * An office with no link: everything entered is saved in the outbox and
 * delivered once, by hoptac sync, whatever happens in between (the
 * server down, the client killed in the middle, two syncs at once, a
 * record the server refuses).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char out[256 * 1024];
static char err[256 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

static long
json_long(const char *key)
{
	json_object *o = json_tokener_parse(out), *v;
	long n = -1;

	if (o == NULL)
		fail_msg("not JSON: %s", out);
	if (json_object_object_get_ex(o, key, &v))
		n = json_object_get_int64(v);
	else
		n = 0;
	json_object_put(o);
	return n;
}

/* A CSV of n activities with ids prefix-0 .. prefix-(n-1). */
static void
write_csv(const char *path, const char *prefix, int n, const char *unit)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("id,unit,partners,kind,start_date,title,people\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f,
		    "%s-%d,%s,Sê Kông,đoàn ra,%d/%d/2024,Đoàn số %d,%d\n",
		    prefix, i, unit, 1 + i % 28, 1 + i % 12, i, 1 + i % 9);
	fclose(f);
}

static long
server_count(struct harness *h)
{
	struct rpc_client *c = harness_client(h);
	long n = harness_count(c, "");

	rpc_client_close(c);
	return n;
}

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	struct rpc_client *c;

	harness_start(h, HARNESS_TCP, 0);
	c = harness_client(h);
	harness_unit(c, "KT-DAKGLEI", "UBND huyện Đắk Glei");
	rpc_client_close(c);
	harness_stop(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	struct harness *h = *state;

	if (h == NULL)
		return 0;
	harness_cleanup(h);
	return 0;
}

/* The server is down while the office adds 1,000 activities and one
 * more by hand; back up, one sync delivers them all, once. */
static void
test_offline_then_sync(void **state)
{
	struct harness *h = *state;
	char path[400];

	snprintf(path, sizeof(path), "%s/week.csv", h->dir);
	write_csv(path, "off", 1000, "KT-DAKGLEI");
	expect(CLI("--timeout", "500", "import", path), 0, "import offline");
	assert_non_null(strstr(out, "1000 rows read: 0 stored"));
	assert_non_null(strstr(err, "hoptac sync delivers them"));
	expect(CLI("--timeout", "500", "activity", "add", "--id", "off-hand",
	           "--unit", "KT-DAKGLEI", "--partner", "Xê Kông", "--kind",
	           "đoàn vào", "--start", "2024-06-01", "--title", "Đoàn vào"),
	    0, "add offline");
	assert_non_null(strstr(out, "off-hand queued"));
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 1001);
	/* Unreachable: exit 75, the work kept. */
	expect(CLI("--timeout", "500", "sync", "--quiet"), 75, "sync offline");
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 1001);

	harness_restart(h);
	expect(CLI("--json", "sync"), 0, "sync");
	assert_int_equal(json_long("delivered"), 1001);
	assert_int_equal(json_long("created"), 1001);
	assert_int_equal(server_count(h), 1001);
	expect(CLI("--json", "sync"), 0, "sync again");
	assert_int_equal(json_long("delivered"), 0);
	assert_int_equal(server_count(h), 1001);
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 0);
	assert_int_equal(json_long("delivered"), 1001);
}

/* Starts hoptac sync in the background for this harness. */
static pid_t
spawn_sync(struct harness *h)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char outbox[400];
		int null = open("/dev/null", O_WRONLY);

		snprintf(outbox, sizeof(outbox), "%s/outbox.db", h->dir);
		setenv("HOPTAC_OUTBOX", outbox, 1);
		setenv("HOPTAC_TOKEN", h->token, 1);
		dup2(null, 1);
		dup2(null, 2);
		/* A deadline long enough for a slow run (under valgrind, a
		 * batch takes seconds); the test is about who waits for
		 * whom, not about time. */
		execl(getenv("HOPTAC"), "hoptac", "--server", h->url,
		    "--timeout", "60000", "sync", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The client killed with SIGKILL in the middle of a sync, then sync
 * again: every record there exactly once. */
static void
test_killed_mid_sync(void **state)
{
	struct harness *h = *state;
	char path[400];
	int status;
	long before = server_count(h);

	harness_stop(h);
	snprintf(path, sizeof(path), "%s/more.csv", h->dir);
	write_csv(path, "kill", 3000, "KT-DAKGLEI");
	expect(CLI("--timeout", "300", "import", path), 0, "import offline");
	harness_restart(h);
	for (int delay = 2; delay <= 64; delay *= 2) {
		pid_t pid = spawn_sync(h);

		usleep((useconds_t)delay * 1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	expect(CLI("--json", "sync"), 0, "sync after the kills");
	assert_int_equal(server_count(h), before + 3000);
	expect(CLI("--json", "status"), 0, "status");
	assert_int_equal(json_long("pending"), 0);
}

/* A second sync while one runs waits for the next time (75); a record
 * the server refuses is reported (65) and shown by status. */
static void
test_lock_and_refusal(void **state)
{
	struct harness *h = *state;
	char lock[400];
	int fd;

	expect(CLI("--timeout", "2000", "activity", "add", "--id", "bad-unit",
	           "--unit", "KT-NOWHERE", "--partner", "LA-XE", "--kind",
	           "other", "--start", "2024", "--title", "x"),
	    3, "refused at once");
	snprintf(lock, sizeof(lock), "%s/outbox.db.lock", h->dir);
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	expect(CLI("sync"), 75, "sync while locked");
	assert_non_null(strstr(err, "another hoptac sync"));
	close(fd);
	expect(CLI("sync"), 0, "sync after");

	/* Queued while the server is down, refused when it is back. */
	harness_stop(h);
	expect(CLI("--timeout", "300", "activity", "add", "--id", "bad-2",
	           "--unit", "KT-NOWHERE", "--partner", "LA-XE", "--kind",
	           "other", "--start", "2024", "--title", "x"),
	    0, "queued");
	harness_restart(h);
	expect(CLI("sync"), 65, "sync with a refusal");
	assert_non_null(strstr(err, "unit_code"));
	expect(CLI("status"), 0, "status");
	assert_non_null(strstr(out, "activity bad-2"));
	assert_non_null(strstr(out, "unknown unit"));
	expect(CLI("sync"), 0, "nothing left");
}

/* A relay between the client and the server that, on its first
 * connection, drops the link when the server's first reply comes: the
 * server has committed, the client never hears of it. */
struct relay {
	int listen_fd;
	int port;
	int server_port;
	atomic_int dropped;
	atomic_int stop;
	pthread_t thread;
};

static int
relay_connect(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Relays one connection; drop: cut it at the first reply byte past the
 * 8-byte SP header. */
static void
relay_pipe(int cfd, int sfd, int drop, struct relay *r)
{
	struct pollfd p[2] = {{cfd, POLLIN, 0}, {sfd, POLLIN, 0}};
	size_t from_server = 0;
	char buf[65536];

	while (!atomic_load(&r->stop) && poll(p, 2, 100) >= 0) {
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n <= 0)
				return;
			if (i == 1) {
				if (drop && from_server + (size_t)n > 8) {
					atomic_store(&r->dropped, 1);
					return;
				}
				from_server += (size_t)n;
			}
			if (write(p[1 - i].fd, buf, (size_t)n) != n)
				return;
		}
	}
}

static void *
relay_main(void *arg)
{
	struct relay *r = arg;
	int first = 1;

	while (!atomic_load(&r->stop)) {
		struct pollfd p = {r->listen_fd, POLLIN, 0};
		int cfd, sfd;

		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((cfd = accept(r->listen_fd, NULL, NULL)) < 0)
			continue;
		if ((sfd = relay_connect(r->server_port)) >= 0) {
			relay_pipe(cfd, sfd, first, r);
			first = 0;
			close(sfd);
		}
		close(cfd);
	}
	return NULL;
}

static void
relay_start(struct relay *r, int server_port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	memset(r, 0, sizeof(*r));
	r->server_port = server_port;
	r->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(r->listen_fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(
	    bind(r->listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(r->listen_fd, 8), 0);
	assert_int_equal(
	    getsockname(r->listen_fd, (struct sockaddr *)&sa, &len), 0);
	r->port = ntohs(sa.sin_port);
	assert_int_equal(pthread_create(&r->thread, NULL, relay_main, r), 0);
}

static void
relay_stop(struct relay *r)
{
	atomic_store(&r->stop, 1);
	pthread_join(r->thread, NULL);
	close(r->listen_fd);
}

/* The reply lost after the server committed: the client resends with
 * the same request id, and the record is stored once. */
static void
test_reply_lost(void **state)
{
	struct harness *h = *state;
	struct harness via = *h;
	struct relay r;
	long before = server_count(h);

	relay_start(&r, atoi(strrchr(h->url, ':') + 1));
	snprintf(via.url, sizeof(via.url), "tcp://127.0.0.1:%d", r.port);
	expect(
	    harness_cli(&via, out, sizeof(out), err, sizeof(err), "--timeout",
	        "5000", "activity", "add", "--id", "lost-reply", "--unit",
	        "KT-DAKGLEI", "--partner", "LA-XE", "--kind", "conference",
	        "--start", "2024-07-01", "--title", "Hội nghị", NULL),
	    0, "add through a relay that drops the first reply");
	relay_stop(&r);
	assert_true(atomic_load(&r.dropped));
	assert_non_null(strstr(out, "lost-reply stored"));
	assert_int_equal(server_count(h), before + 1);
}

/* Two offices, each with its own outbox, syncing at the same time. */
static void
test_two_offices(void **state)
{
	struct harness *h = *state;
	struct harness other = *h;
	char path[400];
	long before = server_count(h);
	pid_t a, b;
	int sa, sb;

	/* The second office: its own directory, so its own outbox. */
	snprintf(other.dir, sizeof(other.dir), "%.200s/office2", h->dir);
	assert_int_equal(mkdir(other.dir, 0700), 0);
	harness_stop(h);
	snprintf(path, sizeof(path), "%s/one.csv", h->dir);
	write_csv(path, "office1", 800, "KT-DAKGLEI");
	expect(CLI("--timeout", "300", "import", path), 0, "office 1 offline");
	snprintf(path, sizeof(path), "%s/two.csv", other.dir);
	write_csv(path, "office2", 800, "KT-DAKGLEI");
	expect(harness_cli(&other, out, sizeof(out), err, sizeof(err),
	           "--timeout", "300", "import", path, NULL),
	    0, "office 2 offline");
	harness_restart(h);
	other.pid = h->pid;
	a = spawn_sync(h);
	b = spawn_sync(&other);
	assert_int_equal(waitpid(a, &sa, 0), a);
	assert_int_equal(waitpid(b, &sb, 0), b);
	assert_true(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
	assert_true(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
	assert_int_equal(server_count(h), before + 1600);
}

/* Copies a file, flipping one byte at offset (or cutting it there). */
static void
copy_damaged(const char *from, const char *to, long offset, int cut)
{
	FILE *in = fopen(from, "rb"), *o = fopen(to, "wb");
	long pos = 0;
	int c;

	assert_non_null(in);
	assert_non_null(o);
	while ((c = fgetc(in)) != EOF) {
		if (pos == offset) {
			if (cut)
				break;
			c ^= 0x01;
		}
		fputc(c, o);
		pos++;
	}
	assert_true(pos >= offset);
	fclose(in);
	fclose(o);
}

/* Carried by hand: export, a damaged bundle refused whole, apply (twice:
 * nothing doubled), the receipt clears the office's outbox. The office
 * signs with its key (test_bundle_sign.c). */
static void
test_bundle(void **state)
{
	struct harness *h = *state;
	char csv[400], bundle[400], bad[400], receipt[400], office[128];
	long before;

	harness_issue(h, "Văn thư huyện Đắk Glei",
	    1u << HOPTAC__V1__ROLE__ROLE_OFFICE, "KT-DAKGLEI", office,
	    sizeof(office));
	setenv("HOPTAC_TOKEN", office, 1);
	expect(CLI("key", "register"), 0, "the office's signing key");
	unsetenv("HOPTAC_TOKEN");
	harness_stop(h);
	snprintf(csv, sizeof(csv), "%s/hand.csv", h->dir);
	write_csv(csv, "hand", 300, "KT-DAKGLEI");
	expect(CLI("--timeout", "300", "import", csv), 0, "import offline");
	snprintf(bundle, sizeof(bundle), "%s/office.bundle", h->dir);
	expect(CLI("export", bundle, "--unit", "KT-DAKGLEI"), 0, "export");
	assert_non_null(strstr(out, "300 queued calls written"));
	harness_restart(h);
	before = server_count(h);

	snprintf(bad, sizeof(bad), "%s/flipped.bundle", h->dir);
	copy_damaged(bundle, bad, 5000, 0);
	expect(CLI("bundle", "apply", bad), 3, "flipped byte");
	assert_non_null(strstr(err, "checksum does not match"));
	copy_damaged(bundle, bad, 4000, 1);
	expect(CLI("bundle", "apply", bad), 3, "truncated");
	copy_damaged(bundle, bad, 3, 0);
	expect(CLI("bundle", "apply", bad), 3, "wrong magic");
	assert_int_equal(server_count(h), before);

	snprintf(receipt, sizeof(receipt), "%s/office.receipt", h->dir);
	expect(
	    CLI("bundle", "apply", bundle, "--receipt", receipt), 0, "apply");
	assert_non_null(strstr(out, "300 applied (300 activities stored"));
	assert_int_equal(server_count(h), before + 300);
	expect(CLI("bundle", "apply", bundle, "--receipt", receipt), 0,
	    "apply again");
	assert_non_null(strstr(out, "0 activities stored, 300 already there"));
	assert_int_equal(server_count(h), before + 300);

	copy_damaged(receipt, bad, 200, 0);
	expect(CLI("import-receipt", bad), 3, "damaged receipt");
	expect(CLI("--json", "status"), 0, "status before the receipt");
	assert_int_equal(json_long("pending"), 300);
	expect(CLI("import-receipt", receipt), 0, "receipt");
	assert_non_null(strstr(out, "300 delivered"));
	/* The receipt also brings what concerns the office, and moves its
	 * pull cursor, with no link. */
	assert_non_null(strstr(out,
	    "received for the office: 0 requests, 0 "
	    "reports, 1 units"));
	expect(CLI("--json", "status"), 0, "status after the receipt");
	assert_int_equal(json_long("pending"), 0);
	expect(CLI("--json", "sync"), 0, "nothing left to sync");
	assert_int_equal(json_long("delivered"), 0);
}

/* An amendment made offline against a version the department changed
 * meanwhile: kept as a conflict, never dropped, resolved by the
 * department. */
static void
test_offline_conflict(void **state)
{
	struct harness *h = *state;

	expect(CLI("activity", "add", "--id", "conf-1", "--unit", "KT-DAKGLEI",
	           "--partner", "Sê Kông", "--kind", "đoàn ra", "--start",
	           "2024-08-01", "--title", "Đoàn ra tháng 8", "--people", "4"),
	    0, "add");
	harness_stop(h);
	expect(
	    CLI("--timeout", "300", "activity", "amend", "conf-1", "--queue",
	        "--version", "1", "--title", "Đoàn ra tháng 8 (sửa tại huyện)"),
	    0, "amend offline");
	assert_non_null(strstr(out, "amendment of conf-1 queued"));
	harness_restart(h);
	expect(CLI("activity", "amend", "conf-1", "--people", "9"), 0,
	    "the department amends meanwhile");
	assert_non_null(strstr(out, "version 2"));
	expect(CLI("--json", "sync"), 0, "sync");
	assert_int_equal(json_long("delivered"), 1);
	assert_int_equal(json_long("conflicts"), 1);
	expect(CLI("conflict", "list"), 0, "conflicts");
	assert_non_null(strstr(out, "conf-1"));
	assert_non_null(strstr(out, "open"));
	assert_non_null(strstr(out, "sửa tại huyện"));
	/* Nothing changed before the department decides. */
	expect(CLI("activity", "show", "conf-1"), 0, "show");
	assert_non_null(strstr(out, "version:   2"));
	assert_null(strstr(out, "sửa tại huyện"));
	expect(CLI("conflict", "resolve", "1", "--apply", "--note",
	           "Lấy bản của huyện"),
	    0, "resolve");
	assert_non_null(strstr(out, "applied; conf-1 is at version 3"));
	expect(CLI("activity", "show", "conf-1"), 0, "show");
	assert_non_null(strstr(out, "sửa tại huyện"));
	expect(
	    CLI("conflict", "resolve", "1", "--discard"), 4, "resolve again");
	expect(CLI("conflict", "list"), 0, "no open conflict");
	assert_null(strstr(out, "conf-1"));
	expect(CLI("conflict", "list", "--all"), 0, "all conflicts");
	assert_non_null(strstr(out, "Lấy bản của huyện"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offline_then_sync),
	    cmocka_unit_test(test_killed_mid_sync),
	    cmocka_unit_test(test_lock_and_refusal),
	    cmocka_unit_test(test_reply_lost),
	    cmocka_unit_test(test_two_offices),
	    cmocka_unit_test(test_bundle),
	    cmocka_unit_test(test_offline_conflict),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
