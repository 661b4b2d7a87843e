/*
 * The activities of the annex of a consolidated report (cmd_annex.c).
 */
#ifndef HOPTAC_CMD_ANNEX_H
#define HOPTAC_CMD_ANNEX_H

#include <stddef.h>

#include "cli.h"
#include "hoptac/v1/services.pb-c.h"
#include "render_internal.h"

struct cmd_annex {
	/* the replies read, which own the activities */
	void **lists;
	size_t n_lists;
	/* the activities listed: the units' in the request's order, each
	 * unit's in the order they took place */
	Hoptac__V1__Activity **activities;
	size_t n;
};

/* Reads the activities each unit c's request asked counts into *an
 * (emptied first; free with cmd_annex_free even on failure). An exit
 * code. */
int cmd_annex_fetch(struct cli *cli, const Hoptac__V1__ConsolidateResponse *c,
    struct cmd_annex *an);

/* Frees what cmd_annex_fetch read. */
void cmd_annex_free(struct cmd_annex *an);

#endif
