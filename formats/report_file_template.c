/*
 * The report file template an office fills in.
 */
#include "report_file.h"

#include <errno.h>
#include <string.h>

/* The template, around its request and unit lines. In Vietnamese: the
 * people who fill it in read it in their editor, not in our docs. */
static const char report_file_template_head[] =
    "# BÁO CÁO TÌNH HÌNH HỢP TÁC VỚI CÁC TỈNH CỦA LÀO\n"
    "#\n"
    "# Mẫu để điền bằng bất kỳ trình soạn thảo văn bản nào; lưu tệp dạng\n"
    "# văn bản UTF-8. Cách điền:\n"
    "# - Dòng bắt đầu bằng dấu # là chú thích, chương trình bỏ qua; có thể "
    "xóa.\n"
    "# - Phần đầu gồm các dòng \"khóa: giá trị\". Giữ nguyên khóa (tiếng "
    "Anh),\n"
    "#   thay giá trị mẫu bằng giá trị của đơn vị mình; dòng không dùng thì "
    "xóa.\n"
    "# - Tiếp theo là các mục, mỗi mục bắt đầu bằng một dòng \"== tên mục\",\n"
    "#   tên tiếng Anh như dưới đây hoặc tên tiếng Việt: \"== Đặc điểm tình\n"
    "#   hình\", \"== Kết quả: <đề mục>\", \"== Tồn tại, hạn chế\", \"== "
    "Nguyên\n"
    "#   nhân\", \"== Phương hướng 2027\", \"== Đề xuất, kiến nghị\".\n"
    "# - Nội dung của một mục là các dòng tiếp theo, đến dòng \"==\" kế tiếp;\n"
    "#   dòng trống giữa các đoạn được giữ nguyên. Mục không có nội dung thì\n"
    "#   để trống hoặc xóa.\n"
    "# - Dòng nội dung nào bắt đầu bằng \"#\" hoặc \"==\" thì thêm dấu \"\\\" "
    "vào\n"
    "#   đầu dòng đó.\n"
    "#\n"
    "# Mẫu này do hoptac report template in ra từ công văn và các hoạt động\n"
    "# đơn vị đã ghi nhận. Dòng \"signer:\" để trống: mẫu chưa ghi người ký\n"
    "# thì không gửi được (hoptac report check cho biết trước).\n"
    "\n"
    "# Số, ký hiệu công văn yêu cầu báo cáo của Sở Ngoại vụ.\n";

static const char report_file_template_number[] =
    "# Số, ký hiệu của báo cáo (dòng \"Số:\" trên văn bản), như "
    "\"45/BC-UBND\".\n"
    "number:\n"
    "# Địa danh và ngày ký. Ngày viết như trên văn bản: \"24/8/2025\",\n"
    "# \"ngày 24 tháng 8 năm 2025\", \"tháng 8 năm 2025\" hoặc "
    "\"2025-08-24\";\n"
    "# không được trước ngày của công văn.\n";

static const char report_file_template_signer[] =
    "# Người ký và chức vụ; chức vụ nhiều dòng thì nối bằng \" / \", như\n"
    "# \"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH\". Phải ghi người ký.\n"
    "signer:\n"
    "title:\n"
    "# Nơi nhận: mỗi nơi một dòng \"recipient:\", bỏ dấu \"-\" đầu dòng và "
    "dấu\n"
    "# \";\" cuối dòng.\n"
    "recipient: Sở Ngoại vụ (b/c)\n"
    "recipient: Lưu: VT\n";

static const char report_file_template_figures[] =
    "# Số liệu tính từ các hoạt động đơn vị đã ghi nhận trong kỳ của công\n"
    "# văn: số đoàn ra và số người đi, số đoàn vào và số người đến, số hội\n"
    "# nghị, hội thảo quốc tế, số thỏa thuận quốc tế đã ký kết, tổng số hoạt\n"
    "# động. Số liệu của báo cáo khác hồ sơ thì sửa, máy chủ sẽ đánh dấu\n"
    "# chỗ khác.\n";

static const char report_file_template_situation[] =
    "\n== situation\n"
    "# I. Đặc điểm tình hình: quan hệ của đơn vị với đối tác Lào; báo cáo\n"
    "# không thì nêu lý do không có hoạt động.\n";

static const char report_file_template_results[] =
    "\n== result: Công tác thông tin, tuyên truyền\n"
    "# II. Kết quả: mỗi đề mục một mục \"== result: <đề mục>\", không ghi số\n"
    "# thứ tự; xóa các đề mục không dùng.\n"
    "\n"
    "== result: Công tác trao đổi đoàn\n"
    "# Số đoàn ra, đoàn vào và số người (\"02 đoàn/10 người\"); chi tiết ở\n"
    "# phụ lục.\n";

static const char report_file_template_results_tail[] =
    "\n== result: Công tác Hội nghị, hội thảo quốc tế và ký kết thỏa thuận "
    "quốc tế, văn kiện hợp tác quốc tế\n"
    "# Các hội nghị, hội thảo đã tham gia và các thỏa thuận đã ký kết, theo\n"
    "# năm.\n"
    "\n"
    "== result: Kết quả hợp tác trên lĩnh vực được phân công và theo chức "
    "năng, nhiệm vụ của ngành, cơ quan, tổ chức\n"
    "# Kết quả theo lĩnh vực của đơn vị; không có thì ghi \"Không.\".\n";

static const char report_file_template_end[] =
    "\n== limitations\n"
    "# III. Đánh giá. 1. Tồn tại, hạn chế.\n"
    "\n"
    "== causes\n"
    "# 2. Nguyên nhân của các tồn tại, hạn chế.\n"
    "\n"
    "== directions\n"
    "# IV. Phương hướng hợp tác; năm cuối sau tên mục (\"== directions 2027\"\n"
    "# cho \"từ nay đến năm 2027\"), có thể bỏ.\n"
    "\n"
    "== proposals\n"
    "# V. Đề xuất, kiến nghị; không có thì ghi \"Không.\".\n";

/* Whether any of the strings holds a line break. */
static int
report_file_template_multiline(const struct report_file_template_data *d)
{
	const char *one[] = {
	    d->request_reference, d->unit_code, d->place, d->date};

	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (one[i] == NULL || strpbrk(one[i], "\r\n") != NULL)
			return 1;
	for (size_t i = 0; i < d->n_activities; i++)
		if (strpbrk(d->activities[i], "\r\n") != NULL)
			return 1;
	return 0;
}

int
report_file_template(FILE *f, const struct report_file_template_data *d)
{
	const Hoptac__V1__Figures *g = d->figures;
	int nil = g == NULL || g->activities == 0;

	if (f == NULL || report_file_template_multiline(d)) {
		errno = EINVAL;
		return -1;
	}
	fputs(report_file_template_head, f);
	fprintf(f, "request: %s\n# Mã đơn vị báo cáo.\nunit: %s\n",
	    d->request_reference, d->unit_code);
	fputs(report_file_template_number, f);
	fprintf(f, "place: %s\ndate: %s\n", d->place, d->date);
	fprintf(f,
	    "# Báo cáo không (trong kỳ không có hoạt động hợp tác nào): "
	    "\"có\";\n"
	    "# đơn vị có hoạt động trong kỳ thì không báo cáo không được.\n"
	    "nil: %s\n",
	    nil ? "có" : "không");
	fputs(report_file_template_signer, f);
	if (!nil) {
		fputs(report_file_template_figures, f);
		fprintf(f,
		    "delegations_out: %d\npeople_out: %d\ndelegations_in: "
		    "%d\npeople_in: %d\nconferences: %d\nagreements: %d\n"
		    "activities: %d\n",
		    g->delegations_out, g->people_out, g->delegations_in,
		    g->people_in, g->conferences, g->agreements, g->activities);
	}
	fputs(report_file_template_situation, f);
	/* A nil report has no results: the sections would be refused. */
	if (!nil) {
		fputs(report_file_template_results, f);
		fputs("# Các hoạt động đơn vị đã ghi nhận trong kỳ:\n", f);
		for (size_t i = 0; i < d->n_activities; i++)
			fprintf(f, "# - %s\n", d->activities[i]);
		fputs(report_file_template_results_tail, f);
	}
	fputs(report_file_template_end, f);
	return fflush(f) != 0 || ferror(f) ? -1 : 0;
}
