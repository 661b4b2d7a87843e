/*
 * The frame of the consolidated report as Nghị định 30/2020/NĐ-CP lays
 * out an administrative document: the heading block (the agency above
 * the department and the department, the number and sign, the national
 * name and motto, the place and date) and the signature block (Nơi nhận
 * and the signer), filled from what the department gives
 * (struct render_layout) or from the request, else left to fill in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>

#include "date.h"
#include "render.h"
#include "render_frame.h"

/* Room to write a number in by hand: non-breaking spaces, which no
 * format collapses. */
#define RENDER_FRAME_BLANK "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"
#define RENDER_FRAME_LINES 16
#define RENDER_FRAME_LEN   512

/* s in capitals, as the heading block writes an agency's name.
 * malloc'd; NULL when out of memory. */
static char *
render_frame_upper(const char *s)
{
	size_t len = 0;
	uint8_t *u;
	char *out;

	if (render_empty(s))
		return strdup("");
	u = u8_toupper(
	    (const uint8_t *)s, strlen(s), NULL, UNINORM_NFC, NULL, &len);
	if (u == NULL)
		return errno == ENOMEM ? NULL : strdup(s);
	out = realloc(u, len + 1);
	if (out == NULL) {
		free(u);
		return NULL;
	}
	out[len] = '\0';
	return out;
}

/* Where the province in the department's name starts: the last " tỉnh "
 * or " thành phố " (*word set to it). NULL when the name says none. */
static const char *
render_frame_province(const char *issuer, const char **word)
{
	static const char *const words[] = {" tỉnh ", " thành phố "};
	const char *found = NULL;

	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		const char *p = issuer, *hit;

		while ((hit = strstr(p, words[w])) != NULL) {
			p = hit + 1;
			if (found == NULL || hit > found) {
				found = hit;
				*word = words[w];
			}
		}
	}
	if (found != NULL && found[strlen(*word)] == '\0')
		return NULL;
	return found;
}

const char *
render_frame_place(const struct render_doc *d)
{
	const char *issuer = render_issuer(d->c), *word = NULL;
	const char *at = render_frame_province(issuer, &word);

	if (d->layout != NULL && !render_empty(d->layout->place))
		return d->layout->place;
	return at != NULL ? at + strlen(word) : NULL;
}

/* Whether the department is itself a people's committee, which has no
 * agency above it in the heading block. */
static int
render_frame_is_committee(const char *issuer)
{
	return strncmp(issuer, "UBND", 4) == 0 ||
	    strncmp(issuer, "Ủy ban", strlen("Ủy ban")) == 0 ||
	    strncmp(issuer, "Uỷ ban", strlen("Uỷ ban")) == 0;
}

void
render_frame_superior(const struct render_doc *d, char *buf, size_t len)
{
	const char *issuer = render_issuer(d->c), *word = NULL, *at;

	buf[0] = '\0';
	if (d->layout != NULL && d->layout->superior != NULL) {
		snprintf(buf, len, "%s", d->layout->superior);
		return;
	}
	at = render_frame_province(issuer, &word);
	if (at != NULL && !render_frame_is_committee(issuer))
		snprintf(buf, len, "UBND%s", at);
}

void
render_frame_number(const struct render_doc *d, char *buf, size_t len)
{
	const char *ref = d->c->request != NULL ? d->c->request->reference : "";
	const char *slash = strchr(ref, '/');
	const char *num = d->layout != NULL && !render_empty(d->layout->number)
	    ? d->layout->number
	    : RENDER_FRAME_BLANK;
	int sign_len = slash != NULL ? (int)strcspn(slash + 1, "-/ ") : 0;

	if (sign_len > 0)
		snprintf(buf, len, "%s/BC-%.*s", num, sign_len, slash + 1);
	else
		snprintf(buf, len, "%s/BC", num);
}

void
render_frame_date(const struct render_doc *d, char *buf, size_t len)
{
	struct date_partial t;

	if (d->layout != NULL && d->layout->date != NULL &&
	    date_parse(d->layout->date, &t) == 0 && t.day != 0)
		snprintf(buf, len, "ngày %02d tháng %s%d năm %d", t.day,
		    t.month <= 2 ? "0" : "", t.month, t.year);
	else
		snprintf(buf, len, "ngày … tháng … năm …");
}

int
render_frame_heading(struct render_doc *d)
{
	const char *issuer = render_issuer(d->c), *word = NULL, *place;
	const char *at = render_frame_province(issuer, &word);
	char superior[RENDER_FRAME_LEN], number[RENDER_FRAME_LEN];
	char date[RENDER_DATE_LEN], where[RENDER_FRAME_LEN];
	char no[RENDER_FRAME_LEN + 16];
	char *name, *upper, *upper_superior = NULL;
	struct render_doc_line left[3], right[3];
	size_t n_left = 0;

	render_frame_superior(d, superior, sizeof(superior));
	/* Under its superior, the department is named without the province
	 * the superior names: "SỞ NGOẠI VỤ" under "UBND TỈNH KON TUM". */
	name = superior[0] != '\0' && at != NULL
	    ? strndup(issuer, (size_t)(at - issuer))
	    : strdup(issuer);
	upper = name != NULL ? render_frame_upper(name) : NULL;
	free(name);
	if (upper == NULL)
		return -1;
	if (superior[0] != '\0' &&
	    (upper_superior = render_frame_upper(superior)) == NULL) {
		free(upper);
		return -1;
	}
	render_frame_number(d, number, sizeof(number));
	render_frame_date(d, date, sizeof(date));
	place = render_frame_place(d);
	snprintf(
	    where, sizeof(where), "%s, %s", place != NULL ? place : "……", date);
	snprintf(no, sizeof(no), "Số: %s", number);
	if (upper_superior != NULL)
		left[n_left++] = (struct render_doc_line) {
		    upper_superior, RENDER_LINE_SMALL};
	left[n_left++] = (struct render_doc_line) {
	    upper, RENDER_LINE_BOLD | RENDER_LINE_RULE | RENDER_LINE_SMALL};
	if (upper_superior == NULL)
		left[n_left++] = (struct render_doc_line) {NULL, 0};
	left[n_left++] = (struct render_doc_line) {no, 0};
	right[0] =
	    (struct render_doc_line) {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	        RENDER_LINE_BOLD | RENDER_LINE_SMALL};
	right[1] = (struct render_doc_line) {
	    "Độc lập - Tự do - Hạnh phúc", RENDER_LINE_BOLD | RENDER_LINE_RULE};
	right[2] = (struct render_doc_line) {where, RENDER_LINE_ITALIC};
	render_doc_columns(d, "heading", left, n_left, right, 3);
	free(upper);
	free(upper_superior);
	return 0;
}

/* "Lưu: VT, BGHTQT.": the archive, and the division that drafted the
 * request, after the sign in its reference. */
static void
render_frame_archive(const struct render_doc *d, char *buf, size_t len)
{
	const char *ref = d->c->request != NULL ? d->c->request->reference : "";
	const char *dash = strchr(ref, '-');

	if (dash != NULL && dash[1] != '\0' && strchr(ref, '/') < dash)
		snprintf(buf, len, "- Lưu: VT, %s.", dash + 1);
	else
		snprintf(buf, len, "- Lưu: VT.");
}

int
render_frame_signature(struct render_doc *d)
{
	const struct render_layout *l = d->layout;
	const char *issuer = render_issuer(d->c);
	struct render_doc_line left[RENDER_FRAME_LINES + 2];
	struct render_doc_line right[RENDER_FRAME_LINES + 2];
	char lines[RENDER_FRAME_LINES + 1][RENDER_FRAME_LEN];
	char superior[RENDER_FRAME_LEN - 16];
	size_t n_left = 0, n_right = 0, k = 0;
	const unsigned small = RENDER_LINE_LEFT | RENDER_LINE_SMALL;

	left[n_left++] = (struct render_doc_line) {
	    "Nơi nhận:", RENDER_LINE_BOLD | RENDER_LINE_ITALIC | small};
	if (l != NULL && l->n_recipients > 0) {
		for (size_t i = 0;
		     i < l->n_recipients && k < RENDER_FRAME_LINES; i++) {
			const char *r = l->recipients[i];
			size_t n = strlen(r);

			snprintf(lines[k], RENDER_FRAME_LEN, "- %s%s", r,
			    n > 0 && (r[n - 1] == ';' || r[n - 1] == '.')
			        ? ""
			        : ";");
			left[n_left++] =
			    (struct render_doc_line) {lines[k++], small};
		}
	} else {
		render_frame_superior(d, superior, sizeof(superior));
		snprintf(lines[k], RENDER_FRAME_LEN, "- %s;",
		    superior[0] != '\0' ? superior : "……");
		if (superior[0] != '\0')
			snprintf(lines[k], RENDER_FRAME_LEN, "- %s (b/c);",
			    superior);
		left[n_left++] = (struct render_doc_line) {lines[k++], small};
	}
	render_frame_archive(d, lines[k], RENDER_FRAME_LEN);
	left[n_left++] = (struct render_doc_line) {lines[k++], small};

	if (l != NULL && l->n_titles > 0) {
		for (size_t i = 0; i < l->n_titles && i < RENDER_FRAME_LINES;
		     i++)
			right[n_right++] = (struct render_doc_line) {
			    l->titles[i], RENDER_LINE_BOLD};
	} else {
		right[n_right++] = (struct render_doc_line) {
		    strncmp(issuer, "Sở ", strlen("Sở ")) == 0
		        ? "GIÁM ĐỐC"
		        : "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ",
		    RENDER_LINE_BOLD};
	}
	if (l != NULL && !render_empty(l->signer)) {
		right[n_right++] = (struct render_doc_line) {
		    l->signer, RENDER_LINE_BOLD | RENDER_LINE_SIGN};
	} else {
		right[n_right++] = (struct render_doc_line) {
		    "(Chữ ký, dấu)", RENDER_LINE_ITALIC};
		right[n_right++] = (struct render_doc_line) {
		    "Họ và tên", RENDER_LINE_BOLD | RENDER_LINE_SIGN};
	}
	render_doc_columns(d, "signature", left, n_left, right, n_right);
	return 0;
}
