/*
 * The partners and dates a report document names, the single activities
 * it describes (proposed as rows for the clerk to confirm), and the
 * conclusion once every line is read: nil or the declared figures.
 */
#define _GNU_SOURCE /* asprintf */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docimport_int.h"
#include "gazetteer.h"
#include "pbstr.h"
#include "text.h"

/* A date in ISO form, with room for what snprintf may be asked. */
#define DOCIMPORT_DATE_LEN 32

/* Whether the words before hay[at] end in a level word: "huyện",
 * "tỉnh", "mường", "thành phố", "thị xã" (folded). */
static int
docimport_after_level(const char *hay, size_t at)
{
	static const char *const levels[] = {
	    "huyen ", "tinh ", "muong ", "thanh pho ", "thi xa "};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		size_t n = strlen(levels[i]);

		if (at >= n && strncmp(hay + at - n, levels[i], n) == 0 &&
		    (at == n || hay[at - n - 1] == ' '))
			return 1;
	}
	return 0;
}

/* Whether needle occurs in hay as whole words (both text_fold'ed). A name
 * of one word ("La", a district) counts only after its level word
 * ("huyện La"): alone it is as likely a common word ("là"). */
static int
docimport_has_words(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	int one_word = strchr(needle, ' ') == NULL;

	if (n == 0)
		return 0;
	for (const char *p = strstr(hay, needle); p != NULL;
	     p = strstr(p + 1, needle))
		if ((p == hay || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ') &&
		    (!one_word ||
		        docimport_after_level(hay, (size_t)(p - hay))))
			return 1;
	return 0;
}

/* Whether the folded line names name (a name of a partner). */
static int
docimport_names_one(const char *folded, const char *name)
{
	char *f = name != NULL ? text_fold(name) : NULL;
	int found;

	if (f == NULL)
		return 0;
	/* "tỉnh Viêng Chăn": the name without its level word too. */
	found = docimport_has_words(folded, f) ||
	    (strncmp(f, "tinh ", 5) == 0 && docimport_has_words(folded, f + 5));
	free(f);
	return found;
}

/* Whether the folded line names partner p. */
static int
docimport_names(const char *folded, const struct gazetteer_partner *p)
{
	if (docimport_names_one(folded, p->name) ||
	    docimport_names_one(folded, p->name_latin))
		return 1;
	for (size_t i = 0; p->aliases != NULL && p->aliases[i] != NULL; i++)
		if (docimport_names_one(folded, p->aliases[i]))
			return 1;
	return 0;
}

/* Whether p is a district named as its province ("Chăm-pa-xắc"):
 * the name is the province's, which the line names already. */
static int
docimport_same_name(const struct gazetteer_partner *p)
{
	const struct gazetteer_partner *prov =
	    p->parent_code != NULL ? gazetteer_resolve(p->parent_code) : NULL;
	char *a, *b;
	int same;

	if (prov == NULL || prov == p)
		return 0;
	a = text_key(p->name);
	b = text_key(prov->name);
	same = a != NULL && b != NULL && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* The codes of the partners line names, ";"-separated (heap, "" when
 * none), and their names for a note. */
static int
docimport_partners(const char *folded, char **codes, char **names)
{
	*codes = strdup("");
	*names = strdup("");
	if (*codes == NULL || *names == NULL)
		return -1;
	for (size_t i = 0; i < gazetteer_count(); i++) {
		const struct gazetteer_partner *p = gazetteer_at(i);
		char *c, *n;

		if (!docimport_names(folded, p) || docimport_same_name(p))
			continue;
		if (asprintf(
		        &c, "%s%s%s", *codes, **codes ? ";" : "", p->code) < 0)
			return -1;
		free(*codes);
		*codes = c;
		if (asprintf(&n, "%s%s%s (%s)", *names, **names ? ", " : "",
		        p->name, p->code) < 0)
			return -1;
		free(*names);
		*names = n;
	}
	return 0;
}

/* The first date the folded line names from offset *at, in ISO form in
 * iso (and the last day of a range "từ ngày 11 đến ngày 13/4/2023" in
 * end, else ""); *at moves past it. 0 when there is none. */
static int
docimport_date(const char *s, size_t *at, char iso[DOCIMPORT_DATE_LEN],
    char end[DOCIMPORT_DATE_LEN])
{
	static const char *const res[] = {
	    ("ngay ([0-9]{1,2}) *(den|-) *(ngay )?([0-9]{1,2})[/.-]([0-9]{1,2})"
	     "[/.-]([0-9]{4})"),
	    "ngay ([0-9]{1,2}) thang ([0-9]{1,2}) nam ([0-9]{4})",
	    "([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})",
	    "thang ([0-9]{1,2}) nam ([0-9]{4})",
	    "([0-9]{1,2})/([0-9]{4})",
	    "nam ([0-9]{4})",
	};
	regmatch_t best[7], m[7];
	int which = -1;

	for (int k = 0; k < 6; k++)
		if (docimport_match(res[k], s + *at, m, 7) &&
		    (which < 0 || m[0].rm_so < best[0].rm_so)) {
			memcpy(best, m, sizeof(m));
			which = k;
		}
	if (which < 0)
		return 0;
	{
		const char *b = s + *at;
		int v[4] = {0}, nv = 0;
		struct date_partial dp;

		for (int g = 1; g < 7; g++)
			if (best[g].rm_so >= 0 && b[best[g].rm_so] >= '0' &&
			    b[best[g].rm_so] <= '9' && nv < 4)
				v[nv++] = atoi(b + best[g].rm_so);
		*at += (size_t)best[0].rm_eo;
		end[0] = '\0';
		if (which == 0) {
			snprintf(iso, DOCIMPORT_DATE_LEN, "%04d-%02d-%02d",
			    v[3] % 10000, v[2] % 100, v[0] % 100);
			snprintf(end, DOCIMPORT_DATE_LEN, "%04d-%02d-%02d",
			    v[3] % 10000, v[2] % 100, v[1] % 100);
		} else if (nv == 3)
			snprintf(iso, DOCIMPORT_DATE_LEN, "%04d-%02d-%02d",
			    v[2] % 10000, v[1] % 100, v[0] % 100);
		else if (nv == 2)
			snprintf(iso, DOCIMPORT_DATE_LEN, "%04d-%02d",
			    v[1] % 10000, v[0] % 100);
		else
			snprintf(iso, DOCIMPORT_DATE_LEN, "%04d", v[0] % 10000);
		if (date_parse(iso, &dp) != 0 ||
		    (end[0] && date_parse(end, &dp) != 0))
			return docimport_date(s, at, iso, end);
	}
	return 1;
}

int
docimport_mentions(struct docimport *d, struct docimport_scan *s, size_t line,
    const struct docimport_fold *f)
{
	char *folded = text_fold(f->s), *codes = NULL, *names = NULL;
	char *dates = strdup(""), iso[DOCIMPORT_DATE_LEN],
	     end[DOCIMPORT_DATE_LEN];
	size_t at = 0;
	int rc = -1;

	if (folded == NULL || dates == NULL ||
	    docimport_partners(folded, &codes, &names) != 0)
		goto out;
	while (docimport_date(f->s, &at, iso, end)) {
		char *t;

		if (asprintf(&t, "%s%s%s%s%s", dates, dates[0] ? ", " : "", iso,
		        end[0] ? " – " : "", end) < 0)
			goto out;
		free(dates);
		dates = t;
	}
	if (codes[0] != '\0' && s->partners_default == NULL &&
	    (s->partners_default = strdup(codes)) == NULL)
		goto out;
	rc = 0;
	if (names[0] != '\0' || dates[0] != '\0')
		rc = docimport_note(&d->notes, line, "nêu:%s%s%s%s",
		    names[0] ? " đối tác " : "", names,
		    dates[0] ? (names[0] ? "; ngày " : " ngày ") : "", dates);
out:
	free(folded);
	free(codes);
	free(names);
	free(dates);
	return rc;
}

/* What a line describes when it is one activity: its kind, or 0, and
 * in *at where the words that tell it start. */
static int
docimport_kind(const char *folded, size_t *at)
{
	static const struct {
		const char *re;
		int kind;
	} kinds[] = {
	    {"don tiep|tiep don|don doan|tiep doan|doan vao|tiep va lam viec "
	     "voi doan",
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN},
	    {"doan ra|di cong tac|doan [^.;]*sang (tham|lam viec|chuc|du|du)|"
	     "cu doan|xuat canh",
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT},
	    {"ky ket (0*1 |mot )?(ban ghi nho|thoa thuan|van kien|bien ban)",
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT},
	    {"hoi nghi|hoi thao|hoi dam|toa dam",
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE},
	    {"ky ket|ban ghi nho|thoa thuan hop tac|van kien",
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT},
	    {"dao tao|tap huan|boi duong",
	        HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING},
	};

	regmatch_t m[1];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (docimport_match(kinds[i].re, folded, m, 1)) {
			*at = (size_t)m[0].rm_so;
			return kinds[i].kind;
		}
	return 0;
}

/* A title for a proposed activity: the sentence of the line that holds
 * byte at, list mark taken off, cut at a word within 190 characters (a
 * title holds VALIDATE_SHORT_MAX). Heap. */
static char *
docimport_title(const char *text, size_t at)
{
	size_t a = 0, n = 0, chars = 0, cut = 0;

	for (size_t i = 0; i + 1 < at; i++)
		if (text[i] == '.' && text[i + 1] == ' ')
			a = i + 2;
	a += strspn(text + a, "-+* ");

	while (text[a + n] != '\0' &&
	    !(text[a + n] == '.' &&
	        (text[a + n + 1] == ' ' || text[a + n + 1] == '\0'))) {
		if (((unsigned char)text[a + n] & 0xc0) != 0x80 &&
		    ++chars > 190)
			break;
		if (text[a + n] == ' ')
			cut = n;
		n++;
	}
	return strndup(text + a, chars > 190 ? cut : n);
}

/* Appends the partners of codes (";"-separated; NULL: none) to a. */
static int
docimport_add_codes(Hoptac__V1__Activity *a, const char *codes)
{
	char *copy = codes != NULL ? strdup(codes) : NULL, *save = NULL;
	int rc = codes != NULL && copy == NULL ? -1 : 0;

	for (char *c = copy != NULL ? strtok_r(copy, ";", &save) : NULL;
	     rc == 0 && c != NULL; c = strtok_r(NULL, ";", &save))
		rc = pbstr_append(&a->n_partner_codes, &a->partner_codes, c);
	free(copy);
	return rc;
}

int
docimport_activity(struct docimport *d, struct docimport_scan *s, size_t line,
    const char *text, const struct docimport_fold *f)
{
	Hoptac__V1__Activity *a;
	char iso[DOCIMPORT_DATE_LEN], end[DOCIMPORT_DATE_LEN], *folded,
	    *codes = NULL;
	char *names = NULL;
	regmatch_t m[3];
	size_t at = 0, *lines, kind_at = 0;
	int kind = docimport_kind(f->s, &kind_at), rc = -1;
	void *grown;

	/* A total ("Số lượng đoàn ra: 02 đoàn"), a line that introduces
	 * details after its colon, a nil answer or a line without a date is
	 * no single activity. */
	if (kind == 0 || docimport_match(docimport_nil_re, f->s, NULL, 0) ||
	    docimport_match("so luong|tong so|tong cong|(0*[2-9]|[1-9][0-9]+) "
	                    "(doan|hoi nghi|hoi thao|ban ghi nho|thoa thuan|"
	                    "van kien)([ /,.;:]|$)|:$",
	        f->s, NULL, 0) ||
	    !docimport_date(f->s, &at, iso, end))
		return 0;
	if ((folded = text_fold(f->s)) == NULL ||
	    docimport_partners(folded, &codes, &names) != 0 ||
	    (a = malloc(sizeof(*a))) == NULL)
		goto out;
	hoptac__v1__activity__init(a);
	a->kind = (Hoptac__V1__ActivityKind)kind;
	if (docimport_match(
	        "([0-9]{1,4}) (nguoi|thanh vien|dong chi|can bo)", f->s, m, 3))
		a->people = atoi(f->s + m[1].rm_so);
	if (pbstr_set(&a->start_date, iso) != 0 ||
	    pbstr_set(&a->end_date, end) != 0 ||
	    (a->title = docimport_title(text, f->at[kind_at])) == NULL ||
	    pbstr_set(&a->summary, text) != 0 ||
	    (d->report->request_reference[0] != '\0' &&
	        pbstr_append(&a->n_document_refs, &a->document_refs,
	            d->report->request_reference) != 0))
		goto fail;
	/* The partners of the line, else the first the document named. */
	if (docimport_add_codes(a, codes[0] ? codes : s->partners_default) != 0)
		goto fail;
	if ((grown = realloc(d->activities,
	         (d->n_activities + 1) * sizeof(*d->activities))) == NULL)
		goto fail;
	d->activities = grown;
	if ((lines = realloc(d->activity_lines,
	         (d->n_activities + 1) * sizeof(*lines))) == NULL)
		goto fail;
	d->activity_lines = lines;
	d->activity_lines[d->n_activities] = line;
	d->activities[d->n_activities++] = a;
	rc = 0;
	goto out;
fail:
	hoptac__v1__activity__free_unpacked(a, NULL);
out:
	free(folded);
	free(codes);
	free(names);
	return rc;
}

/* Appends part to *field as a paragraph. */
static int
docimport_paragraph(char **field, const char *part)
{
	char *t;

	if (part[0] == '\0')
		return 0;
	if (asprintf(&t, "%s%s%s", *field, (*field)[0] ? "\n\n" : "", part) < 0)
		return -1;
	pbstr_take(field, t);
	return 0;
}

/* Figures the document does not state but its single activities
 * show: a conference described and no number of conferences given
 * counts one, with the people of the delegations when each states
 * them. Noted for the clerk. */
static int
docimport_count_activities(struct docimport *d, struct docimport_scan *s)
{
	static const struct {
		int kind;
		enum docimport_figure count, people;
	} kinds[] = {
	    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT,
	        DOCIMPORT_DELEGATIONS_OUT, DOCIMPORT_PEOPLE_OUT},
	    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN,
	        DOCIMPORT_DELEGATIONS_IN, DOCIMPORT_PEOPLE_IN},
	    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE,
	        DOCIMPORT_CONFERENCES, DOCIMPORT_FIGURES},
	    {HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT,
	        DOCIMPORT_AGREEMENTS, DOCIMPORT_FIGURES},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		long n = 0, people = 0;
		int all_people = 1;

		if (s->value[kinds[i].count] >= 0)
			continue;
		for (size_t k = 0; k < d->n_activities; k++)
			if ((int)d->activities[k]->kind == kinds[i].kind) {
				n++;
				people += d->activities[k]->people;
				all_people &= d->activities[k]->people > 0;
			}
		if (n == 0)
			continue;
		s->value[kinds[i].count] = n;
		if (docimport_note(&d->notes, 0,
		        "số liệu đếm từ hoạt động mô tả, văn bản không nêu số: "
		        "%s: %ld",
		        docimport_figure_key(kinds[i].count), n) != 0)
			return -1;
		if (kinds[i].people < DOCIMPORT_FIGURES && all_people &&
		    s->value[kinds[i].people] < 0) {
			s->value[kinds[i].people] = people;
			if (docimport_note(&d->notes, 0,
			        "số liệu đếm từ hoạt động mô tả: %s: %ld",
			        docimport_figure_key(kinds[i].people),
			        people) != 0)
				return -1;
		}
	}
	return 0;
}

/* Whether the report has results and each says only "Không." */
static int
docimport_all_bare(const Hoptac__V1__Report *r)
{
	int bare = r->n_results > 0;

	for (size_t i = 0; bare && i < r->n_results; i++) {
		char *f = text_fold(r->results[i]->text);

		bare = f != NULL &&
		    (strcmp(f, "khong") == 0 || strcmp(f, "khong co") == 0);
		free(f);
	}
	return bare;
}

/* A figure as declared: what the document stated, 0 when it did not
 * (once one is stated, the others count as 0). */
static int32_t
docimport_value(const struct docimport_scan *s, enum docimport_figure k)
{
	return s->value[k] > 0 && s->value[k] <= INT32_MAX
	    ? (int32_t)s->value[k]
	    : 0;
}

int
docimport_conclude(struct docimport *d, struct docimport_scan *s)
{
	Hoptac__V1__Report *r = d->report;
	int any = 0, positive = 0;

	if (docimport_count_activities(d, s) != 0)
		return -1;
	for (int k = 0; k < DOCIMPORT_FIGURES; k++) {
		any |= s->value[k] >= 0;
		positive |= s->value[k] > 0;
	}
	/* Every result answered "Không.": a nil answer too. */
	if (s->nil_line == 0 && s->bare_line != 0 && docimport_all_bare(r))
		s->nil_line = s->bare_line;
	if (s->nil_line != 0 && !positive && d->n_activities == 0) {
		/* A nil report has no results: what the document wrote under
		 * its headings stays, in the situation. */
		r->nil = 1;
		for (size_t i = 0; i < r->n_results; i++)
			if (docimport_paragraph(
			        &r->situation, r->results[i]->heading) != 0 ||
			    docimport_paragraph(
			        &r->situation, r->results[i]->text) != 0)
				return -1;
		for (size_t i = 0; i < r->n_results; i++)
			hoptac__v1__report_result__free_unpacked(
			    r->results[i], NULL);
		free(r->results);
		r->results = NULL;
		r->n_results = 0;
		return docimport_note(&d->notes, (size_t)s->nil_line,
		    "báo cáo không phát sinh (nil: có): không nêu số liệu nào "
		    "khác 0, không mô tả hoạt động nào");
	}
	if (!any)
		return 0;
	if ((r->declared = malloc(sizeof(*r->declared))) == NULL)
		return -1;
	hoptac__v1__figures__init(r->declared);
	r->declared->delegations_out =
	    docimport_value(s, DOCIMPORT_DELEGATIONS_OUT);
	r->declared->people_out = docimport_value(s, DOCIMPORT_PEOPLE_OUT);
	r->declared->delegations_in =
	    docimport_value(s, DOCIMPORT_DELEGATIONS_IN);
	r->declared->people_in = docimport_value(s, DOCIMPORT_PEOPLE_IN);
	r->declared->conferences = docimport_value(s, DOCIMPORT_CONFERENCES);
	r->declared->agreements = docimport_value(s, DOCIMPORT_AGREEMENTS);
	return 0;
}

void
docimport_scan_free(struct docimport_scan *s)
{
	for (size_t j = 0; j < s->n_table_header; j++)
		free(s->table_header[j]);
	free(s->table_header);
	free(s->partners_default);
	memset(s, 0, sizeof(*s));
}
