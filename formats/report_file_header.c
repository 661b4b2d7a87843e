/*
 * The header of a report file: its "key: value" lines, and the values
 * that are more than text (figures, nil, the date).
 */
#include "report_file_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "formats_text.h"
#include "pbstr.h"
#include "text.h"

/* A header key longer than this is taken for a line of text, not a key. */
#define REPORT_FILE_KEY_MAX 40

/* A figure: a whole number of 0 or more ("02" as the documents write
 * it), within int32. */
static int
report_file_header_figure(
    struct report_file_reader *rd, enum report_file_key key, const char *value)
{
	Hoptac__V1__Report *r = rd->r;
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	int32_t *slot = NULL, v = 0;
	int rc;

	if (value[0] == '\0')
		return 0;
	rc = formats_text_whole(value, &v);
	if (rc != 0) {
		report_file_read_quote(quoted, sizeof(quoted), value);
		if (rc == -2)
			report_file_read_fail(rd, rd->lineno,
			    "'%s' is too large: %s", report_file_keys[key].name,
			    quoted);
		else
			report_file_read_fail(rd, rd->lineno,
			    "'%s' must be a whole number of 0 or more, not "
			    "'%s'",
			    report_file_keys[key].name, quoted);
		return -1;
	}
	if (r->declared == NULL) {
		r->declared = malloc(sizeof(*r->declared));
		if (r->declared == NULL) {
			report_file_read_oom(rd);
			return -1;
		}
		hoptac__v1__figures__init(r->declared);
	}
	switch (key) {
	case KEY_DELEGATIONS_OUT:
		slot = &r->declared->delegations_out;
		break;
	case KEY_PEOPLE_OUT:
		slot = &r->declared->people_out;
		break;
	case KEY_DELEGATIONS_IN:
		slot = &r->declared->delegations_in;
		break;
	case KEY_PEOPLE_IN:
		slot = &r->declared->people_in;
		break;
	case KEY_CONFERENCES:
		slot = &r->declared->conferences;
		break;
	case KEY_AGREEMENTS:
		slot = &r->declared->agreements;
		break;
	default:
		slot = &r->declared->activities;
		break;
	}
	*slot = v;
	return 0;
}

static int
report_file_header_nil(struct report_file_reader *rd, const char *value)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	char *key;
	int rc = 0;

	if (value[0] == '\0') {
		rd->r->nil = 0;
		return 0;
	}
	key = text_key(value);
	if (key == NULL) {
		report_file_read_oom(rd);
		return -1;
	}
	if (strcmp(key, "yes") == 0 || strcmp(key, "co") == 0) {
		rd->r->nil = 1;
	} else if (strcmp(key, "no") == 0 || strcmp(key, "khong") == 0) {
		rd->r->nil = 0;
	} else {
		report_file_read_quote(quoted, sizeof(quoted), value);
		report_file_read_fail(rd, rd->lineno,
		    "'nil' must be yes, no, có or không, not '%s'", quoted);
		rc = -1;
	}
	free(key);
	return rc;
}

static int
report_file_header_date(struct report_file_reader *rd, const char *value)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4], iso[DATE_ISO_LEN];
	struct date_partial d;

	if (value[0] == '\0')
		return pbstr_set(&rd->r->signed_on, "");
	if (date_parse(value, &d) != 0) {
		report_file_read_quote(quoted, sizeof(quoted), value);
		report_file_read_fail(rd, rd->lineno,
		    "bad date '%s': write it as 24/8/2021, tháng 8 năm 2021 "
		    "or 2021-08-24",
		    quoted);
		return -1;
	}
	date_format(&d, iso);
	if (pbstr_set(&rd->r->signed_on, iso) != 0) {
		report_file_read_oom(rd);
		return -1;
	}
	return 0;
}

/* One "key: value" line of the header. */
int
report_file_header_line(struct report_file_reader *rd, char *s)
{
	char quoted[REPORT_FILE_QUOTE_MAX + 4];
	char *colon, *name, *value, *folded = NULL, *nfc = NULL;
	enum report_file_key key;
	Hoptac__V1__Report *r = rd->r;
	int rc = -1;

	s = report_file_read_trim(s);
	if (*s == '\0')
		return 0;
	colon = strchr(s, ':');
	if (colon == NULL || colon == s ||
	    (size_t)(colon - s) > REPORT_FILE_KEY_MAX) {
		report_file_read_fail(rd, rd->lineno,
		    "text before the first section: the header has only "
		    "'key: value' lines, and text goes under a section line "
		    "such as '== situation'");
		return -1;
	}
	*colon = '\0';
	name = report_file_read_trim(s);
	value = report_file_read_trim(colon + 1);
	folded = text_key(name);
	if (folded == NULL) {
		report_file_read_oom(rd);
		goto out;
	}
	key = report_file_tables_find_key(folded);
	if (key == KEY_COUNT) {
		report_file_read_quote(quoted, sizeof(quoted), name);
		report_file_read_fail(rd, rd->lineno,
		    "unknown header key '%s' (known: request, unit, number, "
		    "place, date, nil, signer, title, recipient, "
		    "delegations_out, people_out, delegations_in, people_in, "
		    "conferences, agreements, activities)",
		    quoted);
		goto out;
	}
	if (rd->key_line[key] != 0 && key != KEY_RECIPIENT) {
		report_file_read_fail(rd, rd->lineno,
		    "'%s' given twice (first on line %zu)",
		    report_file_keys[key].name, rd->key_line[key]);
		goto out;
	}
	if (rd->key_line[key] == 0)
		rd->key_line[key] = rd->lineno;
	switch (key) {
	case KEY_REQUEST:
		rc =
		    report_file_read_set_text(rd, &r->request_reference, value);
		break;
	case KEY_UNIT:
		rc = report_file_read_set_text(rd, &r->unit_code, value);
		break;
	case KEY_NUMBER:
		rc = report_file_read_set_text(rd, &r->document_number, value);
		break;
	case KEY_PLACE:
		rc = report_file_read_set_text(rd, &r->place, value);
		break;
	case KEY_SIGNER:
		rc = report_file_read_set_text(rd, &r->signer, value);
		break;
	case KEY_TITLE:
		rc = report_file_read_set_text(rd, &r->signer_title, value);
		break;
	case KEY_DATE:
		rc = report_file_header_date(rd, value);
		break;
	case KEY_NIL:
		rc = report_file_header_nil(rd, value);
		break;
	case KEY_RECIPIENT:
		/* "recipient:" with nothing after it is a line not filled
		 * in, not a recipient without a name. */
		rc = 0;
		if (value[0] == '\0')
			break;
		nfc = text_nfc(value);
		if (nfc == NULL ||
		    pbstr_append(&r->n_recipients, &r->recipients, nfc) != 0) {
			report_file_read_oom(rd);
			rc = -1;
		}
		break;
	default:
		rc = report_file_header_figure(rd, key, value);
		break;
	}
out:
	free(nfc);
	free(folded);
	return rc;
}
