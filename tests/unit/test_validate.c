#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbstr.h"
#include "text.h"
#include "validate.h"

#define KIND(k)      HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_##k
#define UNIT_KIND(k) HOPTAC__V1__UNIT_KIND__UNIT_KIND_##k

/* The conference of the Đắk Glei seed, as a client would submit it. */
static Hoptac__V1__Activity *
activity_new(void)
{
	Hoptac__V1__Activity *a = malloc(sizeof(*a));

	assert_non_null(a);
	hoptac__v1__activity__init(a);
	assert_int_equal(pbstr_set(&a->id, "KT-DAKGLEI:2023-hn18"), 0);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-DAKGLEI"), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "Attapur"), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "Sê Kông"), 0);
	a->kind = KIND(CONFERENCE);
	assert_int_equal(
	    pbstr_append(&a->n_fields, &a->fields, "an ninh biên giới"), 0);
	assert_int_equal(pbstr_set(&a->start_date, "năm 2023"), 0);
	assert_int_equal(
	    pbstr_set(&a->place, "huyện Đắk Glei, tỉnh Kon Tum"), 0);
	assert_int_equal(pbstr_set(&a->title,
	                     "Hội nghị phối hợp bảo vệ an ninh biên giới và "
	                     "hợp tác phát triển KT-XH lần thứ 18"),
	    0);
	assert_int_equal(pbstr_set(&a->result,
	                     "Hội nghị đã được tổ chức thành công.\n"
	                     "Hai bên đã ký kết nội dung hợp tác."),
	    0);
	assert_int_equal(pbstr_append(&a->n_document_refs, &a->document_refs,
	                     "558/SNgV-BGHTQT"),
	    0);
	return a;
}

static void
activity_free(Hoptac__V1__Activity *a)
{
	protobuf_c_message_free_unpacked(&a->base, NULL);
}

static Hoptac__V1__Unit *
unit_new(void)
{
	Hoptac__V1__Unit *u = malloc(sizeof(*u));

	assert_non_null(u);
	hoptac__v1__unit__init(u);
	assert_int_equal(pbstr_set(&u->code, "KT-DAKGLEI"), 0);
	assert_int_equal(pbstr_set(&u->name, "UBND huyện Đắk Glei"), 0);
	u->kind = UNIT_KIND(DISTRICT_COMMITTEE);
	assert_int_equal(pbstr_set(&u->province, "Kon Tum"), 0);
	assert_int_equal(pbstr_set(&u->parent_code, "KT-UBND"), 0);
	assert_int_equal(pbstr_set(&u->valid_to, "30/6/2025"), 0);
	assert_int_equal(pbstr_append(&u->n_successor_codes,
	                     &u->successor_codes, "QNG-DAKPLO"),
	    0);
	return u;
}

static void
unit_free(Hoptac__V1__Unit *u)
{
	protobuf_c_message_free_unpacked(&u->base, NULL);
}

/* Asserts that v holds exactly one violation, on field, whose
 * description contains what. */
static void
assert_one(const struct violations *v, const char *field, const char *what)
{
	if (v->count != 1) {
		for (size_t i = 0; i < v->count; i++)
			print_message("  %s: %s\n", v->items[i].field,
			    v->items[i].description);
		fail_msg("%zu violations, want 1 on %s", v->count, field);
	}
	assert_string_equal(v->items[0].field, field);
	if (strstr(v->items[0].description, what) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", v->items[0].description,
		    what);
}

static void
test_violations_add(void **state)
{
	struct violations v;
	char long_text[400];

	(void)state;
	violations_init(&v);
	assert_int_equal(v.count, 0);
	violations_add(&v, "activities[3]", "start_date", "bad %d", 7);
	violations_add(&v, NULL, "title", "is required");
	violations_add(&v, "", "title", "x");
	violations_add(&v, "activities[0]", NULL, "is missing");
	assert_int_equal(v.count, 4);
	assert_string_equal(v.items[0].field, "activities[3].start_date");
	assert_string_equal(v.items[0].description, "bad 7");
	assert_string_equal(v.items[1].field, "title");
	assert_string_equal(v.items[2].field, "title");
	assert_string_equal(v.items[3].field, "activities[0]");

	/* A truncated description never ends inside a character. */
	memset(long_text, 0, sizeof(long_text));
	for (size_t i = 0; i + 2 < sizeof(long_text) - 1; i += 2) {
		static const char ecirc[2] = {'\xc3', '\xaa'}; /* ê */

		memcpy(long_text + i, ecirc, sizeof(ecirc));
	}
	violations_add(&v, NULL, "x", "%s", long_text);
	assert_int_equal(
	    text_check(v.items[4].description, strlen(v.items[4].description)),
	    TEXT_OK);
	assert_true(strlen(v.items[4].description) > 150);

	for (int i = 0; i < 40; i++)
		violations_add(&v, NULL, "x", "n%d", i);
	assert_int_equal(v.count, STATUS_MAX_VIOLATIONS);
	assert_int_equal(v.dropped, 45 - STATUS_MAX_VIOLATIONS);

	violations_init(&v);
	assert_int_equal(v.count, 0);
	assert_int_equal(v.dropped, 0);
}

static void
test_validate_id(void **state)
{
	struct violations v;
	char id[VALIDATE_ID_MAX + 2];

	(void)state;
	violations_init(&v);
	assert_int_equal(validate_id("KT-DAKGLEI", NULL, "code", &v), 0);
	assert_int_equal(validate_id("a.b_c:d-9", NULL, "code", &v), 0);
	memset(id, 'a', VALIDATE_ID_MAX);
	id[VALIDATE_ID_MAX] = '\0';
	assert_int_equal(validate_id(id, NULL, "code", &v), 0);
	assert_int_equal(v.count, 0);

	id[VALIDATE_ID_MAX] = 'a';
	id[VALIDATE_ID_MAX + 1] = '\0';
	assert_int_equal(validate_id(id, "units[1]", "code", &v), -1);
	assert_one(&v, "units[1].code", "longer than 64");

	violations_init(&v);
	assert_int_equal(validate_id("", NULL, "id", &v), -1);
	assert_one(&v, "id", "is required");
	violations_init(&v);
	assert_int_equal(validate_id(NULL, NULL, "id", &v), -1);
	assert_one(&v, "id", "is required");
	violations_init(&v);
	assert_int_equal(validate_id("a b", NULL, "id", &v), -1);
	assert_one(&v, "id", "letters, digits");
	violations_init(&v);
	assert_int_equal(validate_id("Đắk", NULL, "id", &v), -1);
	assert_one(&v, "id", "letters, digits");
	violations_init(&v);
	assert_int_equal(validate_id("a/b", NULL, "id", &v), -1);
	assert_one(&v, "id", "letters, digits");
}

static void
test_validate_text(void **state)
{
	struct violations v;
	char *s = NULL;
	char *big;

	(void)state;
	violations_init(&v);
	/* NFD in, NFC and trimmed out. */
	assert_int_equal(pbstr_set(&s, "  Se\xcc\x82 Ko\xcc\x82ng \n"), 0);
	assert_int_equal(validate_text(&s, NULL, "title", 10, 1, &v), 0);
	assert_string_equal(s, "S\xc3\xaa K\xc3\xb4ng");
	assert_int_equal(v.count, 0);

	/* Counted in code points: 7 characters, 9 bytes. */
	assert_int_equal(validate_text(&s, NULL, "title", 7, 1, &v), 0);
	assert_int_equal(validate_text(&s, "a[0]", "title", 6, 1, &v), -1);
	assert_one(&v, "a[0].title", "longer than 6");

	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "   "), 0);
	assert_int_equal(validate_text(&s, NULL, "title", 10, 1, &v), -1);
	assert_one(&v, "title", "is required");
	violations_init(&v);
	assert_int_equal(validate_text(&s, NULL, "place", 10, 0, &v), 0);
	assert_string_equal(s, "");
	assert_int_equal(v.count, 0);

	/* A one-line field with a line break inside: refused; the same in a
	 * long text: kept. */
	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "Y\rThanh"), 0);
	assert_int_equal(validate_line(&s, NULL, "signer", 200, 0, &v), -1);
	assert_one(&v, "signer", "must be one line");
	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "one\ntwo"), 0);
	assert_int_equal(validate_text(&s, NULL, "summary", 20000, 0, &v), 0);
	assert_string_equal(s, "one\ntwo");
	violations_init(&v);

	assert_int_equal(pbstr_set(&s, "bad \xc3"), 0);
	assert_int_equal(validate_text(&s, NULL, "title", 10, 0, &v), -1);
	assert_one(&v, "title", "UTF-8");
	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "bell\a"), 0);
	assert_int_equal(validate_text(&s, NULL, "title", 10, 0, &v), -1);
	assert_one(&v, "title", "control");
	violations_init(&v);
	/* A C1 control, and one among the trailing white space of a text
	 * to normalize: refused, and the field left as it came. */
	assert_int_equal(pbstr_set(&s,
	                     "a\xc2\x85"
	                     "b"),
	    0);
	assert_int_equal(validate_text(&s, NULL, "title", 10, 0, &v), -1);
	assert_one(&v, "title", "control");
	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "Se\xcc\x82 \x0b"), 0);
	assert_int_equal(validate_text(&s, NULL, "title", 10, 0, &v), -1);
	assert_one(&v, "title", "control");
	assert_string_equal(s, "Se\xcc\x82 \x0b");
	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "line 1\nline 2\ttab"), 0);
	assert_int_equal(validate_text(&s, NULL, "summary", 100, 0, &v), 0);
	assert_int_equal(v.count, 0);

	big = malloc(VALIDATE_LONG_MAX + 2);
	assert_non_null(big);
	memset(big, 'x', VALIDATE_LONG_MAX + 1);
	big[VALIDATE_LONG_MAX + 1] = '\0';
	pbstr_take(&s, big);
	assert_int_equal(
	    validate_text(&s, NULL, "summary", VALIDATE_LONG_MAX, 0, &v), -1);
	assert_one(&v, "summary", "longer than 20000");
	pbstr_take(&s, NULL);
	assert_string_equal(s, "");
}

/* Direction controls in a one-line field are refused, naming the
 * character and where it is; other invisible characters, and the same
 * controls in a long text, are not. */
static void
test_validate_bidi_controls(void **state)
{
	static const char *const controls[] = {"\xd8\x9c", "\xe2\x80\x8e",
	    "\xe2\x80\x8f", "\xe2\x80\xaa", "\xe2\x80\xae", "\xe2\x81\xa6",
	    "\xe2\x81\xa9"};
	struct violations v;
	char *s = NULL, buf[32];

	(void)state;
	violations_init(&v);
	/* "Đắk" + U+202E + "cod.exe": shown as "Đắkexe.doc". */
	assert_int_equal(pbstr_set(&s,
	                     "\xc4\x90\xe1\xba\xafk\xe2\x80\xae"
	                     "cod.exe"),
	    0);
	assert_int_equal(validate_line(&s, "a[0]", "title", 200, 1, &v), -1);
	assert_one(&v, "a[0].title", "U+202E at character 4");
	for (size_t i = 0; i < sizeof(controls) / sizeof(controls[0]); i++) {
		violations_init(&v);
		snprintf(buf, sizeof(buf), "ab%s", controls[i]);
		assert_int_equal(pbstr_set(&s, buf), 0);
		assert_int_equal(
		    validate_line(&s, NULL, "leader", 200, 0, &v), -1);
		assert_one(&v, "leader", "at character 3");
	}
	violations_init(&v);
	assert_int_equal(pbstr_set(&s,
	                     "a\xe2\x80\x8b"
	                     "b\xef\xbb\xbf"
	                     "c"),
	    0);
	assert_int_equal(validate_line(&s, NULL, "title", 200, 1, &v), 0);
	assert_int_equal(pbstr_set(&s, "one\xe2\x80\xae two"), 0);
	assert_int_equal(validate_text(&s, NULL, "summary", 200, 0, &v), 0);
	assert_int_equal(v.count, 0);
	pbstr_take(&s, NULL);
}

static void
test_validate_date(void **state)
{
	struct violations v;
	struct date_partial d;
	char *s = NULL;

	(void)state;
	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "ngày 24/8/2021"), 0);
	assert_int_equal(validate_date(&s, NULL, "start_date", 1, &d, &v), 0);
	assert_string_equal(s, "2021-08-24");
	assert_int_equal(d.year, 2021);
	assert_int_equal(d.month, 8);
	assert_int_equal(d.day, 24);

	assert_int_equal(pbstr_set(&s, "tháng 11/2022"), 0);
	assert_int_equal(validate_date(&s, NULL, "start_date", 1, NULL, &v), 0);
	assert_string_equal(s, "2022-11");
	assert_int_equal(v.count, 0);

	/* Empty: fine unless required. */
	assert_int_equal(pbstr_set(&s, " "), 0);
	assert_int_equal(validate_date(&s, NULL, "end_date", 0, &d, &v), 0);
	assert_string_equal(s, "");
	assert_int_equal(d.year, 0);
	assert_int_equal(v.count, 0);
	assert_int_equal(validate_date(&s, "x", "start_date", 1, &d, &v), -1);
	assert_one(&v, "x.start_date", "is required");

	violations_init(&v);
	assert_int_equal(pbstr_set(&s, "2023-02-29"), 0);
	assert_int_equal(validate_date(&s, NULL, "start_date", 1, &d, &v), -1);
	assert_one(&v, "start_date",
	    "must be a date such as 2024-05-02, 02/05/2024, 05/2024, quý "
	    "III/2025");
	assert_string_equal(s, "2023-02-29");
	pbstr_take(&s, NULL);
}

static void
test_activity_good(void **state)
{
	Hoptac__V1__Activity *a = activity_new();
	struct violations v;

	(void)state;
	violations_init(&v);
	assert_int_equal(validate_activity(a, "activities[0]", &v), 0);
	assert_int_equal(v.count, 0);
	/* Normalized in place: partners to codes, dates to ISO. */
	assert_int_equal(a->n_partner_codes, 2);
	assert_string_equal(a->partner_codes[0], "LA-AT");
	assert_string_equal(a->partner_codes[1], "LA-XE");
	assert_string_equal(a->start_date, "2023");
	assert_string_equal(a->end_date, "");
	/* Validating again changes nothing. */
	assert_int_equal(validate_activity(a, NULL, &v), 0);
	assert_string_equal(a->partner_codes[0], "LA-AT");
	activity_free(a);
}

static void
test_activity_partners(void **state)
{
	Hoptac__V1__Activity *a = activity_new();
	struct violations v;

	(void)state;
	pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
	/* Aliases, a code in any case, NFD, and districts; with repeats. */
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "Xê Kông"), 0);
	assert_int_equal(pbstr_append(&a->n_partner_codes, &a->partner_codes,
	                     "tỉnh Se\xcc\x82 Ko\xcc\x82ng"),
	    0);
	assert_int_equal(pbstr_append(&a->n_partner_codes, &a->partner_codes,
	                     "huyện Đăk Chung"),
	    0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "la-xe"), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "Xản Xay"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 0);
	assert_int_equal(a->n_partner_codes, 3);
	assert_string_equal(a->partner_codes[0], "LA-XE");
	assert_string_equal(a->partner_codes[1], "LA-XE-DAKCHEUNG");
	assert_string_equal(a->partner_codes[2], "LA-AT-SANXAY");

	/* An unknown one is named with its index and its text. */
	assert_int_equal(pbstr_set(&a->partner_codes[1], "Xyz"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, "activities[3]", &v), 1);
	assert_one(
	    &v, "activities[3].partner_codes[1]", "unknown partner \"Xyz\"");

	/* A group is not a partner of an activity. */
	assert_int_equal(pbstr_set(&a->partner_codes[1], "Bắc Lào"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 1);
	assert_one(&v, "partner_codes[1]", "is a group");

	/* A district's code the client lacks passes there, under a known
	 * province only, and never at the server. */
	assert_int_equal(pbstr_set(&a->partner_codes[1], "LA-XE-MOILAP"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 1);
	validate_accept_unknown_codes(1);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 0);
	assert_string_equal(a->partner_codes[1], "LA-XE-MOILAP");
	assert_int_equal(pbstr_set(&a->partner_codes[1], "LA-ZZ-MOILAP"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 1);
	assert_int_equal(pbstr_set(&a->partner_codes[1], "Moilap"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 1);
	validate_accept_unknown_codes(0);

	/* None at all. */
	pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 1);
	assert_one(&v, "partner_codes", "at least one");

	/* Empty and badly encoded items. */
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, ""), 0);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "S\xc3"), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 2);
	assert_string_equal(v.items[0].field, "partner_codes[0]");
	assert_string_equal(v.items[1].field, "partner_codes[1]");
	activity_free(a);
}

static void
test_activity_too_many_partners(void **state)
{
	Hoptac__V1__Activity *a = activity_new();
	struct violations v;

	(void)state;
	/* Repeats collapse, but the list as sent is still too long. */
	for (int i = 0; i < VALIDATE_LIST_MAX; i++)
		assert_int_equal(pbstr_append(&a->n_partner_codes,
		                     &a->partner_codes, "LA-XE"),
		    0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 1);
	assert_one(&v, "partner_codes", "at most 32");
	assert_int_equal(a->n_partner_codes, 2);
	activity_free(a);
}

static void
test_activity_dates(void **state)
{
	static const struct {
		const char *start, *end;
		bool ok;
	} cases[] = {
	    {"2023-05-02", "2023-05-02", true},
	    {"2023-05-02", "2023-05-01", false},
	    {"2023-05-02", "2023", true},    /* covers the start */
	    {"2023-05-02", "2023-05", true}, /* covers the start */
	    {"2023-05", "2023-05-20", true},
	    {"2023-05", "2023-04-30", false},
	    {"2023", "2022-12", false},
	    {"tháng 11/2022", "02/5/2024", true},
	    {"ngày 24/8/2021", "tháng 8 năm 2021", true},
	    {"ngày 24/8/2021", "tháng 7 năm 2021", false},
	    {"2024-05-02", "", true},
	};
	struct violations v;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Hoptac__V1__Activity *a = activity_new();

		assert_int_equal(pbstr_set(&a->start_date, cases[i].start), 0);
		assert_int_equal(pbstr_set(&a->end_date, cases[i].end), 0);
		violations_init(&v);
		validate_activity(a, "activities[2]", &v);
		if (cases[i].ok && v.count != 0)
			fail_msg("%s..%s: %s", cases[i].start, cases[i].end,
			    v.items[0].description);
		if (!cases[i].ok)
			assert_one(&v, "activities[2].end_date",
			    "end_date is before start_date");
		activity_free(a);
	}
}

/* A span as the start is both start and end; with an end too, refused. */
static void
test_activity_spans(void **state)
{
	static const struct {
		const char *start, *end, *want_start, *want_end, *says;
	} cases[] = {
	    {"2023 – 2025", "", "2023", "2025", NULL},
	    {"2023-2025", "", "2023", "2025", NULL},
	    {"từ tháng 11/2022 đến tháng 3/2023", "", "2022-11", "2023-03",
	        NULL},
	    {"quý III/2025", "", "2025-Q3", "", NULL},
	    {"Q3/2025", "Q4/2025", "2025-Q3", "2025-Q4", NULL},
	    {"2023 – 2025", "2025", NULL, NULL, "end_date must be empty"},
	    {"2025 – 2023", "", NULL, NULL, "start_date must be a date"},
	};
	struct violations v;
	char said[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Hoptac__V1__Activity *a = activity_new();

		assert_int_equal(pbstr_set(&a->start_date, cases[i].start), 0);
		assert_int_equal(pbstr_set(&a->end_date, cases[i].end), 0);
		violations_init(&v);
		validate_activity(a, "a", &v);
		snprintf(said, sizeof(said), "%s %s",
		    v.count > 0 ? v.items[0].field : "",
		    v.count > 0 ? v.items[0].description : "");
		if (cases[i].says != NULL)
			assert_non_null(strstr(said, cases[i].says));
		else if (v.count != 0)
			fail_msg("%s: %s", cases[i].start, said);
		else {
			assert_string_equal(a->start_date, cases[i].want_start);
			assert_string_equal(a->end_date, cases[i].want_end);
		}
		activity_free(a);
	}
}

static void
test_activity_bad(void **state)
{
	Hoptac__V1__Activity *a = activity_new();
	struct violations v;

	(void)state;
	pbstr_take(&a->id, NULL);
	assert_int_equal(pbstr_set(&a->unit_code, "KT DAKGLEI"), 0);
	a->kind = KIND(UNSPECIFIED);
	assert_int_equal(pbstr_append(&a->n_fields, &a->fields, " "), 0);
	assert_int_equal(pbstr_set(&a->start_date, "2023-02-29"), 0);
	assert_int_equal(pbstr_set(&a->end_date, "mai"), 0);
	pbstr_take(&a->title, NULL);
	assert_int_equal(pbstr_set(&a->leader, "Y Thanh\x01"), 0);
	a->people = -1;
	assert_int_equal(
	    pbstr_append(&a->n_document_refs, &a->document_refs, ""), 0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, "activities[3]", &v), 10);
	assert_string_equal(v.items[0].field, "activities[3].id");
	assert_string_equal(v.items[1].field, "activities[3].unit_code");
	assert_string_equal(v.items[2].field, "activities[3].kind");
	assert_string_equal(v.items[3].field, "activities[3].fields[1]");
	assert_string_equal(v.items[4].field, "activities[3].start_date");
	assert_string_equal(v.items[4].description,
	    "must be a date such as 2024-05-02, 02/05/2024, 05/2024, "
	    "quý III/2025, Q3/2025 or 2024, or a span: 2023 – 2025, "
	    "từ tháng 11/2022 đến tháng 3/2023");
	assert_string_equal(v.items[5].field, "activities[3].end_date");
	assert_string_equal(v.items[6].field, "activities[3].title");
	assert_string_equal(v.items[6].description, "is required");
	assert_string_equal(v.items[7].field, "activities[3].leader");
	assert_string_equal(v.items[8].field, "activities[3].people");
	assert_string_equal(v.items[9].field, "activities[3].document_refs[1]");

	/* An out-of-range kind and headcount. */
	activity_free(a);
	a = activity_new();
	a->kind = (Hoptac__V1__ActivityKind)42;
	a->people = VALIDATE_PEOPLE_MAX + 1;
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 2);
	assert_string_equal(v.items[0].field, "kind");
	assert_string_equal(v.items[0].description, "unknown kind 42");
	assert_string_equal(v.items[1].field, "people");
	a->kind = KIND(OTHER);
	a->people = VALIDATE_PEOPLE_MAX;
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 0);
	activity_free(a);

	violations_init(&v);
	assert_int_equal(validate_activity(NULL, "activities[1]", &v), 1);
	assert_string_equal(v.items[0].field, "activities[1]");
}

static void
test_activity_lists_and_lengths(void **state)
{
	Hoptac__V1__Activity *a = activity_new();
	struct violations v;
	char *title;

	(void)state;
	for (int i = 0; i < VALIDATE_LIST_MAX; i++)
		assert_int_equal(
		    pbstr_append(&a->n_fields, &a->fields, "y tế"), 0);
	title = malloc(3 * (VALIDATE_SHORT_MAX + 1) + 1);
	assert_non_null(title);
	/* 201 "ạ": too long by one code point, though only 603 bytes. */
	for (int i = 0; i <= VALIDATE_SHORT_MAX; i++)
		memcpy(title + (size_t)3 * i, "\xe1\xba\xa1", 3);
	title[(size_t)3 * (VALIDATE_SHORT_MAX + 1)] = '\0';
	pbstr_take(&a->title, title);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 2);
	assert_string_equal(v.items[0].field, "fields");
	assert_string_equal(v.items[1].field, "title");
	assert_non_null(strstr(v.items[1].description, "longer than 200"));
	activity_free(a);
}

static void
test_activity_normalizes_text(void **state)
{
	Hoptac__V1__Activity *a = activity_new();
	struct violations v;

	(void)state;
	/* "Đắk Glei" with the marks decomposed, and stray spaces. */
	assert_int_equal(pbstr_set(&a->place,
	                     " \xc4\x90"
	                     "a\xcc\x86\xcc\x81k Glei  "),
	    0);
	assert_int_equal(pbstr_set(&a->fields[0],
	                     "an ninh bie\xcc\x82n gio\xcc\x9b\xcc\x81i "),
	    0);
	violations_init(&v);
	assert_int_equal(validate_activity(a, NULL, &v), 0);
	assert_string_equal(a->place, "Đắk Glei");
	assert_string_equal(a->fields[0], "an ninh biên giới");
	activity_free(a);
}

static void
test_unit(void **state)
{
	Hoptac__V1__Unit *u = unit_new();
	struct violations v;

	(void)state;
	violations_init(&v);
	assert_int_equal(validate_unit(u, "units[0]", &v), 0);
	assert_string_equal(u->valid_to, "2025-06-30");
	assert_int_equal(v.count, 0);

	/* Top-level, open-ended. */
	pbstr_take(&u->parent_code, NULL);
	pbstr_take(&u->valid_to, NULL);
	pbstr_clear_all(&u->n_successor_codes, &u->successor_codes);
	assert_int_equal(validate_unit(u, NULL, &v), 0);

	assert_int_equal(pbstr_set(&u->valid_from, "năm 2026"), 0);
	assert_int_equal(pbstr_set(&u->valid_to, "tháng 6/2025"), 0);
	violations_init(&v);
	assert_int_equal(validate_unit(u, "units[4]", &v), 1);
	assert_one(&v, "units[4].valid_to", "valid_to is before valid_from");
	assert_int_equal(pbstr_set(&u->valid_from, "2025"), 0);
	violations_init(&v);
	assert_int_equal(validate_unit(u, NULL, &v), 0);
	assert_string_equal(u->valid_to, "2025-06");
	unit_free(u);
}

static void
test_unit_bad(void **state)
{
	Hoptac__V1__Unit *u = unit_new();
	struct violations v;

	(void)state;
	pbstr_take(&u->code, NULL);
	pbstr_take(&u->name, NULL);
	u->kind = UNIT_KIND(UNSPECIFIED);
	assert_int_equal(pbstr_set(&u->parent_code, "bad code"), 0);
	assert_int_equal(pbstr_set(&u->valid_from, "2025-13"), 0);
	assert_int_equal(
	    pbstr_append(&u->n_successor_codes, &u->successor_codes, "ok-code"),
	    0);
	assert_int_equal(pbstr_append(&u->n_successor_codes,
	                     &u->successor_codes, "bad/code"),
	    0);
	violations_init(&v);
	assert_int_equal(validate_unit(u, "units[1]", &v), 6);
	assert_string_equal(v.items[0].field, "units[1].code");
	assert_string_equal(v.items[1].field, "units[1].name");
	assert_string_equal(v.items[2].field, "units[1].kind");
	assert_string_equal(v.items[3].field, "units[1].parent_code");
	assert_string_equal(v.items[4].field, "units[1].valid_from");
	assert_string_equal(v.items[5].field, "units[1].successor_codes[2]");
	unit_free(u);

	/* A unit is neither its own parent nor its own successor. */
	u = unit_new();
	assert_int_equal(pbstr_set(&u->parent_code, "KT-DAKGLEI"), 0);
	assert_int_equal(pbstr_set(&u->successor_codes[0], "KT-DAKGLEI"), 0);
	u->kind = (Hoptac__V1__UnitKind)9;
	violations_init(&v);
	assert_int_equal(validate_unit(u, NULL, &v), 3);
	assert_string_equal(v.items[0].field, "kind");
	assert_string_equal(v.items[1].field, "parent_code");
	assert_string_equal(v.items[1].description, "must differ from code");
	assert_string_equal(v.items[2].field, "successor_codes[0]");
	unit_free(u);
}

static void
test_activity_kinds(void **state)
{
	static const struct {
		const char *text;
		int kind;
	} cases[] = {
	    {"delegation_out", KIND(DELEGATION_OUT)},
	    {"DELEGATION-OUT", KIND(DELEGATION_OUT)},
	    {"Delegation out", KIND(DELEGATION_OUT)},
	    {"ACTIVITY_KIND_DELEGATION_OUT", KIND(DELEGATION_OUT)},
	    {"đoàn ra", KIND(DELEGATION_OUT)},
	    {"Đoàn Ra", KIND(DELEGATION_OUT)},
	    {"delegation_in", KIND(DELEGATION_IN)},
	    {"doan vao", KIND(DELEGATION_IN)},
	    {"đoàn vào", KIND(DELEGATION_IN)},
	    {"conference", KIND(CONFERENCE)},
	    {"hội nghị", KIND(CONFERENCE)},
	    {"hội thảo", KIND(CONFERENCE)},
	    {"HO\xcc\xa3\xcc\x82I NGHI\xcc\xa3", KIND(CONFERENCE)},
	    {"agreement", KIND(AGREEMENT)},
	    {"ký kết", KIND(AGREEMENT)},
	    {"ký kết thỏa thuận", KIND(AGREEMENT)},
	    {"bản ghi nhớ", KIND(AGREEMENT)},
	    {"border_work", KIND(BORDER_WORK)},
	    {"border-work", KIND(BORDER_WORK)},
	    {"tuần tra", KIND(BORDER_WORK)},
	    {"cột mốc", KIND(BORDER_WORK)},
	    {"information", KIND(INFORMATION)},
	    {"thông tin", KIND(INFORMATION)},
	    {"tuyên truyền", KIND(INFORMATION)},
	    {"project_aid", KIND(PROJECT_AID)},
	    {"dự án", KIND(PROJECT_AID)},
	    {"viện trợ", KIND(PROJECT_AID)},
	    {"training", KIND(TRAINING)},
	    {"đào tạo", KIND(TRAINING)},
	    {"other", KIND(OTHER)},
	    {"khác", KIND(OTHER)},
	    {"unspecified", 0},
	    {"", 0},
	    {"doan", 0},
	    {"activity_kind", 0},
	    {"delegation", 0},
	    {"\xff", 0},
	    {NULL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (validate_activity_kind(cases[i].text) != cases[i].kind)
			fail_msg("\"%s\" gives %d, want %d",
			    cases[i].text != NULL ? cases[i].text : "(null)",
			    validate_activity_kind(cases[i].text),
			    cases[i].kind);

	assert_string_equal(validate_activity_kind_name(0), "unspecified");
	assert_string_equal(validate_activity_kind_name(99), "unspecified");
	assert_string_equal(validate_activity_kind_name(KIND(DELEGATION_OUT)),
	    "delegation_out");
	assert_string_equal(
	    validate_activity_kind_name(KIND(BORDER_WORK)), "border_work");
	/* Every name parses back to its kind. */
	for (int k = 1; k <= 9; k++)
		assert_int_equal(
		    validate_activity_kind(validate_activity_kind_name(k)), k);
}

static void
test_unit_kinds(void **state)
{
	(void)state;
	assert_int_equal(validate_unit_kind("provincial_committee"),
	    UNIT_KIND(PROVINCIAL_COMMITTEE));
	assert_int_equal(
	    validate_unit_kind("UBND tỉnh"), UNIT_KIND(PROVINCIAL_COMMITTEE));
	assert_int_equal(
	    validate_unit_kind("department"), UNIT_KIND(DEPARTMENT));
	assert_int_equal(validate_unit_kind("Sở"), UNIT_KIND(DEPARTMENT));
	assert_int_equal(validate_unit_kind("district-committee"),
	    UNIT_KIND(DISTRICT_COMMITTEE));
	assert_int_equal(validate_unit_kind("Ủy ban nhân dân huyện"),
	    UNIT_KIND(DISTRICT_COMMITTEE));
	assert_int_equal(validate_unit_kind("UNIT_KIND_COMMUNE_COMMITTEE"),
	    UNIT_KIND(COMMUNE_COMMITTEE));
	assert_int_equal(
	    validate_unit_kind("ubnd xa"), UNIT_KIND(COMMUNE_COMMITTEE));
	assert_int_equal(validate_unit_kind("khác"), UNIT_KIND(OTHER));
	assert_int_equal(validate_unit_kind("OTHER"), UNIT_KIND(OTHER));
	assert_int_equal(validate_unit_kind("committee"), 0);
	assert_int_equal(validate_unit_kind(""), 0);
	assert_string_equal(validate_unit_kind_name(0), "unspecified");
	for (int k = 1; k <= 5; k++)
		assert_int_equal(
		    validate_unit_kind(validate_unit_kind_name(k)), k);
	assert_string_equal(
	    validate_unit_kind_name(UNIT_KIND(DEPARTMENT)), "department");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_violations_add),
	    cmocka_unit_test(test_validate_id),
	    cmocka_unit_test(test_validate_text),
	    cmocka_unit_test(test_validate_bidi_controls),
	    cmocka_unit_test(test_validate_date),
	    cmocka_unit_test(test_activity_good),
	    cmocka_unit_test(test_activity_partners),
	    cmocka_unit_test(test_activity_too_many_partners),
	    cmocka_unit_test(test_activity_dates),
	    cmocka_unit_test(test_activity_spans),
	    cmocka_unit_test(test_activity_bad),
	    cmocka_unit_test(test_activity_lists_and_lengths),
	    cmocka_unit_test(test_activity_normalizes_text),
	    cmocka_unit_test(test_unit),
	    cmocka_unit_test(test_unit_bad),
	    cmocka_unit_test(test_activity_kinds),
	    cmocka_unit_test(test_unit_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
