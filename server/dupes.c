/*
 * Likely duplicates (dupes.h). Titles are compared as sets of folded
 * words, without the words every title of the kind has ("đoàn công
 * tác", "tỉnh", "UBND") and with the usual abbreviations written out,
 * so that dropped diacritics, word order, "UBND"/"Ủy ban nhân dân" and a
 * shorter title of one unit do not hide the same event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "dupes.h"
#include "gazetteer.h"
#include "status.h"
#include "text.h"

/* How much each likeness weighs in the score; they add up to 1. */
#define DUPES_W_TITLE  0.55
#define DUPES_W_PEOPLE 0.25
#define DUPES_W_DATES  0.20
/* How much Dice's coefficient weighs in the titles' likeness, against
 * the share of the shorter title found in the longer. */
#define DUPES_W_DICE 0.25

/* Words that say nothing of which event it was, folded, as sequences:
 * the longest one that matches is dropped. */
static const char *const dupes_stop[] = {"uy ban nhan dan", "ubnd", "hdnd",
    "doan cong tac", "cong tac", "doan", "dong chi", "d c", "dc", "tinh",
    "huyen", "thi xa", "so", "va", "cua", "ve", "den", "voi", "cac", "nhung",
    "mot", "nuoc", "cong hoa dan chu nhan dan lao", "chdcnd", "lao", "viet nam",
    "nhan dan", "theo", "nam", "ngay", "thang", "trong", "cho", "tu", NULL};

/* Abbreviations and the words they stand for, folded. */
static const char *const dupes_abbrev[][2] = {
    {"bchqs", "bo chi huy quan su"},
    {"bdbp", "bo doi bien phong"},
    {"bch", "bo chi huy"},
    {"ca", "cong an"},
    {"qs", "quan su"},
    {"tp", "thanh pho"},
    {"mttq", "mat tran to quoc"},
    {"gd dt", "giao duc dao tao"},
    {"gddt", "giao duc dao tao"},
    {"yt", "y te"},
    {"hn", "hoi nghi"},
    {"ht", "hoi thao"},
};

/* The kinds in words, by ActivityKind value. */
static const char *const dupes_kind_names[] = {"không rõ", "đoàn ra",
    "đoàn vào", "hội nghị, hội thảo", "ký kết", "công tác biên giới",
    "thông tin, tuyên truyền", "dự án, viện trợ", "đào tạo", "khác"};

/* How many words of phrase (space separated) match words[i..n) from i:
 * 0 when they do not all match. */
static size_t
dupes_phrase_at(const char *phrase, char **words, size_t i, size_t n)
{
	size_t k = 0;
	const char *p = phrase;

	while (*p != '\0') {
		size_t len = strcspn(p, " ");

		if (i + k >= n || strlen(words[i + k]) != len ||
		    memcmp(words[i + k], p, len) != 0)
			return 0;
		k++;
		p += len;
		p += *p == ' ';
	}
	return k;
}

/* Appends a copy of len bytes of w to e's tokens. A status. */
static int
dupes_token_add(struct dupes_event *e, const char *w, size_t len)
{
	char **t = realloc(e->tokens, (e->n_tokens + 1) * sizeof(*t));

	if (t == NULL)
		return STATUS_INTERNAL;
	e->tokens = t;
	if ((t[e->n_tokens] = strndup(w, len)) == NULL)
		return STATUS_INTERNAL;
	e->n_tokens++;
	return STATUS_OK;
}

/* Appends each word of the space separated phrase. A status. */
static int
dupes_token_phrase(struct dupes_event *e, const char *phrase)
{
	for (const char *p = phrase; *p != '\0';) {
		size_t len = strcspn(p, " ");

		if (dupes_token_add(e, p, len) != STATUS_OK)
			return STATUS_INTERNAL;
		p += len;
		p += *p == ' ';
	}
	return STATUS_OK;
}

static int
dupes_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The longest stop phrase at words[i]: how many words it takes, or 0. */
static size_t
dupes_stop_at(char **words, size_t i, size_t n)
{
	size_t best = 0;

	for (size_t s = 0; dupes_stop[s] != NULL; s++) {
		size_t k = dupes_phrase_at(dupes_stop[s], words, i, n);

		if (k > best)
			best = k;
	}
	return best;
}

/* The abbreviation at words[i]: its expansion (*took words), or NULL. */
static const char *
dupes_abbrev_at(char **words, size_t i, size_t n, size_t *took)
{
	for (size_t a = 0; a < sizeof(dupes_abbrev) / sizeof(dupes_abbrev[0]);
	     a++)
		if ((*took = dupes_phrase_at(dupes_abbrev[a][0], words, i, n)) >
		    0)
			return dupes_abbrev[a][1];
	return NULL;
}

/* The gazetteer's entry of code, or NULL: by the code alone, which is
 * all a stored record holds. */
static const struct gazetteer_partner *
dupes_entry(const char *code)
{
	const struct gazetteer_partner *p;

	for (size_t i = 0; (p = gazetteer_at(i)) != NULL; i++)
		if (strcmp(p->code, code) == 0)
			return p;
	return NULL;
}

/* Appends " " and n folded to *buf (owned, malloc'd). A status. */
static int
dupes_names_add(char **buf, const char *n)
{
	char *f = text_fold(n), *grown;
	size_t len = *buf != NULL ? strlen(*buf) : 0;

	if (f == NULL)
		return STATUS_OK; /* a name that does not fold matches nothing
		                   */
	if ((grown = realloc(*buf, len + strlen(f) + 3)) == NULL) {
		free(f);
		return STATUS_INTERNAL;
	}
	*buf = grown;
	snprintf(grown + len, strlen(f) + 3, "%s%s ", len == 0 ? " " : "", f);
	free(f);
	return STATUS_OK;
}

/* " w1 w2 ... ": the folded words of every name of the partners and of
 * their provinces, into *buf (owned, malloc'd; NULL when none). Once
 * the partner matched, its name tells nothing more. A status. */
static int
dupes_partner_names(char *const *partners, size_t n_partners, char **buf)
{
	*buf = NULL;
	for (size_t k = 0; k < n_partners; k++) {
		const struct gazetteer_partner *p = dupes_entry(partners[k]);

		for (int level = 0; p != NULL && level < 2; level++) {
			if (dupes_names_add(buf, p->name) != STATUS_OK ||
			    dupes_names_add(buf, p->name_latin) != STATUS_OK)
				return STATUS_INTERNAL;
			for (size_t a = 0; p->aliases != NULL && p->aliases[a];
			     a++)
				if (dupes_names_add(buf, p->aliases[a]) !=
				    STATUS_OK)
					return STATUS_INTERNAL;
			p = p->parent_code != NULL ? dupes_entry(p->parent_code)
			                           : NULL;
		}
	}
	return STATUS_OK;
}

/* Whether word is one of names' (dupes_partner_names). */
static int
dupes_partner_word(const char *names, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = names; p != NULL && (p = strstr(p, word));
	     p += len)
		if (p[-1] == ' ' && p[len] == ' ')
			return 1;
	return 0;
}

/* e's tokens from the title: folded, split, stop words dropped,
 * abbreviations written out, single letters and the partners' names
 * dropped, the place after "tại" too (the reporting unit's own, said by
 * one report and not the other), sorted, unique. */
static int
dupes_tokens(struct dupes_event *e, const char *title, char *const *partners,
    size_t n_partners)
{
	char *folded = text_fold(title != NULL ? title : "");
	char **words = NULL; /* point into folded */
	char *names = NULL;  /* the partners' names, owned */
	size_t n = 0, i = 0, out = 0;
	int rc = STATUS_INTERNAL;

	if (folded == NULL)
		return STATUS_INVALID_ARGUMENT;
	if (dupes_partner_names(partners, n_partners, &names) != STATUS_OK)
		goto out;
	for (char *s = strtok(folded, " "); s != NULL; s = strtok(NULL, " ")) {
		char **w = realloc(words, (n + 1) * sizeof(*w));

		if (w == NULL)
			goto out;
		words = w;
		words[n++] = s;
	}
	while (i < n) {
		size_t took = dupes_stop_at(words, i, n);
		const char *full;

		if (i > 0 && strcmp(words[i], "tai") == 0)
			break;
		if (took > 0) {
			i += took;
			continue;
		}
		if ((full = dupes_abbrev_at(words, i, n, &took)) != NULL) {
			if (dupes_token_phrase(e, full) != STATUS_OK)
				goto out;
			i += took;
			continue;
		}
		if (words[i][1] != '\0' &&
		    !dupes_partner_word(names, words[i]) &&
		    dupes_token_add(e, words[i], strlen(words[i])) != STATUS_OK)
			goto out;
		i++;
	}
	if (e->n_tokens > 1)
		qsort(
		    e->tokens, e->n_tokens, sizeof(*e->tokens), dupes_cmp_str);
	for (i = 0; i < e->n_tokens; i++) {
		if (out > 0 && strcmp(e->tokens[out - 1], e->tokens[i]) == 0)
			free(e->tokens[i]);
		else
			e->tokens[out++] = e->tokens[i];
	}
	e->n_tokens = out;
	rc = STATUS_OK;
out:
	free(names);
	free(words);
	free(folded);
	return rc;
}

int
dupes_event_init(struct dupes_event *e, int kind, const char *start,
    const char *end, char *const *partners, size_t n_partners,
    const char *title, int people)
{
	struct date_partial d;

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->people = people > 0 ? people : 0;
	if (start == NULL || date_parse(start, &d) != 0)
		return STATUS_INVALID_ARGUMENT;
	e->first_day = date_first_day(&d);
	if (end != NULL && end[0] != '\0' && date_parse(end, &d) != 0)
		return STATUS_INVALID_ARGUMENT;
	e->last_day = date_last_day(&d);
	if (e->last_day < e->first_day)
		e->last_day = e->first_day;
	for (size_t i = 0; i < n_partners; i++) {
		size_t len = gazetteer_province_len(partners[i]);
		size_t k;

		if (len >= sizeof(e->provinces[0]))
			continue;
		for (k = 0; k < e->n_provinces; k++)
			if (strncmp(e->provinces[k], partners[i], len) == 0 &&
			    e->provinces[k][len] == '\0')
				break;
		if (k < e->n_provinces || k == DUPES_MAX_PROVINCES)
			continue;
		memcpy(e->provinces[k], partners[i], len);
		e->provinces[k][len] = '\0';
		e->n_provinces++;
	}
	return dupes_tokens(e, title, partners, n_partners);
}

void
dupes_event_clear(struct dupes_event *e)
{
	for (size_t i = 0; i < e->n_tokens; i++)
		free(e->tokens[i]);
	free(e->tokens);
	e->tokens = NULL;
	e->n_tokens = 0;
}

/* How alike two sorted sets of words are: the mean of Dice's
 * coefficient and the share of the shorter set found in the longer
 * (one unit's title is often a shortened form of the other's). */
static double
dupes_title(const struct dupes_event *a, const struct dupes_event *b)
{
	size_t i = 0, j = 0, common = 0, lo;

	if (a->n_tokens == 0 || b->n_tokens == 0)
		return 0;
	while (i < a->n_tokens && j < b->n_tokens) {
		int c = strcmp(a->tokens[i], b->tokens[j]);

		common += c == 0;
		i += c <= 0;
		j += c >= 0;
	}
	lo = a->n_tokens < b->n_tokens ? a->n_tokens : b->n_tokens;
	return DUPES_W_DICE *
	    (2.0 * (double)common / (double)(a->n_tokens + b->n_tokens)) +
	    (1 - DUPES_W_DICE) * ((double)common / (double)lo);
}

/* Head counts: their ratio; one not stated says nothing either way. */
static double
dupes_people(const struct dupes_event *a, const struct dupes_event *b)
{
	int lo = a->people < b->people ? a->people : b->people;
	int hi = a->people < b->people ? b->people : a->people;

	if (lo == 0)
		return 0.5;
	return (double)lo / (double)hi;
}

int
dupes_compare(const struct dupes_event *a, const struct dupes_event *b,
    struct dupes_match *m)
{
	int32_t from =
	    a->first_day > b->first_day ? a->first_day : b->first_day;
	int32_t to = a->last_day < b->last_day ? a->last_day : b->last_day;
	int32_t shorter;
	double dates;

	memset(m, 0, sizeof(*m));
	m->from_day = from;
	m->to_day = to;
	/* Dates a day apart are one event written down differently. */
	if (a->kind != b->kind || from > to + 1)
		return 0;
	for (size_t i = 0; i < a->n_provinces && m->province == NULL; i++)
		for (size_t k = 0; k < b->n_provinces; k++)
			if (strcmp(a->provinces[i], b->provinces[k]) == 0) {
				m->province = a->provinces[i];
				break;
			}
	if (m->province == NULL)
		return 0;
	shorter = a->last_day - a->first_day < b->last_day - b->first_day
	    ? a->last_day - a->first_day
	    : b->last_day - b->first_day;
	dates =
	    from <= to ? (double)(to - from + 1) / (double)(shorter + 1) : 0.5;
	m->title = dupes_title(a, b);
	m->score = DUPES_W_TITLE * m->title +
	    DUPES_W_PEOPLE * dupes_people(a, b) + DUPES_W_DATES * dates;
	return 1;
}

/* "12/3/2025", "12–14/3/2025", "28/2–2/3/2025" or
 * "30/12/2024–2/1/2025": the days from..to. */
static void
dupes_days(int32_t from, int32_t to, char *buf, size_t len)
{
	struct date_partial f, t;

	date_from_days(from, &f);
	date_from_days(to, &t);
	if (from == to)
		snprintf(buf, len, "%d/%d/%d", f.day, f.month, f.year);
	else if (f.year != t.year)
		snprintf(buf, len, "%d/%d/%d–%d/%d/%d", f.day, f.month, f.year,
		    t.day, t.month, t.year);
	else if (f.month != t.month)
		snprintf(buf, len, "%d/%d–%d/%d/%d", f.day, f.month, t.day,
		    t.month, t.year);
	else
		snprintf(
		    buf, len, "%d–%d/%d/%d", f.day, t.day, t.month, t.year);
}

void
dupes_reason(const struct dupes_event *a, const struct dupes_event *b,
    const struct dupes_match *m, char *buf, size_t len)
{
	const struct gazetteer_partner *p =
	    m->province != NULL ? gazetteer_resolve(m->province) : NULL;
	const char *kind = a->kind >= 0 &&
	        (size_t)a->kind <
	            sizeof(dupes_kind_names) / sizeof(dupes_kind_names[0])
	    ? dupes_kind_names[a->kind]
	    : dupes_kind_names[0];
	char days[96], da[32], db[32], people[48];

	if (m->from_day <= m->to_day) {
		dupes_days(m->from_day, m->to_day, days, sizeof(days));
	} else {
		dupes_days(a->first_day, a->last_day, da, sizeof(da));
		dupes_days(b->first_day, b->last_day, db, sizeof(db));
		snprintf(days, sizeof(days), "%s và %s", da, db);
	}
	if (a->people > 0 && b->people > 0)
		snprintf(people, sizeof(people), "số người %d và %d", a->people,
		    b->people);
	else
		snprintf(people, sizeof(people), "số người không đủ để so");
	snprintf(buf, len,
	    "cùng loại %s, %s %s, cùng tỉnh %s, tiêu đề giống "
	    "%d%%, %s",
	    kind, m->from_day <= m->to_day ? "trùng ngày" : "ngày gần nhau",
	    days, p != NULL ? p->name : (m->province ? m->province : ""),
	    (int)(m->title * 100 + 0.5), people);
}
