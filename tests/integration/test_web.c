/*
 * hoptac-web in front of the real hoptacd: a reviewer signs in through
 * the form, reads the requests board (the overdue request first, the
 * unit to chase named), a request's page with the figures of the answer
 * beside the records', accepts it, views and downloads the consolidated
 * report and the summaries; every refusal has its HTTP status.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "harness.h"
#include "web_harness.h"

#define REF     "558/SNgV-BGHTQT"
#define REF_URL "558%2FSNgV-BGHTQT"
#define LATER   "77/SNgV-BGHTQT"

static char out[256 * 1024];
static char err[64 * 1024];
static struct web_answer a;

#define CLI(...)                                                               \
	harness_cli(h, out, sizeof(out), err, sizeof(err), __VA_ARGS__, NULL)

#define expect(got, want, what) harness_expect(got, want, what, out, err)

struct web_test {
	struct harness h;
	char reviewer[128];
	char office[128];
};

static int
setup(void **state)
{
	static struct web_test t;
	struct harness *h = &t.h;
	char issued[16], due[16], later[16], filed[16];

	harness_start(h, HARNESS_TCP, 0);
	expect(CLI("unit", "import", harness_data("units-2024.csv")), 0,
	    "unit import");
	expect(CLI("import", harness_data("dak-glei-2024.csv")), 0, "import");
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(-1, due, sizeof(due));
	harness_day_text(30, later, sizeof(later));
	harness_day_text(-3, filed, sizeof(filed));
	/* Created first and due later: the board must still put the
	 * overdue request above it. */
	expect(CLI("request", "create", LATER, "--issuer", "KT-SNGV",
	           "--issued", issued, "--title", "báo cáo năm", "--from",
	           "1/2024", "--due", later, "--unit", "KT-DAKTO"),
	    0, "request create (due later)");
	expect(CLI("request", "create", REF, "--issuer", "KT-SNGV", "--issued",
	           issued, "--title",
	           "báo cáo tình hình hợp tác với tỉnh Sê Kông (Lào)", "--from",
	           "tháng 11/2022", "--due", due, "--partner", "Sê Kông",
	           "--unit", "KT-DAKGLEI", "--unit", "KT-DAKTO"),
	    0, "request create (overdue)");
	expect(CLI("report", "submit", harness_data("dak-glei-2024.report.txt"),
	           "--filed", filed),
	    0, "submit Đắk Glei");
	harness_issue(h, "Phòng HTQT, Sở Ngoại vụ", 1u << 2, NULL, t.reviewer,
	    sizeof(t.reviewer));
	harness_issue(h, "Văn phòng UBND huyện Đắk Tô", 1u << 1, "KT-DAKTO",
	    t.office, sizeof(t.office));
	*state = &t;
	return 0;
}

static int
teardown(void **state)
{
	struct web_test *t = *state;

	if (t == NULL)
		return 0;
	harness_stop(&t->h);
	harness_cleanup(&t->h);
	return 0;
}

/* The board: overdue first, who answered and who to chase. */
static void
test_board(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;
	const char *overdue, *later;

	web_start(&w, &t->h, NULL);
	/* Nobody signed in: the sign-in form, no data. */
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	assert_non_null(strstr(a.headers, "Location: /dang-nhap"));
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	overdue = strstr(a.body,
	    "<tr class=\"overdue\"><td><a href=\"/yeu-cau?so=" REF_URL "\">");
	later = strstr(a.body, "/yeu-cau?so=77%2FSNgV-BGHTQT");
	assert_non_null(overdue);
	assert_non_null(later);
	assert_true(overdue < later);
	/* Two asked, one answered (Đắk Glei: filed in time, received
	 * today, after the due day, so late), one missing: Đắk Tô. */
	assert_non_null(strstr(overdue,
	    "<td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">0</td>"
	    "<td class=\"n\">1</td><td class=\"n\">1</td><td>UBND huyện Đắk "
	    "Tô</td>"));
	/* The consolidated report one click away. */
	assert_non_null(strstr(overdue,
	    "<td><a href=\"/bao-cao-tong-hop?so=" REF_URL
	    "\">Xem</a></td></tr>"));
	assert_non_null(strstr(a.headers, "Content-Security-Policy"));
	web_stop(&w);
	/* Every request went to the access log, never the credential. */
	{
		FILE *f = fopen(w.access, "r");
		char line[512];
		int lines = 0, found = 0;

		assert_non_null(f);
		while (fgets(line, sizeof(line), f) != NULL) {
			lines++;
			found |=
			    strstr(line, "\"POST /dang-nhap HTTP/1.1\" 303") !=
			    NULL;
			assert_null(strstr(line, t->reviewer));
		}
		fclose(f);
		assert_int_equal(lines, 4);
		assert_true(found);
	}
}

/* A request's page, the review, the consolidated report. */
static void
test_request_review(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;
	char csrf[65], form[1024] = "";

	web_start(&w, &t->h, NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=" REF_URL, NULL, &a), 200);
	assert_non_null(strstr(a.body, "<h3>UBND huyện Đắk Glei</h3>"));
	/* The records give 2 delegations out with 10 people. */
	assert_non_null(strstr(a.body, "<td>Đoàn đi</td>"));
	assert_non_null(strstr(a.body, "<td>Người đi</td><td class=\"n\">10"));
	assert_non_null(strstr(a.body, "Chưa báo cáo"));
	assert_non_null(strstr(a.body, "Chấp nhận báo cáo"));
	assert_non_null(strstr(a.body, "&amp;tai=docx\">tải docx</a>"));
	web_csrf(&a, csrf);
	web_form_add(form, sizeof(form), "csrf", csrf);
	web_form_add(form, sizeof(form), "so", REF);
	web_form_add(form, sizeof(form), "don-vi", "KT-DAKGLEI");
	web_form_add(form, sizeof(form), "lan", "1");
	web_form_add(form, sizeof(form), "quyet-dinh", "chap-nhan");
	assert_int_equal(
	    web_request(&w, "POST", "/yeu-cau/duyet", form, &a), 303);
	assert_non_null(strstr(a.headers, "Location: /yeu-cau?so=" REF_URL));
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=" REF_URL, NULL, &a), 200);
	assert_non_null(strstr(a.body, "<strong>Đã chấp nhận</strong>"));
	assert_null(strstr(a.body, "Chấp nhận báo cáo"));
	/* Accepted as the reviewer: hoptacd's audit says who. */
	{
		struct harness *h = &t->h;

		expect(CLI("audit", "--method", "Reports/Review"), 0, "audit");
		char id[17];

		/* A token begins with its credential's id: hoptac1_ID... */
		assert_true(strncmp(t->reviewer, "hoptac1_", 8) == 0);
		snprintf(id, sizeof(id), "%s", t->reviewer + 8);
		assert_non_null(strstr(out, id));
	}
	/* The consolidated report: viewed, and downloaded as CSV. */
	assert_int_equal(
	    web_request(&w, "GET", "/bao-cao-tong-hop?so=" REF_URL, NULL, &a),
	    200);
	assert_non_null(strstr(a.headers, "Content-Type: text/html"));
	assert_non_null(strstr(a.body, "Đắk Glei"));
	assert_int_equal(
	    web_request(&w, "GET", "/bao-cao-tong-hop?so=" REF_URL "&tai=csv",
	        NULL, &a),
	    200);
	assert_non_null(strstr(a.headers, "Content-Type: text/csv"));
	assert_non_null(strstr(a.headers,
	    "attachment; filename=\"bao-cao-tong-hop-558-SNgV-BGHTQT.csv\""));
	assert_non_null(strstr(a.body, "KT-DAKGLEI"));
	/* And as a Word document, as the client writes it: a zip. */
	assert_int_equal(
	    web_request(&w, "GET", "/bao-cao-tong-hop?so=" REF_URL "&tai=docx",
	        NULL, &a),
	    200);
	assert_non_null(strstr(a.headers,
	    "Content-Type: application/"
	    "vnd.openxmlformats-officedocument.wordprocessingml.document"));
	assert_non_null(strstr(a.headers,
	    "attachment; filename=\"bao-cao-tong-hop-558-SNgV-BGHTQT.docx\""));
	assert_true(a.body_len > 1000);
	assert_memory_equal(a.body, "PK\3\4", 4);
	assert_int_equal(
	    web_request(&w, "GET", "/bao-cao-tong-hop?so=" REF_URL "&tai=pdf",
	        NULL, &a),
	    400);
	web_stop(&w);
}

/* Summaries: a table always, a canvas for the chart, partners by name. */
static void
test_summary(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET",
	                     "/tong-hop?theo=doi-tac&don-vi="
	                     "KT-DAKGLEI",
	                     NULL, &a),
	    200);
	assert_non_null(strstr(a.body, "<table id=\"so-lieu\""));
	assert_non_null(strstr(a.body, "<canvas id=\"bieu-do\""));
	assert_non_null(strstr(a.body, "<tr><td>Sê Kông</td>"));
	/* The map by partner: Sê Kông shaded by its activities, the
	 * provinces Đắk Glei never named at none, all 18 there. */
	{
		const char *xe, *p = a.body;
		int tiles = 0;

		assert_non_null(strstr(a.body, "<svg id=\"ban-do\""));
		assert_non_null(
		    xe = strstr(a.body, "data-code=\"LA-XE\" data-count=\""));
		assert_true(
		    xe[sizeof("data-code=\"LA-XE\" data-count=\"") - 1] != '0');
		assert_non_null(
		    strstr(a.body, "data-code=\"LA-PH\" data-count=\"0\""));
		while ((p = strstr(p, "<g data-code=\"LA-")) != NULL) {
			tiles++;
			p++;
		}
		assert_int_equal(tiles, 18);
	}
	/* One kind only: Đắk Glei trained nobody. */
	assert_int_equal(web_request(&w, "GET",
	                     "/tong-hop?theo=doi-tac&don-vi=KT-DAKGLEI"
	                     "&loai=training",
	                     NULL, &a),
	    200);
	assert_null(strstr(a.body, "<tr><td>Sê Kông</td>"));
	assert_non_null(strstr(a.body, "<option value=\"training\" selected>"));
	assert_int_equal(web_request(&w, "GET",
	                     "/tong-hop?theo=doi-tac&don-vi=KT-DAKGLEI"
	                     "&loai=delegation_out",
	                     NULL, &a),
	    200);
	assert_non_null(strstr(a.body, "<tr><td>Sê Kông</td>"));
	/* By month, the conference known only by its year says so. */
	assert_int_equal(
	    web_request(
	        &w, "GET", "/tong-hop?theo=thang&don-vi=KT-DAKGLEI", NULL, &a),
	    200);
	assert_non_null(
	    strstr(a.body, "<tr><td>năm 2023 (chưa rõ tháng)</td>"));
	assert_non_null(strstr(a.body, "<tr><td>2022-11</td>"));
	assert_int_equal(
	    web_request(&w, "GET", "/tong-hop?loai=nope", NULL, &a), 400);
	assert_int_equal(
	    web_request(&w, "GET", "/tong-hop?theo=ngay", NULL, &a), 400);
	assert_int_equal(
	    web_request(&w, "GET", "/static/chart.min.js", NULL, &a), 200);
	assert_non_null(strstr(a.body, "Chart"));
	web_stop(&w);
}

/* Refusals, each with its status; signing out; sessions expire. */
static void
test_refusals(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;
	char csrf[65], form[2048] = "", old[200];
	static char big[70000];

	web_start(&w, &t->h, NULL);
	assert_int_equal(web_request(&w, "GET", "/khong-co", NULL, &a), 404);
	assert_int_equal(web_request(&w, "GET", "/dang-xuat", NULL, &a), 405);
	assert_non_null(strstr(a.headers, "Allow:"));
	assert_int_equal(
	    web_request(&w, "POST", "/yeu-cau/duyet", "so=x", &a), 401);
	memset(big, 'x', sizeof(big) - 1);
	assert_int_equal(web_request(&w, "POST", "/dang-nhap", big, &a), 413);
	/* An office may not see the department's pages. */
	web_sign_in(&w, t->office);
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=" REF_URL, NULL, &a), 403);
	w.cookie[0] = '\0';
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/yeu-cau", NULL, &a), 400);
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=1%2FKHONG-CO", NULL, &a), 404);
	/* A form without the session's CSRF token is refused. */
	web_form_add(form, sizeof(form), "csrf",
	    "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef");
	assert_int_equal(web_request(&w, "POST", "/dang-xuat", form, &a), 403);
	/* Signing out ends the session: its cookie is worth nothing. */
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	web_csrf(&a, csrf);
	snprintf(old, sizeof(old), "%s", w.cookie);
	form[0] = '\0';
	web_form_add(form, sizeof(form), "csrf", csrf);
	assert_int_equal(web_request(&w, "POST", "/dang-xuat", form, &a), 303);
	assert_non_null(strstr(a.headers, "Max-Age=0"));
	snprintf(w.cookie, sizeof(w.cookie), "%s", old);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	/* hoptacd away: 503, with when to try again. */
	w.cookie[0] = '\0';
	web_sign_in(&w, t->reviewer);
	harness_stop(&t->h);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 503);
	assert_non_null(strstr(a.headers, "Retry-After:"));
	harness_restart(&t->h);
	/* Wrong credentials, again and again: 401, then 429, even for the
	 * right one. */
	w.cookie[0] = '\0';
	for (int i = 0; i < 10; i++) {
		assert_int_equal(
		    web_request(&w, "GET", "/dang-nhap", NULL, &a), 200);
		web_csrf(&a, csrf);
		form[0] = '\0';
		web_form_add(form, sizeof(form), "ma", "hoptac1_khongdung");
		web_form_add(form, sizeof(form), "csrf", csrf);
		assert_int_equal(
		    web_request(&w, "POST", "/dang-nhap", form, &a),
		    i < 9 ? 401 : 429);
	}
	assert_int_equal(web_request(&w, "GET", "/dang-nhap", NULL, &a), 200);
	web_csrf(&a, csrf);
	form[0] = '\0';
	web_form_add(form, sizeof(form), "ma", t->reviewer);
	web_form_add(form, sizeof(form), "csrf", csrf);
	assert_int_equal(web_request(&w, "POST", "/dang-nhap", form, &a), 429);
	web_stop(&w);
}

/* An office's first page: its open requests, overdue marked, its
 * reports; the search shows its own records, hoptacd refusing another
 * unit's. */
static void
test_office(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, NULL);
	web_sign_in(&w, t->office);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	assert_non_null(strstr(a.body, "<h1>Văn phòng UBND huyện Đắk Tô</h1>"));
	assert_non_null(
	    strstr(a.body, "<tr class=\"overdue\"><td>" REF "</td>"));
	assert_non_null(strstr(a.body, "<tr><td>" LATER "</td>"));
	assert_non_null(strstr(a.body, "Đơn vị chưa gửi báo cáo nào."));
	assert_non_null(strstr(a.body, "Đơn vị đã ghi 0 hoạt động"));
	assert_null(strstr(a.body, "Bảng yêu cầu báo cáo"));
	assert_int_equal(web_request(&w, "GET", "/hoat-dong", NULL, &a), 200);
	assert_non_null(strstr(a.body, "<p>0 hoạt động khớp"));
	assert_int_equal(
	    web_request(&w, "GET", "/hoat-dong?don-vi=KT-DAKGLEI", NULL, &a),
	    403);
	/* Connections to hoptacd kept between requests serve their own
	 * credential only: right after the reviewer's search of Đắk Glei,
	 * the office's same search is still refused by hoptacd. */
	{
		char office[sizeof(w.cookie)], reviewer[sizeof(w.cookie)];

		snprintf(office, sizeof(office), "%s", w.cookie);
		w.cookie[0] = '\0';
		web_sign_in(&w, t->reviewer);
		snprintf(reviewer, sizeof(reviewer), "%s", w.cookie);
		for (int i = 0; i < 3; i++) {
			snprintf(w.cookie, sizeof(w.cookie), "%s", reviewer);
			assert_int_equal(
			    web_request(&w, "GET",
			        "/hoat-dong?don-vi=KT-DAKGLEI", NULL, &a),
			    200);
			snprintf(w.cookie, sizeof(w.cookie), "%s", office);
			assert_int_equal(
			    web_request(&w, "GET",
			        "/hoat-dong?don-vi=KT-DAKGLEI", NULL, &a),
			    403);
		}
	}
	web_stop(&w);
}

/* The activity search: words, kind, refusals of what does not exist. */
static void
test_search(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(
	    web_request(&w, "GET",
	        "/hoat-dong?q=%C4%90%E1%BA%AFk+Chung&loai=delegation_in", NULL,
	        &a),
	    200);
	assert_non_null(strstr(a.body, "<p>2 hoạt động khớp"));
	assert_non_null(strstr(a.body,
	    "Đoàn công tác huyện Đắk Chung thăm và làm việc tại huyện Đắk "
	    "Glei"));
	assert_null(strstr(a.body, "<td>Đoàn ra</td>"));
	assert_int_equal(
	    web_request(&w, "GET", "/hoat-dong?loai=khong-co", NULL, &a), 400);
	assert_int_equal(
	    web_request(&w, "GET", "/hoat-dong?tu=32%2F13%2F2024", NULL, &a),
	    400);
	web_stop(&w);
}

/* A real browser, Debian's chromium headless, driven by
 * web_browser.py: signs in through the form, sees the board, and the
 * summary's chart is drawn on its canvas. Skipped only without chromium. */
static void
test_browser(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;
	char base[64], token_file[400], log[400], script[400], dst[400];
	int status;
	pid_t pid;

	/* Đắk Tô answers too, once the browser has seen it late, for the
	 * browser to accept: its report is Đắk Glei's under its own code. */
	{
		char src[400], line[1024];
		FILE *in, *to;

		snprintf(src, sizeof(src), "%s",
		    harness_data("dak-glei-2024.report.txt"));
		snprintf(dst, sizeof(dst), "%s/dak-to.report.txt", t->h.dir);
		assert_non_null(in = fopen(src, "r"));
		assert_non_null(to = fopen(dst, "w"));
		while (fgets(line, sizeof(line), in) != NULL)
			fputs(strcmp(line, "unit: KT-DAKGLEI\n") == 0
			        ? "unit: KT-DAKTO\n"
			        : line,
			    to);
		fclose(in);
		assert_int_equal(fclose(to), 0);
	}
	web_start(&w, &t->h, NULL);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", w.port);
	snprintf(token_file, sizeof(token_file), "%s/reviewer.token", t->h.dir);
	snprintf(log, sizeof(log), "%s/browser.log", t->h.dir);
	snprintf(script, sizeof(script), "%s/tests/integration/web_browser.py",
	    HOPTAC_SOURCE_DIR);
	{
		FILE *f = fopen(token_file, "w");

		assert_non_null(f);
		fprintf(f, "%s\n", t->reviewer);
		fclose(f);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* The command that submits Đắk Tô's report, run by the
		 * script between the board and the review. */
		setenv("HOPTAC_TOKEN", t->h.token, 1);
		execlp("python3", "python3", script, base, token_file, REF,
		    "KT-DAKTO", "Đắk Tô", getenv("HOPTAC"), "--server",
		    t->h.url, "report", "submit", dst, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	web_stop(&w);
	{
		static char seen[8192];
		FILE *f = fopen(log, "r");
		size_t n = f != NULL ? fread(seen, 1, sizeof(seen) - 1, f) : 0;

		if (f != NULL)
			fclose(f);
		seen[n] = '\0';
		print_message("%s", seen);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 77)
			skip();
		assert_int_equal(WEXITSTATUS(status), 0);
		assert_non_null(strstr(seen, "ok: the chart is drawn"));
		assert_non_null(strstr(seen, "ok: after pressing accept"));
		assert_non_null(
		    strstr(seen, "ok: the consolidated report was"));
		assert_non_null(strstr(seen, "ok: the map shades"));
	}
}

/* HTTPS with a certificate of deploy/make-certs.sh, as hoptacd's: a
 * client verifying it against the CA gets the sign-in form, and the
 * session cookie is marked Secure. */
static void
test_tls(void **state)
{
	static const char client[] =
	    "import http.client, ssl, sys\n"
	    "ctx = ssl.create_default_context(cafile=sys.argv[2])\n"
	    "c = http.client.HTTPSConnection('localhost', int(sys.argv[1]), "
	    "context=ctx)\n"
	    "c.request('GET', '/dang-nhap')\n"
	    "r = c.getresponse()\n"
	    "print(r.status, r.getheader('Set-Cookie'))\n";
	struct web_test *t = *state;
	struct web_harness w;
	char certs[300], cert[320], key[320], result[320], cmd[2048];
	static char seen[1024];
	FILE *f;
	size_t n;

	snprintf(certs, sizeof(certs), "%s/certs", t->h.dir);
	snprintf(cert, sizeof(cert), "%s/server.crt", certs);
	snprintf(key, sizeof(key), "%s/server.key", certs);
	snprintf(result, sizeof(result), "%s/tls.out", t->h.dir);
	snprintf(cmd, sizeof(cmd),
	    "'%s/deploy/make-certs.sh' '%s' localhost >/dev/null 2>&1",
	    HOPTAC_SOURCE_DIR, certs);
	assert_int_equal(system(cmd), 0);
	web_start(&w, &t->h, "--tls-cert", cert, "--tls-key", key, NULL);
	snprintf(cmd, sizeof(cmd),
	    "python3 -c \"%s\" %d '%s/ca.crt' >'%s' 2>&1", client, w.port,
	    certs, result);
	assert_int_equal(system(cmd), 0);
	web_stop(&w);
	f = fopen(result, "r");
	assert_non_null(f);
	n = fread(seen, 1, sizeof(seen) - 1, f);
	fclose(f);
	seen[n] = '\0';
	assert_true(strncmp(seen, "200 hoptac_phien=", 17) == 0);
	assert_non_null(strstr(seen, "; HttpOnly; SameSite=Strict; Secure"));
}

/* Sign-in forms opened by the thousand, more than the table of
 * sessions holds, do not keep anyone from signing in. */
static void
test_forms_flood(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, NULL);
	for (int i = 0; i < 1100; i++) {
		w.cookie[0] = '\0';
		assert_int_equal(
		    web_request(&w, "GET", "/dang-nhap", NULL, &a), 200);
	}
	w.cookie[0] = '\0';
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	web_stop(&w);
}

/* A session unused longer than --session-idle has ended. */
static void
test_expiry(void **state)
{
	struct web_test *t = *state;
	struct web_harness w;

	web_start(&w, &t->h, "--session-idle", "3", NULL);
	web_sign_in(&w, t->reviewer);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	sleep(4);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	assert_non_null(strstr(a.headers, "Location: /dang-nhap"));
	web_stop(&w);
}

/* Hostile input: paths out of the tree, a header and a query string
 * too large, a review without the session's CSRF token, markup in a
 * request's title. The right status each time, nothing changed, markup
 * shown as text. */
static void
test_hostile(void **state)
{
	struct web_test *t = *state;
	struct harness *h = &t->h;
	struct web_harness w;
	static const char *const outside[] = {"/static/../../etc/passwd",
	    "/static/%2e%2e/%2e%2e/etc/passwd", "/../etc/passwd",
	    "/static/..%2f..%2fetc%2fpasswd", "/static/style.css/../../x"};
	static char big[80 * 1024];
	char csrf[65], form[1024] = "", issued[16], due[16];

	web_start(&w, h, NULL);
	for (size_t i = 0; i < sizeof(outside) / sizeof(*outside); i++) {
		assert_int_equal(
		    web_request(&w, "GET", outside[i], NULL, &a), 404);
		assert_null(strstr(a.body, "root:"));
	}
	/* A header of 70 KiB, a query string of 70 KiB: refused before any
	 * page is asked (431, 414), and hoptac-web serves on. */
	snprintf(big, sizeof(big), "X-Pad: %070000d\r\n", 0);
	w.extra = big;
	assert_int_equal(web_request(&w, "GET", "/dang-nhap", NULL, &a), 431);
	w.extra = NULL;
	snprintf(big, sizeof(big), "/tong-hop?ky=%070000d", 0);
	assert_int_equal(web_request(&w, "GET", big, NULL, &a), 414);
	assert_int_equal(web_request(&w, "GET", "/dang-nhap", NULL, &a), 200);
	/* A session id nobody was given, well formed or not: no page, no
	 * form taken. */
	snprintf(w.cookie, sizeof(w.cookie), "hoptac_phien=%064d", 7);
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	assert_non_null(strstr(a.headers, "Location: /dang-nhap"));
	assert_int_equal(
	    web_request(&w, "POST", "/yeu-cau/duyet", "so=x", &a), 401);
	snprintf(w.cookie, sizeof(w.cookie), "hoptac_phien=<b>'\"");
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 303);
	w.cookie[0] = '\0';
	/* Returning Đắk Glei's accepted report with another CSRF token:
	 * 403, and it stays accepted. */
	web_sign_in(&w, t->reviewer);
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=" REF_URL, NULL, &a), 200);
	assert_non_null(strstr(a.body, "<strong>Đã chấp nhận</strong>"));
	web_csrf(&a, csrf);
	csrf[0] = csrf[0] == '0' ? '1' : '0';
	web_form_add(form, sizeof(form), "csrf", csrf);
	web_form_add(form, sizeof(form), "so", REF);
	web_form_add(form, sizeof(form), "don-vi", "KT-DAKGLEI");
	web_form_add(form, sizeof(form), "lan", "1");
	web_form_add(form, sizeof(form), "quyet-dinh", "tra-lai");
	web_form_add(form, sizeof(form), "ly-do", "thử");
	assert_int_equal(
	    web_request(&w, "POST", "/yeu-cau/duyet", form, &a), 403);
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=" REF_URL, NULL, &a), 200);
	assert_non_null(strstr(a.body, "<strong>Đã chấp nhận</strong>"));
	/* Markup in a title is text on the board and the request's page. */
	harness_day_text(-10, issued, sizeof(issued));
	harness_day_text(20, due, sizeof(due));
	expect(CLI("request", "create", "9/SNgV-BGHTQT", "--issuer", "KT-SNGV",
	           "--issued", issued, "--title",
	           "<script>alert(1)</script> & \"x\" 'y'", "--from", "1/2024",
	           "--due", due, "--unit", "KT-DAKTO"),
	    0, "request create (markup in its title)");
	assert_int_equal(web_request(&w, "GET", "/", NULL, &a), 200);
	assert_null(strstr(a.body, "<script>alert"));
	assert_non_null(strstr(a.body,
	    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; "
	    "&#39;y&#39;"));
	assert_int_equal(
	    web_request(&w, "GET", "/yeu-cau?so=9%2FSNgV-BGHTQT", NULL, &a),
	    200);
	assert_null(strstr(a.body, "<script>alert"));
	assert_non_null(
	    strstr(a.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	web_stop(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_board, web_teardown),
	    cmocka_unit_test_teardown(test_request_review, web_teardown),
	    cmocka_unit_test_teardown(test_summary, web_teardown),
	    cmocka_unit_test_teardown(test_office, web_teardown),
	    cmocka_unit_test_teardown(test_search, web_teardown),
	    cmocka_unit_test_teardown(test_forms_flood, web_teardown),
	    cmocka_unit_test_teardown(test_expiry, web_teardown),
	    cmocka_unit_test_teardown(test_tls, web_teardown),
	    cmocka_unit_test_teardown(test_browser, web_teardown),
	    cmocka_unit_test_teardown(test_hostile, web_teardown),
	    cmocka_unit_test_teardown(test_refusals, web_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
