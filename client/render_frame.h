/*
 * The frame of the consolidated report (render_frame.c): the heading
 * block and the signature block of an administrative document, and the
 * pieces of them the annex repeats.
 */
#ifndef HOPTAC_RENDER_FRAME_H
#define HOPTAC_RENDER_FRAME_H

#include <stddef.h>

#include "render_internal.h"

/* The heading block: "UBND TỈNH KON TUM / SỞ NGOẠI VỤ / Số: .../BC-SNgV"
 * left, the national name and motto and "Kon Tum, ngày ..." right. 0, or
 * -1 when out of memory. */
int render_frame_heading(struct render_doc *d);

/* The signature block: Nơi nhận left, the signer right. 0. */
int render_frame_signature(struct render_doc *d);

/* The report's number and sign, "12/BC-SNgV", with room to write the
 * number in when the layout gives none. */
void render_frame_number(const struct render_doc *d, char *buf, size_t len);

/* The day of signing in words, "ngày 05 tháng 01 năm 2024", or the room
 * to write it in. */
void render_frame_date(const struct render_doc *d, char *buf, size_t len);

/* The agency above the department, as given or "UBND tỉnh Kon Tum" from
 * the department's name; "" for none. */
void render_frame_superior(const struct render_doc *d, char *buf, size_t len);

/* The place of the heading block: as given, else what follows "tỉnh" or
 * "thành phố" in the department's name; NULL when it says none. */
const char *render_frame_place(const struct render_doc *d);

#endif
