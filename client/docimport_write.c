/*
 * The document import written out: a report file (docs/report-format.md)
 * for the clerk to check, every line of the document accounted for in
 * it, and the proposed activities as CSV (docs/csv.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity_csv.h"
#include "docimport.h"
#include "report_file.h"

/* Notes in the order of the document's lines. */
static int
docimport_by_line(const void *a, const void *b)
{
	const struct docimport_note *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* One comment line per note; a line break inside cannot end the
 * comment, since notes are made of single lines. */
static void
docimport_write_notes(FILE *f, const struct docimport_notes *n)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->items[i].line == 0) /* of the whole document */
			fprintf(f, "#   %s\n", n->items[i].text);
		else
			fprintf(f, "#   dòng %zu: %s\n", n->items[i].line,
			    n->items[i].text);
}

int
docimport_write(FILE *f, const struct docimport *d, const char *source)
{
	if (d->notes.n > 1) /* no notes: no array to sort (NULL) */
		qsort(d->notes.items, d->notes.n, sizeof(*d->notes.items),
		    docimport_by_line);
	fprintf(f,
	    "# Báo cáo nhập từ văn bản %s (hoptac report import).\n"
	    "# Đối chiếu với văn bản gốc, sửa nếu cần, rồi kiểm tra bằng\n"
	    "# \"hoptac report check\" và gửi bằng \"hoptac report submit\".\n"
	    "# Những gì đã đọc được (số dòng theo văn bản):\n",
	    source);
	docimport_write_notes(f, &d->notes);
	if (d->report->unit_code[0] == '\0')
		fprintf(f,
		    "# Chưa có mã đơn vị: thêm dòng \"unit: MÃ-ĐƠN-VỊ\" "
		    "(hoặc nhập lại với --unit).\n");
	if (d->report->request_reference[0] == '\0')
		fprintf(f,
		    "# Không thấy công văn yêu cầu báo cáo: thêm dòng "
		    "\"request: SỐ/KÝ-HIỆU\" (hoặc --request).\n");
	fputc('\n', f);
	if (report_file_write(f, d->report) != 0)
		return -1;
	if (d->unplaced.n > 0) {
		fprintf(f,
		    "\n# Các dòng chưa xếp được vào mục nào (giữ nguyên "
		    "văn):\n");
		docimport_write_notes(f, &d->unplaced);
	}
	if (d->n_activities > 0) {
		fprintf(f,
		    "\n# Hoạt động đề xuất từ văn bản, cần xác nhận "
		    "(docs/csv.md; ghi x vào cột confirmed sau khi kiểm "
		    "tra):\n");
		for (size_t i = 0; i < d->n_activities; i++)
			fprintf(f, "#   dòng %zu: %s, %s\n",
			    d->activity_lines[i], d->activities[i]->start_date,
			    d->activities[i]->title);
	}
	return ferror(f) ? -1 : 0;
}

int
docimport_write_activities(FILE *f, const struct docimport *d)
{
	if (activity_csv_write_header_to_confirm(f) != 0)
		return -1;
	for (size_t i = 0; i < d->n_activities; i++) {
		Hoptac__V1__Activity *a = d->activities[i];

		if (a->unit_code[0] == '\0' &&
		    d->report->unit_code[0] != '\0') {
			/* The unit is the report's, known only once the
			 * caller set it. */
			char *unit = strdup(d->report->unit_code);

			if (unit == NULL)
				return -1;
			if (a->unit_code != protobuf_c_empty_string)
				free(a->unit_code);
			a->unit_code = unit;
		}
		if (activity_csv_write_to_confirm(f, a) != 0)
			return -1;
	}
	return ferror(f) ? -1 : 0;
}
