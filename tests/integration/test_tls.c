/*
 * tls+tcp:// end to end: a CA and a server certificate made by
 * deploy/make-certs.sh, hoptacd listening with them, hoptac verifying the
 * server; an unknown CA, a wrong name, no CA and a plaintext client all
 * refused; a server without its key refuses to start.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[64 * 1024];
static char err[64 * 1024];

struct fixture {
	struct harness h;
	char tls_url[128];
	char certs[400], other[400];
	char ca[450], other_ca[450], cert[450], key[450];
};

#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* deploy/make-certs.sh DIR localhost; 0 on success. */
static int
make_certs(const char *dir)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "'%s' '%s' localhost >/dev/null",
	    harness_data("../../deploy/make-certs.sh"), dir);
	return system(cmd);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char cert_opt[500], key_opt[500];

	assert_non_null(f);
	harness_prepare(&f->h, HARNESS_TCP, 0);
	snprintf(f->certs, sizeof(f->certs), "%s/certs", f->h.dir);
	snprintf(f->other, sizeof(f->other), "%s/other", f->h.dir);
	assert_int_equal(make_certs(f->certs), 0);
	assert_int_equal(make_certs(f->other), 0);
	snprintf(f->ca, sizeof(f->ca), "%s/ca.crt", f->certs);
	snprintf(f->other_ca, sizeof(f->other_ca), "%s/ca.crt", f->other);
	snprintf(f->cert, sizeof(f->cert), "%s/server.crt", f->certs);
	snprintf(f->key, sizeof(f->key), "%s/server.key", f->certs);
	snprintf(f->tls_url, sizeof(f->tls_url), "tls+tcp://127.0.0.1:%d",
	    harness_free_port());
	snprintf(cert_opt, sizeof(cert_opt), "tls_cert=%s", f->cert);
	snprintf(key_opt, sizeof(key_opt), "tls_key=%s", f->key);
	/* The plain loopback listener (h.url) is how the harness knows the
	 * server is up; the calls under test use the TLS one. */
	harness_args(
	    &f->h, "-l", f->tls_url, "-o", cert_opt, "-o", key_opt, NULL);
	harness_restart(&f->h);
	setenv("HOPTAC_SERVER_NAME", "localhost", 1);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	unsetenv("HOPTAC_SERVER_NAME");
	harness_cleanup(&f->h);
	free(f);
	return 0;
}

#define TLS(...)                                                               \
	harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "--server",     \
	    f->tls_url, __VA_ARGS__, NULL)

static void
test_verified_server(void **state)
{
	struct fixture *f = *state;

	expect(TLS("--ca", f->ca, "whoami"), 0, "whoami over TLS");
	assert_non_null(strstr(out, "department (tests)"));
	/* A write travels too, and is there over the plain listener. */
	expect(TLS("--ca", f->ca, "unit", "add", "TLS-1", "Đơn vị TLS",
	           "--kind", "other", "--province", "Kon Tum"),
	    0, "unit add over TLS");
	expect(harness_cli(&f->h, out, sizeof(out), err, sizeof(err), "unit",
	           "list", NULL),
	    0, "unit list");
	assert_non_null(strstr(out, "TLS-1"));
}

static void
test_refused_servers(void **state)
{
	struct fixture *f = *state;

	expect(TLS("whoami"), 78, "no CA");
	assert_non_null(strstr(err, "needs a CA file"));
	expect(TLS("--timeout", "1500", "--ca", f->other_ca, "whoami"), 75,
	    "a CA that did not sign it");
	assert_non_null(strstr(err, "TLS with"));
	setenv("HOPTAC_SERVER_NAME", "hoptac.example.org", 1);
	expect(TLS("--timeout", "1500", "--ca", f->ca, "whoami"), 75,
	    "a name the certificate does not carry");
	setenv("HOPTAC_SERVER_NAME", "localhost", 1);
	/* A plaintext client on the TLS port gets nothing. */
	{
		char plain[160];

		snprintf(plain, sizeof(plain), "tcp://%s", f->tls_url + 10);
		expect(
		    harness_cli(&f->h, out, sizeof(out), err, sizeof(err),
		        "--timeout", "1500", "--server", plain, "whoami", NULL),
		    75, "plaintext to the TLS port");
	}
	/* And the server is still serving. */
	expect(TLS("--ca", f->ca, "whoami"), 0, "still serving");
}

/* A TLS listener without its key, or with a missing file, never starts. */
static void
test_server_without_key(void **state)
{
	struct fixture *f = *state;
	char log[4096], cert_opt[500], url[128];

	snprintf(
	    url, sizeof(url), "tls+tcp://127.0.0.1:%d", harness_free_port());
	snprintf(cert_opt, sizeof(cert_opt), "tls_cert=%s", f->cert);
	harness_stop(&f->h);
	harness_args(&f->h, "-l", url, "-o", cert_opt, NULL);
	assert_int_not_equal(harness_start_fails(&f->h, log, sizeof(log)), 0);
	assert_non_null(strstr(log, "needs tls_cert and tls_key"));
	harness_args(&f->h, "-l", url, "-o", cert_opt, "-o",
	    "tls_key=/nonexistent/server.key", NULL);
	assert_int_not_equal(harness_start_fails(&f->h, log, sizeof(log)), 0);
	assert_non_null(strstr(log, "cannot read /nonexistent/server.key"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verified_server),
	    cmocka_unit_test(test_refused_servers),
	    cmocka_unit_test(test_server_without_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
