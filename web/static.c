/*
 * What pages load besides themselves, all from hoptac-web (offices may
 * have no internet): the style sheet, the script that draws a chart from
 * the table beside it, and Chart.js as Debian ships it
 * (libjs-chart.js), read once at start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "web_i18n.h"

static const char static_css[] =
    "body{font-family:\"Times New Roman\",serif;margin:0;color:#111}"
    "header{background:#8b1a1a;color:#fff;padding:.4em 1em}"
    "header a,header .who{color:#fff;margin-left:1em}"
    "form.inline{display:inline;margin-left:1em}"
    "main{padding:0 1em 2em}"
    "table{border-collapse:collapse;margin:1em 0}"
    "th,td{border:1px solid #888;padding:.2em .5em;vertical-align:top}"
    "caption{text-align:left;font-weight:bold;padding:.3em 0}"
    "td.n,th.n{text-align:right}"
    "tr.overdue td{background:#fde8e8}"
    "tr.missing td,tr.mismatch td{color:#a00}"
    ".refusal{color:#a00;font-weight:bold}"
    "section.report{border-top:1px solid #ccc;margin-top:1em}"
    "form.review{margin:.4em 0}"
    "form.filters label{margin-right:.6em}"
    "canvas{max-width:100%}"
    "@media print{header,form,canvas,.actions{display:none}"
    "body{font-size:12pt}th,td{border-color:#000}}\n";

static const char static_chart_js[] =
    "/* Draws, for each canvas naming a table, a bar chart of that table's\n"
    " * columns: the page works without it, the table being there. */\n"
    "document.addEventListener('DOMContentLoaded', function () {\n"
    "  if (typeof Chart === 'undefined') return;\n"
    "  document.querySelectorAll('canvas[data-table]').forEach(function (c) "
    "{\n"
    "    var t = document.getElementById(c.dataset.table);\n"
    "    if (!t) return;\n"
    "    var cols = c.dataset.columns.split(',').map(Number);\n"
    "    var head = t.tHead.rows[0].cells, labels = [];\n"
    "    var sets = cols.map(function (i) {\n"
    "      return {label: head[i].textContent, data: []};\n"
    "    });\n"
    "    Array.prototype.forEach.call(t.tBodies[0].rows, function (r) {\n"
    "      labels.push(r.cells[0].textContent);\n"
    "      cols.forEach(function (i, k) {\n"
    "        sets[k].data.push(Number(r.cells[i].textContent));\n"
    "      });\n"
    "    });\n"
    "    c.hidden = false;\n"
    "    new Chart(c, {type: 'bar', data: {labels: labels, datasets: sets},\n"
    "      options: {animation: false, responsive: false}});\n"
    "    c.dataset.drawn = '1';\n"
    "  });\n"
    "});\n";

static char *static_chartjs; /* Chart.js, read at start; owned */
static size_t static_chartjs_len;

int
web_read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rbe"), *out;
	char chunk[65536];
	size_t n;
	int rc = -1;

	*buf = NULL;
	*len = 0;
	if (f == NULL)
		return -1;
	if ((out = open_memstream(buf, len)) != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			fwrite(chunk, 1, n, out);
		rc = fclose(out) == 0 && !ferror(f) ? 0 : -1;
		if (rc != 0) {
			free(*buf);
			*buf = NULL;
			errno = EIO;
		}
	}
	fclose(f);
	return rc;
}

int
static_load_chartjs(const char *path)
{
	char *buf;
	size_t len;

	if (web_read_file(path, &buf, &len) != 0)
		return -1;
	free(static_chartjs);
	static_chartjs = buf;
	static_chartjs_len = len;
	return 0;
}

/* Answers a copy of data (the response frees its own). */
static int
static_answer(struct web_req *r, const char *type, const char *data, size_t len)
{
	static const char *const cache[] = {
	    "Cache-Control", "public, max-age=3600", NULL};
	char *copy = malloc(len > 0 ? len : 1);

	if (copy == NULL)
		return web_refuse(r, 500, W_("Out of memory."));
	memcpy(copy, data, len);
	return web_answer(r, 200, type, copy, len, cache);
}

int
static_serve(struct web_req *r)
{
	if (strcmp(r->path, "/static/hoptac.css") == 0)
		return static_answer(r, "text/css; charset=utf-8", static_css,
		    sizeof(static_css) - 1);
	if (strcmp(r->path, "/static/hoptac-chart.js") == 0)
		return static_answer(r, "text/javascript; charset=utf-8",
		    static_chart_js, sizeof(static_chart_js) - 1);
	if (strcmp(r->path, "/static/chart.min.js") == 0 &&
	    static_chartjs != NULL)
		return static_answer(r, "text/javascript; charset=utf-8",
		    static_chartjs, static_chartjs_len);
	return web_refuse(r, 404, W_("There is no such file."));
}
