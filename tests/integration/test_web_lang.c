/*
 * The language of hoptac-web's pages: Vietnamese by default, whatever
 * the server's environment (the tests run it under LC_ALL=C.UTF-8),
 * English for a request that prefers it (Accept-Language), each page
 * from the catalogue of the text domain hoptac-web and marked with
 * lang= on <html>.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "web_harness.h"

static struct web_answer a;

struct lang_test {
	struct harness h;
	char reviewer[128];
};

static int
setup(void **state)
{
	static struct lang_test t;

	harness_start(&t.h, HARNESS_TCP, 0);
	harness_issue(&t.h, "Phòng HTQT, Sở Ngoại vụ", 1u << 2, NULL,
	    t.reviewer, sizeof(t.reviewer));
	*state = &t;
	return 0;
}

/* Fetches path with extra headers (NULL: none), asserting status. */
static void
fetch(struct web_harness *w, const char *extra, const char *path, int status)
{
	w->extra = extra;
	assert_int_equal(web_request(w, "GET", path, NULL, &a), status);
	w->extra = NULL;
}

static void
assert_vietnamese(void)
{
	assert_non_null(strstr(a.body, "<html lang=\"vi\">"));
	assert_null(strstr(a.body, "Sign out"));
	assert_null(strstr(a.body, "Access code issued"));
}

static void
assert_english(void)
{
	assert_non_null(strstr(a.body, "<html lang=\"en\">"));
	assert_null(strstr(a.body, "Đăng"));
}

/* The sign-in page, before anybody signs in. */
static void
test_signin(void **state)
{
	struct lang_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, "--language", "browser", NULL);
	fetch(&w, NULL, "/dang-nhap", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "Mã truy cập do quản trị viên cấp"));
	fetch(&w, "Accept-Language: vi\r\n", "/dang-nhap", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "<button type=\"submit\">Đăng nhập"));
	fetch(&w, "Accept-Language: en\r\n", "/dang-nhap", 200);
	assert_english();
	assert_non_null(
	    strstr(a.body, "Access code issued by the administrator"));
	assert_non_null(strstr(a.body, "<title>Sign in – Cooperation</title>"));
	/* The one preferred most, by q, then by order. */
	fetch(&w, "Accept-Language: en-GB, en;q=0.9, vi;q=0.8\r\n",
	    "/dang-nhap", 200);
	assert_english();
	fetch(&w, "Accept-Language: vi, en;q=0.9\r\n", "/dang-nhap", 200);
	assert_vietnamese();
	fetch(&w, "Accept-Language: vi;q=0.5, en\r\n", "/dang-nhap", 200);
	assert_english();
	/* Anything else is Vietnamese, not a third language. */
	fetch(&w, "Accept-Language: fr, en;q=0.5\r\n", "/dang-nhap", 200);
	assert_vietnamese();
	fetch(&w, "Accept-Language: eng, *\r\n", "/dang-nhap", 200);
	assert_vietnamese();
	web_stop(&w);
}

/* A signed-in page and a refusal, in either language on one session. */
static void
test_signed_in(void **state)
{
	struct lang_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, "--language", "browser", NULL);
	web_sign_in(&w, t->reviewer);
	fetch(&w, NULL, "/", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "Chưa có yêu cầu báo cáo nào."));
	assert_non_null(strstr(a.body, ">Đăng xuất</button>"));
	assert_non_null(strstr(a.body, ">Số liệu tổng hợp</a>"));
	fetch(&w, "Accept-Language: en-US,en;q=0.9\r\n", "/", 200);
	assert_english();
	assert_non_null(strstr(a.body, "There are no report requests yet."));
	assert_non_null(strstr(a.body, ">Sign out</button>"));
	assert_non_null(strstr(a.body, ">Summary figures</a>"));
	fetch(&w, "Accept-Language: vi\r\n", "/", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "Chưa có yêu cầu báo cáo nào."));
	fetch(&w, "Accept-Language: en\r\n", "/hoat-dong", 200);
	assert_english();
	assert_non_null(strstr(a.body, "Activities matching the search: 0."));
	fetch(&w, NULL, "/hoat-dong", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "0 hoạt động khớp với điều kiện tìm."));
	fetch(&w, "Accept-Language: en\r\n", "/tong-hop", 200);
	assert_english();
	assert_non_null(strstr(a.body, "No activity matches the filters."));
	assert_non_null(strstr(a.body, ">By partner province</option>"));
	fetch(&w, NULL, "/tong-hop", 200);
	assert_vietnamese();
	assert_non_null(
	    strstr(a.body, "Không có hoạt động nào khớp với điều kiện lọc."));
	assert_non_null(strstr(a.body, ">Theo tỉnh bạn</option>"));
	fetch(&w, "Accept-Language: en\r\n", "/khong-co", 404);
	assert_english();
	assert_non_null(strstr(a.body, "There is no such page."));
	fetch(&w, NULL, "/khong-co", 404);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "Không có trang này."));
	web_stop(&w);
}

/* A request's page and the board listing it, in either language. */
static void
test_request(void **state)
{
	struct lang_test *t = *state;
	struct web_harness w;
	struct rpc_client *c = harness_client(&t->h);
	char *units[] = {(char *)"KT-W-DAKTO"};

	harness_unit(c, "KT-W-SNGV", "Sở Ngoại vụ tỉnh Kon Tum");
	harness_unit(c, units[0], "UBND huyện Đắk Tô");
	harness_request(c, "5/SNgV-BGHTQT", "KT-W-SNGV", units, 1);
	rpc_client_close(c);
	web_start(&w, &t->h, "--language", "browser", NULL);
	web_sign_in(&w, t->reviewer);
	fetch(&w, "Accept-Language: en\r\n", "/", 200);
	assert_english();
	assert_non_null(strstr(a.body, "<title>Requests board – Cooperation"));
	assert_non_null(strstr(a.body, "<th>To chase</th>"));
	fetch(&w, NULL, "/", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "<th>Cần đôn đốc</th>"));
	fetch(
	    &w, "Accept-Language: en\r\n", "/yeu-cau?so=5%2FSNgV-BGHTQT", 200);
	assert_english();
	assert_non_null(strstr(a.body, "<caption>The units asked</caption>"));
	assert_non_null(strstr(a.body, "<td>Not reported</td>"));
	assert_non_null(strstr(a.body, ">download csv</a>"));
	fetch(
	    &w, "Accept-Language: vi\r\n", "/yeu-cau?so=5%2FSNgV-BGHTQT", 200);
	assert_vietnamese();
	assert_non_null(
	    strstr(a.body, "<caption>Các đơn vị được yêu cầu</caption>"));
	assert_non_null(strstr(a.body, "<td>Chưa báo cáo</td>"));
	assert_non_null(strstr(a.body, ">tải csv</a>"));
	web_stop(&w);
}

/* Whether the file at path holds text. */
static int
log_says(const char *path, const char *text)
{
	static char buf[64 * 1024];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strstr(buf, text) != NULL;
}

/* A machine without the vi_VN.UTF-8 locale (LOCPATH names an empty
 * folder here) still serves Vietnamese pages, and says how once. */
static void
test_no_vi_locale(void **state)
{
	struct lang_test *t = *state;
	struct web_harness w;

	setenv("LOCPATH", t->h.dir, 1);
	web_start(&w, &t->h, "--language", "browser", NULL);
	unsetenv("LOCPATH");
	fetch(&w, NULL, "/dang-nhap", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "Mã truy cập do quản trị viên cấp"));
	fetch(&w, "Accept-Language: en\r\n", "/dang-nhap", 200);
	assert_english();
	assert_non_null(
	    strstr(a.body, "Access code issued by the administrator"));
	web_stop(&w);
	assert_true(log_says(w.log, "no vi_VN.UTF-8 locale"));
}

/* By default the pages are Vietnamese whatever the browser asks (most
 * staff's browsers are left in English); --language en makes them
 * English; a word it does not know stops hoptac-web at start. */
static void
test_default_vietnamese(void **state)
{
	struct lang_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, NULL);
	fetch(&w, "Accept-Language: en-US,en;q=0.9\r\n", "/dang-nhap", 200);
	assert_vietnamese();
	assert_non_null(strstr(a.body, "Mã truy cập do quản trị viên cấp"));
	web_stop(&w);
	web_start(&w, &t->h, "--language", "en", NULL);
	fetch(&w, "Accept-Language: vi\r\n", "/dang-nhap", 200);
	assert_english();
	web_stop(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_signin, web_teardown),
	    cmocka_unit_test_teardown(test_signed_in, web_teardown),
	    cmocka_unit_test_teardown(test_request, web_teardown),
	    cmocka_unit_test_teardown(test_no_vi_locale, web_teardown),
	    cmocka_unit_test_teardown(test_default_vietnamese, web_teardown),
	};

	return cmocka_run_group_tests(tests, setup, harness_teardown);
}
