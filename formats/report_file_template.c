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
    "\n"
    "# Số, ký hiệu công văn yêu cầu báo cáo của Sở Ngoại vụ.\n";

static const char report_file_template_tail[] =
    "# Số, ký hiệu của báo cáo (dòng \"Số:\" trên văn bản); chưa cấp số thì\n"
    "# chỉ ghi ký hiệu, như mẫu.\n"
    "number: /BC-STNMT\n"
    "# Địa danh và ngày ký. Ngày viết như trên văn bản: \"24/8/2021\",\n"
    "# \"ngày 24 tháng 8 năm 2021\", \"tháng 8 năm 2021\" hoặc "
    "\"2021-08-24\".\n"
    "place: Điện Biên\n"
    "date: tháng 8 năm 2021\n"
    "# Báo cáo không (trong kỳ không có hoạt động hợp tác nào): ghi \"có\".\n"
    "# Báo cáo không vẫn có thể có các mục đặc điểm tình hình (nêu lý do),\n"
    "# phương hướng, đề xuất, nhưng không có mục kết quả: khi đó xóa các mục\n"
    "# \"== result\".\n"
    "nil: không\n"
    "# Người ký và chức vụ; chức vụ nhiều dòng thì nối bằng \" / \", như\n"
    "# \"TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH\".\n"
    "signer: Vũ Ngọc Vương\n"
    "title: GIÁM ĐỐC\n"
    "# Nơi nhận: mỗi nơi một dòng \"recipient:\", bỏ dấu \"-\" đầu dòng và "
    "dấu\n"
    "# \";\" cuối dòng.\n"
    "recipient: Sở Ngoại vụ (b/c)\n"
    "recipient: Lưu: VT\n"
    "# Số liệu báo cáo nêu, mỗi số là số nguyên từ 0 trở lên: số đoàn ra và\n"
    "# số người đi, số đoàn vào và số người đến, số hội nghị, hội thảo quốc\n"
    "# tế, số thỏa thuận quốc tế đã ký kết. Số liệu được đối chiếu với các\n"
    "# hoạt động đơn vị đã ghi nhận. Báo cáo không nêu số liệu thì xóa cả\n"
    "# nhóm này.\n"
    "delegations_out: 2\n"
    "people_out: 10\n"
    "delegations_in: 2\n"
    "people_in: 24\n"
    "conferences: 1\n"
    "agreements: 1\n"
    "# Tổng số hoạt động hợp tác; 0 là không nêu.\n"
    "activities: 0\n"
    "\n"
    "== situation\n"
    "# I. Đặc điểm tình hình: quan hệ của đơn vị với đối tác Lào; báo cáo\n"
    "# không thì nêu lý do không có hoạt động.\n"
    "\n"
    "== result: Công tác thông tin, tuyên truyền\n"
    "# II. Kết quả: mỗi đề mục một mục \"== result: <đề mục>\", không ghi số\n"
    "# thứ tự; xóa các đề mục không dùng.\n"
    "\n"
    "== result: Công tác trao đổi đoàn\n"
    "# Số đoàn ra, đoàn vào và số người (\"02 đoàn/10 người\"); chi tiết ở\n"
    "# phụ lục.\n"
    "\n"
    "== result: Công tác Hội nghị, hội thảo quốc tế và ký kết thỏa thuận quốc "
    "tế, văn kiện hợp tác quốc tế\n"
    "# Các hội nghị, hội thảo đã tham gia và các thỏa thuận đã ký kết, theo\n"
    "# năm.\n"
    "\n"
    "== result: Kết quả hợp tác trên lĩnh vực được phân công và theo chức "
    "năng, nhiệm vụ của ngành, cơ quan, tổ chức\n"
    "# Kết quả theo lĩnh vực của đơn vị; không có thì ghi \"Không.\".\n"
    "\n"
    "== limitations\n"
    "# III. Đánh giá. 1. Tồn tại, hạn chế.\n"
    "\n"
    "== causes\n"
    "# 2. Nguyên nhân của các tồn tại, hạn chế.\n"
    "\n"
    "== directions 2027\n"
    "# IV. Phương hướng hợp tác; số sau tên mục là năm cuối (\"từ nay đến năm\n"
    "# 2027\"), có thể bỏ.\n"
    "\n"
    "== proposals\n"
    "# V. Đề xuất, kiến nghị; không có thì ghi \"Không.\".\n";

int
report_file_template(
    FILE *f, const char *request_reference, const char *unit_code)
{
	if (request_reference == NULL || request_reference[0] == '\0')
		request_reference = "558/SNgV-BGHTQT";
	if (unit_code == NULL || unit_code[0] == '\0')
		unit_code = "KT-DAKGLEI";
	if (f == NULL || strpbrk(request_reference, "\r\n") != NULL ||
	    strpbrk(unit_code, "\r\n") != NULL) {
		errno = EINVAL;
		return -1;
	}
	if (fputs(report_file_template_head, f) == EOF ||
	    fprintf(f, "request: %s\n# Mã đơn vị báo cáo.\nunit: %s\n",
	        request_reference, unit_code) < 0 ||
	    fputs(report_file_template_tail, f) == EOF || fflush(f) != 0 ||
	    ferror(f))
		return -1;
	return 0;
}
