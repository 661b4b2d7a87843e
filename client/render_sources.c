/*
 * Where each unit's figures in the consolidated report come from
 * (docs/consolidated-report.md, "Nguồn số liệu"): the column of the
 * units' table, its count in the total row, the notes under the tables
 * and the CSV codes. The server decides the source (FigureSource); this
 * file only says it.
 */
#include <stdio.h>
#include <string.h>

#include "render_internal.h"

#define RENDER_SRC_RECORDS  HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_RECORDS
#define RENDER_SRC_DECLARED HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DECLARED
#define RENDER_SRC_AGREE    HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_AGREE
#define RENDER_SRC_DIFFER   HOPTAC__V1__FIGURE_SOURCE__FIGURE_SOURCE_DIFFER

/* In the order the total row and the notes name them. */
static const struct {
	int source;
	const char *label; /* the column's word */
	const char *code;  /* CSV */
} render_sources[] = {
    {RENDER_SRC_DECLARED, "kê khai", "declared"},
    {RENDER_SRC_RECORDS, "ghi nhận", "records"},
    {RENDER_SRC_AGREE, "khớp", "agree"},
    {RENDER_SRC_DIFFER, "chênh lệch (*)", "differ"},
};

#define RENDER_N_SOURCES (sizeof(render_sources) / sizeof(*render_sources))

/* The index of source in render_sources; RENDER_N_SOURCES for none. */
static size_t
render_source_index(int source)
{
	size_t i = 0;

	while (i < RENDER_N_SOURCES && render_sources[i].source != source)
		i++;
	return i;
}

const char *
render_source_label(int source)
{
	size_t i = render_source_index(source);

	return i < RENDER_N_SOURCES ? render_sources[i].label : "";
}

const char *
render_source_code(int source)
{
	size_t i = render_source_index(source);

	return i < RENDER_N_SOURCES ? render_sources[i].code : "";
}

/* How many rows of by_unit have source: the server's count, else the
 * rows'. */
static int32_t
render_sources_n(const Consolidated *c, int source)
{
	const Hoptac__V1__FigureSources *s = c->sources;
	int32_t n = 0;

	if (s != NULL)
		switch (source) {
		case RENDER_SRC_RECORDS:
			return s->records;
		case RENDER_SRC_DECLARED:
			return s->declared;
		case RENDER_SRC_AGREE:
			return s->agree;
		default:
			return s->differ;
		}
	for (size_t i = 0; i < c->n_by_unit; i++)
		n += (int)c->by_unit[i]->source == source;
	return n;
}

void
render_sources_total(char *buf, size_t len, const Consolidated *c, int codes)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < RENDER_N_SOURCES && used < len; i++) {
		int32_t n = render_sources_n(c, render_sources[i].source);
		char count[RENDER_COUNT_LEN];
		int w;

		if (n == 0)
			continue;
		if (codes)
			w = snprintf(buf + used, len - used, "%s%s=%d",
			    used > 0 ? "; " : "", render_sources[i].code,
			    (int)n);
		else {
			render_count(count, sizeof(count), n);
			w = snprintf(buf + used, len - used, "%s%s %s",
			    used > 0 ? ", " : "", count,
			    render_sources[i].label);
		}
		used += w > 0 ? (size_t)w : 0;
	}
}

void
render_sources_note(struct render_doc *d)
{
	const Consolidated *c = d->c;

	if (render_sources_n(c, RENDER_SRC_DECLARED) == 0 &&
	    render_sources_n(c, RENDER_SRC_DIFFER) == 0)
		return;
	render_doc_para(d,
	    "Nguồn số liệu: “kê khai” là số liệu đơn vị báo cáo, không có số "
	    "liệu ghi nhận từng hoạt động; “ghi nhận” là số liệu tính từ các "
	    "hoạt động đơn vị đã ghi nhận; “khớp” là số liệu kê khai khớp với "
	    "số liệu ghi nhận; “chênh lệch” là số liệu kê khai khác với số "
	    "liệu ghi nhận, bảng và dòng Tổng cộng tính theo số liệu đơn vị "
	    "kê khai.");
}

void
render_sources_partner_note(struct render_doc *d)
{
	const Consolidated *c = d->c;
	/* A request about one partner: the declarations are that
	 * partner's, and the server counted them in its row. */
	int one = c->request != NULL && c->request->n_partner_scope == 1;
	int k = 0;

	for (size_t i = 0; i < c->n_by_unit; i++) {
		const Row *r = c->by_unit[i];

		if (r->source != RENDER_SRC_DECLARED &&
		    r->source != RENDER_SRC_DIFFER)
			continue;
		if (k++ > 0)
			render_doc_text(d, "; ");
		else if (one) {
			render_doc_p_open(d, "by-partner-sources");
			render_doc_text(d,
			    "Công văn chỉ đề nghị báo cáo về một đối tác, nên "
			    "bảng theo đối tác tính số liệu kê khai như bảng "
			    "theo đơn vị, của: ");
		} else {
			render_doc_p_open(d, "by-partner-sources");
			render_doc_text(d,
			    "Bảng theo đối tác chỉ tính số liệu ghi nhận: báo "
			    "cáo của đơn vị không chia số liệu kê khai theo "
			    "từng đối tác, nên bảng không tính số liệu kê khai "
			    "của: ");
		}
		render_doc_text(d,
		    r->n_keys > 1 && !render_empty(r->keys[1])
		        ? r->keys[1]
		        : (r->n_keys > 0 ? r->keys[0] : ""));
		if (r->source == RENDER_SRC_DECLARED)
			render_doc_text(d, " (kê khai)");
		else
			render_doc_text(d,
			    one ? " (chênh lệch)"
			        : " (chênh lệch, bảng tính số liệu ghi nhận)");
	}
	if (k > 0) {
		render_doc_text(d, ".");
		render_doc_p_close(d);
	}
}
