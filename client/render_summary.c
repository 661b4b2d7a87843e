/*
 * Summaries of figures grouped by dimensions: an aligned table or a
 * markdown table with a total row; CSV (render_csv_consolidated.c) and JSON.
 */
#include "render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>

#include "gazetteer.h"
#include "render_annex.h"
#include "render_internal.h"
#include "table.h"
#include "validate.h"

/* The Vietnamese headers: the dimensions by their English names, then
 * the figures in the order of render_figures. */
static const struct {
	const char *en, *vi;
} render_summary_dims_vi[] = {
    {"unit", "Đơn vị"},
    {"partner", "Đối tác"},
    {"kind", "Hình thức"},
    {"field", "Lĩnh vực"},
    {"year", "Năm"},
    {"quarter", "Quý"},
    {"month", "Tháng"},
};

static const char *const render_summary_figures_vi[RENDER_N_FIGURES] = {
    "Số đoàn ra",
    "Số người đoàn ra",
    "Số đoàn vào",
    "Số người đoàn vào",
    "Hội nghị, hội thảo",
    "Thỏa thuận, bản ghi nhớ",
    "Tổng hoạt động",
};

/* A copy of head, in capitals when caps ("Số đoàn ra" -> "SỐ ĐOÀN RA");
 * NULL on ENOMEM. */
static char *
render_summary_caps(const char *head, int caps)
{
	size_t len = 0;

	if (!caps)
		return strdup(head);
	/* The NUL goes through too, so the result is a string. */
	return (char *)u8_toupper(
	    (const uint8_t *)head, strlen(head) + 1, NULL, NULL, NULL, &len);
}

/* A key of a table for people reading Vietnamese: a partner by its name,
 * a kind as the reports name it, a period as render_period_key(). */
static const char *
render_summary_key_vi(int dim, const char *key, char *buf, size_t len)
{
	const struct gazetteer_partner *p;
	int kind;

	if (dim == HOPTAC__V1__DIMENSION__DIMENSION_PARTNER &&
	    (p = gazetteer_resolve(key)) != NULL)
		return p->name;
	if (dim == HOPTAC__V1__DIMENSION__DIMENSION_KIND &&
	    (kind = validate_activity_kind(key)) > 0)
		return render_annex_kind(kind);
	return render_period_key(dim, key, buf, len);
}

/* The header of column i (n_dims dimensions dims, then the figures). */
static const char *
render_summary_head(const int *dims, size_t n_dims, size_t i, int vi)
{
	const char *en = i < n_dims ? render_dim_name(dims[i])
	                            : render_figures[i - n_dims].name;

	if (!vi)
		return en;
	if (i >= n_dims)
		return render_summary_figures_vi[i - n_dims];
	for (size_t k = 0; k <
	     sizeof(render_summary_dims_vi) / sizeof(*render_summary_dims_vi);
	     k++)
		if (strcmp(en, render_summary_dims_vi[k].en) == 0)
			return render_summary_dims_vi[k].vi;
	return en;
}

const char *
render_period_key(int dim, const char *key, char *buf, size_t len)
{
	int month = dim == HOPTAC__V1__DIMENSION__DIMENSION_MONTH;
	size_t n = strlen(key);
	char words[32];

	if ((month && (n == 4 || (n == 7 && key[5] == 'Q'))) ||
	    (dim == HOPTAC__V1__DIMENSION__DIMENSION_QUARTER && n == 4))
		snprintf(buf, len, "%s (chưa rõ %s)",
		    render_date(words, sizeof(words), key),
		    month ? "tháng" : "quý");
	else
		return key;
	return buf;
}

/* Writes a summary through the aligned table or the markdown table:
 * the dimension columns, then the figures, then the total row. */
static int
render_summary_rows(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const int *dims, size_t n_dims, enum render_format fmt, int vi)
{
	size_t ncols = n_dims + RENDER_N_FIGURES;
	char **heads = calloc(ncols, sizeof(*heads));
	const char **cells = calloc(ncols, sizeof(*cells));
	char(*nums)[RENDER_COUNT_LEN] = calloc(RENDER_N_FIGURES, sizeof(*nums));
	char(*keys)[48] = calloc(n_dims + 1, sizeof(*keys));
	char partial[RENDER_PARTIAL_LEN];
	struct table *t = NULL;
	struct render_doc d = {.out = out, .bol = 1};
	int32_t sum[RENDER_N_FIGURES];
	int rc = -1;

	if (heads == NULL || cells == NULL || nums == NULL || keys == NULL)
		goto out;
	for (size_t i = 0; i < ncols; i++) {
		/* The client's other tables head their columns in capitals. */
		if ((heads[i] = render_summary_caps(
		         render_summary_head(dims, n_dims, i, vi),
		         fmt == RENDER_TABLE)) == NULL)
			goto out;
		cells[i] = heads[i];
	}
	if (fmt == RENDER_TABLE) {
		if ((t = table_create(ncols, cells)) == NULL)
			goto out;
	} else {
		render_doc_table_open(&d, ncols, cells);
	}
	render_sum(s->rows, s->n_rows, sum);
	for (size_t f = 0; f < RENDER_N_FIGURES; f++)
		cells[n_dims + f] = nums[f];
	for (size_t r = 0; r <= s->n_rows; r++) {
		const Row *row = r < s->n_rows ? s->rows[r] : NULL;

		for (size_t k = 0; k < n_dims; k++)
			cells[k] = row == NULL || k >= row->n_keys ? ""
			    : vi && fmt == RENDER_TABLE
			    ? render_summary_key_vi(dims[k], row->keys[k],
			          keys[k], sizeof(keys[k]))
			    : render_period_key(dims[k], row->keys[k], keys[k],
			          sizeof(keys[k]));
		if (row == NULL && n_dims > 0)
			cells[0] = fmt != RENDER_TABLE ? RENDER_TOTAL
			    : vi                       ? "TỔNG CỘNG"
			                               : "TOTAL";
		for (size_t f = 0; f < RENDER_N_FIGURES; f++) {
			int32_t v = row != NULL ? render_figure(row->figures, f)
			    : s->totals != NULL ? render_figure(s->totals, f)
			                        : sum[f];

			snprintf(nums[f], RENDER_COUNT_LEN, "%d", (int)v);
		}
		if (fmt != RENDER_TABLE)
			render_doc_table_row(&d, ncols, cells, row == NULL);
		else if (table_add_row(t, cells) != 0)
			goto out;
	}
	if (fmt == RENDER_TABLE)
		table_print(t, out);
	else
		render_doc_table_close(&d);
	if (render_partial_dates(
	        partial, sizeof(partial), s->partial_dates, 1) != NULL)
		fprintf(out, "\n%s\n", partial);
	rc = 0;
out:
	if (t != NULL)
		table_destroy(t);
	for (size_t i = 0; heads != NULL && i < ncols; i++)
		free(heads[i]);
	free(heads);
	free(cells);
	free(nums);
	free(keys);
	return rc;
}

int
render_summary(FILE *out, const Hoptac__V1__SummaryResponse *s, const int *dims,
    size_t n_dims, enum render_format fmt)
{
	return render_summary_in(
	    out, s, dims, n_dims, fmt, RENDER_LANG_DEFAULT);
}

int
render_summary_in(FILE *out, const Hoptac__V1__SummaryResponse *s,
    const int *dims, size_t n_dims, enum render_format fmt,
    enum render_lang lang)
{
	int vi = lang == RENDER_LANG_VI ||
	    (lang == RENDER_LANG_DEFAULT && fmt == RENDER_MARKDOWN);
	const char *heads[RENDER_N_FIGURES + 8];
	int rc = 0;

	/* JSON: the message as pbjson maps it, whatever it holds. */
	if (fmt == RENDER_JSON)
		return render_flushed(out, render_json(out, &s->base));
	switch (fmt) {
	case RENDER_TABLE:
	case RENDER_MARKDOWN:
		rc = render_summary_rows(out, s, dims, n_dims, fmt, vi);
		break;
	case RENDER_CSV:
		if (n_dims > 8) {
			errno = EINVAL;
			return -1;
		}
		for (size_t i = 0; i < n_dims + RENDER_N_FIGURES; i++)
			heads[i] = render_summary_head(dims, n_dims, i, vi);
		render_csv_summary(out, s, heads, n_dims);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	return render_flushed(out, rc);
}
