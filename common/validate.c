#include "validate.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "gazetteer.h"
#include "pbstr.h"
#include "text.h"

/* Longest piece of user text quoted back in a description, in bytes. */
#define VALIDATE_QUOTE_MAX 120

#define VALIDATE_DATE_HINT "must be a date such as 2024-05-02, 05/2024 or 2024"

struct validate_kind {
	int value;
	const char *name;
	const char *const *terms; /* NULL-terminated; matched by text_key() */
};

#define VALIDATE_TERMS(...) ((const char *const[]) {__VA_ARGS__, NULL})

static const struct validate_kind validate_activity_kinds[] = {
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT, "delegation_out",
        VALIDATE_TERMS("đoàn ra")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN, "delegation_in",
        VALIDATE_TERMS("đoàn vào")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE, "conference",
        VALIDATE_TERMS("hội nghị", "hội thảo", "seminar")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT, "agreement",
        VALIDATE_TERMS(
            "ký kết", "ký kết thỏa thuận", "thỏa thuận", "bản ghi nhớ", "MoU")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK, "border_work",
        VALIDATE_TERMS("tuần tra", "cột mốc", "mốc giới", "biên giới")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION, "information",
        VALIDATE_TERMS("thông tin", "tuyên truyền", "thông tin tuyên truyền")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_PROJECT_AID, "project_aid",
        VALIDATE_TERMS("dự án", "viện trợ", "project", "aid")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING, "training",
        VALIDATE_TERMS("đào tạo")},
    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER, "other",
        VALIDATE_TERMS("khác")},
};

static const struct validate_kind validate_unit_kinds[] = {
    {HOPTAC__V1__UNIT_KIND__UNIT_KIND_PROVINCIAL_COMMITTEE,
        "provincial_committee",
        VALIDATE_TERMS("UBND tỉnh", "Ủy ban nhân dân tỉnh")},
    {HOPTAC__V1__UNIT_KIND__UNIT_KIND_DEPARTMENT, "department",
        VALIDATE_TERMS("sở", "ban", "ngành", "sở ban ngành")},
    {HOPTAC__V1__UNIT_KIND__UNIT_KIND_DISTRICT_COMMITTEE, "district_committee",
        VALIDATE_TERMS("UBND huyện", "Ủy ban nhân dân huyện")},
    {HOPTAC__V1__UNIT_KIND__UNIT_KIND_COMMUNE_COMMITTEE, "commune_committee",
        VALIDATE_TERMS("UBND xã", "Ủy ban nhân dân xã")},
    {HOPTAC__V1__UNIT_KIND__UNIT_KIND_OTHER, "other", VALIDATE_TERMS("khác")},
};

#define VALIDATE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t
violations_total(const struct violations *v)
{
	return v != NULL ? v->count + v->dropped : 0;
}

/* How many leading bytes of s (valid UTF-8) to quote: at most max, on a
 * character boundary. */
static int
validate_quote_len(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max)
		return (int)len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return (int)max;
}

/*
 * validate_text for a singular field or, when item is true, for an item of
 * a repeated field: protobuf-c frees every item of a repeated string field,
 * so an item stays a heap string even when empty.
 */
static int
validate_text_impl(char **field, const char *prefix, const char *name,
    size_t max, int required, bool item, bool line, struct violations *v)
{
	const char *s = field != NULL && *field != NULL ? *field : "";
	char *nfc = NULL;
	size_t len, pos;
	uint32_t cp;
	int rc = -1;

	switch (text_check(s, strlen(s))) {
	case TEXT_OK:
		break;
	case TEXT_BAD_UTF8:
		violations_add(v, prefix, name, "is not well-formed UTF-8");
		goto out;
	case TEXT_HAS_NUL:
		violations_add(v, prefix, name, "contains a NUL byte");
		goto out;
	default:
		violations_add(v, prefix, name, "contains a control character");
		goto out;
	}
	nfc = text_nfc(s);
	if (nfc == NULL) {
		violations_add(v, prefix, name, "could not be normalized");
		goto out;
	}
	/* A line is one line once trimmed, as every file and table that
	 * shows it needs (a report file's header refuses a CR inside it). */
	if (line && strpbrk(nfc, "\r\n") != NULL) {
		violations_add(v, prefix, name, "must be one line");
		goto out;
	}
	if (line && (pos = text_bidi_control(nfc, &cp)) != 0) {
		violations_add(v, prefix, name,
		    "contains the invisible direction control U+%04X at "
		    "character %zu, which makes the text read in another "
		    "order than it is stored",
		    (unsigned)cp, pos);
		goto out;
	}
	len = text_length(nfc);
	if (required && len == 0) {
		violations_add(v, prefix, name, "is required");
		goto out;
	}
	if (len > max) {
		violations_add(v, prefix, name,
		    "is longer than %zu characters (%zu)", max, len);
		goto out;
	}
	rc = 0;
out:
	/* Normalized even when too long: the text itself is good. */
	if (nfc != NULL && field != NULL) {
		if (!item) {
			pbstr_take(field, nfc);
		} else {
			if (*field != protobuf_c_empty_string)
				free(*field);
			*field = nfc;
		}
		nfc = NULL;
	}
	free(nfc);
	return rc;
}

int
validate_text(char **field, const char *prefix, const char *name, size_t max,
    int required, struct violations *v)
{
	return validate_text_impl(
	    field, prefix, name, max, required, false, false, v);
}

int
validate_line(char **field, const char *prefix, const char *name, size_t max,
    int required, struct violations *v)
{
	return validate_text_impl(
	    field, prefix, name, max, required, false, true, v);
}

static bool
validate_is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

int
validate_date(char **field, const char *prefix, const char *name, int required,
    struct date_partial *out, struct violations *v)
{
	const char *s = field != NULL && *field != NULL ? *field : "";
	struct date_partial d;
	char iso[DATE_ISO_LEN];

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (validate_is_blank(s)) {
		if (required) {
			violations_add(v, prefix, name, "is required");
			return -1;
		}
		if (field != NULL)
			pbstr_take(field, NULL);
		return 0;
	}
	if (date_parse(s, &d) != 0) {
		violations_add(v, prefix, name, VALIDATE_DATE_HINT);
		return -1;
	}
	date_format(&d, iso);
	if (field != NULL && pbstr_set(field, iso) != 0) {
		violations_add(v, prefix, name, "could not be stored");
		return -1;
	}
	if (out != NULL)
		*out = d;
	return 0;
}

int
validate_id(
    const char *id, const char *prefix, const char *name, struct violations *v)
{
	size_t len = id != NULL ? strlen(id) : 0;

	if (len == 0) {
		violations_add(v, prefix, name, "is required");
		return -1;
	}
	if (len > VALIDATE_ID_MAX) {
		violations_add(v, prefix, name, "is longer than %d bytes",
		    VALIDATE_ID_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == ':' || c == '-')
			continue;
		violations_add(v, prefix, name,
		    "may only contain letters, digits and . _ : -");
		return -1;
	}
	return 0;
}

/* Checks the length of a repeated field. */
static void
validate_list(
    size_t n, const char *prefix, const char *name, struct violations *v)
{
	if (n > VALIDATE_LIST_MAX)
		violations_add(v, prefix, name,
		    "has %zu items; at most %d are allowed", n,
		    VALIDATE_LIST_MAX);
}

/* Resolves one partner in place; the item name is "partner_codes[i]". */
static void
validate_partner(
    char **item, const char *prefix, const char *name, struct violations *v)
{
	const struct gazetteer_partner *p;
	const char *s = *item != NULL ? *item : "";

	if (text_check(s, strlen(s)) != TEXT_OK) {
		violations_add(v, prefix, name, "is not well-formed text");
		return;
	}
	if (validate_is_blank(s)) {
		violations_add(v, prefix, name, "is required");
		return;
	}
	p = gazetteer_resolve(s);
	if (p == NULL) {
		violations_add(v, prefix, name, "unknown partner \"%.*s\"",
		    validate_quote_len(s, VALIDATE_QUOTE_MAX), s);
		return;
	}
	if (strcmp(s, p->code) != 0 && pbstr_set(item, p->code) != 0)
		violations_add(v, prefix, name, "could not be stored");
}

/* Removes later copies of a string from a repeated field, in order. */
static void
validate_dedup(size_t *n, char **items)
{
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++) {
		bool seen = false;

		for (size_t j = 0; j < kept && !seen; j++)
			seen = strcmp(items[j], items[i]) == 0;
		if (seen)
			pbstr_take(&items[i], NULL);
		else
			items[kept++] = items[i];
	}
	*n = kept;
}

static bool
validate_kind_known(const struct validate_kind *kinds, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (kinds[i].value == value)
			return true;
	return false;
}

static void
validate_kind_field(const struct validate_kind *kinds, size_t n, int value,
    const char *prefix, struct violations *v)
{
	if (value == 0)
		violations_add(v, prefix, "kind", "is required");
	else if (!validate_kind_known(kinds, n, value))
		violations_add(v, prefix, "kind", "unknown kind %d", value);
}

/* Validates each item of a repeated text field, named "name[i]". */
static void
validate_texts(size_t n, char **items, const char *prefix, const char *name,
    size_t max, struct violations *v)
{
	char item[48];

	validate_list(n, prefix, name, v);
	for (size_t i = 0; i < n; i++) {
		snprintf(item, sizeof(item), "%s[%zu]", name, i);
		validate_text_impl(
		    &items[i], prefix, item, max, 1, true, true, v);
	}
}

int
validate_activity(
    Hoptac__V1__Activity *a, const char *prefix, struct violations *v)
{
	size_t before = violations_total(v);
	struct date_partial start, end;
	int start_ok, end_ok;
	char item[48];

	if (a == NULL) {
		violations_add(v, prefix, NULL, "activity is missing");
		return (int)(violations_total(v) - before);
	}
	validate_id(a->id, prefix, "id", v);
	validate_id(a->unit_code, prefix, "unit_code", v);

	validate_list(a->n_partner_codes, prefix, "partner_codes", v);
	for (size_t i = 0; i < a->n_partner_codes; i++) {
		snprintf(item, sizeof(item), "partner_codes[%zu]", i);
		validate_partner(&a->partner_codes[i], prefix, item, v);
	}
	/* After the checks, so that violations name the items as sent. */
	validate_dedup(&a->n_partner_codes, a->partner_codes);
	if (a->n_partner_codes == 0)
		violations_add(v, prefix, "partner_codes",
		    "at least one partner is required");

	validate_kind_field(validate_activity_kinds,
	    VALIDATE_COUNT(validate_activity_kinds), (int)a->kind, prefix, v);
	validate_texts(
	    a->n_fields, a->fields, prefix, "fields", VALIDATE_SHORT_MAX, v);

	start_ok =
	    validate_date(&a->start_date, prefix, "start_date", 1, &start, v);
	end_ok = validate_date(&a->end_date, prefix, "end_date", 0, &end, v);
	/* A partial end covers its whole span: 2023 does not end before
	 * 2023-05-02, and 2023-05 is not before 2023-05-20. */
	if (start_ok == 0 && end_ok == 0 && end.year != 0 &&
	    date_last_day(&end) < date_first_day(&start))
		violations_add(
		    v, prefix, "end_date", "end_date is before start_date");

	validate_line(&a->title, prefix, "title", VALIDATE_SHORT_MAX, 1, v);
	validate_line(&a->place, prefix, "place", VALIDATE_SHORT_MAX, 0, v);
	validate_line(&a->leader, prefix, "leader", VALIDATE_SHORT_MAX, 0, v);
	validate_text(&a->summary, prefix, "summary", VALIDATE_LONG_MAX, 0, v);
	validate_text(&a->result, prefix, "result", VALIDATE_LONG_MAX, 0, v);
	if (a->people < 0 || a->people > VALIDATE_PEOPLE_MAX)
		violations_add(v, prefix, "people", "must be between 0 and %d",
		    VALIDATE_PEOPLE_MAX);
	validate_texts(a->n_document_refs, a->document_refs, prefix,
	    "document_refs", VALIDATE_SHORT_MAX, v);
	return (int)(violations_total(v) - before);
}

int
validate_unit(Hoptac__V1__Unit *u, const char *prefix, struct violations *v)
{
	size_t before = violations_total(v);
	struct date_partial from, to;
	int from_ok, to_ok;
	char item[48];

	if (u == NULL) {
		violations_add(v, prefix, NULL, "unit is missing");
		return (int)(violations_total(v) - before);
	}
	validate_id(u->code, prefix, "code", v);
	validate_line(&u->name, prefix, "name", VALIDATE_SHORT_MAX, 1, v);
	validate_kind_field(validate_unit_kinds,
	    VALIDATE_COUNT(validate_unit_kinds), (int)u->kind, prefix, v);
	validate_text(
	    &u->province, prefix, "province", VALIDATE_SHORT_MAX, 0, v);
	if (u->parent_code != NULL && u->parent_code[0] != '\0' &&
	    validate_id(u->parent_code, prefix, "parent_code", v) == 0 &&
	    u->code != NULL && strcmp(u->parent_code, u->code) == 0)
		violations_add(
		    v, prefix, "parent_code", "must differ from code");

	from_ok =
	    validate_date(&u->valid_from, prefix, "valid_from", 0, &from, v);
	to_ok = validate_date(&u->valid_to, prefix, "valid_to", 0, &to, v);
	if (from_ok == 0 && to_ok == 0 && from.year != 0 && to.year != 0 &&
	    date_last_day(&to) < date_first_day(&from))
		violations_add(
		    v, prefix, "valid_to", "valid_to is before valid_from");

	validate_list(u->n_successor_codes, prefix, "successor_codes", v);
	for (size_t i = 0; i < u->n_successor_codes; i++) {
		snprintf(item, sizeof(item), "successor_codes[%zu]", i);
		if (validate_id(u->successor_codes[i], prefix, item, v) == 0 &&
		    u->code != NULL &&
		    strcmp(u->successor_codes[i], u->code) == 0)
			violations_add(
			    v, prefix, item, "must differ from code");
	}
	return (int)(violations_total(v) - before);
}

/*
 * Finds a kind by name or term. The enum's own spelling is accepted too
 * ("ACTIVITY_KIND_TRAINING"), by dropping strip from the front of the key.
 */
static int
validate_kind_parse(const struct validate_kind *kinds, size_t n,
    const char *strip, const char *text)
{
	char *key = text != NULL ? text_key(text) : NULL;
	const char *k;
	int found = 0;

	if (key == NULL || key[0] == '\0')
		goto out;
	k = key;
	if (strncmp(k, strip, strlen(strip)) == 0 && k[strlen(strip)] != '\0')
		k += strlen(strip);
	for (size_t i = 0; i < n && found == 0; i++) {
		char *name_key = text_key(kinds[i].name);

		if (name_key != NULL && strcmp(name_key, k) == 0)
			found = kinds[i].value;
		free(name_key);
		for (size_t t = 0; found == 0 && kinds[i].terms[t] != NULL;
		     t++) {
			char *term_key = text_key(kinds[i].terms[t]);

			if (term_key != NULL && strcmp(term_key, k) == 0)
				found = kinds[i].value;
			free(term_key);
		}
	}
out:
	free(key);
	return found;
}

static const char *
validate_kind_name(const struct validate_kind *kinds, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (kinds[i].value == value)
			return kinds[i].name;
	return "unspecified";
}

int
validate_activity_kind(const char *text)
{
	return validate_kind_parse(validate_activity_kinds,
	    VALIDATE_COUNT(validate_activity_kinds), "activitykind", text);
}

size_t
validate_activity_kind_words(const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < VALIDATE_COUNT(validate_activity_kinds); i++) {
		const struct validate_kind *k = &validate_activity_kinds[i];

		if (n < max)
			out[n++] = k->name;
		for (size_t t = 0; k->terms[t] != NULL && n < max; t++)
			out[n++] = k->terms[t];
	}
	return n;
}

const char *
validate_activity_kind_name(int kind)
{
	return validate_kind_name(validate_activity_kinds,
	    VALIDATE_COUNT(validate_activity_kinds), kind);
}

int
validate_unit_kind(const char *text)
{
	return validate_kind_parse(validate_unit_kinds,
	    VALIDATE_COUNT(validate_unit_kinds), "unitkind", text);
}

const char *
validate_unit_kind_name(int kind)
{
	return validate_kind_name(
	    validate_unit_kinds, VALIDATE_COUNT(validate_unit_kinds), kind);
}

/* A reference of a công văn ("558/SNgV-BGHTQT", "720/SNgV-KTĐN"): text
 * without spaces, as the number stands on the document. */
static void
validate_reference(
    char **field, const char *prefix, const char *name, struct violations *v)
{
	if (validate_text(field, prefix, name, VALIDATE_ID_MAX, 1, v) != 0)
		return;
	for (const char *p = *field; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			violations_add(
			    v, prefix, name, "may not contain spaces");
			return;
		}
}

int
validate_request(
    Hoptac__V1__ReportingRequest *r, const char *prefix, struct violations *v)
{
	size_t before = violations_total(v);
	struct date_partial issued, due, from, to;
	int issued_ok, due_ok, from_ok, to_ok;
	char item[48];

	if (r == NULL) {
		violations_add(v, prefix, NULL, "request is missing");
		return (int)(violations_total(v) - before);
	}
	validate_reference(&r->reference, prefix, "reference", v);
	validate_id(r->issuer_unit, prefix, "issuer_unit", v);
	issued_ok =
	    validate_date(&r->issued_on, prefix, "issued_on", 1, &issued, v);
	validate_line(&r->title, prefix, "title", VALIDATE_SHORT_MAX, 1, v);
	validate_list(r->n_partner_scope, prefix, "partner_scope", v);
	for (size_t i = 0; i < r->n_partner_scope; i++) {
		snprintf(item, sizeof(item), "partner_scope[%zu]", i);
		validate_partner(&r->partner_scope[i], prefix, item, v);
	}
	validate_dedup(&r->n_partner_scope, r->partner_scope);
	from_ok =
	    validate_date(&r->period_from, prefix, "period_from", 1, &from, v);
	to_ok = validate_date(&r->period_to, prefix, "period_to", 0, &to, v);
	if (from_ok == 0 && to_ok == 0 && to.year != 0 &&
	    date_last_day(&to) < date_first_day(&from))
		violations_add(v, prefix, "period_to", "is before period_from");
	due_ok = validate_date(&r->due_on, prefix, "due_on", 1, &due, v);
	if (issued_ok == 0 && due_ok == 0 &&
	    date_last_day(&due) < date_first_day(&issued))
		violations_add(v, prefix, "due_on", "is before issued_on");
	if (r->n_unit_codes == 0)
		violations_add(
		    v, prefix, "unit_codes", "at least one unit must be asked");
	if (r->n_unit_codes > VALIDATE_UNITS_MAX)
		violations_add(v, prefix, "unit_codes",
		    "has %zu units; at most %d are allowed", r->n_unit_codes,
		    VALIDATE_UNITS_MAX);
	for (size_t i = 0; i < r->n_unit_codes; i++) {
		snprintf(item, sizeof(item), "unit_codes[%zu]", i);
		validate_id(r->unit_codes[i], prefix, item, v);
	}
	validate_dedup(&r->n_unit_codes, r->unit_codes);
	return (int)(violations_total(v) - before);
}

static void
validate_figure(
    int32_t value, const char *prefix, const char *name, struct violations *v)
{
	if (value < 0 || value > VALIDATE_PEOPLE_MAX)
		violations_add(v, prefix, name, "must be between 0 and %d",
		    VALIDATE_PEOPLE_MAX);
}

/* Adds a section of len bytes to *total, keeping the name of the
 * largest in largest. */
static void
validate_section_size(const char *text, const char *name, size_t *total,
    size_t *most, char *largest, size_t largest_len)
{
	size_t len = text != NULL ? strlen(text) : 0;

	*total += len;
	if (len > *most) {
		*most = len;
		snprintf(largest, largest_len, "%s", name);
	}
}

/* The sections together, after normalization: what the consolidated
 * report carries of a report, bounded so that no report takes more than
 * a small part of a reply. The message names the section to shorten. */
static void
validate_report_size(
    const Hoptac__V1__Report *r, const char *prefix, struct violations *v)
{
	const char *const names[] = {
	    "situation", "limitations", "causes", "directions", "proposals"};
	const char *const texts[] = {r->situation, r->limitations, r->causes,
	    r->directions, r->proposals};
	char largest[48] = "", item[48];
	size_t total = 0, most = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		validate_section_size(texts[i], names[i], &total, &most,
		    largest, sizeof(largest));
	for (size_t i = 0; i < r->n_results && i < VALIDATE_RESULTS_MAX; i++) {
		snprintf(item, sizeof(item), "results[%zu].heading", i);
		validate_section_size(r->results[i]->heading, item, &total,
		    &most, largest, sizeof(largest));
		snprintf(item, sizeof(item), "results[%zu].text", i);
		validate_section_size(r->results[i]->text, item, &total, &most,
		    largest, sizeof(largest));
	}
	/* Named by the largest section: the one to shorten first. */
	if (total > VALIDATE_REPORT_TEXT_MAX)
		violations_add(v, prefix, largest,
		    "the report's sections hold %zu bytes together, over the "
		    "limit of %d bytes (256 KiB) for one report; this one, "
		    "the largest, holds %zu",
		    total, VALIDATE_REPORT_TEXT_MAX, most);
}

int
validate_report(Hoptac__V1__Report *r, const char *prefix, struct violations *v)
{
	size_t before = violations_total(v);
	char item[48];

	if (r == NULL) {
		violations_add(v, prefix, NULL, "report is missing");
		return (int)(violations_total(v) - before);
	}
	validate_id(r->id, prefix, "id", v);
	validate_reference(
	    &r->request_reference, prefix, "request_reference", v);
	validate_id(r->unit_code, prefix, "unit_code", v);
	validate_text(&r->document_number, prefix, "document_number",
	    VALIDATE_SHORT_MAX, 0, v);
	validate_line(&r->place, prefix, "place", VALIDATE_SHORT_MAX, 0, v);
	validate_date(&r->signed_on, prefix, "signed_on", 0, NULL, v);
	validate_text(
	    &r->situation, prefix, "situation", VALIDATE_LONG_MAX, 0, v);
	if (r->n_results > VALIDATE_RESULTS_MAX)
		violations_add(v, prefix, "results",
		    "has %zu headings; at most %d are allowed", r->n_results,
		    VALIDATE_RESULTS_MAX);
	for (size_t i = 0; i < r->n_results && i < VALIDATE_RESULTS_MAX; i++) {
		Hoptac__V1__ReportResult *res = r->results[i];

		snprintf(item, sizeof(item), "results[%zu].heading", i);
		validate_text(
		    &res->heading, prefix, item, VALIDATE_SHORT_MAX, 0, v);
		snprintf(item, sizeof(item), "results[%zu].text", i);
		validate_text(
		    &res->text, prefix, item, VALIDATE_LONG_MAX, 0, v);
	}
	if (r->nil && r->n_results > 0)
		violations_add(v, prefix, "results",
		    "a nil report (nothing happened) has no results");
	validate_text(
	    &r->limitations, prefix, "limitations", VALIDATE_LONG_MAX, 0, v);
	validate_text(&r->causes, prefix, "causes", VALIDATE_LONG_MAX, 0, v);
	validate_text(
	    &r->directions, prefix, "directions", VALIDATE_LONG_MAX, 0, v);
	if (r->directions_until != 0 &&
	    (r->directions_until < 1900 || r->directions_until > 2200))
		violations_add(v, prefix, "directions_until",
		    "must be a year such as 2027");
	validate_text(
	    &r->proposals, prefix, "proposals", VALIDATE_LONG_MAX, 0, v);
	validate_report_size(r, prefix, v);
	validate_line(&r->signer, prefix, "signer", VALIDATE_SHORT_MAX, 0, v);
	validate_text(
	    &r->signer_title, prefix, "signer_title", VALIDATE_SHORT_MAX, 0, v);
	validate_texts(r->n_recipients, r->recipients, prefix, "recipients",
	    VALIDATE_SHORT_MAX, v);
	if (r->declared != NULL) {
		const Hoptac__V1__Figures *f = r->declared;

		validate_figure(
		    f->delegations_out, prefix, "declared.delegations_out", v);
		validate_figure(
		    f->people_out, prefix, "declared.people_out", v);
		validate_figure(
		    f->delegations_in, prefix, "declared.delegations_in", v);
		validate_figure(f->people_in, prefix, "declared.people_in", v);
		validate_figure(
		    f->conferences, prefix, "declared.conferences", v);
		validate_figure(
		    f->agreements, prefix, "declared.agreements", v);
		validate_figure(
		    f->activities, prefix, "declared.activities", v);
	}
	if (r->submitted_at_ms < 0)
		violations_add(
		    v, prefix, "submitted_at_ms", "must not be negative");
	return (int)(violations_total(v) - before);
}
