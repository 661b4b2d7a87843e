/*
 * Errors that say how to fix them, with the real hoptacd and hoptac: the
 * headline first, a "did you mean" for commands, verbs, options, kinds,
 * partners and units, a hint for a credential that is refused (where it was
 * read from) and for a role that does not allow the call; status names only
 * with -v. Then the same paths in both languages: under LANG=vi_VN.UTF-8
 * (LC_ALL and LANGUAGE unset, as a clerk's desktop has them) help, table
 * headers, kinds, partners and the refusals are Vietnamese with no English
 * left in them; in the C locale they are English and tables keep the codes
 * scripts read; --json keeps codes in either language.
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
#define lacks(buf, text)        assert_null(strstr((buf), (text)))
#define PLAIN(...)                                                             \
	harness_cli_plain(                                                     \
	    h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

static char office[128];

/* As a clerk's session has it: LANG only. */
static void
in_vietnamese(void)
{
	unsetenv("LC_ALL");
	unsetenv("LANGUAGE");
	unsetenv("LC_MESSAGES");
	setenv("LANG", "vi_VN.UTF-8", 1);
}

/* As the test suite runs: the C locale. */
static void
in_english(void)
{
	unsetenv("LANG");
	setenv("LC_ALL", "C.UTF-8", 1);
}

/* Words of the English messages that Vietnamese ones never hold. */
static void
no_english(const char *text)
{
	static const char *const words[] = {"hint:", "usage:", "unknown",
	    " the ", " must ", " not ", "did you mean", "credential",
	    "activities", "PARTNERS", "TITLE", "_STATUS_", "DENIED"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(text, words[i]) != NULL) {
			print_error("English \"%s\" in:\n%s\n", words[i], text);
			fail();
		}
}

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
	harness_issue(h, "Văn thư huyện Đắk Glei", OFFICE, "KT-DAKGLEI", office,
	    sizeof(office));
	setenv("HOPTAC_TOKEN", office, 1);
	expect(RUN("activity", "add", "--partner", "Sê Kông", "--partner",
	           "Attapư", "--kind", "đoàn ra", "--start", "15/3/2024",
	           "--people", "5", "--title", "Đoàn công tác thăm tỉnh bạn"),
	    0, "activity");
	setenv("HOPTAC_TOKEN", h->token, 1);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	in_english();
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

/* hoptac --help and a command's usage. */
static void
test_help(void **state)
{
	struct harness *h = *state;

	in_vietnamese();
	expect(PLAIN("--help"), 0, "help vi");
	has(out, "cách dùng: hoptac");
	has(out, "  activity add       ghi một hoạt động\n");
	has(out, "  report submit      gửi tệp báo cáo");
	no_english(out);
	expect(PLAIN("help", "activity", "add"), 0, "usage vi");
	has(out, "--partner ĐỐI_TÁC... --kind LOẠI --start NGÀY");
	no_english(out);
	in_english();
	expect(PLAIN("--help"), 0, "help en");
	has(out, "usage: hoptac");
	has(out, "  activity add       record an activity\n");
	expect(PLAIN("help", "activity", "add"), 0, "usage en");
	has(out, "--partner P... --kind KIND --start DATE");
}

/* Tables: headers, kinds and partners by name in Vietnamese; codes in
 * the C locale and in --json whatever the language. */
static void
test_tables(void **state)
{
	struct harness *h = *state;

	setenv("HOPTAC_TOKEN", office, 1);
	in_vietnamese();
	expect(RUN("activity", "list"), 0, "list vi");
	has(out, "BẮT ĐẦU");
	has(out, "ĐỐI TÁC");
	has(out, "TIÊU ĐỀ");
	has(out, "đoàn ra");
	has(out, "Sê Kông,Át Tạ Pư");
	has(out, "1 trên 1 hoạt động");
	lacks(out, "LA-XE");
	lacks(out, "delegation_out");
	no_english(out);
	expect(RUN("summary", "--from", "2024", "--to", "2024", "--by",
	           "partner,kind"),
	    0, "summary vi");
	has(out, "ĐỐI TÁC");
	has(out, "SỐ ĐOÀN RA");
	has(out, "Sê Kông");
	has(out, "Đoàn ra");
	has(out, "TỔNG CỘNG");
	lacks(out, "LA-XE");
	no_english(out);
	expect(RUN("--json", "activity", "list"), 0, "json vi");
	has(out, "\"partner_codes\":[\"LA-XE\",\"LA-AT\"]");
	has(out, "ACTIVITY_KIND_DELEGATION_OUT");
	in_english();
	expect(RUN("activity", "list"), 0, "list en");
	has(out, "START");
	has(out, "PARTNERS");
	has(out, "delegation_out");
	has(out, "LA-XE,LA-AT");
	has(out, "1 of 1 activities");
	expect(RUN("summary", "--from", "2024", "--to", "2024", "--by",
	           "partner,kind"),
	    0, "summary en");
	has(out, "DELEGATIONS_OUT");
	has(out, "LA-XE");
	has(out, "TOTAL");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

/* No server at the address: which address, and how to name another. */
static void
test_unreachable(void **state)
{
	struct harness *h = *state;

	in_vietnamese();
	expect(PLAIN("--server", "tcp://127.0.0.1:1", "--timeout", "3000",
	           "unit", "list"),
	    75, "unreachable vi");
	has(err, "hoptac: không kết nối được tới tcp://127.0.0.1:1");
	has(err, "gợi ý: tcp://127.0.0.1:1 không trả lời; chỉ định máy chủ");
	in_english();
	expect(PLAIN("--server", "tcp://127.0.0.1:1", "--timeout", "3000",
	           "unit", "list"),
	    75, "unreachable en");
	has(err, "hoptac: cannot connect to tcp://127.0.0.1:1");
	has(err, "hint: no answer from tcp://127.0.0.1:1;");
}

/* A credential the server does not know, and a role that may not. */
static void
test_credential_and_permission(void **state)
{
	struct harness *h = *state;

	setenv("HOPTAC_TOKEN", "hoptac_not-a-real-token", 1);
	in_vietnamese();
	expect(RUN("activity", "list"), 77, "bad token vi");
	has(err, "hoptac: tài khoản không đúng dạng\n");
	has(err, "gợi ý: tài khoản được đọc từ $HOPTAC_TOKEN;");
	no_english(err);
	in_english();
	expect(RUN("activity", "list"), 77, "bad token en");
	has(err, "hoptac: the credential is malformed\n");
	has(err, "hint: the credential was read from $HOPTAC_TOKEN;");
	setenv("HOPTAC_TOKEN", office, 1);
	in_vietnamese();
	expect(RUN("whoami"), 0, "whoami vi");
	has(out, ": Văn thư huyện Đắk Glei, văn thư đơn vị của KT-DAKGLEI\n");
	expect(RUN("admin", "list"), 77, "permission vi");
	has(err, "(vai trò office) không được phép dùng hoptac admin list\n");
	has(err, "gợi ý: vai trò hoặc đơn vị của tài khoản không được");
	no_english(err);
	in_english();
	expect(RUN("whoami"), 0, "whoami en");
	has(out, ": Văn thư huyện Đắk Glei, office of KT-DAKGLEI\n");
	expect(RUN("admin", "list"), 77, "permission en");
	has(err, "(office) may not call hoptac admin list\n");
	expect(RUN("-v", "admin", "list"), 77, "permission -v");
	has(err, "(office) may not call /hoptac.v1.Credentials/List\n");
	has(err, "hint: your credential's role or unit does not allow this");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

/* An activity with a misspelt partner and a date no document writes. */
static int
add_misspelt(struct harness *h)
{
	return RUN("activity", "add", "--partner", "Sekonh", "--kind",
	    "đoàn ra", "--start", "quý X/2025", "--title", "x");
}

/* A date no document writes, checked before sending and by the server,
 * and a partner misspelt: "did you mean" in either language. */
static void
test_date_and_partner(void **state)
{
	struct harness *h = *state;

	setenv("HOPTAC_TOKEN", office, 1);
	in_vietnamese();
	expect(add_misspelt(h), 3, "add vi");
	has(err, "hoptac: hoạt động chưa hợp lệ\n");
	has(err,
	    "  --partner: không có đối tác \"Sekonh\"\n"
	    "    có phải ý bạn là \"Sê Kông\" (LA-XE)?\n");
	has(err, "  --start: phải là ngày như 2024-05-02");
	has(err, "gợi ý: ghi ngày như trong văn bản");
	no_english(err);
	expect(RUN("activity", "list", "--from", "quý X"), 3, "server date vi");
	has(err, "hoptac: dữ liệu đã nhập chưa hợp lệ\n");
	has(err, "  --from: phải là ngày như");
	no_english(err);
	expect(RUN("activity", "list", "--partner", "Sekonh"), 3,
	    "server partner vi");
	has(err,
	    "  --partner: không có đối tác \"Sekonh\"\n"
	    "    có phải ý bạn là \"Sê Kông\" (LA-XE)?\n");
	no_english(err);
	in_english();
	expect(add_misspelt(h), 3, "add en");
	has(err, "hoptac: the activity is not valid\n");
	has(err,
	    "  --partner: unknown partner \"Sekonh\"\n"
	    "    did you mean \"Sê Kông\" (LA-XE)?\n");
	has(err, "  --start: must be a date such as 2024-05-02");
	has(err, "hint: dates are written as documents write them");
	expect(RUN("activity", "list", "--from", "quý X"), 3, "server date en");
	has(err, "hoptac: the values given are not valid\n");
	has(err, "  --from: must be a date such as");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

/* A file written by hand: its lines' faults in the person's language. */
static void
test_file_faults(void **state)
{
	struct harness *h = *state;
	char csv[400], report[400];
	FILE *f;

	snprintf(csv, sizeof(csv), "%.300s/sai.csv", h->dir);
	assert_non_null(f = fopen(csv, "w"));
	fputs("partners,kind,start_date,title\nLA-XE,xyz,2024,y\n", f);
	fclose(f);
	snprintf(report, sizeof(report), "%.300s/bao-cao.txt", h->dir);
	assert_non_null(f = fopen(report, "w"));
	fputs("request: 558/SNgV-BGHTQT\nfoo: 1\n", f);
	fclose(f);
	setenv("HOPTAC_TOKEN", office, 1);
	in_vietnamese();
	expect(RUN("import", csv), 3, "csv vi");
	has(err, ":2: kind: không có loại hoạt động \"xyz\"\n");
	has(out, ": đã đọc 0 dòng: 0 đã lưu, ");
	expect(RUN("report", "check", report), 3, "report vi");
	has(err, ":2: không có khóa 'foo' ở phần đầu (các khóa: request,");
	in_english();
	expect(RUN("import", csv), 3, "csv en");
	has(err, ":2: kind: unknown kind \"xyz\"\n");
	expect(RUN("report", "check", report), 3, "report en");
	has(err, ":2: unknown header key 'foo' (known: request,");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

/* A record the server refused stays in the outbox: hoptac status says
 * why in the person's language, the status name only with -v. */
static void
test_outbox_refusal(void **state)
{
	struct harness *h = *state;
	char reviewer[128];

	/* A reviewer may not record activities: refused, kept. */
	harness_issue(h, "Phòng Hợp tác quốc tế",
	    1u << HOPTAC__V1__ROLE__ROLE_REVIEWER, NULL, reviewer,
	    sizeof(reviewer));
	setenv("HOPTAC_TOKEN", reviewer, 1);
	expect(RUN("activity", "add", "--unit", "KT-DAKGLEI", "--partner",
	           "LA-XE", "--kind", "hội nghị", "--start", "2024", "--title",
	           "Hội nghị giao ban"),
	    77, "refused");
	in_vietnamese();
	expect(RUN("status"), 0, "status vi");
	has(out, "\nbị từ chối:\n");
	has(out, "(vai trò reviewer) không được phép dùng");
	lacks(out, "PERMISSION_DENIED");
	expect(RUN("-v", "status"), 0, "status -v vi");
	has(out, "PERMISSION_DENIED: credential ");
	in_english();
	expect(RUN("status"), 0, "status en");
	has(out, "\nrefused:\n");
	has(out, "PERMISSION_DENIED: credential ");
	setenv("HOPTAC_TOKEN", h->token, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_did_you_mean),
	    cmocka_unit_test(test_credential_hint),
	    cmocka_unit_test(test_permission_hint),
	    cmocka_unit_test(test_vietnamese),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_tables),
	    cmocka_unit_test(test_unreachable),
	    cmocka_unit_test(test_credential_and_permission),
	    cmocka_unit_test(test_date_and_partner),
	    cmocka_unit_test(test_file_faults),
	    cmocka_unit_test(test_outbox_refusal),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
