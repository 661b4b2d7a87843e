/*
 * The annex of the consolidated report (render_annex.c).
 */
#ifndef HOPTAC_RENDER_ANNEX_H
#define HOPTAC_RENDER_ANNEX_H

#include "render_internal.h"

/* On a new page, "PHỤ LỤC" and the activities of d->layout, a table per
 * unit asked, in the request's order. */
void render_annex(struct render_doc *d);

/* A kind of activity as the offices name it in their reports: "Đoàn ra",
 * "Hội nghị, hội thảo"; "Khác" for one it does not know. */
const char *render_annex_kind(int kind);

#endif
