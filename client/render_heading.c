/*
 * The top of the consolidated report, as administrative documents open:
 * the heading block (render_frame.c), the title, the subject, and the
 * paragraph that says which request the report answers. In html, the
 * page and its style sheet, printable on A4.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unicase.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "render_frame.h"
#include "render_internal.h"
#include "text.h"

static const char render_heading_css[] =
    "@page { size: A4; margin: 20mm 15mm 20mm 30mm; "
    "@top-center { content: counter(page); font-family: \"Times New "
    "Roman\", Times, serif; font-size: 13pt; } }\n"
    "@page :first { @top-center { content: none; } }\n"
    "body { font-family: \"Times New Roman\", Times, serif; "
    "font-size: 14pt; line-height: 1.35; color: #000; background: #fff; "
    "margin: 0; }\n"
    "@media screen { body { max-width: 165mm; margin: 10mm auto; "
    "padding: 0 5mm; } }\n"
    "table.heading, table.signature { width: 100%; "
    "border-collapse: collapse; }\n"
    "table.heading td, table.signature td { border: none; "
    "vertical-align: top; text-align: center; padding: 0 2pt; }\n"
    "table.heading td.left, table.signature td.left { width: 40%; }\n"
    "table.heading { font-size: 13pt; }\n"
    ".b { font-weight: bold; }\n"
    ".i { font-style: italic; }\n"
    ".l { text-align: left; }\n"
    ".s { font-size: 12pt; }\n"
    ".sign { margin-top: 60pt; }\n"
    ".line { min-height: 1.35em; }\n"
    "table.heading .line { white-space: nowrap; }\n"
    ".rule { width: 35%; margin: 3pt auto 6pt; "
    "border-top: 1px solid #000; }\n"
    ".page-break { page-break-before: always; break-before: page; }\n"
    "p.annex-note { text-align: center; text-indent: 0; "
    "font-style: italic; margin-bottom: 12pt; }\n"
    "h1 { font-size: 14pt; text-align: center; margin: 18pt 0 0; }\n"
    "h2 { font-size: 14pt; margin: 12pt 0 6pt; }\n"
    "h3 { font-size: 14pt; margin: 8pt 0 4pt; }\n"
    "h1, h2, h3 { page-break-after: avoid; break-after: avoid; }\n"
    "p { text-align: justify; text-indent: 10mm; margin: 0 0 6pt; }\n"
    "p.subject { text-align: center; text-indent: 0; font-weight: bold; "
    "margin-bottom: 12pt; }\n"
    "ul { margin: 0 0 6pt; padding-left: 15mm; }\n"
    "li { text-align: justify; }\n"
    "table.figures { width: 100%; border-collapse: collapse; "
    "font-size: 13pt; margin: 6pt 0 8pt; }\n"
    "table.figures th, table.figures td { border: 1px solid #000; "
    "padding: 2pt 4pt; vertical-align: top; }\n"
    "table.figures th, table.figures td.num { text-align: center; }\n"
    "table.figures tr.total td { font-weight: bold; }\n"
    "thead { display: table-header-group; }\n"
    "tr, th, td { page-break-inside: avoid; break-inside: avoid; }\n"
    ".mismatch { font-weight: bold; }\n"
    "table.signature { margin-top: 12pt; page-break-inside: avoid; "
    "break-inside: avoid; }\n"
    "table.signature td.left { text-align: left; }\n";

static void
render_heading_html(struct render_doc *d)
{
	const Consolidated *c = d->c;

	render_doc_raw(d,
	    "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>Báo cáo tổng hợp");
	if (c->request != NULL && !render_empty(c->request->reference)) {
		render_doc_text(d, " - ");
		render_doc_text(d, c->request->reference);
	}
	render_doc_raw(d, "</title>\n<style>\n");
	render_doc_raw(d, render_heading_css);
	render_doc_raw(d, "</style>\n</head>\n<body>\n");
}

/* The subject under the title: the request's title without the "đề nghị"
 * and "báo cáo" a công văn puts before it, capitalised, as the offices'
 * reports write it: "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)"
 * becomes "Tình hình hợp tác với tỉnh Sê Kông (Lào)". malloc'd; NULL when
 * out of memory. */
static char *
render_heading_subject(const char *title)
{
	static const char *const prefixes[] = {"đề nghị ", "Đề nghị ",
	    "ĐỀ NGHỊ ", "báo cáo ", "Báo cáo ", "BÁO CÁO "};
	char *nfc = text_nfc(title), *out = NULL;
	const char *p;
	uint8_t up[8];
	ucs4_t uc;
	size_t rest;
	int in, outn, again = 1;

	if (nfc == NULL)
		return strdup(title);
	p = nfc;
	while (again) {
		again = 0;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes);
		     i++) {
			size_t n = strlen(prefixes[i]);

			if (strncmp(p, prefixes[i], n) == 0 && p[n] != '\0') {
				p += n;
				again = 1;
			}
		}
	}
	if (*p == '\0') {
		out = nfc;
		nfc = NULL;
		goto out;
	}
	in = u8_mbtouc(&uc, (const uint8_t *)p, strlen(p));
	outn = u8_uctomb(up, uc_toupper(uc), (int)sizeof(up));
	if (outn <= 0) {
		out = strdup(p);
		goto out;
	}
	rest = strlen(p + in);
	out = malloc((size_t)outn + rest + 1);
	if (out == NULL)
		goto out;
	memcpy(out, up, (size_t)outn);
	memcpy(out + outn, p + in, rest + 1);
out:
	free(nfc);
	return out;
}

/* The title, the subject, and the paragraph that says which request the
 * report answers ("Thực hiện Công văn số ..."). */
static int
render_heading_opening(struct render_doc *d)
{
	const Hoptac__V1__ReportingRequest *rq = d->c->request;
	const char *issuer = render_issuer(d->c);
	char date[RENDER_DATE_LEN];
	char *subject = NULL;

	render_doc_heading(d, 1, "BÁO CÁO TỔNG HỢP");
	if (rq != NULL && !render_empty(rq->title)) {
		if ((subject = render_heading_subject(rq->title)) == NULL)
			return -1;
		render_doc_p_open(d, "subject");
		if (!d->html)
			render_doc_open(d, RENDER_DOC_STRONG);
		render_doc_text(d, subject);
		if (!d->html)
			render_doc_close(d, RENDER_DOC_STRONG);
		render_doc_p_close(d);
		free(subject);
	}
	render_doc_p_open(d, NULL);
	render_doc_text(d, "Thực hiện Công văn số ");
	render_doc_text(d,
	    rq != NULL && !render_empty(rq->reference) ? rq->reference : "…");
	if (rq != NULL && !render_empty(rq->issued_on)) {
		render_doc_text(d, " ");
		render_doc_text(
		    d, render_date(date, sizeof(date), rq->issued_on));
	}
	render_doc_text(d, " của ");
	render_doc_text(d, issuer);
	if (rq != NULL && !render_empty(rq->title)) {
		render_doc_text(d, " về việc ");
		render_doc_text(d, rq->title);
	}
	render_doc_text(d, ";");
	render_doc_p_close(d);
	render_doc_p_open(d, NULL);
	render_doc_text(d, "Trên cơ sở báo cáo của các đơn vị, ");
	render_doc_text(d, issuer);
	render_doc_text(d, " tổng hợp báo cáo cụ thể như sau:");
	render_doc_p_close(d);
	return 0;
}

int
render_heading(struct render_doc *d)
{
	if (d->html)
		render_heading_html(d);
	if (render_frame_heading(d) != 0 || render_heading_opening(d) != 0)
		return -1;
	return 0;
}
