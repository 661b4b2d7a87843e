/* The consolidated report in markdown and html. */
#include "render_fixture.h"

static void
test_markdown(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *md = render(c, RENDER_MARKDOWN);

	(void)state;
	/* Heading block: the province's committee above the department,
	 * which is named without the province; title, the request
	 * answered. */
	assert_has(md,
	    "| UBND TỈNH KON TUM | **CỘNG HÒA XÃ HỘI CHỦ "
	    "NGHĨA VIỆT NAM** |");
	assert_has(md, "| **SỞ NGOẠI VỤ** | **Độc lập - Tự do - Hạnh phúc** |");
	assert_has(md, "| Số: \u00a0");
	assert_has(md, "\u00a0/BC-SNgV |");
	assert_has(md, "*Kon Tum, ngày … tháng … năm …*");
	assert_has(md, "# BÁO CÁO TỔNG HỢP\n");
	assert_has(md, "**Tình hình hợp tác với tỉnh Sê Kông (Lào)**");
	assert_has(md,
	    "Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024 "
	    "của Sở Ngoại vụ tỉnh Kon Tum về việc báo cáo tình "
	    "hình hợp tác với tỉnh Sê Kông (Lào);");

	/* I: who was asked, who answered, how. */
	assert_has(md, "## I. TÌNH HÌNH CHUNG");
	assert_has(md,
	    "Thời kỳ báo cáo: từ tháng 11/2022 đến nay; đối tác: "
	    "tỉnh Sê Kông; hạn gửi báo cáo: ngày 15/5/2024.");
	assert_has(md,
	    "đề nghị 04 đơn vị báo cáo; đã nhận được báo cáo của "
	    "03/04 đơn vị");
	assert_has(md, "- Gửi đúng hạn: 01 đơn vị, gồm: " DAKGLEI ".\n");
	assert_has(md,
	    "- Gửi đúng hạn nhưng nhận được sau hạn: 01 đơn vị, "
	    "gồm: " STNMT " (gửi ngày 15/5/2024, nhận ngày "
	    "16/5/2024).\n");
	assert_has(md,
	    "- Gửi sau hạn: 01 đơn vị, gồm: Ban Quản lý Khu kinh "
	    "tế \\| Bờ Y (gửi ngày 20/5/2024, nhận ngày 20/5/2024).\n");
	assert_has(
	    md, "- Báo cáo không phát sinh: 01 đơn vị, gồm: " STNMT ".\n");
	assert_has(md, "- Chưa báo cáo: 01 đơn vị, gồm: " NGOCHOI ".\n");
	assert_has(md, "**" STNMT ":** Sở Tài nguyên và Môi trường không");

	/* II: the figures tables, as the offices write them. */
	assert_has(md,
	    "| Đơn vị | Đoàn ra (đoàn/người) | Đoàn vào (đoàn/người) "
	    "| Hội nghị, hội thảo | Thỏa thuận, bản ghi nhớ | Tổng "
	    "hoạt động |");
	assert_has(md,
	    "| " DAKGLEI " | 02 đoàn/12 người (\\*) | 02 đoàn/24 "
	    "người | 01 | 01 | 06 | chênh lệch (\\*) |");
	assert_has(md,
	    "| Ban Quản lý Khu kinh tế \\| Bờ Y | 01 đoàn/05 người "
	    "| 0 | 0 | 0 | 01 | ghi nhận |");
	assert_has(md,
	    "| **Tổng cộng** | **03 đoàn/17 người** | **02 "
	    "đoàn/24 người** | **01** | **01** | **07** | **01 ghi nhận, "
	    "01 chênh lệch (\\*)** |");
	assert_has(md,
	    "bảng và dòng Tổng cộng tính theo số liệu đơn vị kê "
	    "khai.");
	assert_has(md,
	    "Công văn chỉ đề nghị báo cáo về một đối tác, nên bảng theo "
	    "đối tác tính số liệu kê khai như bảng theo đơn vị, của: " DAKGLEI
	    " (chênh lệch).");
	assert_has(md,
	    "- " DAKGLEI ": số người đoàn ra kê khai 12 người, "
	    "theo số liệu 10 người.");
	assert_has(md, "| Sê Kông | 03 đoàn/17 người |");
	assert_has(md, "Một hoạt động với nhiều đối tác");
	assert_md_tables(md);

	/* The narratives, each under its unit, headings kept. */
	assert_has(md,
	    "**" DAKGLEI ":**\n\n*1. Công tác thông tin, tuyên "
	    "truyền:* Đường biên giới được giữ ổn định.\n\n\\- Các "
	    "cột mốc được bảo vệ nguyên trạng.\n\n*3. Công tác Hội "
	    "nghị, hội thảo quốc tế:* Hội nghị lần thứ 18");
	assert_has(md,
	    "**Ban Quản lý Khu kinh tế \\| Bờ Y:** Khảo sát cửa "
	    "khẩu \\| kho bãi \\<script\\>alert(1)\\</script\\>");
	assert_has(md,
	    "## III. ĐÁNH GIÁ\n\n### 1. Tồn tại, hạn chế\n\n**" DAKGLEI
	    ":** Hạ tầng kinh tế - xã hội");
	assert_has(md,
	    "**Ban Quản lý Khu kinh tế \\| Bờ Y:**\n\n\\# Chưa có "
	    "kho bãi\n\n2\\. Thiếu \\*kinh phí\\* \\& nhân "
	    "lực\n\n\\> mặt bằng\\_chật \\[hẹp\\]\n\n### 2. "
	    "Nguyên nhân");
	assert_has(md, "### 2. Nguyên nhân\n\n**" DAKGLEI ":** Nguồn vốn");
	assert_has(md,
	    "## IV. PHƯƠNG HƯỚNG\n\n**" DAKGLEI " (đến năm 2027):**\n\n"
	    "\\- Tham dự Hội nghị");
	assert_has(md, "\n\n\\- Thường xuyên duy trì");
	assert_has(md, "**" STNMT ":** Đón tiếp các đoàn");
	assert_has(md, "## V. ĐỀ XUẤT, KIẾN NGHỊ\n\nKhông.\n");
	assert_has(md, "**Các đơn vị chưa báo cáo:** " NGOCHOI ".\n");
	assert_true(in_order(md, "V. ĐỀ XUẤT", "Các đơn vị chưa báo cáo"));
	assert_true(in_order(md, "Các đơn vị chưa báo cáo", "Nơi nhận"));
	/* The signature block as a department's: its director signs, it
	 * reports to its superior and keeps a copy. */
	assert_has(
	    md, "| ***Nơi nhận:*** | **GIÁM ĐỐC** |\n| :--- | :---: |\n");
	assert_has(md, "| - UBND tỉnh Kon Tum (b/c); | *(Chữ ký, dấu)* |");
	assert_has(md, "| - Lưu: VT, BGHTQT. | **Họ và tên** |");
	assert_lacks(md, "PHỤ LỤC");

	/* Nothing from the data gets through as markup. */
	assert_lacks(md, "<script>");
	assert_lacks(md, "tế | Bờ Y");
	assert_lacks(md, "khẩu | kho");
	free(md);
	free_message(c);
}

static void
test_html(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *html = render(c, RENDER_HTML);

	(void)state;
	assert_true(
	    strncmp(html, "<!DOCTYPE html>\n<html lang=\"vi\">", 31) == 0);
	assert_has(html, "<meta charset=\"utf-8\">");
	assert_has(html, "@page { size: A4; margin: 20mm 15mm 20mm 30mm; ");
	assert_has(html, "@page :first { @top-center { content: none; } }");
	assert_has(html, "\"Times New Roman\"");
	assert_has(html, "page-break-inside: avoid");
	assert_has(html, "border: 1px solid #000");
	assert_html_balanced(html);
	/* Self-contained. */
	assert_lacks(html, "src=");
	assert_lacks(html, "href=");
	assert_lacks(html, "url(");
	assert_lacks(html, "@import");

	assert_has(html, "<div class=\"line s\">UBND TỈNH KON TUM</div>");
	assert_has(html,
	    "<div class=\"line b s\">SỞ NGOẠI VỤ</div><div "
	    "class=\"rule\"></div>");
	assert_has(html,
	    "<div class=\"line b s\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>");
	assert_has(html,
	    "<div class=\"line b\">Độc lập - Tự do - Hạnh phúc</div><div "
	    "class=\"rule\"></div>");
	assert_has(html, "<div class=\"line l s\">- Lưu: VT, BGHTQT.</div>");
	assert_has(html, "<h1>BÁO CÁO TỔNG HỢP</h1>");
	assert_has(html,
	    "<p class=\"subject\">Tình hình hợp tác với tỉnh Sê "
	    "Kông (Lào)</p>");
	assert_has(
	    html, "Thực hiện Công văn số 558/SNgV-BGHTQT ngày 02/5/2024");
	assert_has(html,
	    "<td>" DAKGLEI "</td><td class=\"num\">02 đoàn/12 "
	    "người (*)</td>");
	assert_has(html,
	    "<tr class=\"total\"><td>Tổng cộng</td><td "
	    "class=\"num\">03 đoàn/17 người</td>");
	assert_has(html,
	    "số người đoàn ra kê khai 12 người, theo số liệu 10 "
	    "người");
	assert_has(html,
	    "<p><strong>" DAKGLEI ":</strong></p>\n<p><em>1. "
	    "Công tác thông tin, tuyên truyền:</em> Đường biên");
	assert_has(html, "<h2>V. ĐỀ XUẤT, KIẾN NGHỊ</h2>\n<p>Không.</p>");
	assert_has(
	    html, "<strong>Các đơn vị chưa báo cáo:</strong> " NGOCHOI ".</p>");
	assert_has(html,
	    "Khảo sát cửa khẩu | kho bãi "
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	assert_lacks(html, "<script");
	assert_true(
	    strcmp(html + strlen(html) - 16, "</body>\n</html>\n") == 0);
	free(html);
	free_message(c);
}

/* An office whose clock ran six days behind: the server counted its
 * receipt, and the report shows both days, the office's as a claim. */
static void
test_claim_not_counted(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	Hoptac__V1__CompletenessEntry *e = c->completeness->entries[3];
	char *md;

	(void)state;
	assert_string_equal(e->unit_code, "KT-BQLKKT");
	e->submitted_at_ms = BQL_SUBMITTED - INT64_C(6) * 86400000;
	e->filed_at_ms = BQL_RECEIVED - INT64_C(6) * 3600000;
	md = render(c, RENDER_MARKDOWN);
	assert_has(md,
	    "- Gửi sau hạn: 01 đơn vị, gồm: Ban Quản lý Khu kinh "
	    "tế \\| Bờ Y (đơn vị ghi gửi ngày 14/5/2024, nhận ngày "
	    "20/5/2024).\n");
	free(md);
	free_message(c);
}

/* Dates written differently: a year alone, and the months 1 and
 * 2 with their leading zero. */
static void
test_dates(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *md;

	(void)state;
	set(&c->request->issued_on, "2024-02-03");
	set(&c->request->period_from, "2017");
	set(&c->request->period_to, "2021-08-24");
	set(&c->request->due_on, "2024-01-05");
	md = render(c, RENDER_MARKDOWN);
	assert_has(md, "Công văn số 558/SNgV-BGHTQT ngày 03/02/2024 của");
	assert_has(md, "Thời kỳ báo cáo: từ năm 2017 đến ngày 24/8/2021;");
	assert_has(md, "hạn gửi báo cáo: ngày 05/01/2024.");
	free(md);
	/* A period of one year is that year, not "từ năm 2025 đến năm
	 * 2025"; one of a quarter, that quarter. */
	set(&c->request->period_from, "2025");
	set(&c->request->period_to, "2025");
	md = render(c, RENDER_MARKDOWN);
	assert_has(md, "Thời kỳ báo cáo: năm 2025;");
	free(md);
	set(&c->request->period_from, "2024-04");
	set(&c->request->period_to, "2024-06-30");
	md = render(c, RENDER_MARKDOWN);
	assert_has(md, "Thời kỳ báo cáo: quý II năm 2024;");
	free(md);
	free_message(c);
}

/* Records linked as one event: the total row counts it once and the
 * sentence under the units' table says how many it left out; without
 * any, no sentence. */
static void
test_counted_once(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = make_consolidated();
	char *md;

	(void)state;
	md = render(c, RENDER_MARKDOWN);
	assert_lacks(md, "không tính lại");
	free(md);
	c->duplicates_counted_once = 2;
	md = render(c, RENDER_MARKDOWN);
	assert_has(md,
	    "Dòng Tổng cộng không tính lại 2 hoạt động do nhiều đơn vị cùng "
	    "báo cáo (đã xác định là cùng một sự kiện); số liệu của từng "
	    "đơn vị vẫn tính đủ.");
	assert_true(strstr(md, "không tính lại") <
	    strstr(md, "### 2. Số liệu theo đối tác"));
	free(md);
	free_message(c);
}

/* A response with nothing in it still gives every section, each saying
 * there is nothing. */
static void
test_empty(void **state)
{
	Hoptac__V1__ConsolidateResponse *c = xcalloc(sizeof(*c));
	char *md, *html, *csv;

	(void)state;
	hoptac__v1__consolidate_response__init(c);
	md = render(c, RENDER_MARKDOWN);
	assert_has(
	    md, "| **SỞ NGOẠI VỤ** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** |");
	assert_has(md, "*……, ngày … tháng … năm …*");
	assert_has(md, "Không có đơn vị nào được đề nghị báo cáo.");
	assert_has(md, "### 1. Số liệu theo đơn vị\n\nKhông có số liệu.\n");
	assert_has(md, "### 2. Số liệu theo đối tác\n\nKhông có số liệu.\n");
	assert_has(md, "### 2. Đặc điểm tình hình\n\nKhông.\n");
	assert_has(md, "### 3. Kết quả cụ thể của các đơn vị\n\nKhông.\n");
	assert_has(md, "### 1. Tồn tại, hạn chế\n\nKhông.\n");
	assert_has(md, "### 2. Nguyên nhân\n\nKhông.\n");
	assert_has(md, "## IV. PHƯƠNG HƯỚNG\n\nKhông.\n");
	assert_has(md, "## V. ĐỀ XUẤT, KIẾN NGHỊ\n\nKhông.\n");
	assert_has(md, "**Các đơn vị chưa báo cáo:** Không.\n");
	html = render(c, RENDER_HTML);
	assert_html_balanced(html);
	csv = render(c, RENDER_CSV);
	assert_string_equal(csv,
	    "unit_code,unit_name,delegations_out,people_out,delegations_in,"
	    "people_in,conferences,agreements,activities,source\r\n"
	    ",Tổng cộng,0,0,0,0,0,0,0,\r\n\r\n"
	    "partner_code,partner_name,delegations_out,people_out,"
	    "delegations_in,people_in,conferences,agreements,activities\r\n"
	    ",Tổng cộng,0,0,0,0,0,0,0\r\n\r\n"
	    "unit_code,unit_name,timeliness,nil,revision,status,signed_on,"
	    "submitted_at,received_at,mismatches\r\n");
	free(md);
	free(html);
	free(csv);
	free_message(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_counted_once),
	    cmocka_unit_test(test_claim_not_counted),
	    cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
