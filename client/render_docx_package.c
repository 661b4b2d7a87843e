/*
 * The .docx package: the parts of a WordprocessingML document in a zip
 * container made with libzip, in memory, then copied to the output (which
 * may be a pipe). The styles carry the rules on administrative documents
 * (Nghị định 30/2020/NĐ-CP): Times New Roman 14 pt for the body, 13 pt in
 * tables and the heading block, the first line of a paragraph indented,
 * text justified; document.xml's section the page, A4, and its margins.
 */
#include "render_docx.h"

#include "docx_lib.h"

#include <stdlib.h>
#include <string.h>

static const char render_docx_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/"
    "vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "</Types>\n";

static const char render_docx_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"word/document.xml\"/></Relationships>\n";

static const char render_docx_document_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
    "Target=\"styles.xml\"/><Relationship Id=\"rId2\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/header\" "
    "Target=\"header1.xml\"/></Relationships>\n";

#define RENDER_DOCX_W_NS                                                       \
	"xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"   \
	"main\""

/* A paragraph style: id, name, paragraph and run properties. */
#define RENDER_DOCX_PSTYLE(id, name, ppr, rpr)                                 \
	"<w:style w:type=\"paragraph\" w:styleId=\"" id                        \
	"\"><w:name w:val=\"" name                                             \
	"\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>" ppr             \
	"</w:pPr><w:rPr>" rpr "</w:rPr></w:style>"

/* Paragraph properties in the order the schema wants them: spacing,
 * indentation, alignment. */
#define RENDER_DOCX_CENTRED(spacing)                                           \
	"<w:spacing " spacing "/><w:ind w:firstLine=\"0\"/><w:jc "             \
	"w:val=\"center\"/>"
#define RENDER_DOCX_BOLD  "<w:b/><w:bCs/>"
#define RENDER_DOCX_SMALL "<w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/>"

/* clang-format off */
static const char render_docx_styles[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:styles " RENDER_DOCX_W_NS ">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New "
    "Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" "
    "w:cs=\"Times New Roman\"/><w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>"
    "<w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
    "<w:spacing w:after=\"120\" w:line=\"276\" w:lineRule=\"auto\"/>"
    "</w:pPr></w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
    "<w:name w:val=\"Normal\"/><w:qFormat/><w:pPr>"
    "<w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/></w:pPr></w:style>"
    RENDER_DOCX_PSTYLE("Heading1", "heading 1",
        "<w:keepNext/>" RENDER_DOCX_CENTRED("w:before=\"240\" w:after=\"0\"")
        "<w:outlineLvl w:val=\"0\"/>", RENDER_DOCX_BOLD)
    RENDER_DOCX_PSTYLE("Heading2", "heading 2",
        "<w:keepNext/><w:spacing w:before=\"120\"/>"
        "<w:outlineLvl w:val=\"1\"/>", RENDER_DOCX_BOLD)
    RENDER_DOCX_PSTYLE("Heading3", "heading 3",
        "<w:keepNext/><w:outlineLvl w:val=\"2\"/>", RENDER_DOCX_BOLD)
    RENDER_DOCX_PSTYLE("Subject", "Subject",
        RENDER_DOCX_CENTRED("w:after=\"240\""), RENDER_DOCX_BOLD)
    RENDER_DOCX_PSTYLE("Note", "Note",
        RENDER_DOCX_CENTRED("w:after=\"240\""), "<w:i/><w:iCs/>")
    RENDER_DOCX_PSTYLE("Block", "Block",
        RENDER_DOCX_CENTRED("w:after=\"0\" w:line=\"240\" "
            "w:lineRule=\"auto\""), RENDER_DOCX_SMALL)
    RENDER_DOCX_PSTYLE("Cell", "Cell",
        "<w:spacing w:before=\"40\" w:after=\"40\" w:line=\"240\" "
        "w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/>"
        "<w:jc w:val=\"left\"/>", RENDER_DOCX_SMALL)
    "</w:styles>\n";
/* clang-format on */

static const char render_docx_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:document " RENDER_DOCX_W_NS " xmlns:r=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<w:body>\n";

/* The section: the page, A4, and its margins. */
static const char render_docx_tail[] =
    "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/>"
    "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" "
    "w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" w:header=\"567\" "
    "w:footer=\"567\" w:gutter=\"0\"/><w:titlePg/></w:sectPr></w:body>"
    "</w:document>\n";

/* The page number, centred in the top margin; the first page, with its
 * own (empty) header (titlePg), shows none, as the decree asks. */
static const char render_docx_header[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:hdr " RENDER_DOCX_W_NS "><w:p><w:pPr><w:spacing w:after=\"0\"/>"
    "<w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>"
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText "
    "xml:space=\"preserve\"> PAGE </w:instrText></w:r><w:r><w:fldChar "
    "w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r>"
    "<w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>\n";

void
render_docx_begin(FILE *m)
{
	fputs(render_docx_head, m);
}

void
render_docx_end(FILE *m)
{
	fprintf(m, render_docx_tail, RENDER_DOCX_PAGE_W, RENDER_DOCX_PAGE_H,
	    RENDER_DOCX_MARGIN_T, RENDER_DOCX_MARGIN_R, RENDER_DOCX_MARGIN_B,
	    RENDER_DOCX_MARGIN_L);
}

/* Adds the part name, len bytes of data the caller keeps until the
 * archive is closed. */
static int
render_docx_add(const struct docx_lib *x, zip_t *za, const char *name,
    const char *data, size_t len)
{
	zip_source_t *src = x->zip_source_buffer(za, data, len, 0);

	if (src == NULL)
		return -1;
	if (x->zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8) < 0) {
		x->zip_source_free(src);
		return -1;
	}
	return 0;
}

/* Copies the finished archive held in src to out. */
static int
render_docx_copy(const struct docx_lib *x, zip_source_t *src, FILE *out)
{
	char buf[16384];
	zip_int64_t n;
	int rc = 0;

	if (x->zip_source_open(src) != 0)
		return -1;
	while ((n = x->zip_source_read(src, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n) {
			rc = -1;
			break;
		}
	if (n < 0)
		rc = -1;
	x->zip_source_close(src);
	return rc;
}

int
render_docx_package(FILE *out, const char *document, size_t len)
{
	char err[256];
	const struct docx_lib *x = docx_lib(err, sizeof(err));
	zip_error_t ze;
	zip_source_t *mem = NULL;
	zip_t *za = NULL;
	int rc = -1;

	if (x == NULL) {
		fprintf(stderr, "hoptac: %s\n", err);
		return -1;
	}
	x->zip_error_init(&ze);
	if ((mem = x->zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL)
		goto out;
	/* The archive is written into mem when closed; mem outlives it. */
	x->zip_source_keep(mem);
	if ((za = x->zip_open_from_source(mem, ZIP_TRUNCATE, &ze)) == NULL)
		goto out;
	if (render_docx_add(x, za, "[Content_Types].xml", render_docx_types,
	        strlen(render_docx_types)) != 0 ||
	    render_docx_add(x, za, "_rels/.rels", render_docx_rels,
	        strlen(render_docx_rels)) != 0 ||
	    render_docx_add(x, za, "word/_rels/document.xml.rels",
	        render_docx_document_rels,
	        strlen(render_docx_document_rels)) != 0 ||
	    render_docx_add(x, za, "word/document.xml", document, len) != 0 ||
	    render_docx_add(x, za, "word/styles.xml", render_docx_styles,
	        strlen(render_docx_styles)) != 0 ||
	    render_docx_add(x, za, "word/header1.xml", render_docx_header,
	        strlen(render_docx_header)) != 0)
		goto out;
	if (x->zip_close(za) != 0)
		goto out;
	za = NULL;
	rc = render_docx_copy(x, mem, out);
out:
	if (za != NULL)
		x->zip_discard(za);
	if (mem != NULL)
		x->zip_source_free(mem);
	x->zip_error_fini(&ze);
	return rc;
}
