/* The frame of every page, refusals and escaping: see page.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "page.h"
#include "validate.h"

#include "hoptac/v1/services.pb-c.h"

int
page_begin(struct web_page *p, const char *title, const struct web_user *u)
{
	p->buf = NULL;
	p->len = 0;
	if ((p->f = open_memstream(&p->buf, &p->len)) == NULL)
		return -1;
	fputs(
	    "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<link rel=\"stylesheet\" href=\"/static/hoptac.css\"><title>",
	    p->f);
	page_text(p->f, title);
	fputs(" – Hợp tác</title></head><body>\n<header><nav>"
	      "<strong>Hợp tác với các tỉnh của Lào</strong>",
	    p->f);
	if (u != NULL) {
		fputs(" <a href=\"/\">Trang đầu</a>"
		      " <a href=\"/hoat-dong\">Hoạt động</a>"
		      " <a href=\"/tong-hop\">Số liệu tổng hợp</a>"
		      " <span class=\"who\">",
		    p->f);
		page_text(p->f, u->name);
		fputs("</span> <form method=\"post\" action=\"/dang-xuat\" "
		      "class=\"inline\">",
		    p->f);
		page_csrf(p->f, u);
		fputs(
		    "<button type=\"submit\">Đăng xuất</button></form>", p->f);
	}
	fputs("</nav></header>\n<main>\n<h1>", p->f);
	page_text(p->f, title);
	fputs("</h1>\n", p->f);
	return ferror(p->f) ? -1 : 0;
}

int
page_end(struct web_page *p)
{
	int bad;

	fputs("</main>\n</body></html>\n", p->f);
	bad = ferror(p->f);
	if (fclose(p->f) != 0 || bad) {
		free(p->buf);
		p->buf = NULL;
		p->f = NULL;
		return -1;
	}
	p->f = NULL;
	return 0;
}

int
page_answer(struct web_req *r, const char *title, const struct web_user *u,
    void (*body)(FILE *f, const void *arg), const void *arg)
{
	struct web_page p;

	if (page_begin(&p, title, u) != 0) {
		page_drop(&p);
		return web_refuse(r, 500, "Hết bộ nhớ.");
	}
	body(p.f, arg);
	if (page_end(&p) != 0)
		return web_refuse(r, 500, "Hết bộ nhớ.");
	return web_answer_page(r, 200, &p, NULL);
}

void
page_drop(struct web_page *p)
{
	if (p->f != NULL)
		fclose(p->f);
	free(p->buf);
	p->f = NULL;
	p->buf = NULL;
}

void
page_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

void
page_url(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c) != NULL)
			fputc(c, f);
		else
			fprintf(f, "%%%02X", c);
	}
}

void
page_csrf(FILE *f, const struct web_user *u)
{
	fprintf(
	    f, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", u->csrf);
}

const char *
page_date(char *buf, size_t len, const char *iso)
{
	int y, m, d;
	char rest;

	if (iso != NULL && sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &rest) == 3)
		snprintf(buf, len, "%d/%d/%d", d, m, y);
	else
		snprintf(buf, len, "%s", iso != NULL ? iso : "");
	return buf;
}

int
web_answer_page(struct web_req *r, int status, struct web_page *p,
    const char *const *headers)
{
	char *buf = p->buf;

	p->buf = NULL;
	return web_answer(
	    r, status, "text/html; charset=utf-8", buf, p->len, headers);
}

/* What a refusal's page is titled. */
static const char *
page_refusal_title(int status)
{
	switch (status) {
	case 400:
		return "Yêu cầu không hợp lệ";
	case 401:
		return "Chưa đăng nhập";
	case 403:
		return "Không được phép";
	case 404:
		return "Không tìm thấy";
	case 405:
		return "Phương thức không được phép";
	case 409:
		return "Không thực hiện được";
	case 413:
		return "Nội dung quá lớn";
	case 429:
		return "Quá nhiều lần thử";
	case 503:
		return "Máy chủ tạm thời không phục vụ";
	default:
		return "Lỗi máy chủ";
	}
}

int
web_refuse(struct web_req *r, int status, const char *why)
{
	static const char *const retry[] = {"Retry-After", "30", NULL};
	static const char *const allow[] = {"Allow", "GET, POST", NULL};
	struct web_page p;

	if (page_begin(&p, page_refusal_title(status), NULL) != 0) {
		page_drop(&p);
		return 0; /* MHD_NO: the connection is closed */
	}
	fputs("<p class=\"refusal\">", p.f);
	page_text(p.f, why);
	fputs("</p>\n<p><a href=\"/\">Về trang đầu</a></p>\n", p.f);
	if (page_end(&p) != 0)
		return 0;
	return web_answer_page(r, status, &p,
	    status == 503 || status == 429 ? retry
	        : status == 405            ? allow
	                                   : NULL);
}

int
web_redirect(
    struct web_req *r, const char *location, const char *const *headers)
{
	const char *h[8];
	size_t n = 0;
	char *empty = strdup("");

	if (empty == NULL)
		return 0;
	h[n++] = "Location";
	h[n++] = location;
	for (size_t i = 0; headers != NULL && headers[i] != NULL && n < 6;
	     i += 2) {
		h[n++] = headers[i];
		h[n++] = headers[i + 1];
	}
	h[n] = NULL;
	return web_answer(r, 303, "text/plain; charset=utf-8", empty, 0, h);
}

const char *
page_timeliness(int t)
{
	switch (t) {
	case HOPTAC__V1__TIMELINESS__TIMELINESS_ON_TIME:
		return "Đúng hạn";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_DELIVERED_LATE:
		return "Gửi đúng hạn, đến muộn";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_LATE:
		return "Muộn hạn";
	case HOPTAC__V1__TIMELINESS__TIMELINESS_MISSING:
		return "Chưa báo cáo";
	default:
		return "";
	}
}

const char *
page_status(int s)
{
	switch (s) {
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED:
		return "Chờ xem xét";
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED:
		return "Đã trả lại";
	case HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED:
		return "Đã chấp nhận";
	default:
		return "";
	}
}

const char *
page_kind(int kind)
{
	switch (kind) {
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT:
		return "Đoàn ra";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN:
		return "Đoàn vào";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_CONFERENCE:
		return "Hội nghị, hội thảo";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_AGREEMENT:
		return "Ký kết thỏa thuận";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_BORDER_WORK:
		return "Công tác biên giới";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_INFORMATION:
		return "Thông tin, tuyên truyền";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_PROJECT_AID:
		return "Dự án, viện trợ";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_TRAINING:
		return "Đào tạo";
	case HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER:
		return "Khác";
	default:
		return "";
	}
}

void
page_today(char buf[16])
{
	/* Due dates are days in Vietnam (UTC+7). */
	time_t now = time(NULL) + 7 * 3600;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 16, "%Y-%m-%d", &tm);
}

void
page_kind_select(FILE *f, const char *name, int kind)
{
	fprintf(f,
	    "<label>Loại <select name=\"%s\"><option value=\"\">Tất "
	    "cả</option>",
	    name);
	for (int k = HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT;
	     k <= HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_OTHER; k++)
		fprintf(f, "<option value=\"%s\"%s>%s</option>",
		    validate_activity_kind_name(k),
		    k == kind ? " selected" : "", page_kind(k));
	fputs("</select></label>", f);
}
