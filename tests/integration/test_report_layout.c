/*
 * The consolidated report in the official layout (Nghị định
 * 30/2020/NĐ-CP), written by the real hoptac from the real hoptacd: the
 * .docx opened as Word would (the zip, its XML well-formed, the page A4
 * with the decree's margins, Times New Roman, the heading block, the
 * signature block, the annex of activities with a row for each record
 * the request counts and none for those it does not), and the same
 * report in markdown and html.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "harness.h"
#include "harness_json.h"
#include "pbstr.h"

#define REF "558/SNgV-BGHTQT"
#define W   "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* Records the request does not count: before its period, and with a
 * partner outside its scope. */
#define BEFORE  "Đoàn công tác trước thời kỳ báo cáo"
#define OUTSIDE "Đoàn công tác sang tỉnh Attapư"
/* One Đắk Tô counts. */
#define DAKTO_TITLE "Đoàn công tác huyện Đắk Tô sang tỉnh Sê Kông"

static char out[512 * 1024];
static char err[64 * 1024];

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

/* Submits an activity of unit with the partner and title given. */
static void
submit(struct harness *h, const char *unit, const char *id, const char *start,
    const char *partner, const char *title)
{
	struct rpc_client *c = harness_client(h);
	Hoptac__V1__Activity *a = harness_activity(unit, id,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT, start, 5);

	assert_int_equal(pbstr_set(&a->partner_codes[0], partner), 0);
	assert_int_equal(pbstr_set(&a->title, title), 0);
	assert_int_equal(harness_submit(c, a, NULL, 10000), STATUS_OK);
	hoptac__v1__activity__free_unpacked(a, NULL);
	rpc_client_close(c);
}

static int
setup(void **state)
{
	static struct harness hs;
	struct harness *h = &hs;
	char issued[16], due[16];

	harness_start(h, HARNESS_TCP, 0);
	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import");
	expect(CLI("import", harness_data("dak-glei-2024.csv")), 0, "import");
	submit(h, "KT-DAKGLEI", "dg-before", "2021-05-05", "Sê Kông", BEFORE);
	submit(h, "KT-DAKGLEI", "dg-outside", "2023-06-01", "Attapư", OUTSIDE);
	submit(h, "KT-DAKTO", "dt-in", "2023-07-02", "Sê Kông", DAKTO_TITLE);
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(-1, due, sizeof(due));
	expect(
	    CLI("request", "create", REF, "--issuer", "KT-SNGV", "--issued",
	        issued, "--title",
	        "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)", "--from",
	        "tháng 11/2022", "--due", due, "--partner", "Sê Kông", "--unit",
	        "KT-DAKGLEI", "--unit", "KT-DAKTO", "--unit", "KT-NGOCHOI"),
	    0, "request create");
	*state = h;
	return 0;
}

/* A part of the package, parsed; fails the test unless it is there and
 * well-formed. */
static xmlDocPtr
part(zip_t *za, const char *name)
{
	zip_stat_t st;
	zip_file_t *f;
	char *buf;
	xmlDocPtr doc;

	if (zip_stat(za, name, 0, &st) != 0)
		fail_msg("the .docx has no %s", name);
	assert_non_null(buf = malloc(st.size + 1));
	assert_non_null(f = zip_fopen(za, name, 0));
	assert_int_equal(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	doc = xmlReadMemory(buf, (int)st.size, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail_msg("%s is not well-formed XML", name);
	free(buf);
	return doc;
}

/* The nodes of doc at path (w: the WordprocessingML namespace); caller
 * frees with xmlXPathFreeObject. */
static xmlXPathObjectPtr
nodes(xmlDocPtr doc, const char *path)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr r;

	assert_non_null(ctx);
	assert_int_equal(
	    xmlXPathRegisterNs(ctx, (const xmlChar *)"w", (const xmlChar *)W),
	    0);
	r = xmlXPathEvalExpression((const xmlChar *)path, ctx);
	xmlXPathFreeContext(ctx);
	assert_non_null(r);
	return r;
}

static int
count(xmlDocPtr doc, const char *path)
{
	xmlXPathObjectPtr r = nodes(doc, path);
	int n = r->nodesetval != NULL ? r->nodesetval->nodeNr : 0;

	xmlXPathFreeObject(r);
	return n;
}

/* The text of the first node at path, as Word shows it (runs joined). */
static char *
text(xmlDocPtr doc, const char *path)
{
	xmlXPathObjectPtr r = nodes(doc, path);
	char *s;

	if (r->nodesetval == NULL || r->nodesetval->nodeNr == 0)
		fail_msg("nothing at %s", path);
	s = (char *)xmlNodeGetContent(r->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(r);
	assert_non_null(s);
	return s;
}

/* A twips attribute of the section's pgMar or pgSz. */
static long
page(xmlDocPtr doc, const char *el, const char *attr)
{
	char path[128];
	char *v;
	long n;

	snprintf(path, sizeof(path), "string(//w:sectPr/w:%s/@w:%s)", el, attr);
	{
		xmlXPathObjectPtr r = nodes(doc, path);

		v = strdup((const char *)r->stringval);
		xmlXPathFreeObject(r);
	}
	n = strtol(v, NULL, 10);
	free(v);
	return n;
}

/* mm in twips, within one. */
static long
mm(int millimetres)
{
	return (long)(millimetres * 1440.0 / 25.4 + 0.5);
}

/* The activities of unit, from the server (caller puts it). */
static json_object *
titles_of(struct harness *h, const char *unit)
{
	json_object *o;

	expect(CLI("--json", "activity", "list", "--unit", unit), 0,
	    "activity list");
	assert_non_null(o = json_tokener_parse(out));
	return o;
}

/* Fails unless s holds the title of every activity of the list o but
 * those the request does not count; o may not be empty. */
static void
assert_titles(const char *s, json_object *o)
{
	json_object *acts;
	size_t checked = 0;

	assert_true(json_object_object_get_ex(o, "activities", &acts));
	for (size_t i = 0; i < json_object_array_length(acts); i++) {
		const char *t = harness_json_str(
		    json_object_array_get_idx(acts, i), "title");

		if (strcmp(t, BEFORE) == 0 || strcmp(t, OUTSIDE) == 0)
			continue;
		if (strstr(s, t) == NULL)
			fail_msg("the annex lacks \"%s\"", t);
		checked++;
	}
	assert_true(checked > 0);
}

static void
test_docx(void **state)
{
	struct harness *h = *state;
	char path[400];
	xmlDocPtr doc, styles;
	zip_t *za;
	int zerr = 0, rows;
	char *heading, *signature, *annex, *all;
	json_object *dakglei, *dakto;

	snprintf(path, sizeof(path), "%s/baocao.docx", h->dir);
	expect(CLI("consolidate", "--request", REF, "--format", "docx",
	           "--output", path, "--annex", "--number", "12", "--date",
	           "20/5/2024", "--title", "KT. GIÁM ĐỐC", "--title",
	           "PHÓ GIÁM ĐỐC", "--signer", "Nguyễn Văn An", "--recipient",
	           "Bộ Ngoại giao (b/c)", "--recipient",
	           "UBND tỉnh Kon Tum (b/c)"),
	    0, "consolidate docx");
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (za == NULL)
		fail_msg("%s is no zip (libzip error %d)", path, zerr);
	xmlFreeDoc(part(za, "[Content_Types].xml"));
	xmlFreeDoc(part(za, "_rels/.rels"));
	xmlFreeDoc(part(za, "word/_rels/document.xml.rels"));
	doc = part(za, "word/document.xml");
	styles = part(za, "word/styles.xml");
	zip_close(za);

	/* A4, and the margins of the decree: 20-25 mm top and bottom,
	 * 30-35 mm left, 15-20 mm right. */
	assert_int_equal(page(doc, "pgSz", "w"), 11906);
	assert_int_equal(page(doc, "pgSz", "h"), 16838);
	assert_in_range(page(doc, "pgMar", "top"), mm(20) - 1, mm(25) + 1);
	assert_in_range(page(doc, "pgMar", "bottom"), mm(20) - 1, mm(25) + 1);
	assert_in_range(page(doc, "pgMar", "left"), mm(30) - 1, mm(35) + 1);
	assert_in_range(page(doc, "pgMar", "right"), mm(15) - 1, mm(20) + 1);
	/* Times New Roman, 13 or 14 pt (half points). */
	assert_int_equal(count(styles,
	                     "//w:docDefaults//w:rFonts[@w:ascii='Times New "
	                     "Roman' and @w:hAnsi='Times New Roman']"),
	    1);
	assert_int_equal(count(styles,
	                     "//w:docDefaults//w:sz[@w:val='26' or "
	                     "@w:val='28']"),
	    1);

	/* The heading block: the first table, without borders. */
	heading = text(doc, "/w:document/w:body/w:tbl[1]");
	assert_non_null(strstr(heading, "UBND TỈNH KON TUM"));
	assert_non_null(strstr(heading, "SỞ NGOẠI VỤ"));
	assert_null(strstr(heading, "SỞ NGOẠI VỤ TỈNH"));
	assert_non_null(strstr(heading, "Số: 12/BC-SNgV"));
	assert_non_null(strstr(heading, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
	assert_non_null(strstr(heading, "Độc lập - Tự do - Hạnh phúc"));
	assert_non_null(strstr(heading, "Kon Tum, ngày 20 tháng 5 năm 2024"));
	assert_int_equal(count(doc,
	                     "/w:document/w:body/w:tbl[1]/w:tblPr/"
	                     "w:tblBorders/w:insideV[@w:val='nil']"),
	    1);
	/* The signature block: the last table before the annex. */
	signature =
	    text(doc, "/w:document/w:body/w:tbl[.//w:t[.='Nơi nhận:']]");
	assert_non_null(strstr(signature, "- Bộ Ngoại giao (b/c);"));
	assert_non_null(strstr(signature, "- UBND tỉnh Kon Tum (b/c);"));
	assert_non_null(strstr(signature, "- Lưu: VT, BGHTQT."));
	assert_non_null(strstr(signature, "KT. GIÁM ĐỐCPHÓ GIÁM ĐỐC"));
	assert_non_null(strstr(signature, "Nguyễn Văn An"));
	/* The figures tables have borders. */
	assert_true(count(doc,
	                "//w:tbl[w:tblPr/w:tblBorders/w:insideH[@w:val="
	                "'single']]") >= 2);

	/* The annex: after a page break, a table per unit with activities,
	 * a row each for what the request counts: as many as the server
	 * counts in the report's figures. */
	assert_int_equal(count(doc, "//w:br[@w:type='page']"), 1);
	assert_int_equal(count(doc,
	                     "//w:p[w:pPr/w:pStyle/@w:val='Heading1']"
	                     "[.//w:t='PHỤ LỤC']"),
	    1);
	rows = count(doc, "//w:tbl[w:tr[1]/w:tc[1]//w:t='STT']/w:tr") -
	    count(doc, "//w:tbl[w:tr[1]/w:tc[1]//w:t='STT']");
	expect(CLI("--json", "consolidate", "--request", REF), 0,
	    "consolidate json");
	{
		json_object *o = json_tokener_parse(out), *t;

		assert_non_null(o);
		assert_true(json_object_object_get_ex(o, "totals", &t));
		assert_int_equal(rows, harness_json_int(t, "activities"));
		json_object_put(o);
	}
	assert_int_equal(rows, 9);
	assert_int_equal(count(doc, "//w:tbl[w:tr[1]/w:tc[1]//w:t='STT']"), 2);
	annex = text(doc, "(//w:tbl[w:tr[1]/w:tc[1]//w:t='STT'])[1]");
	all = text(doc, "/w:document/w:body");
	dakglei = titles_of(h, "KT-DAKGLEI");
	assert_titles(annex, dakglei);
	xmlFree(annex);
	annex = text(doc, "(//w:tbl[w:tr[1]/w:tc[1]//w:t='STT'])[2]");
	dakto = titles_of(h, "KT-DAKTO");
	assert_titles(annex, dakto);
	assert_non_null(strstr(annex, "02/7/2023"));
	assert_non_null(strstr(annex, "Đoàn ra"));
	assert_non_null(strstr(annex, "tỉnh Sê Kông"));
	assert_non_null(strstr(all,
	    "(Kèm theo Báo cáo số 12/BC-SNgV ngày 20 "
	    "tháng 5 năm 2024 của"));
	assert_null(strstr(all, BEFORE));
	assert_null(strstr(all, OUTSIDE));
	assert_non_null(
	    strstr(all, "Thời kỳ báo cáo: từ tháng 11/2022 đến nay;"));

	json_object_put(dakglei);
	json_object_put(dakto);
	xmlFree(heading);
	xmlFree(signature);
	xmlFree(annex);
	xmlFree(all);
	xmlFreeDoc(doc);
	xmlFreeDoc(styles);
}

/* Markdown and html carry the same frame and the same annex. */
static void
test_md_html(void **state)
{
	struct harness *h = *state;
	json_object *dakglei = titles_of(h, "KT-DAKGLEI");
	json_object *dakto = titles_of(h, "KT-DAKTO");

	expect(CLI("consolidate", "--request", REF, "--format", "md", "--annex",
	           "--number", "12", "--date", "2024-01-05"),
	    0, "consolidate md");
	assert_non_null(strstr(out, "| UBND TỈNH KON TUM |"));
	assert_non_null(strstr(out, "| Số: 12/BC-SNgV |"));
	assert_non_null(strstr(out, "*Kon Tum, ngày 05 tháng 01 năm 2024*"));
	assert_non_null(strstr(out, "\n---\n\n# PHỤ LỤC\n"));
	assert_non_null(strstr(out,
	    "| STT | Thời gian | Hình thức | Đối tác | Số người | Nội dung |\n"
	    "| :---: | :---: | :--- | :--- | :---: | :--- |\n"));
	assert_non_null(strstr(out, "### 2. UBND huyện Đắk Tô\n"));
	assert_titles(out, dakglei);
	assert_titles(out, dakto);
	assert_null(strstr(out, BEFORE));
	assert_null(strstr(out, OUTSIDE));

	expect(
	    CLI("consolidate", "--request", REF, "--format", "html", "--annex"),
	    0, "consolidate html");
	assert_non_null(strstr(out,
	    "<div class=\"page-break\"></div>\n"
	    "<h1>PHỤ LỤC</h1>"));
	assert_non_null(strstr(out,
	    "<div class=\"line s\">UBND TỈNH KON "
	    "TUM</div>"));
	assert_titles(out, dakglei);
	assert_titles(out, dakto);
	assert_null(strstr(out, OUTSIDE));

	/* CSV: the annex as a table of its own after the others, a row an
	 * activity counted, as many as the report's total. */
	expect(
	    CLI("consolidate", "--request", REF, "--format", "csv", "--annex"),
	    0, "consolidate csv");
	{
		const char *t = strstr(out,
		    "\r\n\r\nunit_code,unit_name,no,id,start_date,end_date,"
		    "kind,partners,people,title,place\r\n");
		int rows = 0;

		assert_non_null(t);
		t = strstr(t + 4, "\r\n") + 2;
		for (; *t != '\0'; t++)
			rows += *t == '\n';
		assert_int_equal(rows, 9);
		assert_non_null(strstr(out,
		    "\r\nKT-DAKTO,UBND huyện Đắk Tô,1,"
		    "dt-in,2023-07-02,,delegation_out,"
		    "LA-XE,5,"));
		assert_null(strstr(out, "dg-before"));
		assert_null(strstr(out, "dg-outside"));
	}

	/* Without --annex, no annex and no call for it. */
	expect(CLI("consolidate", "--request", REF), 0, "consolidate");
	assert_null(strstr(out, "PHỤ LỤC"));

	expect(CLI("consolidate", "--request", REF, "--date", "5/2024"), 2,
	    "a month for the day of signing");
	assert_non_null(strstr(err, "--date"));
	expect(CLI("consolidate", "--request", REF, "--format", "docx"), 2,
	    "docx to the terminal");
	json_object_put(dakglei);
	json_object_put(dakto);
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A summary for people heads its columns in Vietnamese; its CSV does when
 * asked, and keeps the names scripts know otherwise. */
static void
test_summary_lang(void **state)
{
	struct harness *h = *state;

	expect(
	    CLI("summary", "--request", REF, "--by", "unit", "--format", "md"),
	    0, "summary md");
	assert_non_null(
	    strstr(out, "| Đơn vị | Số đoàn ra | Số người đoàn ra |"));
	assert_non_null(strstr(out, "| KT-DAKGLEI | 2 | 10 |"));
	expect(CLI("summary", "--request", REF, "--by", "unit", "--csv",
	           "--lang", "vi"),
	    0, "summary csv vi");
	assert_true(
	    strncmp(out, "Đơn vị,Số đoàn ra,Số người đoàn ra,", 38) == 0);
	expect(CLI("summary", "--request", REF, "--by", "unit", "--csv"), 0,
	    "summary csv");
	assert_true(starts(out, "unit,delegations_out,people_out,"));
	expect(CLI("summary", "--request", REF, "--lang", "fr"), 2,
	    "an unknown language");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docx),
	    cmocka_unit_test(test_md_html),
	    cmocka_unit_test(test_summary_lang),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
