/*
 * The log escapes control characters in every line it writes, whoever
 * wrote the message: log_escape itself, lines written through log_warnx,
 * and a call whose method name carries a line break, logged by
 * dispatch_log as it logs every call: one line, not two.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"
#include "log.h"
#include "rpc.h"
#include "server_impl.h"
#include "status.h"

static void
expect_escaped(const char *in, size_t len, const char *want)
{
	char out[256];

	assert_int_equal(log_escape(out, sizeof(out), in, len), strlen(want));
	assert_string_equal(out, want);
}

#define ESCAPED(in, want) expect_escaped((in), sizeof(in) - 1, (want))

static void
test_escape(void **state)
{
	(void)state;
	ESCAPED("call /hoptac.v1.Units/List OK 3ms peer=127.0.0.1:5123",
	    "call /hoptac.v1.Units/List OK 3ms peer=127.0.0.1:5123");
	ESCAPED("x\nHOPTACD-FAKE: owned", "x\\nHOPTACD-FAKE: owned");
	ESCAPED("a\r\nb\tc", "a\\r\\nb\\tc");
	ESCAPED("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	ESCAPED("bell\a del\x7f nul-less \x01\x1f",
	    "bell\\x07 del\\x7f nul-less \\x01\\x1f");
	/* A backslash is escaped too: an escape seen in the log always
	 * comes from the escaping. */
	ESCAPED("C:\\n", "C:\\\\n");
	/* UTF-8 is kept, C1 controls (U+0080..U+009F) are not. */
	ESCAPED("UBND huyện Đắk Glei, Sê Kông 🇱🇦",
	    "UBND huyện Đắk Glei, Sê Kông 🇱🇦");
	ESCAPED("csi\xc2\x9b"
	        "2J nel\xc2\x85",
	    "csi\\xc2\\x9b2J nel\\xc2\\x85");
	ESCAPED("\xc2\xa0nbsp", "\xc2\xa0nbsp");
	/* Bytes that are not UTF-8 are left as they are. */
	ESCAPED("\xff\xfe\xc2", "\xff\xfe\xc2");
	/* A NUL inside the bytes given is a control like the others. */
	expect_escaped("a\0b", 3, "a\\x00b");
	expect_escaped("", 0, "");
}

/* Cut where the output is full: never inside an escape or a character. */
static void
test_escape_cut(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'Z', sizeof(out));
	/* "ab\n..." -> "ab\\n" needs 4 + NUL; "ab\\ncd" 6 + NUL */
	assert_int_equal(log_escape(out, 7, "ab\ncd\nef", 8), 6);
	assert_string_equal(out, "ab\\ncd");
	assert_int_equal(log_escape(out, 6, "ab\ncd\nef", 8), 5);
	assert_string_equal(out, "ab\\nc");
	assert_int_equal(log_escape(out, 4, "ab\ncd", 5), 2);
	assert_string_equal(out, "ab");
	/* "ắ" is 3 bytes: all of it or none. */
	assert_int_equal(log_escape(out, 5, "aắb", 5), 4);
	assert_string_equal(out, "aắ");
	assert_int_equal(log_escape(out, 4, "aắb", 5), 1);
	assert_string_equal(out, "a");
	assert_int_equal(log_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	out[0] = 'Z';
	assert_int_equal(log_escape(out, 0, "abc", 3), 0);
	assert_int_equal(out[0], 'Z');
}

/* What the log wrote to stderr while fn ran. */
static char captured[16384];

static void
capture(void (*fn)(void *), void *arg)
{
	FILE *tmp = tmpfile();
	int saved;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	fn(arg);
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = '\0';
	fclose(tmp);
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
warn_fake(void *arg)
{
	log_warnx("call %s UNIMPLEMENTED", (const char *)arg);
}

static void
test_log_line(void **state)
{
	(void)state;
	log_init("test_log", 1, LOG_LEVEL_DEBUG);
	capture(warn_fake, "x\nHOPTACD-FAKE: owned\r\x1b[2K");
	assert_int_equal(count_lines(captured), 1);
	assert_non_null(strstr(captured,
	    " warn call x\\nHOPTACD-FAKE: owned\\r\\x1b[2K UNIMPLEMENTED\n"));
}

/* A line longer than the log keeps: cut, whole characters only. */
static void
warn_long(void *arg)
{
	(void)arg;
	log_warnx("%0*d%s", 2046, 0, "ắắắ");
}

static void
test_log_long_line(void **state)
{
	char *nl;

	(void)state;
	log_init("test_log", 1, LOG_LEVEL_DEBUG);
	capture(warn_long, NULL);
	assert_int_equal(count_lines(captured), 1);
	nl = strchr(captured, '\n');
	assert_non_null(nl);
	/* 2046 zeros, then no room for a whole "ắ" */
	assert_true(nl - captured > 2046);
	assert_int_equal(nl[-1], '0');
}

/* The call as the server logs it: dispatch_start, then dispatch_reply,
 * which logs it. */
static int finished;

static void
on_finish(struct call *c)
{
	(void)c;
	finished++;
}

static void
dispatch_fake(void *arg)
{
	Hoptac__V1__Request req = HOPTAC__V1__REQUEST__INIT;
	struct server srv;
	struct call c;
	nng_msg *msg;

	memset(&srv, 0, sizeof(srv));
	memset(&c, 0, sizeof(c));
	c.srv = &srv;
	c.finish = on_finish;
	req.method = arg;
	req.timeout_ms = 5000;
	assert_int_equal(rpc_pack(&req.base, &msg), 0);
	finished = 0;
	dispatch_start(&c, msg, 0);
	assert_int_equal(finished, 1);
	assert_int_equal(c.status, STATUS_UNIMPLEMENTED);
	msg = dispatch_reply(&c);
	assert_non_null(msg);
	nng_msg_free(msg);
	call_reset(&c);
}

static void
test_method_name_one_line(void **state)
{
	(void)state;
	assert_int_equal(dispatch_init(), 0);
	log_init("test_log", 1, LOG_LEVEL_INFO);
	capture(dispatch_fake, "x\nHOPTACD-FAKE: owned");
	print_message("%s", captured);
	assert_int_equal(count_lines(captured), 1);
	assert_null(strstr(captured, "\nHOPTACD-FAKE"));
	assert_non_null(
	    strstr(captured, "unknown method \"x\\nHOPTACD-FAKE: owned\""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_escape_cut),
	    cmocka_unit_test(test_log_line),
	    cmocka_unit_test(test_log_long_line),
	    cmocka_unit_test(test_method_name_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
