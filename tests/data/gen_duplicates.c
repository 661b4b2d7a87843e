/*
 * Writes the labelled pairs of tests/data/duplicates.csv to standard
 * output: one event reported by two units in the ways reports differ
 * ("same"), and two events that look alike ("distinct"). Deterministic:
 * the same seed gives the same file, which tests/CMakeLists.txt checks
 * against the committed one. Columns (no field holds a comma or a
 * quote): label, variation, then kind, unit, start, end, partner
 * code, people and title of each side, a then b.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#define GEN_SEED  20250312u
#define GEN_SAME  120
#define GEN_OTHER 120

static uint32_t gen_state = GEN_SEED;

/* xorshift32: the same numbers on every machine. */
static uint32_t
gen_next(void)
{
	gen_state ^= gen_state << 13;
	gen_state ^= gen_state >> 17;
	gen_state ^= gen_state << 5;
	return gen_state;
}

static int
gen_pick(int n)
{
	return (int)(gen_next() % (uint32_t)n);
}

struct gen_partner {
	const char *code, *district, *name, *district_name;
};

static const struct gen_partner gen_partners[] = {
    {"LA-XE", "LA-XE-DAKCHEUNG", "Sê Kông", "Đắk Chung"},
    {"LA-AT", "LA-AT-SANXAY", "Attapư", "Xản Xay"},
    {"LA-CH", NULL, "Chăm-pa-xắc", NULL},
    {"LA-SV", NULL, "Xa-vẳn-na-khệt", NULL},
    {"LA-SL", NULL, "Sa La Văn", NULL},
    {"LA-KH", NULL, "Khăm Muộn", NULL},
};
#define GEN_N_PARTNERS (int)(sizeof(gen_partners) / sizeof(gen_partners[0]))

/* The Lao side's bodies, before "tỉnh" and the province. */
static const char *const gen_orgs[] = {
    "Công an",
    "Bộ Chỉ huy Quân sự",
    "Sở Giáo dục và Thể thao",
    "Sở Y tế",
    "Ủy ban nhân dân",
    "Đảng bộ",
    "Sở Nông nghiệp và Lâm nghiệp",
    "Hội Liên hiệp Phụ nữ",
    "Sở Công Thương",
    "Ban Tuyên giáo",
    "Sở Kế hoạch và Đầu tư",
    "Tỉnh đoàn Thanh niên",
};
#define GEN_N_ORGS (int)(sizeof(gen_orgs) / sizeof(gen_orgs[0]))

static const char *const gen_purposes[] = {
    "thăm và làm việc",
    "chúc Tết cổ truyền Bun-pi-mây",
    "trao đổi kinh nghiệm quản lý biên giới",
    "dự Hội nghị tổng kết hợp tác năm 2024",
    "khảo sát dự án xây dựng trường học",
    "giao lưu văn hóa và thể thao",
    "tập huấn nghiệp vụ phòng chống dịch bệnh",
    "ký kết biên bản ghi nhớ hợp tác",
    "hội đàm về phòng chống ma túy",
    "kiểm tra hệ thống mốc giới",
    "học tập mô hình trồng cà phê",
    "trao tặng nhà tình nghĩa",
};
#define GEN_N_PURPOSES (int)(sizeof(gen_purposes) / sizeof(gen_purposes[0]))

static const char *const gen_units[] = {"KT-UBND", "KT-SNGV", "KT-CA",
    "KT-BCHQS", "KT-SGDDT", "KT-SYT", "KT-DAKGLEI", "KT-NGOCHOI"};
#define GEN_N_UNITS (int)(sizeof(gen_units) / sizeof(gen_units[0]))

static const char *const gen_hosts[] = {
    "tỉnh Kon Tum", "huyện Đắk Glei", "huyện Ngọc Hồi", "thành phố Kon Tum"};
#define GEN_N_HOSTS (int)(sizeof(gen_hosts) / sizeof(gen_hosts[0]))

/* Where unit is in gen_units. */
static int
gen_unit_index(const char *unit)
{
	for (int i = 0; i < GEN_N_UNITS; i++)
		if (gen_units[i] == unit)
			return i;
	return 0;
}

/* One side of a pair. */
struct gen_side {
	const char *kind;
	const char *unit;
	int start;   /* day of March 2025 or later, as day-of-year */
	int days;    /* how many days it lasts */
	int partial; /* 1: written as the month only */
	const char *partner;
	int people;
	char title[512];
};

/* An event before it is written down: what both reports share. */
struct gen_event {
	const char *kind;
	int partner, org, purpose, host, start, days, people;
};

static void
gen_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t at = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

/* The title as one unit would write it: form 0 "Đoàn công tác ORG
 * PURPOSE tại HOST", form 1 "PURPOSE_lead của Đoàn ORG", form 2 the
 * short "Đoàn ORG". */
static void
gen_title(const struct gen_event *e, int form, char *buf, size_t len)
{
	char org[160];

	snprintf(org, sizeof(org), "%s tỉnh %s", gen_orgs[e->org],
	    gen_partners[e->partner].name);
	buf[0] = '\0';
	if (strcmp(e->kind, "delegation_out") == 0) {
		if (form == 2)
			gen_cat(buf, len, "Đoàn đi %s", org);
		else
			gen_cat(buf, len, "Đoàn công tác %s đi %s với %s",
			    gen_hosts[e->host], gen_purposes[e->purpose], org);
		return;
	}
	switch (form) {
	case 0:
		gen_cat(buf, len, "Đoàn công tác %s %s tại %s", org,
		    gen_purposes[e->purpose], gen_hosts[e->host]);
		break;
	case 1:
		gen_cat(buf, len, "Tiếp Đoàn %s đến %s", org,
		    gen_purposes[e->purpose]);
		break;
	default:
		gen_cat(buf, len, "Đoàn %s", org);
	}
}

/* s without its diacritics, case kept: what a keyboard without
 * Vietnamese input writes. Decomposed, the marks dropped, đ and Đ
 * written d and D. */
static void
gen_strip(char *s, size_t len)
{
	size_t n = 0;
	uint8_t *nfd = u8_normalize(
	    UNINORM_NFD, (const uint8_t *)s, strlen(s) + 1, NULL, &n);
	size_t at = 0;

	if (nfd == NULL)
		return;
	for (size_t i = 0; i < n && at + 1 < len;) {
		ucs4_t c;
		int k = u8_mbtouc(&c, nfd + i, n - i);

		if (c == 0x0111 || c == 0x0110)
			s[at++] = c == 0x0111 ? 'd' : 'D';
		else if (c < 0x0300 || c > 0x036F)
			for (int j = 0; j < k && at + 1 < len; j++)
				s[at++] = (char)nfd[i + j];
		i += (size_t)k;
	}
	s[at] = '\0';
	free(nfd);
}

/* Replaces the first from in s by to. */
static void
gen_replace(char *s, size_t len, const char *from, const char *to)
{
	char *p = strstr(s, from);
	char tail[512];

	if (p == NULL)
		return;
	snprintf(tail, sizeof(tail), "%s", p + strlen(from));
	*p = '\0';
	gen_cat(s, len, "%s%s", to, tail);
}

static void
gen_event_new(struct gen_event *e)
{
	static const char *const kinds[] = {"delegation_in", "delegation_in",
	    "delegation_in", "delegation_out", "conference"};

	e->kind = kinds[gen_pick(5)];
	e->partner = gen_pick(GEN_N_PARTNERS);
	e->org = gen_pick(GEN_N_ORGS);
	e->purpose = gen_pick(GEN_N_PURPOSES);
	e->host = gen_pick(GEN_N_HOSTS);
	e->start = 60 + gen_pick(270);
	e->days = 1 + gen_pick(4);
	e->people = 4 + gen_pick(30);
}

static void
gen_side_from(struct gen_side *s, const struct gen_event *e, int form)
{
	s->kind = e->kind;
	s->unit = gen_units[gen_pick(GEN_N_UNITS)];
	s->start = e->start;
	s->days = e->days;
	s->partial = 0;
	s->partner = gen_partners[e->partner].code;
	s->people = e->people;
	gen_title(e, form, s->title, sizeof(s->title));
}

/* A day of 2025 (1 = 1 January) as ISO. */
static void
gen_date(int yday, char *buf, size_t len, int month_only)
{
	static const int mdays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int m = 0;

	while (m < 11 && yday > mdays[m])
		yday -= mdays[m++];
	if (month_only)
		snprintf(buf, len, "2025-%02d", m + 1);
	else
		snprintf(buf, len, "2025-%02d-%02d", m + 1, yday);
}

static void
gen_print_side(const struct gen_side *s)
{
	char a[16], b[16];

	gen_date(s->start, a, sizeof(a), s->partial);
	if (s->partial)
		b[0] = '\0';
	else
		gen_date(s->start + s->days - 1, b, sizeof(b), 0);
	printf(",%s,%s,%s,%s,%s,%d,%s", s->kind, s->unit, a, b, s->partner,
	    s->people, s->title);
}

static void
gen_print(const char *label, const char *variation, const struct gen_side *a,
    const struct gen_side *b)
{
	printf("%s,%s", label, variation);
	gen_print_side(a);
	gen_print_side(b);
	printf("\n");
}

/* One event reported twice, b differing from a in one to three of the
 * ways reports differ. */
static void
gen_same(void)
{
	struct gen_event e;
	struct gen_side a, b;
	char what[128] = "";
	int n, ways = 0;

	gen_event_new(&e);
	gen_side_from(&a, &e, 0);
	gen_side_from(&b, &e, gen_pick(4) == 0 ? 1 : 0);
	if (strcmp(b.title, a.title) != 0)
		gen_cat(what, sizeof(what), "word-order ");
	n = 1 + gen_pick(3);
	for (int i = 0; i < n; i++) {
		int way = gen_pick(8);

		/* Each way once: a title abbreviated twice is no new case. */
		if (ways & (1 << way))
			continue;
		ways |= 1 << way;
		switch (way) {
		case 0:
			gen_strip(b.title, sizeof(b.title));
			gen_cat(what, sizeof(what), "no-diacritics ");
			break;
		case 1:
			gen_replace(b.title, sizeof(b.title), "Ủy ban nhân dân",
			    "UBND");
			gen_replace(b.title, sizeof(b.title),
			    "Bộ Chỉ huy Quân sự", "BCHQS");
			gen_replace(
			    b.title, sizeof(b.title), "thành phố", "TP");
			gen_cat(b.title, sizeof(b.title),
			    " do Đ/c Phó Giám đốc làm trưởng đoàn");
			gen_cat(what, sizeof(what), "abbreviations ");
			break;
		case 2:
			b.start += gen_pick(2) ? 1 : -1;
			gen_cat(what, sizeof(what), "day-off ");
			break;
		case 3:
			b.people +=
			    gen_pick(2) ? 1 + gen_pick(2) : -(1 + gen_pick(2));
			if (b.people < 1)
				b.people = 1;
			gen_cat(what, sizeof(what), "people-off ");
			break;
		case 4:
			if ((ways & 1) == 0)
				gen_title(&e, 2, b.title, sizeof(b.title));
			gen_cat(what, sizeof(what), "shorter-title ");
			break;
		case 5:
			if (gen_partners[e.partner].district != NULL) {
				b.partner = gen_partners[e.partner].district;
				gen_cat(what, sizeof(what), "district ");
			}
			break;
		case 6:
			b.partial = 1;
			gen_cat(what, sizeof(what), "month-only ");
			break;
		default:
			b.people = 0;
			gen_cat(what, sizeof(what), "people-unstated ");
		}
	}
	if (what[0] != '\0')
		what[strlen(what) - 1] = '\0';
	/* Mostly two units; now and then one unit entering it twice. */
	if (a.unit == b.unit && gen_pick(4) != 0)
		b.unit = gen_units[(gen_pick(GEN_N_UNITS - 1) + 1 +
		                       gen_unit_index(a.unit)) %
		    GEN_N_UNITS];
	gen_print("same", what[0] ? what : "identical", &a, &b);
}

/* Two events that look alike. */
static void
gen_other(void)
{
	struct gen_event e, f;
	struct gen_side a, b;
	const char *what;

	gen_event_new(&e);
	f = e;
	switch (gen_pick(6)) {
	case 0: /* the same body, again a month later */
		f.start = e.start + 28 + gen_pick(14);
		what = "month-apart";
		break;
	case 1: /* another province, the same week */
		f.partner = (e.partner + 1 + gen_pick(GEN_N_PARTNERS - 1)) %
		    GEN_N_PARTNERS;
		f.start = e.start + gen_pick(5);
		f.people = 4 + gen_pick(30);
		what = "other-partner";
		break;
	case 2: /* another body of the same province, the same days */
		f.org = (e.org + 1 + gen_pick(GEN_N_ORGS - 1)) % GEN_N_ORGS;
		f.purpose = gen_pick(GEN_N_PURPOSES);
		f.people = 4 + gen_pick(30);
		what = "other-body";
		break;
	case 3: /* the same body, another purpose, overlapping days */
		f.purpose = (e.purpose + 1 + gen_pick(GEN_N_PURPOSES - 1)) %
		    GEN_N_PURPOSES;
		f.start = e.start + gen_pick(3);
		f.people = 4 + gen_pick(30);
		what = "other-purpose";
		break;
	case 4: /* the other direction */
		f.kind = strcmp(e.kind, "delegation_in") == 0 ? "delegation_out"
		                                              : "delegation_in";
		what = "other-kind";
		break;
	default: /* another body and purpose of the same province, a
	            week later */
		f.org = (e.org + 1 + gen_pick(GEN_N_ORGS - 1)) % GEN_N_ORGS;
		f.purpose = gen_pick(GEN_N_PURPOSES);
		f.start = e.start + 5 + gen_pick(10);
		what = "next-week";
	}
	gen_side_from(&a, &e, 0);
	gen_side_from(&b, &f, gen_pick(4) == 0 ? 1 : 0);
	gen_print("distinct", what, &a, &b);
}

int
main(void)
{
	printf("label,variation,a_kind,a_unit,a_start,a_end,a_partner,a_people,"
	       "a_title,b_kind,b_unit,b_start,b_end,b_partner,b_people,"
	       "b_title\n");
	for (int i = 0; i < GEN_SAME + GEN_OTHER; i++) {
		if (i % 2 == 0)
			gen_same();
		else
			gen_other();
	}
	return 0;
}
