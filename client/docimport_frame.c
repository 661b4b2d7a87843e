/*
 * The frame of a report document around its sections: the heading (the
 * issuing body, quốc hiệu, "Số:", place and date, "BÁO CÁO" and its
 * title, the request answered, the opening) and the foot ("Nơi nhận"
 * and its list, the signing block and the signer, an appendix).
 */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "docimport_ctx.h"
#include "pbstr.h"

int
docimport_join(char **s, const char *sep, const char *part)
{
	char *t;

	if (asprintf(&t, "%s%s%s", *s ? *s : "", *s ? sep : "", part) < 0)
		return -1;
	free(*s);
	*s = t;
	return 0;
}

/* The date of "Điện Biên, ngày tháng 8 năm 2021" (day left blank),
 * "…, ngày 10 tháng 5 năm 2024" or "…, ngày 10/5/2024", in ISO form. */
static int
docimport_signed_on(struct docimport_ctx *c, const char *folded)
{
	regmatch_t m[4];
	int day = 0, month = 0, year = 0;
	char iso[DATE_ISO_LEN + 16];
	struct date_partial dp;

	if (docimport_match("ngay *([0-9]{0,2}) *thang *([0-9]{0,2}) *nam *"
	                    "([0-9]{4})",
	        folded, m, 4) ||
	    docimport_match("ngay *([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]"
	                    "([0-9]{4})",
	        folded, m, 4)) {
		day = atoi(folded + m[1].rm_so);
		month = atoi(folded + m[2].rm_so);
		year = atoi(folded + m[3].rm_so);
	}
	if (year == 0)
		return 0;
	if (month == 0)
		snprintf(iso, sizeof(iso), "%04d", year);
	else if (day == 0)
		snprintf(iso, sizeof(iso), "%04d-%02d", year, month);
	else
		snprintf(iso, sizeof(iso), "%04d-%02d-%02d", year, month, day);
	if (date_parse(iso, &dp) != 0)
		return 0;
	return pbstr_set(&c->d->report->signed_on, iso);
}

/* The request answered: "Thực hiện Công văn số 558/SNgV-BGHTQT ngày …".
 * 1 when the line names one, 0 when not, -1 on error. */
static int
docimport_request(struct docimport_ctx *c, size_t line, const char *text,
    const struct docimport_fold *f)
{
	regmatch_t m[4];
	size_t at = 0;
	int found = 0;

	/* Every document a line cites, the one most likely answered kept:
	 * a công văn or văn bản over a plan or guidance, over a decision or
	 * directive (cited as grounds), one of the Sở Ngoại vụ above all. */
	while (docimport_match("(cong van|van ban|cv|ke hoach|huong dan|"
	                       "thong bao|cong dien|chi thi|quyet dinh|"
	                       "to trinh)( so)? *:? *([0-9]+/[^ ,;]+)",
	    f->s + at, m, 4)) {
		const char *kind = f->s + at + m[1].rm_so;
		size_t from = at + (size_t)m[3].rm_so,
		       end = at + (size_t)m[3].rm_eo;
		int score = 1 +
		    (strncmp(kind, "cong van", 8) == 0 ||
		        strncmp(kind, "van ban", 7) == 0 ||
		        strncmp(kind, "cv", 2) == 0) -
		    (strncmp(kind, "quyet", 5) == 0 ||
		        strncmp(kind, "chi", 3) == 0 ||
		        strncmp(kind, "to", 2) == 0);
		char *ref;

		while (end > from && f->s[end - 1] == '.')
			end--;
		if (strncmp(f->s + from + strcspn(f->s + from, "/") + 1, "sngv",
		        4) == 0)
			score += 2;
		if (c->d->report->request_reference[0] == '\0' ||
		    score > c->request_score) {
			if ((ref = docimport_orig(text, f, from, end)) == NULL)
				return -1;
			pbstr_take(&c->d->report->request_reference, ref);
			c->request_score = score;
		}
		at = end;
		found = 1;
	}
	if (!found)
		return 0;
	c->front_runs = docimport_runs_on(text);
	return docimport_note(&c->d->notes, line, "căn cứ: %s", text) == 0 ? 1
	                                                                   : -1;
}

/* A line before the first section: the issuing body, the number, place
 * and date, "BÁO CÁO" and its title, the request and the opening. */
int
docimport_front(struct docimport_ctx *c, size_t line, const char *text,
    const struct docimport_fold *f)
{
	Hoptac__V1__Report *r = c->d->report;
	struct docimport_notes *notes = &c->d->notes;
	regmatch_t m[3];
	int rc;

	if (docimport_match("^(cong hoa xa hoi chu nghia viet nam|doc lap *- *"
	                    "tu do)",
	        f->s, NULL, 0))
		return docimport_note(notes, line, "quốc hiệu: %s", text);
	if (docimport_match("^so *: *(.*)$|^so +[0-9]*/", f->s, m, 2)) {
		char *num = docimport_orig(text, f,
		         (size_t)(m[1].rm_so >= 0 ? m[1].rm_so : 2), f->len),
		     *o = num;

		if (num == NULL)
			return -1;
		/* "15 /BC-UBND": no spaces around the slash; the number
		 * ends at the first space after it. */
		for (char *p = num; *p != '\0'; p++) {
			char *next = p + strspn(p, " ");

			if (*p != ' ')
				*o++ = *p;
			else if (!(o > num && o[-1] == '/') && *next != '/')
				break;
		}
		*o = '\0';
		pbstr_take(&r->document_number, num);
		c->seen_number = 1;
		return docimport_note(notes, line, "số, ký hiệu: %s", text);
	}
	if (docimport_match("^([^,]{2,60}), *ngay", f->s, m, 2)) {
		char *place = docimport_orig(text, f, 0, (size_t)m[1].rm_eo);

		if (place == NULL)
			return -1;
		pbstr_take(&r->place, place);
		if (docimport_signed_on(c, f->s) != 0)
			return -1;
		return docimport_note(notes, line, "địa danh, ngày: %s", text);
	}
	/* "BÁO CÁO", or its title on the same line */
	if (!c->seen_title &&
	    docimport_match("^bao cao([ .:]|$)", f->s, NULL, 0)) {
		c->seen_title = 1;
		return docimport_note(notes, line, "tên loại: %s", text);
	}
	if ((rc = docimport_request(c, line, text, f)) != 0)
		return rc < 0 ? -1 : 0;
	if (docimport_match("^(v/v|ve viec)", f->s, NULL, 0))
		return docimport_note(notes, line, "trích yếu: %s", text);
	if (docimport_match("^kinh gui", f->s, NULL, 0))
		return docimport_note(notes, line, "kính gửi: %s", text);
	if (!c->seen_title && !c->seen_number && docimport_is_upper(text)) {
		if (c->issuer_line == 0)
			c->issuer_line = line;
		return docimport_join(&c->issuer, " ", text);
	}
	if (c->seen_title && c->title_lines < 3 &&
	    r->request_reference[0] == '\0' &&
	    !docimport_match("(bao cao|nhu sau|:$)", f->s, NULL, 0)) {
		c->title_lines++;
		return docimport_note(notes, line, "trích yếu: %s", text);
	}
	if (c->seen_title &&
	    (c->front_runs ||
	        docimport_match("(bao cao|nhu sau|thuc hien|can cu|tong hop)",
	            f->s, NULL, 0))) {
		c->front_runs = docimport_runs_on(text);
		return docimport_note(notes, line, "mở đầu: %s", text);
	}
	return docimport_note(&c->d->unplaced, line, "%s", text);
}

/* Whether an upper-case line of the signing block is a title or an
 * office ("KT. CHỦ TỊCH", "ỦY BAN NHÂN DÂN") rather than a name. */
static int
docimport_title_words(const char *folded)
{
	return docimport_match("^(tm|kt|tl|tuq|ktl|q)[.] |chu tich|giam doc|"
	                       "truong|pho |uy ban|hoi dong|^so |^ban |chanh|"
	                       "thu tuong|bi thu|cuc |vien|uy vien|"
	                       "thuong truc|quyen",
	    folded, NULL, 0);
}

/* A line after the closing: "Nơi nhận" and its list, the signing block,
 * the signer's name, an appendix. */
int
docimport_tail(struct docimport_ctx *c, size_t line, const char *text,
    const struct docimport_fold *f)
{
	Hoptac__V1__Report *r = c->d->report;
	regmatch_t m[2];

	if (docimport_match("^noi nhan *:? *(.*)$", f->s, m, 2)) {
		c->zone = ZONE_RECIPIENTS;
		c->recipients_open = 1;
		if (m[1].rm_so < m[1].rm_eo) {
			/* "Nơi nhận: - Sở Ngoại vụ;" on one line: the rest
			 * read as a line of its own, folded anew. */
			char *rest =
			    docimport_orig(text, f, (size_t)m[1].rm_so, f->len);
			struct docimport_fold rf;
			int rc = -1;

			if (rest != NULL && docimport_fold(rest, &rf) == 0) {
				rc = docimport_tail(c, line, rest, &rf);
				docimport_fold_free(&rf);
			}
			free(rest);
			return rc;
		}
		return 0;
	}
	/* A list line after "Nơi nhận": a recipient, also when the
	 * signing block beside the list came first. */
	if ((c->zone == ZONE_RECIPIENTS || c->recipients_open) &&
	    docimport_match("^[-+*•] *[^ ]", f->s, NULL, 0)) {
		char *item = strdup(text + (text[0] == '\xe2' ? 3 : 1)), *e;
		int rc;

		if (item == NULL)
			return -1;
		e = item + strlen(item);
		while (e > item && strchr(" ;.,", e[-1]) != NULL)
			*--e = '\0';
		rc = pbstr_append(
		    &r->n_recipients, &r->recipients, item + strspn(item, " "));
		free(item);
		return rc;
	}
	if (docimport_match("^[(\\[] *(da )?ky", f->s, NULL, 0))
		return docimport_note(&c->d->notes, line, "chữ ký: %s", text);
	if (docimport_match("^phu luc", f->s, NULL, 0)) {
		c->zone = ZONE_BODY;
		c->sec = SEC_APPENDIX;
		return docimport_note(&c->d->notes, line, "phụ lục: %s", text);
	}
	/* A title is a few short lines: more is no signing block. */
	if (c->zone != ZONE_AFTER && r->signer[0] == '\0' &&
	    (c->signer_title == NULL ? 0 : strlen(c->signer_title)) +
	            strlen(text) <
	        400 &&
	    (docimport_match("^(tm|kt|tl|tuq|ktl|q)[.] ", f->s, NULL, 0) ||
	        (docimport_is_upper(text) && docimport_title_words(f->s)))) {
		c->zone = ZONE_SIGNING;
		return docimport_join(&c->signer_title, " / ", text);
	}
	if (c->zone == ZONE_SIGNING && r->signer[0] == '\0' &&
	    strlen(text) < 80) {
		c->zone = ZONE_AFTER;
		return pbstr_set(&r->signer, text);
	}
	return docimport_note(&c->d->unplaced, line, "%s", text);
}
