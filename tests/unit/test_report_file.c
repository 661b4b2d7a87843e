#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>

#include "report_file.h"

/* Reads n bytes as a report file; a temporary file rather than fmemopen,
 * which refuses an empty buffer. */
static int
read_bytes(const char *text, size_t n, Hoptac__V1__Report **r,
    struct report_file_error *e)
{
	FILE *f = tmpfile();
	int rc;

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	rewind(f);
	rc = report_file_read(f, r, e);
	fclose(f);
	return rc;
}

static int
read_string(
    const char *text, Hoptac__V1__Report **r, struct report_file_error *e)
{
	return read_bytes(text, strlen(text), r, e);
}

/* The whole of a file under $HOPTAC_TEST_DATA, NUL-terminated. */
static char *
slurp_data(const char *name, size_t *len)
{
	const char *dir = getenv("HOPTAC_TEST_DATA");
	char path[1024], *buf;
	FILE *f;
	long n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static Hoptac__V1__Report *
read_data(const char *name)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = NULL;
	char *text = slurp_data(name, NULL);
	int rc = read_string(text, &r, &e);

	if (rc != 0)
		fail_msg("%s:%zu: %s", name, e.line, e.message);
	free(text);
	assert_non_null(r);
	return r;
}

static char *
write_string(const Hoptac__V1__Report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(report_file_write(f, r), 0);
	fclose(f);
	return buf;
}

static void
report_free(Hoptac__V1__Report *r)
{
	if (r != NULL)
		protobuf_c_message_free_unpacked(&r->base, NULL);
}

static void
assert_starts_ends(const char *s, const char *start, const char *end)
{
	size_t n = strlen(s), ns = strlen(start), ne = strlen(end);

	if (n < ns || strncmp(s, start, ns) != 0)
		fail_msg("'%.80s' does not start with '%s'", s, start);
	if (n < ne || strcmp(s + n - ne, end) != 0)
		fail_msg("'...%s' does not end with '%s'",
		    n > 80 ? s + n - 80 : s, end);
}

/* The read must fail on that line with a message containing what. */
static void
expect_error(const char *text, size_t line, const char *what)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = (Hoptac__V1__Report *)&e; /* not NULL */

	assert_int_equal(read_string(text, &r, &e), -1);
	assert_null(r);
	if (e.line != line || strstr(e.message, what) == NULL)
		fail_msg("expected line %zu '%s', got line %zu '%s'", line,
		    what, e.line, e.message);
}

static void
test_dak_glei(void **state)
{
	Hoptac__V1__Report *r = read_data("dak-glei-2024.report.txt");
	const Hoptac__V1__Figures *d = r->declared;

	(void)state;
	assert_string_equal(r->request_reference, "558/SNgV-BGHTQT");
	assert_string_equal(r->unit_code, "KT-DAKGLEI");
	/* The seed's copy has no number, place or date. */
	assert_string_equal(r->document_number, "");
	assert_string_equal(r->place, "");
	assert_string_equal(r->signed_on, "");
	assert_false(r->nil);
	assert_string_equal(r->id, "");
	assert_starts_ends(r->situation,
	    "Huyện Đắk Glei, tỉnh Kon Tum và huyện Đắk Chung",
	    "góp phần củng cố và phát triển mối quan hệ giữa hai huyện.");

	assert_int_equal(r->n_results, 4);
	assert_string_equal(
	    r->results[0]->heading, "Công tác thông tin, tuyên truyền");
	assert_starts_ends(r->results[0]->text,
	    "Từ tháng 11 năm 2022 đến nay, Ủy ban nhân dân huyện Đắk Glei",
	    "chính sách, pháp luật của Nhà nước.");
	assert_string_equal(r->results[1]->heading, "Công tác trao đổi đoàn");
	assert_string_equal(r->results[1]->text,
	    "- Số lượng đoàn ra: 02 đoàn/10 người.\n\n"
	    "- Số lượng đoàn vào: 02 đoàn/24 người.\n\n"
	    "(Chi tiết tại phụ lục kèm theo.)");
	assert_string_equal(r->results[2]->heading,
	    "Công tác Hội nghị, hội thảo quốc tế và ký kết thỏa thuận quốc "
	    "tế, văn kiện hợp tác quốc tế");
	assert_starts_ends(r->results[2]->text,
	    "Từ tháng 11 năm 2022, UBND huyện Đắk Glei tham gia 01 Hội nghị",
	    "hợp tác về kinh tế, văn hoá xã hội.");
	assert_non_null(strstr(r->results[2]->text,
	    "cụ thể như sau:\n\n* Năm 2023: Hội nghị phối hợp"));
	assert_non_null(strstr(r->results[2]->text,
	    "quan hệ \"hữu nghị truyền thống, hợp tác toàn diện"));
	assert_string_equal(r->results[3]->heading,
	    "Kết quả hợp tác trên lĩnh vực được phân công và theo chức năng, "
	    "nhiệm vụ của ngành, cơ quan, tổ chức");
	assert_string_equal(r->results[3]->text, "Không.");

	assert_starts_ends(r->limitations,
	    "Hạ tầng kinh tế - xã hội của huyện còn hạn chế",
	    "trên địa bàn gặp nhiều khó khăn.");
	assert_starts_ends(r->causes,
	    "Nguồn vốn ngân sách địa phương còn hạn chế",
	    "liên doanh – liên kết với nhà đầu tư nước ngoài.");
	assert_int_equal(r->directions_until, 2027);
	assert_starts_ends(r->directions,
	    "- Tiếp tục chỉ đạo tăng cường công tác tuyên truyền",
	    "hy sinh trong các cuộc kháng chiến tại Lào.");
	/* Ten items, kept apart by blank lines. */
	assert_non_null(strstr(r->directions,
	    "theo quy định của mỗi nước.\n\n- Tạo điều kiện thuận lợi"));
	assert_string_equal(r->proposals, "Không.");

	assert_string_equal(r->signer, "Y Thanh");
	assert_string_equal(r->signer_title, "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH");
	assert_int_equal(r->n_recipients, 4);
	assert_string_equal(r->recipients[0], "Sở Ngoại vụ (b/c)");
	assert_string_equal(
	    r->recipients[2], "Chủ tịch, các PCT UBND huyện (c/đ)");
	assert_string_equal(r->recipients[3], "Lưu: VT");

	assert_non_null(d);
	assert_int_equal(d->delegations_out, 2);
	assert_int_equal(d->people_out, 10);
	assert_int_equal(d->delegations_in, 2);
	assert_int_equal(d->people_in, 24);
	assert_int_equal(d->conferences, 1);
	assert_int_equal(d->agreements, 1);
	assert_int_equal(d->activities, 0);
	report_free(r);
}

static void
test_dien_bien(void **state)
{
	Hoptac__V1__Report *r = read_data("dien-bien-stnmt-2021.report.txt");

	(void)state;
	assert_string_equal(r->request_reference, "720/SNgV-KTĐN");
	assert_string_equal(r->unit_code, "DB-STNMT");
	assert_string_equal(r->document_number, "/BC-STNMT");
	assert_string_equal(r->place, "Điện Biên");
	assert_string_equal(r->signed_on, "2021-08");
	assert_true(r->nil);
	assert_int_equal(r->n_results, 0);
	assert_starts_ends(r->situation,
	    "Sở Tài nguyên và Môi trường là cơ quan chuyên môn",
	    "hợp tác của Sở Tài nguyên và Môi trường với các tỉnh Bắc Lào.");
	assert_non_null(strstr(r->situation,
	    "theo quy định.\n\nTình hình quan hệ hợp tác với các tỉnh Bắc Lào "
	    "từ năm 2017 đến nay.\n\nTừ năm 2017 đến nay"));
	assert_non_null(strstr(r->situation, "dịch bệnh Covid-19"));
	assert_string_equal(r->limitations, "");
	assert_string_equal(r->causes, "");
	assert_int_equal(r->directions_until, 2022);
	assert_starts_ends(r->directions,
	    "Để cho các hoạt động quan hệ, hợp tác với nước Cộng hòa",
	    "thực hiện theo đúng nghi thức ngoại giao.");
	assert_non_null(strstr(r->proposals,
	    "như: Quản lý đất đai, khoáng sản, Nước khí tượng thủy văn và "
	    "biến đổi khí hậu, Bảo vệ môi trường, Đo đạc, bản đồ và Viễn "
	    "thám"));
	assert_starts_ends(
	    r->proposals, "Để cho các hoạt động", "nghi thức ngoại giao.");
	assert_string_equal(r->signer, "Vũ Ngọc Vương");
	assert_string_equal(r->signer_title, "GIÁM ĐỐC");
	assert_int_equal(r->n_recipients, 3);
	assert_string_equal(r->recipients[0], "Sở Ngoại vụ tỉnh Điện Biên");
	assert_string_equal(r->recipients[1], "Lãnh đạo sở TN&MT");
	assert_string_equal(r->recipients[2], "Lưu: VT, ĐDBĐ&VT, PTT");
	assert_null(r->declared);
	report_free(r);
}

static char *
template_string(const struct report_file_template_data *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(report_file_template(f, d), 0);
	fclose(f);
	return buf;
}

static void
test_template(void **state)
{
	static const char *const acts[] = {
	    "2024-05-10, delegation_out, 6 người: Đoàn công tác sang Sê Kông"};
	Hoptac__V1__Figures fig = HOPTAC__V1__FIGURES__INIT;
	struct report_file_template_data d = {"558/SNgV-BGHTQT", "KT-NGOCHOI",
	    "Kon Tum", "6/12/2025", &fig, acts, 1};
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = NULL;
	char *t;
	FILE *f;

	(void)state;
	fig.delegations_out = 1;
	fig.people_out = 6;
	fig.activities = 1;
	t = template_string(&d);
	/* Commented, in Vietnamese; filled from d, nothing of another unit. */
	assert_true(t[0] == '#');
	assert_non_null(
	    strstr(t, "\n# Mã đơn vị báo cáo.\nunit: KT-NGOCHOI\n"));
	assert_non_null(strstr(t, "\n== proposals\n# V. Đề xuất, kiến nghị"));
	assert_non_null(strstr(t, "\n# - 2024-05-10, delegation_out, 6 người"));
	assert_null(strstr(t, "Điện Biên"));
	assert_null(strstr(t, "Vũ Ngọc Vương"));
	if (read_string(t, &r, &e) != 0)
		fail_msg("template:%zu: %s", e.line, e.message);
	assert_string_equal(r->request_reference, "558/SNgV-BGHTQT");
	assert_string_equal(r->unit_code, "KT-NGOCHOI");
	assert_string_equal(r->place, "Kon Tum");
	assert_string_equal(r->signed_on, "2025-12-06");
	assert_string_equal(r->signer, "");
	assert_false(r->nil);
	assert_non_null(r->declared);
	assert_int_equal(r->declared->people_out, 6);
	assert_int_equal(r->declared->activities, 1);
	assert_int_equal(r->n_results, 4);
	assert_string_equal(
	    r->results[0]->heading, "Công tác thông tin, tuyên truyền");
	/* The hints are comments: the sections come out empty. */
	for (size_t i = 0; i < r->n_results; i++)
		assert_string_equal(r->results[i]->text, "");
	assert_string_equal(r->situation, "");
	report_free(r);
	free(t);

	/* No records: a nil report, without figures or results. */
	d.figures = NULL;
	d.n_activities = 0;
	t = template_string(&d);
	assert_int_equal(read_string(t, &r, &e), 0);
	assert_true(r->nil);
	assert_null(r->declared);
	assert_int_equal(r->n_results, 0);
	report_free(r);
	free(t);

	f = tmpfile();
	assert_non_null(f);
	errno = 0;
	d.request_reference = "558/\nSNgV";
	assert_int_equal(report_file_template(f, &d), -1);
	assert_int_equal(errno, EINVAL);
	fclose(f);
}

static void
assert_same_message(const Hoptac__V1__Report *a, const Hoptac__V1__Report *b)
{
	size_t na = protobuf_c_message_get_packed_size(&a->base);
	size_t nb = protobuf_c_message_get_packed_size(&b->base);
	uint8_t *pa = malloc(na + 1), *pb = malloc(nb + 1);

	assert_int_equal(na, nb);
	assert_non_null(pa);
	assert_non_null(pb);
	protobuf_c_message_pack(&a->base, pa);
	protobuf_c_message_pack(&b->base, pb);
	assert_memory_equal(pa, pb, na);
	free(pa);
	free(pb);
}

static void
round_trip_data(const char *name)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *r1 = read_data(name), *r2 = NULL;
	char *w1 = write_string(r1), *w2;

	if (read_string(w1, &r2, &e) != 0)
		fail_msg("%s written:%zu: %s\n%s", name, e.line, e.message, w1);
	assert_same_message(r1, r2);
	w2 = write_string(r2);
	assert_string_equal(w1, w2);
	report_free(r1);
	report_free(r2);
	free(w1);
	free(w2);
}

static void
test_round_trip_seeds(void **state)
{
	(void)state;
	round_trip_data("dak-glei-2024.report.txt");
	round_trip_data("dien-bien-stnmt-2021.report.txt");
}

/* Text that looks like the format's own lines must come back as text. */
static void
test_round_trip_escapes(void **state)
{
	Hoptac__V1__Report r = HOPTAC__V1__REPORT__INIT, *back = NULL;
	Hoptac__V1__ReportResult res[2] = {
	    HOPTAC__V1__REPORT_RESULT__INIT, HOPTAC__V1__REPORT_RESULT__INIT};
	Hoptac__V1__ReportResult *results[2] = {&res[0], &res[1]};
	Hoptac__V1__Figures d = HOPTAC__V1__FIGURES__INIT;
	char *recipients[] = {"Lưu: VT"};
	struct report_file_error e = {0};
	char *w, *w2;

	(void)state;
	r.request_reference = "558/SNgV-BGHTQT";
	r.unit_code = "KT-DAKGLEI";
	r.signed_on = "24/8/2021"; /* written back in ISO */
	r.situation = "# not a comment\n== not a section\n\\ a backslash\n\n"
	              "  indented";
	r.n_results = 2;
	r.results = results;
	res[0].heading = "Heading: with a colon";
	res[0].text = "";
	res[1].text = "== result: still text";
	r.directions_until = 2030;
	r.n_recipients = 1;
	r.recipients = recipients;
	d.activities = 7; /* the other figures declared as 0 */
	r.declared = &d;

	w = write_string(&r);
	assert_non_null(strstr(w, "date: 2021-08-24\n"));
	assert_non_null(strstr(w,
	    "\n\\# not a comment\n\\== not a section\n"
	    "\\\\ a backslash\n"));
	assert_non_null(strstr(w, "\n== result: Heading: with a colon\n"));
	assert_non_null(strstr(w, "\n== result\n\\== result: still text\n"));
	assert_non_null(strstr(w, "\n== directions 2030\n"));
	assert_non_null(strstr(w, "conferences: 0\n"));
	if (read_string(w, &back, &e) != 0)
		fail_msg("%zu: %s\n%s", e.line, e.message, w);
	assert_string_equal(back->signed_on, "2021-08-24");
	assert_string_equal(back->situation, r.situation);
	assert_int_equal(back->n_results, 2);
	assert_string_equal(back->results[0]->heading, res[0].heading);
	assert_string_equal(back->results[0]->text, "");
	assert_string_equal(back->results[1]->heading, "");
	assert_string_equal(back->results[1]->text, res[1].text);
	assert_string_equal(back->directions, "");
	assert_int_equal(back->directions_until, 2030);
	assert_non_null(back->declared);
	assert_int_equal(back->declared->activities, 7);
	assert_int_equal(back->declared->agreements, 0);
	w2 = write_string(back);
	assert_string_equal(w, w2);
	report_free(back);
	free(w);
	free(w2);

	/* A line break cannot go into a header line. */
	r.signer = "Y\nThanh";
	{
		FILE *f = tmpfile();

		assert_non_null(f);
		errno = 0;
		assert_int_equal(report_file_write(f, &r), -1);
		assert_int_equal(errno, EINVAL);
		fclose(f);
	}
}

#define HEAD "request: 558/SNgV-BGHTQT\nunit: KT-DAKGLEI\n"

static void
test_header_errors(void **state)
{
	(void)state;
	expect_error(HEAD "foo: bar\n", 3, "unknown header key 'foo'");
	expect_error(
	    HEAD "người ký: Y Thanh\n", 3, "unknown header key 'người ký'");
	expect_error(HEAD "\n# comment\nunit: X\n", 5,
	    "'unit' given twice (first on line 2)");
	expect_error("nil: no\n" HEAD "nil: yes\n", 4,
	    "'nil' given twice (first on line 1)");
	expect_error(HEAD "date: 31/2/2021\n", 3, "bad date '31/2/2021'");
	expect_error(HEAD "date: tháng 13 năm 2021\n", 3, "bad date");
	expect_error(HEAD "people_out: -1\n", 3,
	    "'people_out' must be a whole number of 0 or more, not '-1'");
	expect_error(HEAD "people_out: 10 người\n", 3, "whole number");
	expect_error(HEAD "conferences: 1.5\n", 3, "whole number");
	expect_error(
	    HEAD "agreements: 99999999999\n", 3, "'agreements' is too large");
	expect_error(
	    HEAD "nil: maybe\n", 3, "'nil' must be yes, no, có or không");
	expect_error(HEAD "Huyện Đắk Glei báo cáo như sau\n", 3,
	    "text before the first section");
	expect_error(HEAD "\n  # indented, not a comment\n", 4,
	    "text before the first section");
	expect_error(HEAD
	    "Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02 tháng 5 năm "
	    "2024: báo cáo\n",
	    3, "text before the first section");
	/* Recipients repeat. */
	{
		struct report_file_error e = {0};
		Hoptac__V1__Report *r = NULL;

		assert_int_equal(read_string(HEAD "recipient: A\nrecipient: "
		                                  "B\nrecipient:\n",
		                     &r, &e),
		    0);
		assert_int_equal(r->n_recipients, 2);
		report_free(r);
	}
}

static void
test_required(void **state)
{
	(void)state;
	expect_error(
	    "unit: KT-DAKGLEI\n\n== situation\nabc\n", 3, "no 'request' line");
	expect_error(
	    "request: 558/SNgV-BGHTQT\n# no unit\n", 2, "no 'unit' line");
	expect_error("request:\nunit: KT-DAKGLEI\n", 1, "'request' is empty");
	expect_error("", 1, "no 'request' line");
	expect_error("# only a comment\n\n", 2, "no 'request' line");
}

static void
test_section_errors(void **state)
{
	(void)state;
	expect_error(HEAD "== situation\nabc\n\n== đánh giá\n", 6,
	    "unknown section 'đánh giá'");
	expect_error(HEAD "==\n", 3, "a section line needs a name");
	expect_error(HEAD "== situaton\n", 3, "unknown section 'situaton'");
	expect_error(HEAD "== situation\na\n== Đặc điểm tình hình\n", 5,
	    "section 'situation' given twice (first on line 3)");
	expect_error(HEAD "== situation 2027\n", 3,
	    "only the directions section takes a year");
	expect_error(HEAD "== directions 27\n", 3, "'27' is not a year");
	expect_error(HEAD "== directions 20270\n", 3, "is not a year");
	expect_error(HEAD "nil: có\n\n== situation\nCovid-19\n== result: "
	                  "Công tác trao đổi đoàn\n",
	    7, "a nil report (nil: yes, line 3) has no results");
	expect_error(
	    HEAD "nil: yes\n== kết quả triển khai\n", 4, "a nil report");
}

static void
test_bytes_errors(void **state)
{
	static const char bad_utf8[] = HEAD "== situation\nabc \xC3\x28\n";
	static const char nul[] = HEAD "place: Điện\0Biên\n";
	static const char start[] = HEAD "== situation\n";
	size_t n = 20000;
	char *big = malloc(sizeof(start) + n + 8);
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = NULL;

	(void)state;
	expect_error(bad_utf8, 4, "invalid UTF-8");
	expect_error(HEAD "signer: \xE1\xBB\n", 3, "invalid UTF-8");
	assert_int_equal(read_bytes(nul, sizeof(nul) - 1, &r, &e), -1);
	assert_null(r);
	assert_int_equal(e.line, 3);
	assert_non_null(strstr(e.message, "NUL"));
	expect_error(HEAD "place: \x1b[1m\n", 3, "control character");
	/* A CR is one too, unless it ends the line: kept, it made reports
	 * that did not read back as they were written. */
	expect_error(HEAD "signer: Y\rThanh\n", 3, "control character");
	expect_error(
	    HEAD "== situation\nabc\r \ndef\n", 4, "control character");
	assert_int_equal(
	    read_string(HEAD "== situation\nabc\r\r\ndef\r\n", &r, &e), 0);
	assert_string_equal(r->situation, "abc\ndef");
	report_free(r);

	/* 20,000 bytes is the longest line, its CRLF not counted. */
	assert_non_null(big);
	snprintf(big, sizeof(start), "%s", start);
	memset(big + strlen(start), 'a', n);
	snprintf(big + strlen(start) + n, 8, "\r\n");
	assert_int_equal(read_string(big, &r, &e), 0);
	assert_int_equal(strlen(r->situation), n);
	report_free(r);
	snprintf(big + strlen(start) + n, 8, "a\r\n");
	expect_error(big, 4, "line is longer than 20000 bytes");
	snprintf(big + strlen(start) + n, 8, "ab");
	expect_error(big, 4, "line is longer than 20000 bytes");
	free(big);
}

/* What a person may type: Vietnamese headings with their numbers, text
 * on the section line, spacing and case, comments and escapes. */
static void
test_forgiving(void **state)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = NULL;
	const char *text = "# comment\n"
	                   "\n"
	                   "  Request :  558/SNgV-BGHTQT  \n"
	                   "UNIT: KT-DAKGLEI\n"
	                   "Delegations Out: 02\n"
	                   "people-in: 024\n"
	                   "nil: Không\n"
	                   "date: ngày 02 tháng 5 năm 2024\n"
	                   "number:\n"
	                   "\n"
	                   "== I. ĐẶC ĐIỂM TÌNH HÌNH\n"
	                   "\n"
	                   "\n"
	                   "First line.   \n"
	                   "# a comment inside a section\n"
	                   "\n"
	                   "\n"
	                   "\\# hash\n"
	                   "  indented\n"
	                   "\n"
	                   "== II. KẾT QUẢ TRIỂN KHAI: Công tác trao đổi đoàn\n"
	                   "- Số lượng đoàn ra: 02 đoàn/10 người.\n"
	                   "== 1. Tồn tại, hạn chế: Hạ tầng còn hạn chế.\n"
	                   "Dòng hai.\n"
	                   "== 2) Nguyên nhân:\n"
	                   "Vốn.\n"
	                   "== IV. PHƯƠNG HƯỚNG HỢP TÁC TỪ NAY ĐẾN NĂM 2027\n"
	                   "- Tiếp tục.\n"
	                   "== V. ĐỀ XUẤT, KIẾN NGHỊ: Không.\n";

	(void)state;
	if (read_string(text, &r, &e) != 0)
		fail_msg("%zu: %s", e.line, e.message);
	assert_string_equal(r->request_reference, "558/SNgV-BGHTQT");
	assert_string_equal(r->unit_code, "KT-DAKGLEI");
	assert_int_equal(r->declared->delegations_out, 2);
	assert_int_equal(r->declared->people_in, 24);
	assert_int_equal(r->declared->people_out, 0);
	assert_false(r->nil);
	assert_string_equal(r->signed_on, "2024-05-02");
	assert_string_equal(r->document_number, "");
	/* Blank lines kept inside, trimmed at the ends; trailing blanks of a
	 * line dropped; comments skipped; the escape taken off. */
	assert_string_equal(
	    r->situation, "First line.\n\n\n# hash\n  indented");
	assert_int_equal(r->n_results, 1);
	assert_string_equal(r->results[0]->heading, "Công tác trao đổi đoàn");
	assert_string_equal(
	    r->results[0]->text, "- Số lượng đoàn ra: 02 đoàn/10 người.");
	assert_string_equal(r->limitations, "Hạ tầng còn hạn chế.\nDòng hai.");
	assert_string_equal(r->causes, "Vốn.");
	assert_int_equal(r->directions_until, 2027);
	assert_string_equal(r->directions, "- Tiếp tục.");
	assert_string_equal(r->proposals, "Không.");
	report_free(r);

	/* The year after a colon, English names in any case. */
	assert_int_equal(
	    read_string(HEAD "nil: YES\n== Directions: 2027\n"
	                     "== PROPOSALS\nx\n== dac diem tinh hinh\ny\n",
	        &r, &e),
	    0);
	assert_true(r->nil);
	assert_int_equal(r->directions_until, 2027);
	assert_string_equal(r->directions, "");
	assert_string_equal(r->proposals, "x");
	assert_string_equal(r->situation, "y");
	report_free(r);
}

/* The text converted to NFD, with CRLF line ends. */
static char *
nfd_crlf(const char *text)
{
	size_t len = 0, n = 0;
	uint8_t *nfd = u8_normalize(
	    UNINORM_NFD, (const uint8_t *)text, strlen(text), NULL, &len);
	char *out;

	assert_non_null(nfd);
	out = malloc(2 * len + 1);
	assert_non_null(out);
	for (size_t i = 0; i < len; i++) {
		if (nfd[i] == '\n')
			out[n++] = '\r';
		out[n++] = (char)nfd[i];
	}
	out[n] = '\0';
	free(nfd);
	return out;
}

static void
nfd_crlf_data(const char *name)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *nfc = read_data(name), *r = NULL;
	char *text = slurp_data(name, NULL), *converted = nfd_crlf(text);

	assert_string_not_equal(text, converted);
	assert_non_null(strstr(converted, "\r\n"));
	if (read_string(converted, &r, &e) != 0)
		fail_msg("%s in NFD:%zu: %s", name, e.line, e.message);
	/* Every field comes out in NFC, as from the NFC file. */
	assert_same_message(nfc, r);
	report_free(nfc);
	report_free(r);
	free(text);
	free(converted);
}

static void
test_nfd_crlf(void **state)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = NULL;

	(void)state;
	nfd_crlf_data("dak-glei-2024.report.txt");
	nfd_crlf_data("dien-bien-stnmt-2021.report.txt");

	/* "có" and "Đề xuất" decomposed. */
	assert_int_equal(
	    read_string(HEAD "nil: co\xCC\x81\r\n"
	                     "== \xC4\x90"
	                     "e\xCC\x82\xCC\x80 "
	                     "xua\xCC\x82\xCC\x81t\r\nKho\xCC\x82ng."
	                     "\r\n",
	        &r, &e),
	    0);
	assert_true(r->nil);
	assert_string_equal(r->proposals, "Không.");
	report_free(r);
}

static void
test_bom(void **state)
{
	struct report_file_error e = {0};
	Hoptac__V1__Report *r = NULL, *plain;
	char *text = slurp_data("dak-glei-2024.report.txt", NULL), *with;

	(void)state;
	assert_int_equal(
	    read_string("\xEF\xBB\xBFrequest: A\r\nunit: B\r\n", &r, &e), 0);
	assert_string_equal(r->request_reference, "A");
	assert_string_equal(r->unit_code, "B");
	report_free(r);

	plain = read_data("dak-glei-2024.report.txt");
	with = malloc(strlen(text) + 4);
	assert_non_null(with);
	snprintf(with, strlen(text) + 4, "\xEF\xBB\xBF%s", text);
	assert_int_equal(read_string(with, &r, &e), 0);
	assert_same_message(plain, r);
	report_free(r);
	report_free(plain);
	free(with);
	free(text);

	/* Line numbers still count the BOM's line as the first. */
	expect_error("\xEF\xBB\xBF" HEAD "x\n", 3, "text before");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dak_glei),
	    cmocka_unit_test(test_dien_bien),
	    cmocka_unit_test(test_template),
	    cmocka_unit_test(test_round_trip_seeds),
	    cmocka_unit_test(test_round_trip_escapes),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_section_errors),
	    cmocka_unit_test(test_bytes_errors),
	    cmocka_unit_test(test_forgiving),
	    cmocka_unit_test(test_nfd_crlf),
	    cmocka_unit_test(test_bom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
