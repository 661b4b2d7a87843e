/*
 * Output of the reporting cycle for people and for scripts: the
 * consolidated report (báo cáo tổng hợp) of one reporting request, in
 * Vietnamese and in the layout of the offices' own reports, and summaries
 * of figures grouped by dimensions. docs/consolidated-report.md describes
 * the sections, where each comes from, and the CSV columns.
 *
 * render_consolidated.c lays out the report (render_heading.c its top)
 * with the markdown and html primitives of render_doc.c; render_csv.c
 * writes CSV, render_summary.c summaries, and render.c holds what they
 * share (render_internal.h).
 */
#ifndef HOPTAC_RENDER_H
#define HOPTAC_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "hoptac/v1/services.pb-c.h"

enum render_format {
	RENDER_MARKDOWN,
	RENDER_HTML,
	RENDER_CSV,
	RENDER_JSON,
	RENDER_TABLE, /* aligned text columns (table.h): summaries only */
	RENDER_DOCX,  /* a Word document: consolidated reports only */
};

/* The format named "md"/"markdown", "html", "csv", "json", "table" or
 * "docx"; -1 for any other name. */
int render_format_parse(const char *name);

/* The lowercase name of a report status ("submitted", "returned",
 * "accepted"; "" for none), as tables and CSV files write it. */
const char *render_report_status_name(int status);

/* A timestamp in Vietnam time to the minute, "2024-05-10 09:00", for
 * tables; "" for none (0). Returns buf or "". */
const char *render_vn_minute(char *buf, size_t len, int64_t ms);

/* When a report was filed as a table shows it: the office's claim,
 * followed by "(counted 2024-05-13 04:00)" when the server counted
 * another time (docs/protocol.md, "Timeliness"). Returns buf. */
const char *render_filed(
    char *buf, size_t len, int64_t claimed, int64_t counted);

/* When a report was received as a table shows it: the day its paper
 * reached the department, followed by " (giấy)", when recorded (paper
 * not 0), else the server's receipt. Returns buf. */
const char *render_received(
    char *buf, size_t len, int64_t received, int64_t paper);

/* What the department fills in on a consolidated report before it signs
 * it, and the annex. Any field may be NULL (or 0): then the report leaves
 * room to write it in, or says what the request implies. */
struct render_layout {
	const char *number;   /* "12" gives "Số: 12/BC-SNgV" */
	const char *date;     /* the day of signing, a full date */
	const char *place;    /* NULL: from the department's name */
	const char *superior; /* the agency above; NULL: from the name;
	                       * "": none */
	/* the signer's authority and office, a line each ("KT. GIÁM ĐỐC",
	 * "PHÓ GIÁM ĐỐC"); none: "GIÁM ĐỐC" for a Sở */
	const char *const *titles;
	size_t n_titles;
	const char *signer; /* the signer's name */
	/* Nơi nhận, before "Lưu: VT"; none: the superior agency */
	const char *const *recipients;
	size_t n_recipients;
	/* The annex (Phụ lục): whether to write it, and the activities it
	 * lists by unit, in the order given. */
	int annex;
	Hoptac__V1__Activity *const *activities;
	size_t n_activities;
};

/* render_consolidated with what layout (NULL: nothing) fills in, and the
 * annex it holds in markdown, html and docx. */
int render_consolidated_laid_out(FILE *out,
    const Hoptac__V1__ConsolidateResponse *c, enum render_format fmt,
    const struct render_layout *layout);

/*
 * Writes the consolidated report c to out as markdown or html (the whole
 * document, html self-contained and printable on A4), csv (figures by
 * unit, by partner, then completeness) or json (one document, the message
 * as pbjson maps it). Returns 0, or -1 when out of memory, when writing
 * fails, or for RENDER_TABLE (errno EINVAL). Output may then be partial.
 */
int render_consolidated(FILE *out, const Hoptac__V1__ConsolidateResponse *c,
    enum render_format fmt);

/*
 * Writes the summary s, whose rows are keyed by the n_dims dimensions dims
 * (Hoptac__V1__Dimension values, in the order of the request's group_by),
 * as a table (RENDER_TABLE, with a TOTAL row), a markdown table (with a
 * total row), csv (a header row of the dimension names then the figure
 * names, no total row) or json. Returns 0, or -1 when out of memory, when
 * writing fails, or for RENDER_HTML (errno EINVAL).
 */
/* The cell of a summary key of dimension dim (a Hoptac__V1__Dimension):
 * a period whose start is known to a coarser one than the dimension's
 * says so ("2025" by month: "năm 2025 (chưa rõ tháng)"), written into
 * buf; any other key is returned as it is. */
const char *render_period_key(int dim, const char *key, char *buf, size_t len);

int render_summary(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const int *dims, size_t n_dims, enum render_format fmt);

/* The language of a summary's column headers. */
enum render_lang {
	RENDER_LANG_DEFAULT, /* Vietnamese in markdown, English elsewhere */
	RENDER_LANG_VI,      /* "Đơn vị", "Số đoàn ra", ... */
	RENDER_LANG_EN,      /* "unit", "delegations_out", ... */
};

/* render_summary with the headers of markdown and CSV in lang; a table
 * keeps its English capitals, JSON its field names. */
int render_summary_in(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const int *dims, size_t n_dims, enum render_format fmt,
    enum render_lang lang);

#endif
