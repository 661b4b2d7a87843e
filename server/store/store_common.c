/*
 * What both backends derive from records the same way: an activity's
 * columns and search keys, bodies packed, roles unpacked from their bits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "role.h"
#include "status.h"
#include "store_backend.h"
#include "text.h"

/* Joins folded strings with a separator no text contains after folding. */
static char *
store_fold_join(char *const *items, size_t n)
{
	size_t cap = 1, len = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char *f = text_fold(items[i] != NULL ? items[i] : "");
		size_t fl;
		char *grown;

		if (f == NULL)
			goto fail;
		fl = strlen(f);
		grown = realloc(out, cap + fl + 1);
		if (grown == NULL) {
			free(f);
			goto fail;
		}
		out = grown;
		cap += fl + 1;
		memcpy(out + len, f, fl);
		len += fl;
		out[len++] = '|';
		out[len] = '\0';
		free(f);
	}
	return out;
fail:
	free(out);
	return NULL;
}

/* The search keys of a, malloc'd: its folded fields, and its folded
 * texts. -1 when out of memory (both NULL then). */
int
store_activity_keys(const Hoptac__V1__Activity *a, char **fields, char **search)
{
	char *texts[5] = {a->title, a->summary, a->place, a->leader, a->result};

	*fields = store_fold_join(a->fields, a->n_fields);
	*search = store_fold_join(texts, 5);
	if (*fields != NULL && *search != NULL)
		return 0;
	free(*fields);
	free(*search);
	*fields = *search = NULL;
	return -1;
}

int
store_activity_columns(const Hoptac__V1__Activity *a, const uint8_t *packed,
    size_t len, struct store_activity_columns *c)
{
	struct date_partial start, end;
	int rc = STATUS_INTERNAL;

	memset(c, 0, sizeof(*c));
	if (packed != NULL) {
		c->body = (uint8_t *)packed;
		c->body_len = len;
		c->body_given = 1;
	} else {
		c->body = store_pack(&a->base, &c->body_len);
	}
	if (store_activity_keys(a, &c->fields, &c->search) != 0 ||
	    c->body == NULL)
		goto fail;
	if (date_parse(a->start_date, &start) != 0) {
		rc = STATUS_INVALID_ARGUMENT;
		goto fail;
	}
	if (a->end_date[0] == '\0' || date_parse(a->end_date, &end) != 0)
		end = start;
	c->start_day = date_first_day(&start);
	c->start_last = date_last_day(&start);
	c->end_day = date_last_day(&end);
	return STATUS_OK;
fail:
	store_activity_columns_free(c);
	return rc;
}

void
store_activity_columns_free(struct store_activity_columns *c)
{
	free(c->fields);
	free(c->search);
	if (!c->body_given)
		free(c->body);
	c->fields = c->search = NULL;
	c->body = NULL;
}

uint8_t *
store_pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	buf = malloc(*len ? *len : 1);
	if (buf != NULL)
		protobuf_c_message_pack(m, buf);
	return buf;
}

int
store_roles_unpack(unsigned roles, Hoptac__V1__Credential *cr)
{
	cr->roles = calloc(ROLE_MAX, sizeof(*cr->roles));
	if (cr->roles == NULL)
		return STATUS_INTERNAL;
	for (int r = 1; r <= ROLE_MAX; r++)
		if (roles & ROLE_BIT(r))
			cr->roles[cr->n_roles++] = (Hoptac__V1__Role)r;
	return STATUS_OK;
}

int
store_window_over(Hoptac__V1__ListActivitiesResponse *out, size_t max)
{
	out->total = out->n_activities;
	if (out->n_activities <= max)
		return STATUS_OK;
	for (size_t i = 0; i < out->n_activities; i++)
		hoptac__v1__activity__free_unpacked(out->activities[i], NULL);
	free(out->activities);
	out->activities = NULL;
	out->n_activities = 0;
	return STATUS_RESOURCE_EXHAUSTED;
}

/* A page of activities: 100 unless asked, at most 1,000. */
#define STORE_PAGE_DEFAULT 100
#define STORE_PAGE_MAX     1000

int
store_page_of(const Hoptac__V1__ListActivitiesRequest *q, uint32_t *limit,
    int64_t *after_day, int64_t *after_seq)
{
	*limit = q->page_size == 0 ? STORE_PAGE_DEFAULT : q->page_size;
	if (*limit > STORE_PAGE_MAX)
		*limit = STORE_PAGE_MAX;
	*after_day = INT64_MIN;
	*after_seq = 0;
	if (q->page_token[0] != '\0' &&
	    sscanf(q->page_token, "%" SCNd64 ".%" SCNd64, after_day,
	        after_seq) != 2)
		return STATUS_INVALID_ARGUMENT;
	return STATUS_OK;
}
