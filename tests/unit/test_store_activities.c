/*
 * Activities in the store: stored whole, amended by version, and listed
 * with filters and pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pbstr.h"
#include "status.h"
#include "store.h"
#include "store_fixture.h"

static void
test_activity_insert_get(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_fixture_spec s = {.id = "kt-2023-001",
	    .partners = {"LA-XE", "LA-XE-DAKCHEUNG"},
	    .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
	    .fields = {"an ninh biên giới", "y tế"},
	    .start = "2023-04-11",
	    .end = "2023-04-13",
	    .title = "Đoàn công tác huyện Đắk Glei thăm huyện Đắk Chưng",
	    .summary = "Trao đổi về tuần tra chung.",
	    .place = "Đắk Chưng",
	    .leader = "Phó Chủ tịch UBND huyện"};
	Hoptac__V1__Activity *a, *got = NULL;

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	a = store_fixture_activity(&s);
	assert_int_equal(store_activity_insert(c, a), STATUS_OK);
	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", "kt-2023-001", &got),
	    STATUS_OK);
	assert_non_null(got);
	store_fixture_assert_same(&a->base, &got->base);
	assert_string_equal(got->start_date, "2023-04-11");
	assert_int_equal(got->n_partner_codes, 2);
	store_fixture_activity_free(got);

	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", "kt-2023-002", &got),
	    STATUS_NOT_FOUND);
	assert_null(got);
	/* The same id again. */
	assert_int_equal(store_activity_insert(c, a), STATUS_ALREADY_EXISTS);
	store_fixture_activity_free(a);

	/* A start date that does not parse is refused, not stored. */
	s.id = "kt-2023-003";
	s.start = "sometime";
	a = store_fixture_activity(&s);
	assert_int_equal(store_activity_insert(c, a), STATUS_INVALID_ARGUMENT);
	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", "kt-2023-003", &got),
	    STATUS_NOT_FOUND);
	store_fixture_activity_free(a);
}

/* The summary of every record by field, as "field=activities" rows
 * joined by spaces (a static buffer). */
static const char *
field_rows(struct store_conn *c)
{
	static char rows[256];
	Hoptac__V1__SummaryResponse *out = store_fixture_summary_by(
	    c, HOPTAC__V1__DIMENSION__DIMENSION_FIELD, 0);

	rows[0] = '\0';
	for (size_t i = 0; i < out->n_rows; i++)
		snprintf(rows + strlen(rows), sizeof(rows) - strlen(rows),
		    "%s%s=%u", i ? " " : "", out->rows[i]->keys[0],
		    (unsigned)out->rows[i]->figures->activities);
	hoptac__v1__summary_response__free_unpacked(out, NULL);
	return rows;
}

static void
test_activity_update(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_fixture_spec s = {.id = "kt-2023-001",
	    .partners = {"LA-XE-DAKCHEUNG"},
	    .start = "2023-04",
	    .title = "Hội đàm"};
	Hoptac__V1__Activity *a, *got = NULL;
	Hoptac__V1__ListActivitiesRequest q =
	    HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT;
	Hoptac__V1__ListActivitiesResponse out =
	    HOPTAC__V1__LIST_ACTIVITIES_RESPONSE__INIT;

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-SNGV", "Kon Tum", "");
	a = store_fixture_activity(&s);
	assert_int_equal(store_activity_insert(c, a), STATUS_OK);

	/* A record is its unit's: the same id of another unit names no
	 * stored record, and nothing changes. */
	assert_int_equal(pbstr_set(&a->unit_code, "KT-SNGV"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_ABORTED);
	assert_int_equal(pbstr_set(&a->unit_code, "KT-DAKGLEI"), 0);

	/* The amendment the server makes: new content, version + 1. */
	assert_int_equal(pbstr_set(&a->title, "Hội đàm cấp tỉnh"), 0);
	pbstr_clear_all(&a->n_partner_codes, &a->partner_codes);
	assert_int_equal(
	    pbstr_append(&a->n_partner_codes, &a->partner_codes, "LA-AT"), 0);
	assert_int_equal(pbstr_append(&a->n_fields, &a->fields, "kinh tế"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_OK);
	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", s.id, &got), STATUS_OK);
	assert_int_equal(got->version, 2);
	assert_string_equal(got->title, "Hội đàm cấp tỉnh");
	store_fixture_assert_same(&a->base, &got->base);
	store_fixture_activity_free(got);

	/* The derived columns follow: the partners. */
	q.partner = "LA-XE";
	assert_int_equal(store_activity_list(c, &q, &out), STATUS_OK);
	assert_int_equal(out.total, 0);
	assert_int_equal(out.n_activities, 0);
	/* And the rows summaries group by field. */
	assert_string_equal(field_rows(c), "kinh tế=1");

	/* A stale version: refused, and nothing changes. */
	assert_int_equal(pbstr_set(&a->title, "lost update"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_ABORTED);
	a->version = 4;
	assert_int_equal(store_activity_update(c, a, 3), STATUS_ABORTED);
	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", s.id, &got), STATUS_OK);
	assert_int_equal(got->version, 2);
	assert_string_equal(got->title, "Hội đàm cấp tỉnh");
	store_fixture_activity_free(got);

	/* An id that is not stored. */
	assert_int_equal(pbstr_set(&a->id, "kt-2023-404"), 0);
	a->version = 2;
	assert_int_equal(store_activity_update(c, a, 1), STATUS_ABORTED);
	assert_int_equal(
	    store_activity_get(c, "KT-DAKGLEI", "kt-2023-404", &got),
	    STATUS_NOT_FOUND);
	store_fixture_activity_free(a);
}

/* Asserts that the store holds unit's activity id (any unit's: NULL)
 * with title and version. */
static void
expect_stored(struct store_conn *c, const char *unit, const char *id,
    const char *title, int64_t version)
{
	Hoptac__V1__Activity *got = NULL;

	assert_int_equal(store_activity_get(c, unit, id, &got), STATUS_OK);
	assert_string_equal(got->title, title);
	assert_int_equal(got->version, version);
	store_fixture_activity_free(got);
}

/* Two units may use one id: each stores its own record, finds and
 * changes only its own, and the partner counts of one are not the
 * other's. */
static void
test_activity_same_id_two_units(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	struct store_fixture_spec s = {.id = "shared-1",
	    .unit = "KT-DAKGLEI",
	    .partners = {"LA-XE"},
	    .start = "2023-04-11",
	    .title = "Đắk Glei's"};
	Hoptac__V1__Activity *mine, *theirs;

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	mine = store_fixture_activity(&s);
	s.unit = "KT-DAKTO";
	s.title = "Đắk Tô's";
	theirs = store_fixture_activity(&s);
	assert_int_equal(store_activity_insert(c, mine), STATUS_OK);
	assert_int_equal(store_activity_insert(c, theirs), STATUS_OK);
	assert_int_equal(
	    store_activity_insert(c, theirs), STATUS_ALREADY_EXISTS);

	expect_stored(c, "KT-DAKTO", "shared-1", "Đắk Tô's", 1);
	/* Without a unit: the first stored. */
	expect_stored(c, NULL, "shared-1", "Đắk Glei's", 1);

	/* An amendment of one leaves the other as it was. */
	assert_int_equal(pbstr_set(&theirs->title, "Đắk Tô's, amended"), 0);
	theirs->version = 2;
	assert_int_equal(store_activity_update(c, theirs, 1), STATUS_OK);
	expect_stored(c, "KT-DAKGLEI", "shared-1", "Đắk Glei's", 1);
	expect_stored(c, "KT-DAKTO", "shared-1", "Đắk Tô's, amended", 2);
	store_fixture_activity_free(mine);
	store_fixture_activity_free(theirs);
}

/*
 * The list fixture, by start date:
 *   a4 2021-06-05, a1 2022-11, (a6 2022-12-01 withdrawn), a2 2023,
 *   a3 2023-04-11..13, a5 2024-01
 */
static const struct store_fixture_spec list_specs[] = {
    {.id = "a1",
        .partners = {"LA-XE-DAKCHEUNG"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
        .fields = {"An ninh biên giới"},
        .start = "2022-11",
        .title = "Đoàn huyện Đắk Glei sang thăm huyện Đắk Chưng"},
    {.id = "a2",
        .unit = "KT-SNGV",
        .partners = {"LA-XE"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
        .fields = {"kinh tế", "thương mại"},
        .start = "2023",
        .title = "Hội nghị tổng kết hợp tác"},
    {.id = "a3",
        .unit = "KT-SNGV",
        .partners = {"LA-AT"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT,
        .fields = {"giáo dục"},
        .start = "2023-04-11",
        .end = "2023-04-13",
        .title = "Ký kết biên bản ghi nhớ",
        .place = "Attapeu",
        .leader = "Giám đốc Sở Ngoại vụ"},
    {.id = "a4",
        .partners = {"LA-XE-KALEUM"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK,
        .fields = {"an ninh biên giới", "quốc phòng"},
        .start = "2021-06-05",
        .title = "Tuần tra song phương"},
    {.id = "a5",
        .partners = {"LA-XE", "LA-AT"},
        .kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING,
        .fields = {"y tế"},
        .start = "2024-01",
        .title = "Lớp tập huấn",
        .summary = "Đào tạo cán bộ y tế ở ĐẮK GLEI"},
    {.id = "a6",
        .unit = "KT-SNGV",
        .partners = {"LA-XE"},
        .start = "2022-12-01",
        .title = "Đoàn vào (đã rút)",
        .withdrawn = 1},
};

static struct store_conn *
list_fixture(struct store_fixture *f)
{
	struct store_conn *c = store_fixture_writer(f);

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-SNGV", "Kon Tum", "");
	for (size_t i = 0; i < sizeof(list_specs) / sizeof(list_specs[0]); i++)
		store_fixture_insert_activity(c, &list_specs[i]);
	return c;
}

/* One page of q as space-separated ids; the token and total come back
 * too. */
static int
list_page(struct store_conn *c, const Hoptac__V1__ListActivitiesRequest *q,
    char *ids, size_t idslen, char *token, size_t tokenlen, uint64_t *total)
{
	Hoptac__V1__ListActivitiesResponse *out = malloc(sizeof(*out));
	int rc;

	assert_non_null(out);
	hoptac__v1__list_activities_response__init(out);
	rc = store_activity_list(c, q, out);
	ids[0] = '\0';
	for (size_t i = 0; i < out->n_activities; i++) {
		size_t n = strlen(ids);

		snprintf(ids + n, idslen - n, "%s%s", i ? " " : "",
		    out->activities[i]->id);
	}
	snprintf(token, tokenlen, "%s", out->next_page_token);
	*total = out->total;
	protobuf_c_message_free_unpacked(&out->base, NULL);
	return rc;
}

/* All matches of q on one page, in order; the total must agree. */
static void
expect_list(struct store_conn *c, const Hoptac__V1__ListActivitiesRequest *q,
    const char *want)
{
	char ids[256], token[64];
	uint64_t total = 0, n = 0;
	int rc =
	    list_page(c, q, ids, sizeof(ids), token, sizeof(token), &total);

	if (rc != STATUS_OK)
		fail_msg("list: %s", status_name(rc));
	if (strcmp(ids, want) != 0)
		fail_msg("list gave \"%s\", want \"%s\"", ids, want);
	assert_string_equal(token, "");
	if (want[0] != '\0')
		for (const char *p = want, *sp; p != NULL;
		     p = (sp = strchr(p, ' ')) ? sp + 1 : NULL)
			n++;
	assert_int_equal(total, n);
}

#define LIST_INIT HOPTAC__V1__LIST_ACTIVITIES_REQUEST__INIT

static void
test_list_all_and_withdrawn(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	expect_list(c, &q, "a4 a1 a2 a3 a5");
	q.include_withdrawn = 1;
	expect_list(c, &q, "a4 a1 a6 a2 a3 a5");
}

static void
test_list_unit_kind(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	q.unit_code = "KT-DAKGLEI";
	expect_list(c, &q, "a4 a1 a5");
	q.unit_code = "KT-SNGV";
	expect_list(c, &q, "a2 a3");
	q.unit_code = "KT-DAKTO";
	expect_list(c, &q, "");
	q.unit_code = "";
	q.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE;
	expect_list(c, &q, "a2");
	q.kind = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER;
	expect_list(c, &q, "");
	q.include_withdrawn = 1;
	expect_list(c, &q, "a6");
}

static void
test_list_dates(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	/* from: ending on or after the first day of the partial date */
	q.from_date = "2023";
	expect_list(c, &q, "a2 a3 a5");
	q.from_date = "2022-11";
	expect_list(c, &q, "a1 a2 a3 a5");
	q.from_date = "2022-12";
	expect_list(c, &q, "a2 a3 a5");
	/* to: starting on or before the last day of the partial date */
	q.from_date = "";
	q.to_date = "2022-11";
	expect_list(c, &q, "a4 a1");
	q.to_date = "2022";
	expect_list(c, &q, "a4 a1");
	q.to_date = "2021-06-04";
	expect_list(c, &q, "");
	q.to_date = "2021-06-05";
	expect_list(c, &q, "a4");
	/* A whole month against an activity dated by its month. */
	q.from_date = "2022-11";
	q.to_date = "2022-11";
	expect_list(c, &q, "a1");
	/* A day inside a3's three days, and inside a2's whole year. */
	q.from_date = "2023-04-12";
	q.to_date = "2023-04-12";
	expect_list(c, &q, "a2 a3");
	/* The day after a3 ended. */
	q.from_date = "2023-04-14";
	q.to_date = "2023-12";
	expect_list(c, &q, "a2");
}

static void
test_list_partner(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	/* A province finds its own activities and its districts'. */
	q.partner = "LA-XE";
	expect_list(c, &q, "a4 a1 a2 a5");
	q.partner = "LA-XE-DAKCHEUNG";
	expect_list(c, &q, "a1");
	q.partner = "LA-AT";
	expect_list(c, &q, "a3 a5");
	/* Not a prefix match: "LA-X" is no province of "LA-XE". */
	q.partner = "LA-X";
	expect_list(c, &q, "");
	q.partner = "LA-XE-";
	expect_list(c, &q, "");
	q.partner = "LA-XE";
	q.include_withdrawn = 1;
	expect_list(c, &q, "a4 a1 a6 a2 a5");
}

static void
test_list_field(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	q.field = "biên giới";
	expect_list(c, &q, "a4 a1");
	/* Folded: case and diacritics do not matter. */
	q.field = "AN NINH";
	expect_list(c, &q, "a4 a1");
	q.field = "thuong mai";
	expect_list(c, &q, "a2");
	/* A substring of a field. */
	q.field = "kinh";
	expect_list(c, &q, "a2");
	/* Every word must appear, in any order. */
	q.field = "quốc phòng an ninh";
	expect_list(c, &q, "a4");
	q.field = "giáo dục y tế";
	expect_list(c, &q, "");
}

static void
test_list_text(void **state)
{
	struct store_conn *c = list_fixture(*state);
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	/* In a title, and in a summary in capitals. */
	q.text = "dak glei";
	expect_list(c, &q, "a1 a5");
	q.text = "ĐẮK GLEI";
	expect_list(c, &q, "a1 a5");
	q.text = "Đắk Glei";
	expect_list(c, &q, "a1 a5");
	/* place and leader are searched too */
	q.text = "attapeu";
	expect_list(c, &q, "a3");
	q.text = "so ngoai vu";
	expect_list(c, &q, "a3");
	/* words from different activities match none */
	q.text = "glei tuần tra";
	expect_list(c, &q, "");
	/* with the other filters */
	q.text = "dak";
	q.unit_code = "KT-DAKGLEI";
	q.partner = "LA-XE";
	q.from_date = "2023";
	expect_list(c, &q, "a5");
}

/* A database whose keys were folded before format characters folded
 * away (schema 7) gets them computed again on opening: a search for the
 * word a reader sees finds the record. */
static void
test_migration_refolds_keys(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	static const struct store_fixture_spec a1 = {"z-1", NULL,
	    {"LA-XE", NULL, NULL},
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
	    {"kinh\xe2\x80\x8bt\xe1\xba\xbf", NULL, NULL}, "2023", "",
	    "H\xe1\xbb\x99i ngh\xe1\xbb\x8b qu\xe2\x80\x8bxy\xef\xbb\xbfzw", "",
	    "", "", 0};
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;

	STORE_FIXTURE_SQLITE_ONLY();
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_activity(c, &a1);
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	store_close(c);
	f->db = NULL;
	store_fixture_exec(f->path,
	    "UPDATE activities SET search = 'hoi nghi qu xy zw||||',"
	    " fields_folded = 'kinh te|'; DROP TABLE signing_keys;"
	    " PRAGMA user_version = 9;");
	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	q.text = "quxyzw";
	expect_list(c, &q, "z-1");
	q.text = "hoi nghi";
	expect_list(c, &q, "z-1");
}

static void
test_paging(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c = store_fixture_writer(f);
	/* Inserted out of date order; b and c start the same day. */
	static const struct store_fixture_spec rows[] = {
	    {.id = "e", .start = "2024", .title = "e"},
	    {.id = "b", .start = "2023-01", .title = "b"},
	    {.id = "c", .start = "2023", .title = "c"},
	    {.id = "a", .start = "2022-05-06", .title = "a"},
	    {.id = "d", .start = "2023-06", .title = "d"},
	};
	static const char *const want[] = {"a b", "c d", "e"};
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;
	char ids[128], token[64] = "", next[64];
	uint64_t total;

	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	for (size_t i = 0; i < 5; i++)
		store_fixture_insert_activity(c, &rows[i]);

	q.page_size = 2;
	for (size_t page = 0; page < 3; page++) {
		q.page_token = token;
		assert_int_equal(list_page(c, &q, ids, sizeof(ids), next,
		                     sizeof(next), &total),
		    STATUS_OK);
		assert_string_equal(ids, want[page]);
		assert_int_equal(total, 5);
		/* a token on every page but the last */
		assert_int_equal(next[0] == '\0', page == 2);
		snprintf(token, sizeof(token), "%s", next);
	}

	/* A page size of 0 is the default, more than 5. */
	q.page_size = 0;
	q.page_token = "";
	expect_list(c, &q, "a b c d e");

	/* A page exactly as long as what is left ends without a token. */
	q.page_size = 5;
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_OK);
	assert_string_equal(ids, "a b c d e");
	assert_string_equal(next, "");

	q.page_size = 2;
	q.page_token = "not a token";
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_INVALID_ARGUMENT);
	q.page_token = "19000";
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_INVALID_ARGUMENT);
	q.page_token = ".5";
	assert_int_equal(
	    list_page(c, &q, ids, sizeof(ids), next, sizeof(next), &total),
	    STATUS_INVALID_ARGUMENT);
}

/* A settling inserts its records' partner and field rows many to a
 * statement, the rest one by one: each record gets exactly its own,
 * a code named twice in one record once, across more rows than one
 * statement holds and a remainder that fills none. */
static void
test_settle_links(void **state)
{
	static const char *const codes[] = {
	    "LA-XE", "LA-XE-DAKCHEUNG", "LA-AT", "LA-SV", "LA-CH"};
	static const char *const fields[] = {
	    "y tế", "kinh tế", "an ninh biên giới", "giáo dục"};
	struct store_fixture *f = *state;
	struct store_conn *c;
	long want_p = 0, want_f = 0;
	char id[32], sql[256];

	STORE_FIXTURE_SQLITE_ONLY();
	c = store_fixture_writer(f);
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	for (int i = 0; i < 151; i++) {
		struct store_fixture_spec s = {.id = id,
		    .kind =
		        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
		    .start = "2024-03-05",
		    .title = "Đoàn công tác"};
		int np = i % 4, nf = (i + 1) % 4;

		snprintf(id, sizeof(id), "kt-links-%03d", i);
		for (int k = 0; k < np; k++)
			s.partners[k] = codes[(i + 2 * k) % 5];
		if (i % 7 == 0 && np >= 2)
			s.partners[1] = s.partners[0]; /* named twice */
		for (int k = 0; k < nf; k++)
			s.fields[k] = fields[(i + k) % 4];
		want_p += i % 7 == 0 && np >= 2 ? np - 1 : np;
		want_f += nf;
		store_fixture_insert_activity(c, &s);
	}
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	assert_int_equal(store_unsettled(c), 0);
	assert_int_equal(store_fixture_int(
	                     f->path, "SELECT count(*) FROM activity_partners"),
	    want_p);
	assert_int_equal(
	    store_fixture_int(f->path, "SELECT count(*) FROM activity_fields"),
	    want_f);
	/* Each record its own: the counts differ from one record to the
	 * next, so rows given to a neighbour would show. */
	for (int i = 0; i < 151; i++) {
		int np = i % 4, nf = (i + 1) % 4;
		long got_p, got_f;

		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM activity_partners p JOIN activities a"
		    " ON a.seq = p.activity_seq WHERE a.id = 'kt-links-%03d'",
		    i);
		got_p = store_fixture_int(f->path, sql);
		snprintf(sql, sizeof(sql),
		    "SELECT count(*) FROM activity_fields l JOIN activities a"
		    " ON a.seq = l.activity_seq WHERE a.id = 'kt-links-%03d'",
		    i);
		got_f = store_fixture_int(f->path, sql);
		assert_int_equal(got_p, i % 7 == 0 && np >= 2 ? np - 1 : np);
		assert_int_equal(got_f, nf);
	}
}

/* Every list page of q, of size page, as ids: the pages joined by '|'. */
static void
list_pages(struct store_conn *c, Hoptac__V1__ListActivitiesRequest *q,
    uint32_t page, char *out, size_t len)
{
	char ids[512], token[64] = "", next[64];
	uint64_t total;

	out[0] = '\0';
	q->page_size = page;
	do {
		q->page_token = token;
		assert_int_equal(list_page(c, q, ids, sizeof(ids), next,
		                     sizeof(next), &total),
		    STATUS_OK);
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
		    out[0] ? "|" : "", ids);
		snprintf(token, sizeof(token), "%s", next);
	} while (token[0] != '\0');
	q->page_token = "";
}

/* What sqlite plans for sql on the file: its steps' details, joined. */
static void
query_plan(const char *path, const char *sql, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char eqp[1024];

	snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
	out[0] = '\0';
	assert_int_equal(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, eqp, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
		    out[0] ? "; " : "",
		    (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* sqlite plans sql on the file reading what using names, and without
 * sorting for its ORDER BY. */
static void
assert_reads(const char *path, const char *sql, const char *using)
{
	char plan[1024];

	query_plan(path, sql, plan, sizeof(plan));
	if (strstr(plan, using) == NULL ||
	    strstr(plan, "ORDER BY") != NULL) /* "USE TEMP B-TREE FOR ..." */
		fail_msg("plan \"%s\", want %s and no sort", plan, using);
}

/* Migration 20 from a schema 19 database with records in it: the two
 * indexes of records by day (the list's and the summaries' covering
 * one) become one, activities_by_day, which the list's pages and the
 * summaries from the records read; both give what they gave. */
static void
test_migration_20_day_index(void **state)
{
	struct store_fixture *f = *state;
	struct store_conn *c;
	Hoptac__V1__ListActivitiesRequest q = LIST_INIT;
	int dims[2] = {HOPTAC__V1__DIMENSION__DIMENSION_UNIT,
	    HOPTAC__V1__DIMENSION__DIMENSION_MONTH};
	struct store_summary_query sq = {
	    NULL, 0, NULL, 0, INT32_MIN, INT32_MAX, dims, 2, 1, 0};
	Hoptac__V1__SummaryResponse *before = malloc(sizeof(*before));
	Hoptac__V1__SummaryResponse *after = malloc(sizeof(*after));
	char pages[2][4096], id[32];

	STORE_FIXTURE_SQLITE_ONLY(); /* sqlite's indexes */
	assert_non_null(before);
	assert_non_null(after);
	c = store_fixture_writer(f);
	store_fixture_insert_unit(c, "KT-DAKGLEI", "Kon Tum", "");
	store_fixture_insert_unit(c, "KT-DAKTO", "Kon Tum", "");
	for (int i = 0; i < 40; i++) {
		char start[16];
		struct store_fixture_spec s = {.id = id,
		    .unit = i % 3 ? "KT-DAKTO" : NULL,
		    .kind = 1 + i % 4,
		    .start = start,
		    .title = "Đoàn công tác",
		    .withdrawn = i % 9 == 8};

		snprintf(id, sizeof(id), "m20-%02d", i);
		/* Days repeat: the list orders them by seq within a day. */
		if (i % 5)
			snprintf(start, sizeof(start), "2024-%02d-%02d",
			    1 + i % 6, 1 + i % 3);
		else /* a month alone: a partial start */
			snprintf(start, sizeof(start), "2024-%02d", 1 + i % 6);
		store_fixture_insert_activity(c, &s);
	}
	assert_int_equal(store_settle(c, NULL), STATUS_OK);
	list_pages(c, &q, 7, pages[0], sizeof(pages[0]));
	hoptac__v1__summary_response__init(before);
	assert_int_equal(store_summary(c, &sq, before), STATUS_OK);
	store_close(c);
	f->db = NULL;

	/* Schema 19 as it was. */
	store_fixture_exec(f->path,
	    "DROP INDEX activities_by_day;"
	    "CREATE INDEX activities_by_start ON activities(start_day, seq);"
	    "CREATE INDEX activities_summary ON activities"
	    "  (start_day, state, unit_code, kind, people, start_last);"
	    "PRAGMA user_version = 19;");
	assert_int_equal(store_fixture_version(f->path), 19);

	c = store_fixture_writer(f);
	assert_int_equal(store_fixture_version(f->path), STORE_SCHEMA_VERSION);
	assert_int_equal(store_fixture_int(f->path,
	                     "SELECT count(*) FROM sqlite_master WHERE name IN"
	                     " ('activities_by_start', 'activities_summary')"),
	    0);
	list_pages(c, &q, 7, pages[1], sizeof(pages[1]));
	assert_string_equal(pages[1], pages[0]);
	hoptac__v1__summary_response__init(after);
	assert_int_equal(store_summary(c, &sq, after), STATUS_OK);
	store_fixture_assert_same(&before->base, &after->base);
	assert_true(before->n_rows > 4);

	/* What reads it: a page after a key, and a summary's records,
	 * from the index alone. */
	assert_reads(f->path,
	    "SELECT a.body, a.start_day, a.seq FROM activities a WHERE 1"
	    " AND (a.start_day, a.seq) > (?, ?) ORDER BY a.start_day, a.seq"
	    " LIMIT ?",
	    "USING INDEX activities_by_day");
	assert_reads(f->path,
	    "SELECT a.kind, count(*), sum(a.people) FROM activities a"
	    " WHERE a.state = 1 AND a.start_day BETWEEN ? AND ?"
	    " AND a.start_last <= ? GROUP BY 1",
	    "USING COVERING INDEX activities_by_day");
	hoptac__v1__summary_response__free_unpacked(before, NULL);
	hoptac__v1__summary_response__free_unpacked(after, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    STORE_FIXTURE_TEST(test_activity_insert_get),
	    STORE_FIXTURE_TEST(test_activity_update),
	    STORE_FIXTURE_TEST(test_activity_same_id_two_units),
	    STORE_FIXTURE_TEST(test_list_all_and_withdrawn),
	    STORE_FIXTURE_TEST(test_list_unit_kind),
	    STORE_FIXTURE_TEST(test_list_dates),
	    STORE_FIXTURE_TEST(test_list_partner),
	    STORE_FIXTURE_TEST(test_list_field),
	    STORE_FIXTURE_TEST(test_list_text),
	    STORE_FIXTURE_TEST(test_paging),
	    STORE_FIXTURE_TEST(test_migration_refolds_keys),
	    STORE_FIXTURE_TEST(test_settle_links),
	    STORE_FIXTURE_TEST(test_migration_20_day_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
