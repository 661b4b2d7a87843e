/*
 * The consolidated report as a .docx, opened from memory: a zip of
 * well-formed XML parts; the body the same report as the markdown
 * (headings, tables, narratives); text from the data escaped, so that a
 * unit's text can add no markup; control characters, which XML does not
 * allow, turned into spaces (U+FFFF into U+FFFD); and what the
 * department fills in.
 */
#include "render_fixture.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

/* The report as a .docx in memory: *len bytes, malloc'd. */
static char *
render_docx(const Hoptac__V1__ConsolidateResponse *c,
    const struct render_layout *l, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(render_consolidated_laid_out(f, c, RENDER_DOCX, l), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The report with what l fills in, as markdown; malloc'd. */
static char *
render_md(
    const Hoptac__V1__ConsolidateResponse *c, const struct render_layout *l)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(
	    render_consolidated_laid_out(f, c, RENDER_MARKDOWN, l), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* The part name of the package in buf, NUL-terminated, malloc'd; fails
 * unless it is well-formed XML. */
static char *
docx_part(const char *buf, size_t len, const char *name)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	zip_file_t *f;
	char *xml;
	xmlDocPtr doc;

	zip_error_init(&ze);
	assert_non_null(src = zip_source_buffer_create(buf, len, 0, &ze));
	assert_non_null(za = zip_open_from_source(src, ZIP_RDONLY, &ze));
	if (zip_stat(za, name, 0, &st) != 0)
		fail_msg("no part %s", name);
	assert_non_null(xml = malloc(st.size + 1));
	assert_non_null(f = zip_fopen(za, name, 0));
	assert_int_equal(zip_fread(f, xml, st.size), (zip_int64_t)st.size);
	xml[st.size] = '\0';
	zip_fclose(f);
	zip_discard(za);
	zip_error_fini(&ze);
	doc = xmlReadMemory(xml, (int)st.size, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		fail_msg("%s is not well-formed", name);
	xmlFreeDoc(doc);
	return xml;
}

static void
test_package(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	size_t len = 0;
	char *docx = render_docx(c, NULL, &len);
	char *xml;

	(void)state;
	assert_true(len > 4 && memcmp(docx, "PK\x03\x04", 4) == 0);
	free(docx_part(docx, len, "[Content_Types].xml"));
	free(docx_part(docx, len, "_rels/.rels"));
	free(docx_part(docx, len, "word/_rels/document.xml.rels"));
	/* The page number at the top, from the second page. */
	xml = docx_part(docx, len, "word/header1.xml");
	assert_has(xml, "<w:jc w:val=\"center\"/>");
	assert_has(xml, " PAGE </w:instrText>");
	free(xml);
	xml = docx_part(docx, len, "word/styles.xml");
	assert_has(xml, "w:ascii=\"Times New Roman\"");
	free(xml);
	xml = docx_part(docx, len, "word/document.xml");
	assert_has(xml,
	    "<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" "
	    "w:right=\"851\" w:bottom=\"1134\" w:left=\"1701\"");
	assert_has(xml,
	    "<w:sectPr><w:headerReference w:type=\"default\" "
	    "r:id=\"rId2\"/>");
	assert_has(xml, "<w:titlePg/></w:sectPr>");
	/* The same report as the markdown: its headings, its tables. */
	assert_has(xml,
	    "<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t "
	    "xml:space=\"preserve\">BÁO CÁO TỔNG HỢP</w:t>");
	assert_has(xml, ">II. KẾT QUẢ</w:t>");
	assert_has(xml, ">02 đoàn/12 người (*)</w:t>");
	assert_has(xml, ">UBND TỈNH KON TUM</w:t>");
	assert_has(xml, ">- Lưu: VT, BGHTQT.</w:t>");
	assert_has(xml, "<w:tblHeader/>");
	/* Data is text, never markup. */
	assert_has(xml, "kho bãi &lt;script&gt;alert(1)&lt;/script&gt;");
	assert_lacks(xml, "<script>");
	free(xml);
	free(docx);
	free_message(c);
}

/* What the department fills in, and a unit's text that tries to close
 * the run and open markup of its own, with a control character. */
static void
test_filled_in(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	const char *titles[] = {"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"};
	const char *recipients[] = {"Bộ Ngoại giao (b/c)"};
	struct render_layout l = {.number = "125",
	    .date = "2024-02-03",
	    .titles = titles,
	    .n_titles = 2,
	    .signer = "Nguyễn Văn An",
	    .recipients = recipients,
	    .n_recipients = 1};
	size_t len = 0;
	char *docx, *xml, *md;

	(void)state;
	set(&c->narratives[0]->text,
	    "</w:t></w:r><w:r><w:t>x\x01y]]>&amp;\xEF\xBF\xBFz");
	docx = render_docx(c, &l, &len);
	xml = docx_part(docx, len, "word/document.xml");
	assert_has(xml, ">Số: 125/BC-SNgV</w:t>");
	assert_has(xml, ">Kon Tum, ngày 03 tháng 02 năm 2024</w:t>");
	assert_has(xml, ">KT. GIÁM ĐỐC</w:t>");
	assert_has(xml, ">Nguyễn Văn An</w:t>");
	assert_has(xml, ">- Bộ Ngoại giao (b/c);</w:t>");
	assert_has(xml,
	    "&lt;/w:t&gt;&lt;/w:r&gt;&lt;w:r&gt;&lt;w:t&gt;x y]]&gt;"
	    "&amp;amp;\xEF\xBF\xBDz");
	assert_lacks(xml, "(Chữ ký, dấu)");
	free(xml);
	free(docx);
	/* Markdown says the same. */
	md = render_md(c, &l);
	assert_has(md,
	    "| Số: 125/BC-SNgV | *Kon Tum, ngày 03 tháng 02 năm "
	    "2024* |");
	assert_has(md, "| - Bộ Ngoại giao (b/c); | **PHÓ GIÁM ĐỐC** |");
	assert_has(md, "| - Lưu: VT, BGHTQT. | **Nguyễn Văn An** |");
	free(md);
	/* No agency above: the department keeps its whole name; another
	 * place. */
	l.superior = "";
	l.place = "Đắk Hà";
	md = render_md(c, &l);
	assert_has(md, "| **SỞ NGOẠI VỤ TỈNH KON TUM** | **CỘNG HÒA XÃ HỘI");
	assert_has(md, "*Đắk Hà, ngày 03 tháng 02 năm 2024*");
	assert_lacks(md, "UBND TỈNH");
	free(md);
	free_message(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_package),
	    cmocka_unit_test(test_filled_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
