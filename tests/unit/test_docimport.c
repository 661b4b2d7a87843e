/*
 * hoptac report import's reading of documents: the two seeds against the
 * report files made by hand from them (tests/data), documents of other
 * shapes (tests/data/import), a .docx made here from the XML kept in the
 * repository, and nothing of a document lost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "activity_csv.h"
#include "docimport.h"
#include "docx_read.h"
#include "pbstr.h"
#include "report_file.h"
#include "validate.h"

#define SEEDS HOPTAC_SOURCE_DIR "/tests/data/seeds/"
#define DATA  HOPTAC_SOURCE_DIR "/tests/data/"
#define DOCS  DATA "import/"

/* The lines of a text file (heap, as docx_read makes them). */
static char **
read_lines(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char **lines = NULL, *line = NULL;
	size_t cap = 0;
	ssize_t len;

	assert_non_null(f);
	*n = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		lines = realloc(lines, (*n + 1) * sizeof(*lines));
		assert_non_null(lines);
		lines[(*n)++] = strdup(line);
	}
	free(line);
	fclose(f);
	return lines;
}

static void
import_lines(char **lines, size_t n, struct docimport *d)
{
	assert_int_equal(docimport_parse((const char *const *)lines, n, d), 0);
	docx_lines_free(lines, n);
}

static void
import_file(const char *path, struct docimport *d)
{
	size_t n;
	char **lines = read_lines(path, &n);

	import_lines(lines, n, d);
}

/* Whether a and b are the same report, every field an office writes. */
static void
same_report(const Hoptac__V1__Report *a, const Hoptac__V1__Report *b)
{
	const char *const fa[] = {a->request_reference, a->unit_code,
	    a->document_number, a->place, a->signed_on, a->signer,
	    a->signer_title, a->situation, a->limitations, a->causes,
	    a->directions, a->proposals};
	const char *const fb[] = {b->request_reference, b->unit_code,
	    b->document_number, b->place, b->signed_on, b->signer,
	    b->signer_title, b->situation, b->limitations, b->causes,
	    b->directions, b->proposals};

	for (size_t i = 0; i < sizeof(fa) / sizeof(fa[0]); i++)
		assert_string_equal(fa[i], fb[i]);
	assert_int_equal(a->nil, b->nil);
	assert_int_equal(a->directions_until, b->directions_until);
	assert_int_equal(a->n_results, b->n_results);
	for (size_t i = 0; i < a->n_results; i++) {
		assert_string_equal(
		    a->results[i]->heading, b->results[i]->heading);
		assert_string_equal(a->results[i]->text, b->results[i]->text);
	}
	assert_int_equal(a->n_recipients, b->n_recipients);
	for (size_t i = 0; i < a->n_recipients; i++)
		assert_string_equal(a->recipients[i], b->recipients[i]);
	assert_int_equal(a->declared == NULL, b->declared == NULL);
	if (a->declared != NULL)
		assert_memory_equal(&a->declared->delegations_out,
		    &b->declared->delegations_out, 7 * sizeof(int32_t));
}

static Hoptac__V1__Report *
read_report(const char *path)
{
	FILE *f = fopen(path, "r");
	Hoptac__V1__Report *r = NULL;
	struct report_file_error e;

	assert_non_null(f);
	assert_int_equal(report_file_read(f, &r, &e), 0);
	fclose(f);
	return r;
}

/* The import of seed, given unit, is the report made by hand, field for
 * field; the hand-made one's proposals dropped when drop_proposals. */
static void
check_seed(
    const char *seed, const char *unit, const char *hand, int drop_proposals)
{
	struct docimport d;
	Hoptac__V1__Report *want = read_report(hand);
	import_file(seed, &d);
	assert_int_equal(pbstr_set(&d.report->unit_code, unit), 0);
	if (drop_proposals) {
		assert_int_equal(pbstr_set(&want->proposals, ""), 0);
	}
	same_report(d.report, want);
	assert_int_equal(d.unplaced.n, 0);
	hoptac__v1__report__free_unpacked(want, NULL);
	docimport_free(&d);
}

static void
test_seed_dak_glei(void **state)
{
	(void)state;
	check_seed(SEEDS "kon-tum-dak-glei-2024.txt", "KT-DAKGLEI",
	    DATA "dak-glei-2024.report.txt", 0);
}

/* The hand-made file repeats the directions as proposals, which the
 * document does not have: the one difference. */
static void
test_seed_dien_bien(void **state)
{
	(void)state;
	check_seed(SEEDS "dien-bien-stnmt-2021.txt", "DB-STNMT",
	    DATA "dien-bien-stnmt-2021.report.txt", 1);
}

/* What each document of tests/data/import must give. */
struct expect {
	const char *file, *request, *number, *place, *date, *signer, *title;
	int nil, results, recipients;
	int figures[6]; /* out, people out, in, people in, conf., agr.; -1: none
	                 */
	int activities;
	const char *kinds; /* the proposed activities' kinds and dates */
};

static const struct expect expects[] = {
    {"district-ngoc-hoi-2024.txt", "558/SNgV-BGHTQT", "215/BC-UBND", "Ngọc Hồi",
        "2024-05-20", "Nguyễn Văn Tuấn", "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", 0, 3, 3,
        {3, 21, 1, 9, 1, 0}, 3,
        "delegation_out 2024-03-12 LA-AT, delegation_in 2024-04-15 "
        "LA-AT;LA-AT-PHOUVONG, conference 2023 LA-AT"},
    {"commune-dak-nhoong-2024.txt", "558/SNgV-BGHTQT", "18/BC-UBND",
        "Đắk Nhoong", "2024-05-08", "A Lâm", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
        0, 1, 3, {0, 0, 1, 8, 0, 0}, 1,
        "delegation_in 2024-01-25 LA-XE;LA-XE-DAKCHEUNG"},
    {"department-svhttdl-2024.txt", "558/SNgV-BGHTQT", "342/BC-SVHTTDL",
        "Kon Tum", "2024-05-17", "Trần Thị Hoa", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
        0, 3, 3, {1, 5, 0, 0, 2, 1}, 1, "agreement 2023-10-10 LA-XE"},
    {"nil-sct-2024.txt", "558/SNgV-BGHTQT", "95/BC-SCT", "Kon Tum",
        "2024-05-10", "Lê Minh Đức", "GIÁM ĐỐC", 1, 0, 2,
        {-1, -1, -1, -1, -1, -1}, 0, ""},
    {"province-partners-2024.txt", "77/KH-BNG", "1420/BC-UBND", "Kon Tum",
        "2024-05-30", "Nguyễn Ngọc Sâm",
        "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", 0, 3, 4,
        {4, 36, 5, 52, 2, 1}, 3,
        "delegation_out 2024-01-08 LA-AT;LA-XE, delegation_in 2024-02-22 "
        "LA-CH, agreement 2023-09 LA-SL"},
    {"columns-ban-dan-toc-2024.txt", "558/SNgV-BGHTQT", "56/BC-BDT", "Kon Tum",
        "2024-05-12", "Y Ngọc", "TRƯỞNG BAN", 0, 3, 2, {1, 5, 0, 0, 0, 0}, 1,
        "delegation_out 2023-08 LA-XE"},
    {"division-htqt-dien-bien-2024.txt", "300/SNgV-VP", "12/BC-HTQT",
        "Điện Biên", "2024-06-03", "Lò Văn Thắng",
        "KT. TRƯỞNG PHÒNG / PHÓ TRƯỞNG PHÒNG", 0, 3, 2, {0, 0, 2, 18, 1, 0}, 3,
        "delegation_in 2024-03-14 LA-OU, delegation_in 2024-04-20 LA-LP, "
        "conference 2024-05-25 LA-LP"},
    {"table-dak-to-2024.txt", "558/SNgV-BGHTQT", "133/BC-UBND", "Đắk Tô",
        "2024-05-14", "Lê Văn Hùng", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", 0, 2, 2,
        {2, 15, 1, 9, 1, 1}, 0, ""},
};

/* The proposed activities as "kind date partners, ...". */
static void
activity_kinds(const struct docimport *d, char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < d->n_activities; i++) {
		const Hoptac__V1__Activity *a = d->activities[i];
		char codes[256] = "";

		for (size_t k = 0; k < a->n_partner_codes; k++)
			snprintf(codes + strlen(codes),
			    sizeof(codes) - strlen(codes), "%s%s", k ? ";" : "",
			    a->partner_codes[k]);
		used += (size_t)snprintf(out + used, len - used, "%s%s %s %s",
		    i ? ", " : "", validate_activity_kind_name(a->kind),
		    a->start_date, codes);
	}
}

static void
check_expect(const struct expect *x, const struct docimport *d)
{
	const Hoptac__V1__Report *r = d->report;
	char kinds[1024];

	assert_string_equal(r->request_reference, x->request);
	assert_string_equal(r->document_number, x->number);
	assert_string_equal(r->place, x->place);
	assert_string_equal(r->signed_on, x->date);
	assert_string_equal(r->signer, x->signer);
	assert_string_equal(r->signer_title, x->title);
	assert_int_equal(r->nil, x->nil);
	assert_int_equal(r->n_results, x->results);
	assert_int_equal(r->n_recipients, x->recipients);
	assert_true(r->situation[0] != '\0');
	if (x->figures[0] < 0)
		assert_null(r->declared);
	else {
		assert_non_null(r->declared);
		assert_int_equal(r->declared->delegations_out, x->figures[0]);
		assert_int_equal(r->declared->people_out, x->figures[1]);
		assert_int_equal(r->declared->delegations_in, x->figures[2]);
		assert_int_equal(r->declared->people_in, x->figures[3]);
		assert_int_equal(r->declared->conferences, x->figures[4]);
		assert_int_equal(r->declared->agreements, x->figures[5]);
	}
	assert_int_equal(d->n_activities, x->activities);
	activity_kinds(d, kinds, sizeof(kinds));
	assert_string_equal(kinds, x->kinds);
	assert_int_equal(d->unplaced.n, 0);
}

static void
test_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		char path[512];
		struct docimport d;

		snprintf(path, sizeof(path), DOCS "%s", expects[i].file);
		print_message("%s\n", expects[i].file);
		import_file(path, &d);
		check_expect(&expects[i], &d);
		docimport_free(&d);
	}
}

/* Other forms of the same parts: the heading as a table row (cells
 * separated by tabs), "BÁO CÁO" and its title on one line, "PHẦN I:",
 * "03 lượt đoàn", "tiếp 02 đoàn của tỉnh bạn", a number in words, no
 * "Nơi nhận" before the signing block. */
static void
test_forms(void **state)
{
	static const char *const doc[] = {
	    "UBND TỈNH ĐIỆN BIÊN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	    "SỞ NGOẠI VỤ\tĐộc lập - Tự do - Hạnh phúc",
	    "Số: 12 /BC-SNgV\tĐiện Biên, ngày 05/6/2024",
	    "BÁO CÁO KẾT QUẢ HỢP TÁC VỚI TỈNH LUÔNG PHA BĂNG NĂM 2023",
	    "Thực hiện Văn bản số 88/UBND-KGVX ngày 20/5/2024 của UBND tỉnh;",
	    "PHẦN I: TÌNH HÌNH CHUNG",
	    "Quan hệ với tỉnh Luông Pha Băng tiếp tục phát triển.",
	    "PHẦN II: KẾT QUẢ HỢP TÁC",
	    "1. Trao đổi đoàn",
	    ("Sở đã cử 03 lượt đoàn với 25 người sang tỉnh Luông Pha Băng; "
	     "tiếp 02 đoàn của tỉnh bạn gồm 18 người."),
	    "2. Hội nghị: tổ chức hai cuộc hội đàm.",
	    "PHẦN III: PHƯƠNG HƯỚNG NĂM 2024",
	    "Tiếp tục hợp tác.",
	    "GIÁM ĐỐC",
	    "Lò Thị Mai",
	};
	static const struct expect x = {"forms", "88/UBND-KGVX", "12/BC-SNgV",
	    "Điện Biên", "2024-06-05", "Lò Thị Mai", "GIÁM ĐỐC", 0, 2, 0,
	    {3, 25, 2, 18, 2, 0}, 0, ""};
	struct docimport d;
	int issuer = 0;

	(void)state;
	assert_int_equal(
	    docimport_parse(doc, sizeof(doc) / sizeof(doc[0]), &d), 0);
	check_expect(&x, &d);
	assert_int_equal(d.report->directions_until, 2024);
	assert_string_equal(d.report->directions, "Tiếp tục hợp tác.");
	for (size_t i = 0; i < d.notes.n; i++)
		issuer |=
		    strcmp(d.notes.items[i].text,
		        "cơ quan ban hành: UBND TỈNH ĐIỆN BIÊN SỞ NGOẠI VỤ") ==
		    0;
	assert_true(issuer);
	docimport_free(&d);
}

/* A document whose headings have no numbers, copied from a PDF with a
 * line break in the middle of its sentences. */
static void
test_plain_headings(void **state)
{
	static const char *const doc[] = {
	    "ỦY BAN NHÂN DÂN",
	    "HUYỆN ĐẮK GLEI",
	    "Số: 40/BC-UBND",
	    "BÁO CÁO",
	    "TÌNH HÌNH HỢP TÁC VỚI TỈNH SÊ KÔNG (LÀO)",
	    "Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024 của Sở Ngoại",
	    "vụ tỉnh Kon Tum, Ủy ban nhân dân huyện",
	    "trình bày như dưới đây.",
	    "ĐẶC ĐIỂM TÌNH HÌNH",
	    "Hai huyện có chung đường biên giới, quan hệ hữu nghị được",
	    "củng cố.",
	    "KẾT QUẢ HỢP TÁC",
	    "Số lượng đoàn ra: 01 đoàn/06 người.",
	    "ĐỀ XUẤT, KIẾN NGHỊ",
	    "Không.",
	    "Nơi nhận:",
	    "- Lưu: VT.",
	    "TM. ỦY BAN NHÂN DÂN",
	    "CHỦ TỊCH",
	    "Y Thanh",
	};
	static const struct expect x = {"plain", "558/SNgV-BGHTQT",
	    "40/BC-UBND", "", "", "Y Thanh", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
	    0, 1, 1, {1, 6, 0, 0, 0, 0}, 0, ""};
	struct docimport d;

	(void)state;
	assert_int_equal(
	    docimport_parse(doc, sizeof(doc) / sizeof(doc[0]), &d), 0);
	check_expect(&x, &d);
	assert_string_equal(d.report->situation,
	    "Hai huyện có chung đường biên giới, quan hệ hữu nghị được củng "
	    "cố.");
	assert_string_equal(d.report->results[0]->heading, "KẾT QUẢ HỢP TÁC");
	assert_string_equal(d.report->proposals, "Không.");
	docimport_free(&d);
}

/* Figures as a label and a number, and the request among the documents
 * an opening cites: the công văn of the Sở Ngoại vụ, not the decision
 * cited as grounds. */
static void
test_labels(void **state)
{
	static const char *const doc[] = {
	    "BÁO CÁO",
	    ("Căn cứ Quyết định số 272/QĐ-TTg ngày 01/3/2023 của Thủ tướng "
	     "Chính phủ; thực hiện Công văn số 311/SNgV-HTQT ngày 2/5/2024 của "
	     "Sở Ngoại vụ, Sở Y tế báo cáo như sau:"),
	    "I. TÌNH HÌNH CHUNG",
	    "Sở hợp tác với tỉnh Chăm-pa-xắc về y tế.",
	    "II. KẾT QUẢ",
	    "- Số đoàn ra: 02, số người: 15;",
	    "- Đoàn vào tháng 3: 01 (09 người);",
	    "- Hội nghị, hội thảo: 02;",
	    "- Thỏa thuận đã ký: 01.",
	    "Nơi nhận: - Sở Ngoại vụ;",
	    "GIÁM ĐỐC",
	    "Phạm Văn Bình",
	};
	struct docimport d;
	const Hoptac__V1__Figures *f;

	(void)state;
	assert_int_equal(
	    docimport_parse(doc, sizeof(doc) / sizeof(doc[0]), &d), 0);
	assert_string_equal(d.report->request_reference, "311/SNgV-HTQT");
	f = d.report->declared;
	assert_non_null(f);
	assert_int_equal(f->delegations_out, 2);
	assert_int_equal(f->people_out, 15);
	assert_int_equal(f->delegations_in, 0); /* "tháng 3": a date */
	assert_int_equal(f->conferences, 2);
	assert_int_equal(f->agreements, 1);
	assert_int_equal(d.report->n_recipients, 1);
	assert_string_equal(d.report->recipients[0], "Sở Ngoại vụ");
	assert_string_equal(d.report->signer, "Phạm Văn Bình");
	assert_int_equal(d.unplaced.n, 0);
	docimport_free(&d);
}

/* Section I named "TÌNH HÌNH …" is the situation; "3. Hạn chế" under the
 * results is the limitations; a report whose every result answers
 * "Không." is a nil report. */
static void
test_bare_nil(void **state)
{
	static const char *const doc[] = {
	    "BÁO CÁO",
	    ("Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024, UBND xã Ya "
	     "Xiêr báo cáo như sau:"),
	    "I. TÌNH HÌNH HỢP TÁC VỚI LÀO",
	    "Xã không có đường biên giới với Lào.",
	    "II. KẾT QUẢ",
	    "1. Trao đổi đoàn: Không.",
	    "2. Hội nghị, hội thảo: Không có.",
	    "3. Hạn chế: Chưa có điều kiện giao lưu.",
	    "III. ĐỀ XUẤT: Không.",
	    "Nơi nhận:",
	    "- Lưu: VT.",
	    "CHỦ TỊCH",
	    "Nguyễn Thị Lan",
	};
	struct docimport d;

	(void)state;
	assert_int_equal(
	    docimport_parse(doc, sizeof(doc) / sizeof(doc[0]), &d), 0);
	assert_true(d.report->nil);
	assert_int_equal(d.report->n_results, 0);
	assert_null(d.report->declared);
	assert_string_equal(d.report->situation,
	    "Xã không có đường biên giới với Lào.\n\nTrao đổi đoàn\n\nKhông."
	    "\n\nHội nghị, hội thảo\n\nKhông có.");
	assert_string_equal(
	    d.report->limitations, "Chưa có điều kiện giao lưu.");
	assert_string_equal(d.report->signer, "Nguyễn Thị Lan");
	assert_int_equal(d.unplaced.n, 0);
	docimport_free(&d);
}

/* A zip holding parts (name, then its content, or with files the path
 * of the file that holds it; NULL-terminated pairs): the path of a
 * temporary file, heap. */
static char *
make_zip(const char *const *parts, int files)
{
	char *path = strdup("/tmp/hoptac-docimport-XXXXXX.docx");
	int fd = mkstemps(path, 5), err;
	zip_t *za;

	assert_true(fd >= 0);
	close(fd);
	za = zip_open(path, ZIP_TRUNCATE, &err);
	assert_non_null(za);
	for (size_t i = 0; parts[i] != NULL; i += 2) {
		zip_source_t *s = files
		    ? zip_source_file(za, parts[i + 1], 0, -1)
		    : zip_source_buffer(
		          za, parts[i + 1], strlen(parts[i + 1]), 0);

		assert_non_null(s);
		assert_true(
		    zip_file_add(za, parts[i], s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	return path;
}

/* A .docx made from the XML of tests/data/import/docx-sa-thay: no
 * binary is kept. */
static char *
make_docx(void)
{
	static const char *const parts[] = {"[Content_Types].xml",
	    DOCS "docx-sa-thay/[Content_Types].xml", "_rels/.rels",
	    DOCS "docx-sa-thay/_rels/.rels", "word/document.xml",
	    DOCS "docx-sa-thay/word/document.xml", "word/numbering.xml",
	    DOCS "docx-sa-thay/word/numbering.xml",
	    "word/_rels/document.xml.rels",
	    DOCS "docx-sa-thay/word/_rels/document.xml.rels", NULL};

	return make_zip(parts, 1);
}

/* Paragraphs in order, the header and signing block's layout tables cell
 * by cell, a line break as a new line, the figures' table row by row with
 * its cells separated, the numbers Word adds to headings (numbering.xml)
 * in front of them: read like the text documents. */
static void
test_docx(void **state)
{
	static const struct expect x = {"docx", "558/SNgV-BGHTQT", "87/BC-UBND",
	    "Sa Thầy", "2024-05-16", "Y Bình", "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH",
	    0, 2, 2, {1, 6, 2, 17, 1, 0}, 0, ""};
	char *path = make_docx(), **lines, err[256];
	struct docimport d;
	size_t n;

	(void)state;
	assert_true(docx_is_zip(path));
	assert_int_equal(docx_read(path, &lines, &n, err, sizeof(err)), 0);
	assert_string_equal(lines[2], "Số: 87/BC-UBND");
	assert_string_equal(lines[16], "01\t06\t02\t17\t01\t0");
	assert_string_equal(lines[29], "CHỦ TỊCH");
	/* Numbered by Word, not in the text: I. to V., 1. and 2. */
	assert_string_equal(lines[12], "II. KẾT QUẢ HỢP TÁC");
	assert_string_equal(lines[13], "1. Trao đổi đoàn, hội nghị và ký kết");
	assert_string_equal(lines[17], "2. Kết quả khác: Không.");
	assert_string_equal(lines[23], "V. ĐỀ XUẤT, KIẾN NGHỊ: Không.");
	import_lines(lines, n, &d);
	check_expect(&x, &d);
	assert_int_equal(d.report->directions_until, 2026);
	docimport_free(&d);
	unlink(path);
	free(path);
}

/* A file that is no .docx is refused with its reason. */
static void
test_docx_refused(void **state)
{
	char **lines, err[256];
	size_t n;

	(void)state;
	assert_false(docx_is_zip(DOCS "nil-sct-2024.txt"));
	assert_int_equal(
	    docx_read(DOCS "nil-sct-2024.txt", &lines, &n, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, ".docx"));
}

/* A hostile .docx: no document, XML that is not WordprocessingML, and
 * entities (an external file, one that expands) that are never read. */
static void
test_docx_hostile(void **state)
{
	static const char *const nodoc[] = {"word/other.xml", "<a/>", NULL};
	static const char *const notword[] = {
	    "word/document.xml", "<html><body/></html>", NULL};
	static const char *const entities[] = {"word/document.xml",
	    "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE w:document [<!ENTITY ext SYSTEM \"" DOCS
	    "nil-sct-2024.txt\"><!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
	    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
	    "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>Số: "
	    "&ext;1/BC-UBND&b;</w:t></w:r></w:p></w:body></w:document>",
	    NULL};
	const char *const *cases[] = {nodoc, notword, entities};
	const char *reasons[] = {"no word/document.xml",
	    "not a "
	    "WordprocessingML document",
	    NULL};

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char *path = make_zip(cases[i], 0), **lines, err[512];
		size_t n;
		int rc = docx_read(path, &lines, &n, err, sizeof(err));

		if (reasons[i] != NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, reasons[i]));
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(n, 1);
			assert_string_equal(lines[0], "Số: 1/BC-UBND");
			docx_lines_free(lines, n);
		}
		unlink(path);
		free(path);
	}
}

/* Lines nothing takes are listed with their line numbers and written as
 * comments: nothing is dropped, and the file still reads. */
static void
test_unplaced(void **state)
{
	static const char *const doc[] = {
	    "ỦY BAN NHÂN DÂN XÃ MÔ RAY",
	    "Mẫu số 03 kèm theo hướng dẫn",
	    "Số: 7/BC-UBND",
	    "BÁO CÁO",
	    ("Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024, UBND xã "
	     "báo "
	     "cáo:"),
	    "I. ĐẶC ĐIỂM TÌNH HÌNH",
	    "Xã Mô Rai giáp tỉnh Attapư.",
	    "II. KẾT QUẢ: không phát sinh.",
	    "Nơi nhận:",
	    "- Lưu: VT.",
	    "CHỦ TỊCH",
	    "Hồ Văn Thanh",
	    "Chữ ký số: 0123456789",
	};
	struct docimport d;
	Hoptac__V1__Report *back = NULL;
	struct report_file_error e;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(
	    docimport_parse(doc, sizeof(doc) / sizeof(doc[0]), &d), 0);
	assert_int_equal(d.unplaced.n, 2);
	assert_int_equal(d.unplaced.items[0].line, 2);
	assert_string_equal(
	    d.unplaced.items[0].text, "Mẫu số 03 kèm theo hướng dẫn");
	assert_int_equal(d.unplaced.items[1].line, 13);
	assert_true(d.report->nil);
	assert_string_equal(d.report->signer, "Hồ Văn Thanh");
	assert_int_equal(pbstr_set(&d.report->unit_code, "KT-MORAY"), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(docimport_write(f, &d, "mo-ray.txt"), 0);
	fclose(f);
	assert_non_null(
	    strstr(buf, "#   dòng 2: Mẫu số 03 kèm theo hướng dẫn\n"));
	assert_non_null(strstr(buf, "#   dòng 13: Chữ ký số: 0123456789\n"));
	f = fmemopen(buf, len, "r");
	assert_int_equal(report_file_read(f, &back, &e), 0);
	fclose(f);
	assert_string_equal(back->signer, "Hồ Văn Thanh");
	assert_true(back->nil);
	hoptac__v1__report__free_unpacked(back, NULL);
	free(buf);
	docimport_free(&d);
}

static int
csv_row(void *arg, size_t line, Hoptac__V1__Activity *a)
{
	int *rows = arg;

	(void)line;
	assert_string_equal(a->id, "");
	assert_string_equal(a->unit_code, "KT-DAKGLEI");
	assert_string_equal(a->document_refs[0], "558/SNgV-BGHTQT");
	(*rows)++;
	protobuf_c_message_free_unpacked(&a->base, NULL);
	return 0;
}

/* Counts the rows refused as not confirmed; anything else fails. */
static int
csv_error(void *arg, size_t line, const char *field, const char *message)
{
	int *unconfirmed = arg;

	if (strcmp(field, "confirmed") != 0)
		fail_msg("line %zu, %s: %s", line, field, message);
	(*unconfirmed)++;
	return 0;
}

/* Writes x in the last cell of every row but the header: the clerk's
 * confirmation. Returns a new buffer. */
static char *
confirm_all(const char *csv)
{
	size_t len = strlen(csv), n = 0;
	char *out = malloc(2 * len + 1);
	const char *p = strstr(csv, "\r\n") + 2;

	assert_non_null(out);
	memcpy(out, csv, (size_t)(p - csv));
	n = (size_t)(p - csv);
	for (; *p != '\0'; p++) {
		if (p[0] == '\r' && p[1] == '\n')
			out[n++] = 'x';
		out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

/* The proposed activities of the Đắk Glei seed: the memorandum of
 * 11/2022 and the conference of 2023, as in tests/data/dak-glei-2024.csv,
 * written as CSV rows the clerk confirms in their last column. */
static void
test_activities_csv(void **state)
{
	struct docimport d;
	char *buf = NULL, *confirmed;
	size_t len = 0;
	int rows = 0, unconfirmed = 0;
	FILE *f;

	(void)state;
	import_file(SEEDS "kon-tum-dak-glei-2024.txt", &d);
	assert_int_equal(pbstr_set(&d.report->unit_code, "KT-DAKGLEI"), 0);
	assert_int_equal(d.n_activities, 2);
	assert_int_equal(d.activities[0]->kind,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT);
	assert_string_equal(d.activities[0]->start_date, "2022-11");
	assert_int_equal(d.activities[1]->kind,
	    HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE);
	assert_string_equal(d.activities[1]->start_date, "2023");
	f = open_memstream(&buf, &len);
	assert_int_equal(docimport_write_activities(f, &d), 0);
	fclose(f);
	/* Refused as they are: nobody has confirmed them. */
	f = fmemopen(buf, len, "r");
	assert_int_equal(
	    activity_csv_read(f, csv_row, csv_error, &unconfirmed), 0);
	fclose(f);
	assert_int_equal(unconfirmed, 2);
	/* Read once the clerk has marked them. */
	confirmed = confirm_all(buf);
	f = fmemopen(confirmed, strlen(confirmed), "r");
	assert_int_equal(activity_csv_read(f, csv_row, NULL, &rows), 0);
	fclose(f);
	assert_int_equal(rows, 2);
	free(confirmed);
	free(buf);
	docimport_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_dak_glei),
	    cmocka_unit_test(test_seed_dien_bien),
	    cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_bare_nil),
	    cmocka_unit_test(test_labels),
	    cmocka_unit_test(test_plain_headings),
	    cmocka_unit_test(test_docx),
	    cmocka_unit_test(test_docx_refused),
	    cmocka_unit_test(test_docx_hostile),
	    cmocka_unit_test(test_unplaced),
	    cmocka_unit_test(test_activities_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
