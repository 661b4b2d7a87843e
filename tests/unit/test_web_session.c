/*
 * hoptac-web's sessions (web/session.c): cookies read from hostile
 * headers, ids and CSRF tokens, ending and expiry, the table when full,
 * failed sign-ins counted per address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "session.h"

static void
test_cookie_value(void **state)
{
	char v[80];

	(void)state;
	assert_int_equal(session_cookie_value("a=1; hoptac_phien=abc; b=2",
	                     SESSION_COOKIE, v, sizeof(v)),
	    0);
	assert_string_equal(v, "abc");
	assert_int_equal(
	    session_cookie_value("hoptac_phien=", SESSION_COOKIE, v, sizeof(v)),
	    0);
	assert_string_equal(v, "");
	/* A name that only ends or begins like it is another cookie. */
	assert_int_equal(session_cookie_value("xhoptac_phien=abc; "
	                                      "hoptac_phienx=def",
	                     SESSION_COOKIE, v, sizeof(v)),
	    -1);
	assert_int_equal(
	    session_cookie_value("", SESSION_COOKIE, v, sizeof(v)), -1);
	assert_int_equal(
	    session_cookie_value(";;;", SESSION_COOKIE, v, sizeof(v)), -1);
	/* Too long for the buffer: refused, not cut. */
	assert_int_equal(session_cookie_value(
	                     "hoptac_phien=0123456789", SESSION_COOKIE, v, 5),
	    -1);
}

static void
test_sessions(void **state)
{
	struct web_user u, seen, anon;
	char header[128];

	(void)state;
	assert_int_equal(session_init(60, 600), 0);
	memset(&u, 0, sizeof(u));
	snprintf(u.token, sizeof(u.token), "hoptac1_x");
	snprintf(u.name, sizeof(u.name), "Phòng HTQT");
	assert_int_equal(session_new(&u, 1), 0);
	assert_int_equal(strlen(u.sid), 64);
	assert_int_equal(strlen(u.csrf), 64);
	assert_string_not_equal(u.sid, u.csrf);
	snprintf(header, sizeof(header), "%s=%s", SESSION_COOKIE, u.sid);
	assert_int_equal(session_find(header, &seen), 1);
	assert_string_equal(seen.token, "hoptac1_x");
	assert_true(session_csrf_ok(&seen, u.csrf));
	assert_false(session_csrf_ok(&seen, u.sid));
	assert_false(session_csrf_ok(&seen, ""));
	assert_false(session_csrf_ok(&seen, NULL));
	/* An id one digit off is no session. */
	header[strlen(header) - 1] ^= 1;
	assert_int_equal(session_find(header, &seen), -1);
	assert_int_equal(session_find(NULL, &seen), -1);
	/* Anonymous, for the sign-in form. */
	memset(&anon, 0, sizeof(anon));
	assert_int_equal(session_new(&anon, 0), 0);
	snprintf(header, sizeof(header), "%s=%s", SESSION_COOKIE, anon.sid);
	assert_int_equal(session_find(header, &seen), 0);
	/* Ended: gone. */
	session_end(u.sid);
	snprintf(header, sizeof(header), "%s=%s", SESSION_COOKIE, u.sid);
	assert_int_equal(session_find(header, &seen), -1);
	session_fini();
	snprintf(header, sizeof(header), "%s=%s", SESSION_COOKIE, anon.sid);
	assert_int_equal(session_find(header, &seen), -1);
}

static void
test_expired(void **state)
{
	struct web_user u, seen;
	char header[128];

	(void)state;
	/* An idle time of 0: ended as soon as made. */
	assert_int_equal(session_init(0, 600), 0);
	memset(&u, 0, sizeof(u));
	assert_int_equal(session_new(&u, 1), 0);
	snprintf(header, sizeof(header), "%s=%s", SESSION_COOKIE, u.sid);
	assert_int_equal(session_find(header, &seen), -1);
	session_fini();
}

static void
test_full(void **state)
{
	struct web_user u;

	(void)state;
	assert_int_equal(session_init(600, 600), 0);
	memset(&u, 0, sizeof(u));
	for (int i = 0; i < SESSION_MAX; i++)
		assert_int_equal(session_new(&u, 0), 0);
	/* Forms give way to whoever signs in... */
	for (int i = 0; i < SESSION_MAX; i++)
		assert_int_equal(session_new(&u, 1), 0);
	/* ...but signed-in people to nobody. */
	assert_int_equal(session_new(&u, 1), -1);
	assert_int_equal(session_new(&u, 0), -1);
	session_fini();
	assert_int_equal(session_new(&u, 1), 0);
	session_fini();
}

static void
test_fails(void **state)
{
	(void)state;
	for (int i = 1; i < SESSION_FAILS_MAX; i++)
		assert_true(session_fail("192.0.2.1"));
	assert_true(session_may_try("192.0.2.1"));
	assert_false(session_fail("192.0.2.1"));
	assert_false(session_may_try("192.0.2.1"));
	/* Another address is not held back. */
	assert_true(session_may_try("192.0.2.2"));
	assert_true(session_fail("192.0.2.2"));
}

static void
test_cookie_flags(void **state)
{
	char c[200];

	(void)state;
	session_cookie(c, sizeof(c), "ab", 0);
	assert_string_equal(
	    c, "hoptac_phien=ab; Path=/; HttpOnly; SameSite=Strict");
	session_cookie(c, sizeof(c), "ab", 1);
	assert_non_null(strstr(c, "; Secure"));
	session_cookie(c, sizeof(c), "", 1);
	assert_non_null(strstr(c, "; Max-Age=0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cookie_value),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_expired),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_fails),
	    cmocka_unit_test(test_cookie_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
