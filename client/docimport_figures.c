/*
 * What a line of a report document states: the declared figures ("Số
 * lượng đoàn ra: 02 đoàn/10 người", "tham gia 01 Hội nghị", "ký kết 01
 * bản ghi nhớ", or a table of them), a nil answer ("không phát sinh"),
 * the partners and dates it names, and a single activity it describes,
 * proposed for the clerk to confirm.
 */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docimport_int.h"
#include "gazetteer.h"
#include "pbstr.h"
#include "text.h"

const char *
docimport_figure_key(enum docimport_figure k)
{
	static const char *const keys[] = {"delegations_out", "people_out",
	    "delegations_in", "people_in", "conferences", "agreements"};

	return k < DOCIMPORT_FIGURES ? keys[k] : "";
}

/* The words of a folded line: runs of letters and digits. */
#define DOCIMPORT_WORDS_MAX 512

struct docimport_words {
	size_t n;
	size_t at[DOCIMPORT_WORDS_MAX], len[DOCIMPORT_WORDS_MAX];
	const char *s;
};

static void
docimport_words(const char *s, struct docimport_words *w)
{
	size_t i = 0;

	w->n = 0;
	w->s = s;
	while (s[i] != '\0' && w->n < DOCIMPORT_WORDS_MAX) {
		size_t j = i;

		while ((s[j] >= 'a' && s[j] <= 'z') ||
		    (s[j] >= '0' && s[j] <= '9'))
			j++;
		if (j > i) {
			w->at[w->n] = i;
			w->len[w->n++] = j - i;
			i = j;
		} else
			i++;
	}
}

/* Whether word i is one of the words in list ("a|b|c"). */
static int
docimport_is(const struct docimport_words *w, size_t i, const char *list)
{
	size_t len;

	if (i >= w->n)
		return 0;
	for (const char *p = list; *p; p += len + (p[len] == '|')) {
		len = strcspn(p, "|");
		if (len == w->len[i] && strncmp(w->s + w->at[i], p, len) == 0)
			return 1;
	}
	return 0;
}

static long
docimport_word_number(const struct docimport_words *w, size_t i)
{
	return i < w->n ? docimport_number(w->s + w->at[i], w->len[i]) : -1;
}

/* Takes figure k = v from line unless a figure was taken before; a
 * different value later is noted for the clerk. */
static int
docimport_take(struct docimport *d, struct docimport_scan *s,
    enum docimport_figure k, long v, size_t line, const char *text)
{
	if (s->value[k] < 0) {
		s->value[k] = v;
		s->line[k] = line;
		return docimport_note(&d->notes, line, "số liệu: %s: %ld (%s)",
		    docimport_figure_key(k), v, text);
	}
	if (s->value[k] != v)
		return docimport_note(&d->notes, line,
		    "số liệu khác: %s: %ld, đã lấy %ld ở dòng %zu (%s)",
		    docimport_figure_key(k), v, s->value[k], s->line[k], text);
	return 0;
}

/* Which way the delegations counted by number i, word d "đoàn", go: 1
 * out, 2 in, 0 not said. "02 đoàn ra", "đoàn vào: 02 đoàn", "cử 01
 * đoàn", "đón tiếp 03 đoàn", "02 đoàn công tác sang Lào", "02 đoàn của
 * tỉnh bạn sang thăm". The nearest word that tells wins. */
static int
docimport_direction(const struct docimport_words *w, size_t i, size_t d)
{
	int partner = 0;

	if (docimport_is(w, d + 1, "ra|di"))
		return 1;
	if (docimport_is(w, d + 1, "vao|den"))
		return 2;
	if (docimport_is(w, i - 1, "tiep"))
		return 2;
	for (size_t j = i; j-- > 0;) {
		if (docimport_is(w, j, "ra|di") &&
		    docimport_is(w, j - 1, "doan"))
			return 1;
		if (docimport_is(w, j, "cu|xuat"))
			return 1;
		if (docimport_is(w, j, "vao|den") &&
		    docimport_is(w, j - 1, "doan"))
			return 2;
		/* "đơn vị" folds as "don vi": no welcome */
		if ((docimport_is(w, j, "don") &&
		        !docimport_is(w, j + 1, "vi|gia|thu")) ||
		    docimport_is(w, j, "nhap"))
			return 2;
	}
	for (size_t j = d + 1; j < w->n && j < d + 10; j++) {
		if (docimport_is(w, j, "ban") ||
		    (docimport_is(w, j, "lao") &&
		        !docimport_is(w, j - 1, "sang")))
			partner = 1;
		if (docimport_is(w, j, "sang"))
			return partner ? 2 : 1;
	}
	return 0;
}

/* The figures of a sentence, read word by word. */
static int
docimport_sentence(struct docimport *d, struct docimport_scan *s, size_t line,
    const char *text, const char *folded)
{
	struct docimport_words w;

	docimport_words(folded, &w);
	for (size_t i = 0; i < w.n; i++) {
		long v = docimport_word_number(&w, i);
		const char *after = folded + w.at[i] + w.len[i];
		size_t dw;
		int dir;

		/* A date or a number of a reference is no figure. */
		if (v < 0 ||
		    docimport_is(&w, i - 1, "nam|thang|ngay|thu|lan") ||
		    ((after[0] == '/' || after[0] == '.' || after[0] == '-') &&
		        after[1] >= '0' && after[1] <= '9'))
			continue;
		/* "03 đoàn", "03 lượt đoàn" */
		dw = i + 1 + docimport_is(&w, i + 1, "luot");
		if (docimport_is(&w, dw, "doan") &&
		    !docimport_is(&w, dw + 1, "vien|ket|the|thanh")) {
			if ((dir = docimport_direction(&w, i, dw)) == 0) {
				if (docimport_note(&d->notes, line,
				        "số đoàn chưa rõ đoàn ra hay đoàn vào: "
				        "%s",
				        text) != 0)
					return -1;
				continue;
			}
			if (docimport_take(d, s,
			        dir == 1 ? DOCIMPORT_DELEGATIONS_OUT
			                 : DOCIMPORT_DELEGATIONS_IN,
			        v, line, text) != 0)
				return -1;
			for (size_t j = dw + 1; j < w.n && j < dw + 8; j++) {
				long p = docimport_word_number(&w, j);

				if (docimport_is(&w, j, "doan"))
					break;
				if (p >= 0 &&
				    docimport_is(&w, j + 1,
				        "nguoi|thanh|dong|can|luot")) {
					if (docimport_take(d, s,
					        dir == 1 ? DOCIMPORT_PEOPLE_OUT
					                 : DOCIMPORT_PEOPLE_IN,
					        p, line, text) != 0)
						return -1;
					break;
				}
			}
		} else if ((docimport_is(&w, i + 1, "hoi") &&
		               docimport_is(&w, i + 2, "nghi|thao|dam")) ||
		    (docimport_is(&w, i + 1, "cuoc") &&
		        docimport_is(&w, i + 2, "hoi"))) {
			if (docimport_take(d, s, DOCIMPORT_CONFERENCES, v, line,
			        text) != 0)
				return -1;
			/* "01 Hội nghị và ký kết thỏa thuận": the number
			 * counts the agreement signed at it as well. */
			for (size_t j = i + 3; j < w.n && j < i + 8; j++)
				if (docimport_is(&w, j, "ky") &&
				    docimport_is(&w, j + 1, "ket") &&
				    docimport_word_number(&w, j + 2) < 0 &&
				    docimport_is(
				        &w, j + 2, "thoa|ban|van|bien|hiep")) {
					if (docimport_take(d, s,
					        DOCIMPORT_AGREEMENTS, v, line,
					        text) != 0)
						return -1;
					break;
				}
		} else if ((docimport_is(&w, i + 1, "ban") &&
		               docimport_is(&w, i + 2, "ghi|thoa")) ||
		    (docimport_is(&w, i + 1, "thoa") &&
		        docimport_is(&w, i + 2, "thuan")) ||
		    (docimport_is(&w, i + 1, "van") &&
		        docimport_is(&w, i + 2, "kien|ban")) ||
		    (docimport_is(&w, i + 1, "bien") &&
		        docimport_is(&w, i + 2, "ban")) ||
		    (docimport_is(&w, i + 1, "hiep") &&
		        docimport_is(&w, i + 2, "dinh"))) {
			if (docimport_take(
			        d, s, DOCIMPORT_AGREEMENTS, v, line, text) != 0)
				return -1;
		}
	}
	return 0;
}

/* Whether the words between a label and its number make the number the
 * label's: nothing but spaces ("đoàn ra 02"), or words ending in a colon
 * ("Số đoàn ra: 02"), none of them of a date or an ordinal ("đoàn vào
 * tháng 3: 01", "lần 2"); "đoàn vào với 18 người" is no count. */
static int
docimport_label_gap(const char *gap, size_t len)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*s", (int)(len < 63 ? len : 63), gap);
	return docimport_match("^ *$", buf, NULL, 0) ||
	    (docimport_match(": *$", buf, NULL, 0) &&
	        !docimport_match(
	            "(thang|ngay|nam|lan|thu|quy|dot)", buf, NULL, 0));
}

/* Figures given as a label and its number, without the unit after the
 * number: "Số đoàn ra: 02, số người: 15", "Đoàn vào: 01 (09 người)",
 * "Hội nghị, hội thảo: 02", "Thỏa thuận đã ký: 01". */
static int
docimport_labelled(struct docimport *d, struct docimport_scan *s, size_t line,
    const char *text, const char *folded)
{
	static const struct {
		const char *re;
		enum docimport_figure k;
	} labels[] = {
	    {"doan (ra|di)([^0-9;]{0,12})([0-9]{1,3})([^0-9/]|$)",
	        DOCIMPORT_DELEGATIONS_OUT},
	    {"doan (vao|den)([^0-9;]{0,12})([0-9]{1,3})([^0-9/]|$)",
	        DOCIMPORT_DELEGATIONS_IN},
	    {"(hoi nghi|hoi thao)([^0-9;]{0,24}: *)([0-9]{1,3})([^0-9/]|$)",
	        DOCIMPORT_CONFERENCES},
	    {"(thoa thuan|ban ghi nho|van kien)([^0-9;]{0,24}: *)([0-9]{1,3})"
	     "([^0-9/]|$)",
	        DOCIMPORT_AGREEMENTS},
	};
	regmatch_t m[5], p[2];

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		const char *rest;

		if (!docimport_match(labels[i].re, folded, m, 5) ||
		    !docimport_label_gap(
		        folded + m[2].rm_so, (size_t)(m[2].rm_eo - m[2].rm_so)))
			continue;
		if (docimport_take(d, s, labels[i].k, atol(folded + m[3].rm_so),
		        line, text) != 0)
			return -1;
		if (labels[i].k != DOCIMPORT_DELEGATIONS_OUT &&
		    labels[i].k != DOCIMPORT_DELEGATIONS_IN)
			continue;
		/* The people: "số người: 15", "(09 người)", up to the next
		 * clause. */
		rest = folded + m[3].rm_eo;
		if ((docimport_match(
		         "^[^;]{0,30}nguoi *:? *([0-9]{1,4})", rest, p, 2) ||
		        docimport_match(
		            "^[^;]{0,30}[^0-9]([0-9]{1,4}) (luot )?nguoi", rest,
		            p, 2)) &&
		    docimport_take(d, s,
		        (enum docimport_figure)(labels[i].k + 1),
		        atol(rest + p[1].rm_so), line, text) != 0)
			return -1;
	}
	return 0;
}

/* What a table cell's heading or a row's label counts: a figure, or
 * -1. people: 1 when it counts people. */
static int
docimport_cell_kind(const char *folded, int *people)
{
	*people = docimport_match("nguoi|thanh vien", folded, NULL, 0);
	if (docimport_match("doan ra|doan di|ra nuoc ngoai", folded, NULL, 0))
		return *people ? DOCIMPORT_PEOPLE_OUT
		               : DOCIMPORT_DELEGATIONS_OUT;
	if (docimport_match(
	        "doan vao|doan den|don tiep|tiep don", folded, NULL, 0))
		return *people ? DOCIMPORT_PEOPLE_IN : DOCIMPORT_DELEGATIONS_IN;
	if (docimport_match("hoi nghi|hoi thao|hoi dam", folded, NULL, 0))
		return DOCIMPORT_CONFERENCES;
	if (docimport_match("thoa thuan|ghi nho|van kien|ky ket|hiep dinh",
	        folded, NULL, 0))
		return DOCIMPORT_AGREEMENTS;
	return -1;
}

/* A cell that holds only a number: its value, else -1. */
static long
docimport_cell_number(const char *folded)
{
	size_t a = strspn(folded, " "), n = strcspn(folded + a, " ");

	return folded[a + n + strspn(folded + a + n, " ")] == '\0'
	    ? docimport_number(folded + a, n)
	    : -1;
}

/* A table row, cells separated by tabs: a header (no number in it) is
 * kept for the rows under it; a row is read by its label ("Đoàn ra | 02
 * | 10" under "Nội dung | Số đoàn | Số người") or by the headings of its
 * columns ("02 | 10 | 01" under "Đoàn ra | Số người | Hội nghị"). */
static int
docimport_row(struct docimport *d, struct docimport_scan *s, size_t line,
    const char *text, const char *folded)
{
	char *copy = strdup(folded), *save = NULL, *cells[32];
	size_t n = 0, numbers = 0;
	int label = -1, people, rc = 0;

	if (copy == NULL)
		return -1;
	for (char *c = strtok_r(copy, "\t", &save); c != NULL && n < 32;
	     c = strtok_r(NULL, "\t", &save))
		cells[n++] = c;
	for (size_t j = 0; j < n; j++)
		numbers += docimport_cell_number(cells[j]) >= 0;
	if (numbers == 0) {
		for (size_t j = 0; j < s->n_table_header; j++)
			free(s->table_header[j]);
		free(s->table_header);
		s->n_table_header = 0;
		if ((s->table_header = calloc(n > 0 ? n : 1, sizeof(char *))) ==
		    NULL)
			rc = -1;
		for (size_t j = 0; rc == 0 && j < n; j++)
			if ((s->table_header[s->n_table_header++] =
			            strdup(cells[j])) == NULL)
				rc = -1;
		free(copy);
		return rc;
	}
	for (size_t j = 0; j < n && label < 0; j++)
		if (docimport_cell_number(cells[j]) < 0 &&
		    strlen(cells[j]) < 60)
			label = docimport_cell_kind(cells[j], &people);
	for (size_t j = 0, counted = 0; rc == 0 && j < n; j++) {
		const char *h = j < s->n_table_header ? s->table_header[j] : "";
		long v = docimport_cell_number(cells[j]);
		int k = -1, hp;

		if (v < 0 ||
		    docimport_match("^ *(s[ot]+|so tt|tt) *$", h, NULL, 0))
			continue;
		if (label >= 0) {
			hp = docimport_match("nguoi|thanh vien", h, NULL, 0) ||
			    (h[0] == '\0' && counted == 1);
			k = label;
			if (hp && label == DOCIMPORT_DELEGATIONS_OUT)
				k = DOCIMPORT_PEOPLE_OUT;
			else if (hp && label == DOCIMPORT_DELEGATIONS_IN)
				k = DOCIMPORT_PEOPLE_IN;
			else if (hp)
				k = -1;
		} else if ((k = docimport_cell_kind(h, &hp)) < 0 && hp &&
		    j > 0 && j - 1 < s->n_table_header) {
			/* "Số người" after "Đoàn ra": that column's people. */
			k = docimport_cell_kind(s->table_header[j - 1], &hp);
			k = k == DOCIMPORT_DELEGATIONS_OUT
			    ? DOCIMPORT_PEOPLE_OUT
			    : k == DOCIMPORT_DELEGATIONS_IN
			    ? DOCIMPORT_PEOPLE_IN
			    : -1;
		}
		counted++;
		if (k >= 0)
			rc = docimport_take(
			    d, s, (enum docimport_figure)k, v, line, text);
	}
	free(copy);
	return rc;
}

/* The nil answers: nothing happened, said in the ways offices say it. */
const char docimport_nil_re[] =
    "(khong|chua) (phat sinh|co hoat dong|co doan|don tiep|to chuc|"
    "tham gia|cu doan|co hop tac|trien khai|co ket qua|co chuong trinh)";

void
docimport_nil(
    struct docimport_scan *s, size_t line, const struct docimport_fold *f)
{
	if (s->nil_line == 0 &&
	    docimport_match(docimport_nil_re, f->s, NULL, 0))
		s->nil_line = (int)line;
}

int
docimport_figures(struct docimport *d, struct docimport_scan *s, size_t line,
    const char *text, const struct docimport_fold *f)
{
	docimport_nil(s, line, f);
	if (strchr(f->s, '\t') != NULL &&
	    docimport_row(d, s, line, text, f->s) != 0)
		return -1;
	if (docimport_sentence(d, s, line, text, f->s) != 0)
		return -1;
	return docimport_labelled(d, s, line, text, f->s);
}
