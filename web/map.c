/*
 * The provinces of Laos as a tile map: one square a province, placed by
 * where its capital lies, north to south and west to east, shaded by how
 * many activities name it. A schematic, not boundaries: no outlines of
 * the Lao provinces are packaged in Debian, and outlines drawn elsewhere
 * are not ours to ship. Server-side SVG, so it prints and needs no
 * script.
 */
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "pages.h"
#include "web_i18n.h"

/* Where each province's tile stands, in tiles from the top left. The
 * relative places of the provincial capitals (ISO 3166-2:LA codes). */
static const struct {
	const char *code;
	int col, row;
} map_tiles[] = {
    {"LA-PH", 3, 0},  /* Phông Xa Lỳ */
    {"LA-LM", 1, 1},  /* Luổng Nậm Thà */
    {"LA-OU", 2, 1},  /* U Đôm Xay */
    {"LA-BK", 0, 2},  /* Bò Kẹo */
    {"LA-LP", 2, 2},  /* Luông Pha Băng */
    {"LA-HO", 4, 2},  /* Hủa Phăn */
    {"LA-XA", 1, 3},  /* Xay Nha Bu Ly */
    {"LA-XI", 3, 3},  /* Xiêng Khoảng */
    {"LA-VI", 2, 4},  /* Viêng Chăn (tỉnh) */
    {"LA-XS", 3, 4},  /* Xay Xổm Bun */
    {"LA-VT", 2, 5},  /* Thủ đô Viêng Chăn */
    {"LA-BL", 3, 5},  /* Bô Ly Khăm Xay */
    {"LA-KH", 4, 6},  /* Khăm Muồn */
    {"LA-SV", 4, 7},  /* Xa Vẳn Na Khệt */
    {"LA-SL", 5, 8},  /* Sa La Van */
    {"LA-CH", 4, 9},  /* Chăm Pa Xắc */
    {"LA-XE", 5, 9},  /* Sê Kông */
    {"LA-AT", 5, 10}, /* Át Tạ Pư */
};
#define MAP_N    (sizeof(map_tiles) / sizeof(map_tiles[0]))
#define MAP_W    96 /* a tile, and the gap to the next */
#define MAP_H    44
#define MAP_STEP 6

/* Five shades, none to most; text light on the two darkest. */
static const char *const map_fill[5] = {
    "#f0f0f0", "#c6dbef", "#6baed6", "#2171b5", "#08306b"};

/* The activities that name province code in s (a summary by partner). */
static int
map_count(const Hoptac__V1__SummaryResponse *s, const char *code)
{
	for (size_t i = 0; i < s->n_rows; i++)
		if (s->rows[i]->n_keys > 0 &&
		    strcmp(s->rows[i]->keys[0], code) == 0 &&
		    s->rows[i]->figures != NULL)
			return s->rows[i]->figures->activities;
	return 0;
}

/* The Vietnamese name of code from the gazetteer's answer, else code. */
static const char *
map_name(const Hoptac__V1__ListPartnersResponse *partners, const char *code)
{
	for (size_t i = 0; partners != NULL && i < partners->n_partners; i++)
		if (strcmp(partners->partners[i]->code, code) == 0)
			return partners->partners[i]->name;
	return code;
}

void
map_svg(FILE *f, const Hoptac__V1__SummaryResponse *s,
    const Hoptac__V1__ListPartnersResponse *partners)
{
	int most = 0;

	for (size_t i = 0; i < MAP_N; i++) {
		int n = map_count(s, map_tiles[i].code);

		most = n > most ? n : most;
	}
	fprintf(f,
	    "<figure class=\"ban-do\"><svg id=\"ban-do\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "aria-label=\"%s\">\n",
	    6 * (MAP_W + MAP_STEP), 11 * (MAP_H + MAP_STEP),
	    6 * (MAP_W + MAP_STEP), 11 * (MAP_H + MAP_STEP),
	    W_("Diagram of the provinces of Laos by number of activities"));
	for (size_t i = 0; i < MAP_N; i++) {
		int n = map_count(s, map_tiles[i].code);
		int shade = n == 0 || most == 0 ? 0 : 1 + (3 * (n - 1)) / most;
		int x = map_tiles[i].col * (MAP_W + MAP_STEP);
		int y = map_tiles[i].row * (MAP_H + MAP_STEP);
		const char *name = map_name(partners, map_tiles[i].code);

		fprintf(f, "<g data-code=\"%s\" data-count=\"%d\"><title>",
		    map_tiles[i].code, n);
		page_text(f, name);
		fputs(": ", f);
		fprintf(f, W_("activities: %d"), n);
		fputs("</title>", f);
		fprintf(f,
		    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "rx=\"6\" fill=\"%s\" stroke=\"#555\"/>",
		    x, y, MAP_W, MAP_H, map_fill[shade]);
		fprintf(f,
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "font-size=\"11\" fill=\"%s\">",
		    x + MAP_W / 2, y + 18, shade >= 3 ? "#fff" : "#000");
		page_text(f, name);
		fprintf(f,
		    "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "font-size=\"13\" font-weight=\"bold\" "
		    "fill=\"%s\">%d</text>"
		    "</g>\n",
		    x + MAP_W / 2, y + 36, shade >= 3 ? "#fff" : "#000", n);
	}
	fprintf(f, "</svg><figcaption>%s</figcaption></figure>\n",
	    W_("Diagram of the provinces of Laos by number of activities: each "
	       "tile is a province, placed by where its capital lies from "
	       "north to south; not a map of administrative boundaries. The "
	       "darker the tile, the more activities."));
}
