/*
 * Errors that say how to fix them, with the real hoptacd and hoptac: the
 * headline first, a "did you mean" for commands, verbs, options, kinds,
 * partners and units, a hint for a credential that is refused (where it was
 * read from) and for a role that does not allow the call; status names only
 * with -v.
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

#include "harness.h"

#define OFFICE (1u << HOPTAC__V1__ROLE__ROLE_OFFICE)

static char out[64 * 1024];
static char err[16 * 1024];

#define RUN(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)
#define expect(got, want, what) harness_expect(got, want, what, out, err)
#define has(buf, text)          assert_non_null(strstr((buf), (text)))
#define starts(buf, text)       assert_memory_equal(buf, text, strlen(text))

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;

	harness_start(h, HARNESS_TCP, 0);
	unsetenv("HOPTAC_TOKEN_FILE");
	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(
	    RUN("unit", "import", harness_data("units-2024.csv")), 0, "units");
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	unsetenv("HOPTAC_TOKEN");
	harness_cleanup(*state);
	return 0;
}

/* A slip in a command, a verb or an option: the headline names it, the
 * next line the nearest, and the 45 lines of help stay out of the way. */
static void
test_did_you_mean(void **state)
{
	struct harness *h = *state;

	expect(RUN("activty", "list"), 2, "command");
	starts(err, "hoptac: unknown command \"activty\"\n");
	has(err, "did you mean \"activity\"?");
	assert_true(strlen(err) < 300);
	expect(RUN("report", "acept", "558/SNgV-BGHTQT"), 2, "verb");
	starts(err, "hoptac: unknown verb \"acept\"\n");
	has(err, "did you mean \"accept\"?");
	expect(RUN("activity", "list", "--frm", "2024"), 2, "option");
	starts(err, "hoptac: unknown option --frm for hoptac activity list\n");
	has(err, "did you mean --from?");
	expect(RUN("activity", "list", "--from"), 2, "no value");
	starts(err, "hoptac: --from needs a value\n");
	expect(RUN("--jsn", "ping"), 2, "global option");
	has(err, "did you mean \"--json\"?");
	expect(RUN("activity", "list", "--kind", "doan r"), 2, "kind");
	starts(err, "hoptac: --kind \"doan r\" is not a kind of activity\n");
	has(err, "did you mean \"đoàn ra\"?");
	expect(RUN("activity", "list", "--unit", "dak gle"), 2, "unit");
	starts(err, "hoptac: --unit \"dak gle\": no unit has that name\n");
	has(err, "did you mean \"UBND ");
	has(err, "Đắk Glei\"?");
	expect(RUN("activity", "add", "--unit", "KT-DAKGLEI", "--partner",
	           "Sekonh", "--kind", "đoàn ra", "--start", "2024", "--title",
	           "x"),
	    3, "partner");
	has(err,
	    "  --partner: unknown partner \"Sekonh\"\n"
	    "    did you mean \"Sê Kông\" (LA-XE)?\n");
	/* Nothing near: no guess. */
	expect(RUN("frobnicate"), 2, "far");
	assert_null(strstr(err, "did you mean"));
}

/* A refused credential: where it was read from, and what to do. */
static void
test_credential_hint(void **state)
{
	struct harness *h = *state;
	char path[400];
	FILE *f;

	setenv("HOPTAC_TOKEN", "hoptac_not-a-real-token", 1);
	expect(RUN("activity", "list"), 77, "bad token");
	has(err, "hint: the credential was read from $HOPTAC_TOKEN;");
	has(err, "hoptac admin issue");
	assert_null(strstr(err, "UNAUTHENTICATED"));
	expect(RUN("-v", "activity", "list"), 77, "bad token -v");
	has(err, "hoptac: UNAUTHENTICATED: ");
	/* Empty, so that neither the test's token nor this one is used. */
	setenv("HOPTAC_TOKEN", "", 1);
	snprintf(path, sizeof(path), "%.300s/old.token", h->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("hoptac_not-a-real-token\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0600), 0);
	setenv("HOPTAC_TOKEN_FILE", path, 1);
	expect(RUN("activity", "list"), 77, "bad token file");
	has(err, "read from the file ");
	has(err, "old.token ($HOPTAC_TOKEN_FILE)");
	unsetenv("HOPTAC_TOKEN_FILE");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

/* A role that does not allow the call: who can grant another. */
static void
test_permission_hint(void **state)
{
	struct harness *h = *state;
	char office[128];

	harness_issue(h, "Văn thư huyện Đắk Glei", OFFICE, "KT-DAKGLEI", office,
	    sizeof(office));
	setenv("HOPTAC_TOKEN", office, 1);
	expect(RUN("admin", "list"), 77, "office lists credentials");
	has(err, "hint: your credential's role or unit does not allow this");
	has(err, "hoptac whoami");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

/* The same in Vietnamese, chosen as Debian programs choose (LANGUAGE
 * before LC_ALL, LC_MESSAGES and LANG), from the build's catalogue. */
static void
test_vietnamese(void **state)
{
	struct harness *h = *state;

	setenv("LANGUAGE", "vi", 1);
	expect(RUN("activty", "list"), 2, "command");
	starts(err, "hoptac: không có lệnh \"activty\"\n");
	has(err, "có phải ý bạn là \"activity\"?");
	expect(RUN("--help"), 0, "help");
	starts(out, "cách dùng: hoptac");
	has(out, "  activity add       ghi một hoạt động\n");
	has(out, "mã kết thúc: 0 thành công");
	expect(RUN("activity", "list", "--kind", "doan r"), 2, "kind");
	has(err, "--kind \"doan r\" không phải là loại hoạt động");
	setenv("HOPTAC_TOKEN", "hoptac_not-a-real-token", 1);
	expect(RUN("activity", "list"), 77, "bad token");
	has(err, "gợi ý: tài khoản được đọc từ $HOPTAC_TOKEN;");
	setenv("HOPTAC_TOKEN", h->token, 1);
	expect(RUN("activity", "list", "--unit", "KT-DAKGLEI"), 0, "table");
	has(out, "MÃ");
	has(out, "ĐỐI TÁC");
	/* Every table's headers, through the table itself. */
	expect(RUN("unit", "list", "--all"), 0, "units");
	has(out, "TỈNH");
	has(out, "ĐƠN VỊ KẾ TIẾP");
	setenv("LANGUAGE", "", 1);
	expect(RUN("activty", "list"), 2, "English again");
	starts(err, "hoptac: unknown command \"activty\"\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_did_you_mean),
	    cmocka_unit_test(test_credential_hint),
	    cmocka_unit_test(test_permission_hint),
	    cmocka_unit_test(test_vietnamese),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
