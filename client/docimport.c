/*
 * The document import's reading of structure: the front matter (issuing
 * body, number, place and date, title, the request answered), sections
 * I–V and their numbered sub-items, the closing, "Nơi nhận" and the
 * signing block, as Nghị định 30/2020/NĐ-CP lays a report out. Matching
 * is on folded text and on those patterns, not on any one document's
 * words. What a line states (figures, partners, dates, activities) is
 * read in docimport_figures.c.
 */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docimport_int.h"
#include "pbstr.h"
#include "text.h"

#include "docimport_ctx.h"

/* Which section a heading names, from its folded words. */
static enum docimport_section
docimport_classify(const char *folded)
{
	static const struct {
		const char *re;
		enum docimport_section sec;
	} names[] = {
	    {"^(dac diem|khai quat|tinh hinh chung|boi canh|thuc trang|"
	     "gioi thieu|quan he chung)",
	        SEC_SITUATION},
	    {"^danh gia", SEC_EVALUATION},
	    {"^(ton tai|han che|kho khan|khuyet diem|nhung ton tai|"
	     "nhung han che)",
	        SEC_LIMITATIONS},
	    {"^(nguyen nhan)", SEC_CAUSES},
	    {"^(phuong huong|nhiem vu|ke hoach|dinh huong|muc tieu)",
	        SEC_DIRECTIONS},
	    {"^(de xuat|kien nghi|de nghi)", SEC_PROPOSALS},
	    {"^(ket qua|tinh hinh|cong tac|hoat dong|quan he)", SEC_RESULTS},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (docimport_match(names[i].re, folded, NULL, 0))
			return names[i].sec;
	return SEC_NONE;
}

/* The longest paragraph made by joining lines that run on: a report
 * file's line holds 20,000 bytes (REPORT_FILE_LINE_MAX). */
#define DOCIMPORT_PARAGRAPH_MAX 16000

/* Appends line to *field: a new paragraph, a row under a row, or the
 * same paragraph when the last line ran on (a page break in a
 * sentence). */
static int
docimport_append(
    struct docimport_ctx *c, char **field, const char *line, int row)
{
	const char *sep = "\n\n";
	char *s;

	const char *last = strrchr(*field, '\n');

	if (**field == '\0')
		sep = "";
	else if (c->joins && !row &&
	    strlen(last != NULL ? last : *field) + strlen(line) <
	        DOCIMPORT_PARAGRAPH_MAX)
		sep = " ";
	else if (row && c->in_table)
		sep = "\n";
	if (asprintf(&s, "%s%s%s", *field, sep, line) < 0)
		return -1;
	pbstr_take(field, s);
	c->in_table = row;
	return 0;
}

/* Whether a text line runs on into the next: it ends with no
 * punctuation that closes a sentence or an item. */
int
docimport_runs_on(const char *line)
{
	size_t n = strlen(line);
	char last = n ? line[n - 1] : '.';

	return !(last == '.' || last == ':' || last == ';' || last == '!' ||
	    last == '?' || last == ')' || last == '"' ||
	    (n >= 3 && strcmp(line + n - 3, "\xe2\x80\x9d") == 0));
}

/* Whether a line starts a new item: a list mark or a number. */
static int
docimport_starts_item(const char *folded)
{
	return docimport_match(
	    "^([-+*•]|[0-9]+[.)]|[a-z][)]|\\()", folded, NULL, 0);
}

static int
docimport_add_result(struct docimport_ctx *c, const char *heading)
{
	Hoptac__V1__Report *r = c->d->report;
	Hoptac__V1__ReportResult *res = malloc(sizeof(*res));

	if (res == NULL)
		return -1;
	hoptac__v1__report_result__init(res);
	if (pbstr_set(&res->heading, heading) != 0 ||
	    pbstr_append_ptr(&r->n_results, (void ***)&r->results, res) != 0) {
		hoptac__v1__report_result__free_unpacked(res, NULL);
		return -1;
	}
	c->text = &res->text;
	c->sec = SEC_RESULTS;
	return 0;
}

/* The field a section's text goes to. */
static char **
docimport_field(struct docimport_ctx *c, enum docimport_section sec)
{
	Hoptac__V1__Report *r = c->d->report;

	switch (sec) {
	case SEC_SITUATION:
		return &r->situation;
	case SEC_LIMITATIONS:
		return &r->limitations;
	case SEC_CAUSES:
		return &r->causes;
	case SEC_DIRECTIONS:
		return &r->directions;
	case SEC_PROPOSALS:
		return &r->proposals;
	default:
		return NULL;
	}
}

/* The year a directions heading runs to: "… ĐẾN NĂM 2027", "giai đoạn
 * 2021-2025", "năm 2022." */
static void
docimport_directions_year(struct docimport_ctx *c, const char *folded)
{
	regmatch_t m[2];

	if (docimport_match("([12][0-9]{3})[ .:)]*$", folded, m, 2))
		c->d->report->directions_until = atoi(folded + m[1].rm_so);
}

static int docimport_text(
    struct docimport_ctx *c, size_t line, const char *text);

/*
 * Opens section sec under heading (the original words, number taken
 * off), with rest the text after its colon. A results group opens no
 * field until a sub-item or text comes.
 */
static int
docimport_open(struct docimport_ctx *c, enum docimport_section sec,
    const char *heading, const char *folded_heading, const char *rest,
    size_t line)
{
	c->joins = 0;
	c->in_table = 0;
	c->seen_section = 1;
	c->zone = ZONE_BODY;
	if (sec == SEC_RESULTS) {
		if (docimport_add_result(c, heading) != 0)
			return -1;
	} else if (sec == SEC_EVALUATION) {
		c->sec = SEC_EVALUATION;
		c->text = NULL;
	} else {
		c->sec = sec;
		c->text = docimport_field(c, sec);
		if (sec == SEC_DIRECTIONS)
			docimport_directions_year(c, folded_heading);
		/* A section given twice keeps its heading as a paragraph. */
		if (c->text != NULL && **c->text != '\0' &&
		    docimport_append(c, c->text, heading, 0) != 0)
			return -1;
	}
	if (docimport_note(&c->d->notes, line, "mục: %s", heading) != 0)
		return -1;
	if (rest != NULL && rest[0] != '\0')
		return docimport_text(c, line, rest);
	return 0;
}

/* A line that is a heading "IV. PHƯƠNG HƯỚNG …" or "2. Công tác …":
 * its number kind (1 Roman, 2 Arabic), value, and where its words
 * start in the folded line; 0 when it is not one. */
static int
docimport_heading(const char *folded, int *num, size_t *words)
{
	static const char *const romans[] = {
	    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"};
	regmatch_t m[5];

	/* "II. KẾT QUẢ", also "PHẦN II: KẾT QUẢ" */
	if (docimport_match(
	        "^(phan )?([ivx]{1,4})( *[.):]| -) *([^ ].*)$", folded, m, 5)) {
		size_t len = (size_t)(m[2].rm_eo - m[2].rm_so);

		for (int i = 0; i < 10; i++)
			if (strlen(romans[i]) == len &&
			    strncmp(folded + m[2].rm_so, romans[i], len) == 0) {
				*num = i + 1;
				*words = (size_t)m[4].rm_so;
				return 1;
			}
		return 0;
	}
	if (docimport_match("^([0-9]{1,2})[.)] *([^ 0-9].*)$", folded, m, 3)) {
		*num = atoi(folded);
		*words = (size_t)m[2].rm_so;
		return 2;
	}
	return 0;
}

/* Splits a heading line at its first colon: heading before (its final
 * ':' or '.' kept as written but the colon), text after. Both heap. */
static int
docimport_split(const char *orig, const struct docimport_fold *f, size_t words,
    char **heading, char **rest)
{
	const char *colon = strchr(f->s + words, ':');
	size_t end = colon != NULL && colon - f->s < 200
	    ? (size_t)(colon - f->s)
	    : f->len;

	*rest = NULL;
	if ((*heading = docimport_orig(orig, f, words, end)) == NULL)
		return -1;
	if (end < f->len &&
	    (*rest = docimport_orig(orig, f, end + 1, f->len)) == NULL) {
		free(*heading);
		return -1;
	}
	return 0;
}

/* Whether an Arabic heading opens a section (or result) rather than
 * being an item of a list in the text. */
static enum docimport_section
docimport_arabic_section(struct docimport_ctx *c, int num, const char *name)
{
	enum docimport_section sec = docimport_classify(name);

	if (c->roman) {
		if (num != c->last_sub + 1)
			return SEC_NONE;
		/* "2. Hạn chế", "3. Nguyên nhân" under the results too */
		if (c->group == SEC_RESULTS || c->group == SEC_EVALUATION)
			return sec == SEC_LIMITATIONS || sec == SEC_CAUSES
			    ? sec
			    : SEC_RESULTS;
		return SEC_NONE;
	}
	if (sec != SEC_NONE && sec != SEC_EVALUATION)
		return sec;
	return num == c->last_top + 1 ? SEC_RESULTS : SEC_NONE;
}

/* A line that may open a section: 1 when it did, 0 when it is not a
 * heading, -1 on error. */
static int
docimport_try_heading(struct docimport_ctx *c, size_t line, const char *text,
    const struct docimport_fold *f)
{
	char *heading = NULL, *rest = NULL, *fh = NULL;
	enum docimport_section sec;
	size_t words;
	int num, kind = docimport_heading(f->s, &num, &words), rc = -1;

	/* A heading without its number, in capitals ("KẾT QUẢ HỢP TÁC"),
	 * once the title and the request are behind. */
	if (kind == 0 &&
	    (c->zone == ZONE_BODY ||
	        c->d->report->request_reference[0] != '\0') &&
	    strlen(text) < 160 && docimport_is_upper(text) &&
	    docimport_classify(f->s) != SEC_NONE) {
		kind = 1;
		words = 0;
	}
	if (kind == 0)
		return 0;
	if (kind == 1) {
		if ((sec = docimport_classify(f->s + words)) == SEC_NONE)
			sec = SEC_RESULTS;
		/* "I. TÌNH HÌNH HỢP TÁC …" first: the situation. */
		if (sec == SEC_RESULTS && !c->seen_section &&
		    strncmp(f->s + words, "ket qua", 7) != 0)
			sec = SEC_SITUATION;
		c->roman = 1;
		c->group = sec;
		c->last_sub = 0;
	} else {
		sec = docimport_arabic_section(c, num, f->s + words);
		if (sec == SEC_NONE)
			return 0;
		*(c->roman ? &c->last_sub : &c->last_top) = num;
	}
	if (docimport_split(text, f, words, &heading, &rest) != 0)
		return -1;
	/* The heading's own folded words, for a year at their end. */
	if ((fh = strdup(f->s + words)) == NULL)
		goto out;
	if (strchr(fh, ':') != NULL)
		*strchr(fh, ':') = '\0';
	if (kind == 1 && sec == SEC_RESULTS) {
		/* A results group: its sub-items are the results; text before
		 * any goes under the group's own heading. */
		free(c->group_heading);
		c->group_heading = heading;
		heading = NULL;
		c->sec = SEC_RESULTS;
		c->text = NULL;
		c->seen_section = 1;
		c->zone = ZONE_BODY;
		rc = docimport_note(
		    &c->d->notes, line, "mục: %s", c->group_heading);
		if (rc == 0 && rest != NULL && rest[0] != '\0')
			rc = docimport_text(c, line, rest);
		goto out;
	}
	rc = docimport_open(c, sec, heading, fh, rest, line);
out:
	free(heading);
	free(rest);
	free(fh);
	return rc < 0 ? -1 : 1;
}

/* The cells of a table row joined for the text: "Đoàn ra | 02 | 10". */
static char *
docimport_row_text(const char *text)
{
	size_t n = 0;
	char *out;

	for (const char *p = text; *p; p++)
		n += *p == '\t' ? 3 : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	n = 0;
	for (const char *p = text; *p; p++)
		if (*p == '\t') {
			memcpy(out + n, " | ", 3);
			n += 3;
		} else
			out[n++] = *p;
	out[n] = '\0';
	return out;
}

/* A line of a section's text (or a table row): kept in its field, and
 * read for what it states. */
static int
docimport_text(struct docimport_ctx *c, size_t line, const char *text)
{
	struct docimport_fold f;
	int row = strchr(text, '\t') != NULL, rc = -1;
	char *kept = NULL;

	if (docimport_fold(text, &f) != 0)
		return -1;
	if (c->text == NULL && c->sec == SEC_RESULTS &&
	    docimport_add_result(c,
	        c->group_heading != NULL ? c->group_heading : "Kết quả") != 0)
		goto out;
	if (c->text == NULL && c->sec == SEC_EVALUATION)
		c->text = &c->d->report->limitations;
	if (docimport_mentions(c->d, &c->scan, line, &f) != 0)
		goto out;
	if ((c->sec == SEC_RESULTS || c->sec == SEC_APPENDIX) &&
	    docimport_figures(c->d, &c->scan, line, text, &f) != 0)
		goto out;
	if ((c->sec == SEC_RESULTS || c->sec == SEC_SITUATION ||
	        c->sec == SEC_APPENDIX) &&
	    docimport_activity(c->d, &c->scan, line, text, &f) != 0)
		goto out;
	if (c->sec == SEC_SITUATION)
		docimport_nil(&c->scan, line, &f);
	if (c->sec == SEC_RESULTS && c->scan.bare_line == 0 &&
	    docimport_match("^khong( co)?[ .;]*$", f.s, NULL, 0))
		c->scan.bare_line = (int)line;
	if (c->sec == SEC_APPENDIX) {
		rc = docimport_note(&c->d->notes, line, "phụ lục: %s", text);
		goto out;
	}
	if (docimport_starts_item(f.s))
		c->joins = 0;
	if ((kept = row ? docimport_row_text(text) : strdup(text)) == NULL ||
	    docimport_append(c, c->text, kept, row) != 0)
		goto out;
	c->joins = !row && docimport_runs_on(text);
	rc = 0;
out:
	free(kept);
	docimport_fold_free(&f);
	return rc;
}

/* Whether a body line is the closing ("Trên đây là báo cáo …", "… ./.")
 * or where the tail starts. */
static int
docimport_ends_body(const char *folded)
{
	return docimport_match("[.]/[.]$|^tren day la |^noi nhan|^(tm|kt|tl|"
	                       "tuq|ktl)[.] |^(pho )?(chu tich|giam doc|"
	                       "truong (ban|phong)|chanh van phong)$",
	    folded, NULL, 0);
}

/* One line of the document, cleaned: placed by zone. */
static int
docimport_line(struct docimport_ctx *c, size_t line, const char *text)
{
	struct docimport_fold f;
	int rc = 0;

	if (docimport_fold(text, &f) != 0)
		return -1;
	/* The cells of a row in the front or tail are lines of their own:
	 * the layout tables of the header and signing block. */
	if (strchr(text, '\t') != NULL &&
	    (c->zone != ZONE_BODY || c->sec == SEC_NONE)) {
		char *copy = strdup(text), *save = NULL;

		rc = copy == NULL ? -1 : 0;
		for (char *cell = copy ? strtok_r(copy, "\t", &save) : NULL;
		     rc == 0 && cell != NULL;
		     cell = strtok_r(NULL, "\t", &save))
			if (cell[strspn(cell, " ")] != '\0')
				rc = docimport_line(
				    c, line, cell + strspn(cell, " "));
		free(copy);
		goto out;
	}
	if (c->zone == ZONE_BODY && c->sec != SEC_APPENDIX &&
	    docimport_ends_body(f.s)) {
		c->zone = ZONE_RECIPIENTS;
		if (!docimport_match(
		        "^(noi nhan|tm|kt|tl|tuq|ktl|pho |chu tich|"
		        "giam doc|truong |chanh )",
		        f.s, NULL, 0)) {
			rc = docimport_note(
			    &c->d->notes, line, "kết thúc: %s", text);
			c->zone = ZONE_SIGNING;
			goto out;
		}
	}
	if (c->zone == ZONE_FRONT || c->zone == ZONE_BODY) {
		if ((rc = docimport_try_heading(c, line, text, &f)) != 0)
			goto out;
		if (c->zone == ZONE_FRONT)
			rc = docimport_front(c, line, text, &f);
		else
			rc = docimport_text(c, line, text);
		goto out;
	}
	rc = docimport_tail(c, line, text, &f);
out:
	docimport_fold_free(&f);
	return rc < 0 ? -1 : 0;
}

/* The line as its text: bold marks of a conversion ("**") taken off,
 * white space trimmed, in NFC. Heap. */
static char *
docimport_clean(const char *line)
{
	char *s = strdup(line), *o = s, *q, *nfc;

	if (s == NULL)
		return NULL;
	for (const char *p = line; *p; p++)
		if (p[0] == '*' && p[1] == '*')
			p++;
		else
			*o++ = *p;
	*o = '\0';
	for (o = s; *o; o++) /* a CR left by a file from Windows */
		if (*o == '\r')
			*o = ' ';
	/* Columns laid out with spaces (a text copy of the two columns of
	 * the heading or the signing block, a table typed with spaces):
	 * four spaces or more part cells, as a tab does. */
	for (o = s, q = s; *q != '\0';) {
		size_t run = strspn(q, " ");

		if (run >= 4 && o != s) {
			*o++ = '\t';
			q += run;
		} else if (run > 0) {
			memmove(o, q, run);
			o += run;
			q += run;
		} else
			*o++ = *q++;
	}
	*o = '\0';
	nfc = text_nfc(s);
	free(s);
	return nfc;
}

int
docimport_parse(const char *const *lines, size_t n, struct docimport *d)
{
	struct docimport_ctx c;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	memset(&c, 0, sizeof(c));
	c.d = d;
	for (int k = 0; k < DOCIMPORT_FIGURES; k++)
		c.scan.value[k] = -1;
	if ((d->report = malloc(sizeof(*d->report))) == NULL)
		return -1;
	hoptac__v1__report__init(d->report);
	for (size_t i = 0; i < n; i++) {
		char *text = docimport_clean(lines[i]);

		if (text == NULL)
			goto out;
		if (text[0] != '\0' && docimport_line(&c, i + 1, text) != 0) {
			free(text);
			goto out;
		}
		free(text);
	}
	if (c.issuer != NULL &&
	    docimport_note(&d->notes, c.issuer_line, "cơ quan ban hành: %s",
	        c.issuer) != 0)
		goto out;
	if (c.signer_title != NULL)
		pbstr_take(&d->report->signer_title, c.signer_title);
	c.signer_title = NULL;
	rc = docimport_conclude(d, &c.scan);
out:
	free(c.group_heading);
	free(c.signer_title);
	free(c.issuer);
	docimport_scan_free(&c.scan);
	if (rc != 0)
		docimport_free(d);
	return rc;
}

static void
docimport_notes_free(struct docimport_notes *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->items[i].text);
	free(n->items);
	memset(n, 0, sizeof(*n));
}

void
docimport_free(struct docimport *d)
{
	if (d->report != NULL)
		hoptac__v1__report__free_unpacked(d->report, NULL);
	docimport_notes_free(&d->notes);
	docimport_notes_free(&d->unplaced);
	for (size_t i = 0; i < d->n_activities; i++)
		hoptac__v1__activity__free_unpacked(d->activities[i], NULL);
	free(d->activities);
	free(d->activity_lines);
	memset(d, 0, sizeof(*d));
}
