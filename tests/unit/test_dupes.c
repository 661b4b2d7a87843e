/* server/dupes.c: which pairs may be one event, how alike they are, why;
 * and the recall and precision on the labelled pairs of
 * tests/data/duplicates.csv at DUPES_THRESHOLD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dupes.h"
#include "hoptac/v1/records.pb-c.h"
#include "status.h"
#include "validate.h"

#define IN  HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_IN
#define OUT HOPTAC__V1__ACTIVITY_KIND__ACTIVITY_KIND_DELEGATION_OUT

static void
event(struct dupes_event *e, int kind, const char *start, const char *end,
    const char *partner, const char *title, int people)
{
	char *p[] = {(char *)partner};

	assert_int_equal(
	    dupes_event_init(e, kind, start, end, p, 1, title, people),
	    STATUS_OK);
}

static void
test_reason(void **state)
{
	struct dupes_event a, b;
	struct dupes_match m;
	char why[256];

	(void)state;
	event(&a, IN, "2025-03-12", "2025-03-14", "LA-XE",
	    "Đoàn công tác Công an tỉnh Sê Kông thăm và làm việc tại tỉnh "
	    "Kon Tum",
	    12);
	event(&b, IN, "2025-03-11", "2025-03-14", "LA-XE-DAKCHEUNG",
	    "Doan Cong an tinh Se Kong sang tham", 12);
	assert_int_equal(dupes_compare(&a, &b, &m), 1);
	assert_true(m.score >= DUPES_THRESHOLD);
	dupes_reason(&a, &b, &m, why, sizeof(why));
	assert_string_equal(why,
	    "cùng loại đoàn vào, trùng ngày 12–14/3/2025, cùng tỉnh Sê Kông, "
	    "tiêu đề giống 73%, số người 12 và 12");
	dupes_event_clear(&a);
	dupes_event_clear(&b);
}

/* Abbreviations and the words every title has do not count: these two
 * titles are the same event's. */
static void
test_abbreviations(void **state)
{
	struct dupes_event a, b;
	struct dupes_match m;

	(void)state;
	event(&a, OUT, "2025-04-02", NULL, "LA-AT",
	    "Đoàn công tác UBND tỉnh đi thăm Bộ Chỉ huy Quân sự tỉnh Attapư",
	    8);
	event(&b, OUT, "2025-04-02", NULL, "LA-AT",
	    "Đ/c Phó Chủ tịch Ủy ban nhân dân tỉnh thăm BCHQS tỉnh Attapư", 0);
	assert_int_equal(dupes_compare(&a, &b, &m), 1);
	assert_true(m.title > 0.6);
	dupes_event_clear(&a);
	dupes_event_clear(&b);
}

/* Who is no candidate at all: another kind, another province, dates two
 * days apart. A year alone overlaps every day of its year, and dates a
 * day apart are near enough. */
static void
test_candidates(void **state)
{
	struct dupes_event a, b;
	struct dupes_match m;
	static const struct {
		int kind;
		const char *start, *end, *partner;
		int candidate;
	} cases[] = {
	    {IN, "2025-03-12", "2025-03-14", "LA-XE", 1},
	    {OUT, "2025-03-12", "2025-03-14", "LA-XE", 0},
	    {IN, "2025-03-12", "2025-03-14", "LA-AT", 0},
	    {IN, "2025-03-12", "2025-03-14", "LA-AT-SANXAY", 0},
	    {IN, "2025-03-12", NULL, "LA-XE-DAKCHEUNG", 1},
	    {IN, "2025-03-15", NULL, "LA-XE", 1},
	    {IN, "2025-03-16", NULL, "LA-XE", 0},
	    {IN, "2025-03-10", NULL, "LA-XE", 0},
	    {IN, "2025", NULL, "LA-XE", 1},
	    {IN, "2025-03", NULL, "LA-XE", 1},
	    {IN, "2024", NULL, "LA-XE", 0},
	};

	(void)state;
	event(&a, IN, "2025-03-12", "2025-03-14", "LA-XE", "Đoàn Sê Kông", 5);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		event(&b, cases[i].kind, cases[i].start, cases[i].end,
		    cases[i].partner, "Đoàn Sê Kông", 5);
		if (dupes_compare(&a, &b, &m) != cases[i].candidate)
			fail_msg("case %zu (%s %s)", i, cases[i].start,
			    cases[i].partner);
		assert_true(cases[i].candidate || m.score == 0);
		dupes_event_clear(&b);
	}
	dupes_event_clear(&a);
	assert_int_equal(
	    dupes_event_init(&a, IN, "2025-13", NULL, NULL, 0, "x", 1),
	    STATUS_INVALID_ARGUMENT);
	dupes_event_clear(&a);
}

/* The fields of a line, split at commas in place: n of them. */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		if ((line = strchr(line, ',')) == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

/* One side of a line from field 2 (a) or 9 (b). */
static void
side(struct dupes_event *e, char **f)
{
	int kind = validate_activity_kind(f[0]);

	assert_true(kind > 0);
	assert_int_equal(
	    dupes_event_init(e, kind, f[2], f[3], &f[4], 1, f[6], atoi(f[5])),
	    STATUS_OK);
}

static void
test_labelled(void **state)
{
	char path[4096], line[2048];
	const char *dir = getenv("HOPTAC_TEST_DATA");
	FILE *fp;
	int tp = 0, fp_ = 0, fn = 0, tn = 0, same = 0, other = 0;
	double recall, precision;
	/* Each pair's score, signed by its label (+ same, - distinct), for
	 * the figures at other thresholds. */
	double scores[1024];
	size_t n = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/duplicates.csv",
	    dir != NULL ? dir : HOPTAC_SOURCE_DIR "/tests/data");
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), fp)); /* the header */
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *f[16];
		struct dupes_event a, b;
		struct dupes_match m;
		int truth, said;

		assert_int_equal(split(line, f, 16), 16);
		side(&a, &f[2]);
		side(&b, &f[9]);
		dupes_compare(&a, &b, &m);
		truth = strcmp(f[0], "same") == 0;
		assert_true(n < sizeof(scores) / sizeof(scores[0]));
		scores[n++] = truth ? m.score + 1 : -m.score;
		said = m.score >= DUPES_THRESHOLD;
		same += truth;
		other += !truth;
		tp += truth && said;
		fn += truth && !said;
		fp_ += !truth && said;
		tn += !truth && !said;
		if (truth != said)
			printf("# missed (%s %s, score %.2f, title %.2f): %s | "
			       "%s\n",
			    f[0], f[1], m.score, m.title, f[8], f[15]);
		dupes_event_clear(&a);
		dupes_event_clear(&b);
	}
	fclose(fp);
	assert_true(same + other >= 200);
	recall = (double)tp / (double)(tp + fn);
	precision = tp + fp_ > 0 ? (double)tp / (double)(tp + fp_) : 0;
	printf("# duplicates.csv: %d pairs (%d same, %d distinct), threshold "
	       "%.2f: recall %.3f, precision %.3f (tp %d, fp %d, fn %d, tn "
	       "%d)\n",
	    same + other, same, other, DUPES_THRESHOLD, recall, precision, tp,
	    fp_, fn, tn);
	for (int t = 40; t <= 80; t += 5) {
		int ok = 0, said = 0;

		for (size_t k = 0; k < n; k++) {
			double s = scores[k] > 0 ? scores[k] - 1 : -scores[k];

			said += s >= t / 100.0;
			ok += s >= t / 100.0 && scores[k] > 0;
		}
		printf("#   at %.2f: recall %.3f, precision %.3f\n", t / 100.0,
		    (double)ok / same, said ? (double)ok / said : 0.0);
	}
	assert_true(recall >= 0.9);
	assert_true(precision >= 0.9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reason),
	    cmocka_unit_test(test_abbreviations),
	    cmocka_unit_test(test_candidates),
	    cmocka_unit_test(test_labelled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
