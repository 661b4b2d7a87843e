/*
 * Likely duplicates: one event reported twice, by a district and the
 * province, or by two departments that received a delegation together.
 * Pure: it compares two events described by their fields and says how
 * alike they are and why, in words for the department. The rules and the
 * measured recall and precision are in docs/duplicates.md.
 */
#ifndef HOPTAC_DUPES_H
#define HOPTAC_DUPES_H

#include <stddef.h>
#include <stdint.h>

/* The score from which a pair is listed as a likely duplicate: chosen on
 * tests/data/duplicates.csv (docs/duplicates.md). */
#define DUPES_THRESHOLD 0.65

/* Partner provinces an event keeps at most (more are ignored). */
#define DUPES_MAX_PROVINCES 8

/* One activity as the comparison sees it. */
struct dupes_event {
	int kind;
	int32_t first_day, last_day;            /* the days its dates cover */
	char provinces[DUPES_MAX_PROVINCES][8]; /* "LA-XE", districts' too */
	size_t n_provinces;
	char **tokens; /* owned: the title's significant folded words, sorted,
	                  each once */
	size_t n_tokens;
	int people; /* 0: not stated */
};

/* What a comparison found. */
struct dupes_match {
	double score;             /* 0..1; 0 when the pair is no candidate */
	double title;             /* the titles' likeness, 0..1 */
	int32_t from_day, to_day; /* the common days (to < from: none) */
	const char *province;     /* the first province both name */
};

/* Fills e from an activity's fields: start and end are partial dates
 * (end "" or NULL: the start's), partners gazetteer codes. A status:
 * INVALID_ARGUMENT for a date that does not parse, INTERNAL when out of
 * memory. e is cleared with dupes_event_clear in every case. */
int dupes_event_init(struct dupes_event *e, int kind, const char *start,
    const char *end, char *const *partners, size_t n_partners,
    const char *title, int people);

/* Frees what e owns. */
void dupes_event_clear(struct dupes_event *e);

/* Whether a and b may be one event: the same kind, dates that overlap or
 * lie a day apart, a partner province in common. Then m->score weighs
 * the titles, the head counts and the dates. Returns 1 for a candidate,
 * 0 otherwise (m->score 0). */
int dupes_compare(const struct dupes_event *a, const struct dupes_event *b,
    struct dupes_match *m);

/* Why a and b look alike, in Vietnamese: "cùng loại đoàn vào, trùng ngày
 * 12–14/3/2025, cùng tỉnh Sê Kông, tiêu đề giống 82%, số người 12 và 12".
 * Truncated to len. */
void dupes_reason(const struct dupes_event *a, const struct dupes_event *b,
    const struct dupes_match *m, char *buf, size_t len);

#endif
