/* Validation of the records an office keeps: activities and units, and
 * the texts, dates, ids, partners and kinds they are made of. */
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
#include "validate_int.h"

/* Longest piece of user text quoted back in a description, in bytes. */
#define VALIDATE_QUOTE_MAX 120

#define VALIDATE_DATE_HINT "must be a date such as " DATE_FORMS
#define VALIDATE_SPAN_HINT "must be a date such as " DATE_SPAN_FORMS

static const char *validate_activity_dates[2] = {"start_date", "end_date"};

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

size_t
validate_total(const struct violations *v)
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
	struct text_shape sh;
	char *nfc = NULL; /* owned until it replaces the field */
	size_t n = strlen(s);
	int rc = -1;

	/* A C string has no NUL inside; text_nfc_shape finds controls in
	 * the pass it makes anyway. */
	if (u8_check((const uint8_t *)s, n) != NULL) {
		violations_add(v, prefix, name, "is not well-formed UTF-8");
		goto out;
	}
	/* nfc stays NULL when the text is NFC and trimmed already. */
	if (text_nfc_shape(s, n, &nfc, &sh) != 0) {
		violations_add(v, prefix, name, "could not be normalized");
		goto out;
	}
	if (sh.control) {
		violations_add(v, prefix, name, "contains a control character");
		free(nfc); /* the field is left as it came */
		nfc = NULL;
		goto out;
	}
	/* A line is one line once trimmed, as every file and table that
	 * shows it needs (a report file's header refuses a CR inside it). */
	if (line && sh.line_break) {
		violations_add(v, prefix, name, "must be one line");
		goto out;
	}
	if (line && sh.bidi != 0) {
		violations_add(v, prefix, name,
		    "contains the invisible direction control U+%04X at "
		    "character %zu, which makes the text read in another "
		    "order than it is stored",
		    (unsigned)sh.bidi_cp, sh.bidi);
		goto out;
	}
	if (required && sh.chars == 0) {
		violations_add(v, prefix, name, "is required");
		goto out;
	}
	if (sh.chars > max) {
		violations_add(v, prefix, name,
		    "is longer than %zu characters (%zu)", max, sh.chars);
		goto out;
	}
	rc = 0;
out:
	/* Normalized even when too long: the text itself is good. A field
	 * left unset reads as empty, as an unpacked one does. */
	if (field == NULL) {
		free(nfc);
	} else if (nfc != NULL && !item) {
		pbstr_take(field, nfc);
	} else if (nfc != NULL) {
		if (*field != protobuf_c_empty_string)
			free(*field);
		*field = nfc;
	} else if (*field == NULL && !item) {
		pbstr_take(field, NULL);
	}
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
validate_period(
    char **field, const char *prefix, const char *name, struct violations *v)
{
	const char *s = field != NULL && *field != NULL ? *field : "";
	struct date_span span;
	char text[DATE_SPAN_LEN];

	if (validate_is_blank(s)) {
		if (field != NULL)
			pbstr_take(field, NULL);
		return 0;
	}
	if (date_parse_span(s, &span) != 0) {
		violations_add(v, prefix, name, VALIDATE_SPAN_HINT);
		return -1;
	}
	date_span_format(&span, text);
	if (field != NULL && pbstr_set(field, text) != 0) {
		violations_add(v, prefix, name, "could not be stored");
		return -1;
	}
	return 0;
}

int
validate_dates(char **first, char **last, const char *prefix,
    const char *names[2], struct date_partial out[2], struct violations *v)
{
	const char *s = first != NULL && *first != NULL ? *first : "";
	struct date_span span;
	char iso[2][DATE_ISO_LEN];
	int rc;

	memset(out, 0, 2 * sizeof(*out));
	if (!validate_is_blank(s) && date_parse_span(s, &span) != 0) {
		violations_add(v, prefix, names[0], VALIDATE_SPAN_HINT);
		validate_date(last, prefix, names[1], 0, &out[1], v);
		return -1;
	}
	/* A span in the first field is both: "2023 – 2025" for a start. */
	if (validate_is_blank(s) || date_span_single(&span)) {
		rc = validate_date(first, prefix, names[0], 1, &out[0], v);
		if (validate_date(last, prefix, names[1], 0, &out[1], v) != 0)
			rc = -1;
		return rc;
	}
	if (last != NULL && !validate_is_blank(*last)) {
		violations_add(v, prefix, names[1],
		    "must be empty when %s is a span such as 2023 – 2025",
		    names[0]);
		return -1;
	}
	date_format(&span.from, iso[0]);
	date_format(&span.to, iso[1]);
	if (pbstr_set(first, iso[0]) != 0 || pbstr_set(last, iso[1]) != 0) {
		violations_add(v, prefix, names[0], "could not be stored");
		return -1;
	}
	out[0] = span.from;
	out[1] = span.to;
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
void
validate_list(
    size_t n, const char *prefix, const char *name, struct violations *v)
{
	if (n > VALIDATE_LIST_MAX)
		violations_add(v, prefix, name,
		    "has %zu items; at most %d are allowed", n,
		    VALIDATE_LIST_MAX);
}

static int validate_unknown_codes;

void
validate_accept_unknown_codes(int yes)
{
	validate_unknown_codes = yes;
}

/* Whether s is a district's code under a province the gazetteer knows. */
static bool
validate_district_code(const char *s)
{
	const struct gazetteer_partner *p;
	char province[GAZETTEER_PROVINCE_LEN + 1];
	size_t n = strlen(s);

	if (n <= GAZETTEER_PROVINCE_LEN + 1 || n > VALIDATE_ID_MAX ||
	    s[GAZETTEER_PROVINCE_LEN] != '-' ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)
		return false;
	memcpy(province, s, GAZETTEER_PROVINCE_LEN);
	province[GAZETTEER_PROVINCE_LEN] = '\0';
	p = gazetteer_resolve(province);
	return p != NULL && p->level == GAZETTEER_PROVINCE &&
	    strcmp(p->code, province) == 0;
}

/* Resolves one partner in place; the item name is "partner_codes[i]".
 * A group is taken where groups are (a request's scope) and its code is
 * then returned for the caller to put its members in its place. */
static const struct gazetteer_partner *
validate_partner(char **item, const char *prefix, const char *name, bool groups,
    struct violations *v)
{
	const struct gazetteer_partner *p;
	const char *s = *item != NULL ? *item : "";

	if (text_check(s, strlen(s)) != TEXT_OK) {
		violations_add(v, prefix, name, "is not well-formed text");
		return NULL;
	}
	if (validate_is_blank(s)) {
		violations_add(v, prefix, name, "is required");
		return NULL;
	}
	p = gazetteer_resolve(s);
	if (p == NULL && validate_unknown_codes && validate_district_code(s))
		return NULL; /* kept as it is, for the server */
	if (p == NULL) {
		violations_add(v, prefix, name, "unknown partner \"%.*s\"",
		    validate_quote_len(s, VALIDATE_QUOTE_MAX), s);
		return NULL;
	}
	if (p->level == GAZETTEER_GROUP && !groups) {
		violations_add(v, prefix, name,
		    "\"%.*s\" is a group of provinces (%s); name one of them",
		    validate_quote_len(s, VALIDATE_QUOTE_MAX), s, p->code);
		return NULL;
	}
	if (strcmp(s, p->code) != 0 && pbstr_set(item, p->code) != 0) {
		violations_add(v, prefix, name, "could not be stored");
		return NULL;
	}
	return p;
}

/* A request's scope with each group replaced by its members. */
void
validate_scope(
    size_t *n, char ***items, const char *prefix, struct violations *v)
{
	size_t sent = *n;
	char item[48];

	for (size_t i = 0; i < sent; i++) {
		const struct gazetteer_partner *p;

		snprintf(item, sizeof(item), "partner_scope[%zu]", i);
		p = validate_partner(&(*items)[i], prefix, item, true, v);
		if (p == NULL || p->level != GAZETTEER_GROUP)
			continue;
		if (pbstr_set(&(*items)[i], p->members[0]) != 0)
			violations_add(v, prefix, item, "could not be stored");
		for (size_t k = 1; p->members[k] != NULL; k++)
			if (pbstr_append(n, items, p->members[k]) != 0)
				violations_add(
				    v, prefix, item, "could not be stored");
	}
}

/* Removes later copies of a string from a repeated field, in order. */
void
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
void
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
	size_t before = validate_total(v);
	struct date_partial span[2];
	char item[48];

	if (a == NULL) {
		violations_add(v, prefix, NULL, "activity is missing");
		return (int)(validate_total(v) - before);
	}
	validate_id(a->id, prefix, "id", v);
	validate_id(a->unit_code, prefix, "unit_code", v);

	validate_list(a->n_partner_codes, prefix, "partner_codes", v);
	for (size_t i = 0; i < a->n_partner_codes; i++) {
		snprintf(item, sizeof(item), "partner_codes[%zu]", i);
		validate_partner(&a->partner_codes[i], prefix, item, false, v);
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

	/* A partial end covers its whole span: 2023 does not end before
	 * 2023-05-02, and 2023-05 is not before 2023-05-20. */
	if (validate_dates(&a->start_date, &a->end_date, prefix,
	        validate_activity_dates, span, v) == 0 &&
	    span[1].year != 0 &&
	    date_last_day(&span[1]) < date_first_day(&span[0]))
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
	return (int)(validate_total(v) - before);
}

int
validate_unit(Hoptac__V1__Unit *u, const char *prefix, struct violations *v)
{
	size_t before = validate_total(v);
	struct date_partial from, to;
	int from_ok, to_ok;
	char item[48];

	if (u == NULL) {
		violations_add(v, prefix, NULL, "unit is missing");
		return (int)(validate_total(v) - before);
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
	return (int)(validate_total(v) - before);
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
