/* Every page of a paged reply, as one reply: see cli.h. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_i18n.h"
#include "pbstr.h"

/* The field named name of m's type, or NULL. */
static const ProtobufCFieldDescriptor *
cli_pages_field(const ProtobufCMessage *m, const char *name)
{
	return protobuf_c_message_descriptor_get_field_by_name(
	    m->descriptor, name);
}

/* Moves page's items (field f) to the end of all's. 0 or -1. */
static int
cli_pages_move(ProtobufCMessage *all, ProtobufCMessage *page,
    const ProtobufCFieldDescriptor *f)
{
	char *a = (char *)all, *p = (char *)page;
	size_t na, np;
	void **ia, **ip, **grown;

	memcpy(&na, a + f->quantifier_offset, sizeof(na));
	memcpy(&np, p + f->quantifier_offset, sizeof(np));
	memcpy(&ia, a + f->offset, sizeof(ia));
	memcpy(&ip, p + f->offset, sizeof(ip));
	if (np == 0)
		return 0;
	if ((grown = realloc(ia, (na + np) * sizeof(*grown))) == NULL)
		return -1;
	memcpy(grown + na, ip, np * sizeof(*ip));
	na += np;
	np = 0;
	memcpy(a + f->quantifier_offset, &na, sizeof(na));
	memcpy(a + f->offset, &grown, sizeof(grown));
	memcpy(p + f->quantifier_offset, &np, sizeof(np));
	return 0;
}

int
cli_call_pages(struct cli *cli, enum method_id method, ProtobufCMessage *req,
    const char *items, const char *last, ProtobufCMessage **resp)
{
	const ProtobufCFieldDescriptor *tf = cli_pages_field(req, "page_token");
	char *const asked = *(char **)(void *)((char *)req + tf->offset);
	char *token = NULL; /* the next page's, ours */
	ProtobufCMessage *all = NULL, *page = NULL;
	const ProtobufCFieldDescriptor *itf = NULL, *ntf = NULL, *lf = NULL;
	int rc;

	do {
		*(char **)(void *)((char *)req + tf->offset) =
		    token != NULL ? token : (char *)"";
		rc = cli_call(cli, method, req, &page, NULL);
		free(token);
		token = NULL;
		if (rc != CLI_OK)
			break;
		if (all == NULL) {
			all = page;
			itf = cli_pages_field(all, items);
			ntf = cli_pages_field(all, "next_page_token");
			lf = last != NULL ? cli_pages_field(all, last) : NULL;
		} else if (cli_pages_move(all, page, itf) != 0) {
			rc = cli_fail(CLI_ERROR, _("out of memory"));
		} else if (lf != NULL) {
			memcpy((char *)all + lf->offset,
			    (char *)page + lf->offset, sizeof(int64_t));
		}
		{
			char *next =
			    *(char **)(void *)((char *)page + ntf->offset);

			if (rc == CLI_OK && next[0] != '\0' &&
			    (token = strdup(next)) == NULL)
				rc = cli_fail(CLI_ERROR, _("out of memory"));
		}
		if (page != all)
			protobuf_c_message_free_unpacked(page, NULL);
		page = NULL;
	} while (rc == CLI_OK && token != NULL);
	free(token);
	*(char **)(void *)((char *)req + tf->offset) = asked;
	if (rc == CLI_OK &&
	    pbstr_set((char **)(void *)((char *)all + ntf->offset), NULL) != 0)
		rc = cli_fail(CLI_ERROR, _("out of memory"));
	if (rc != CLI_OK && all != NULL) {
		protobuf_c_message_free_unpacked(all, NULL);
		all = NULL;
	}
	*resp = all;
	return rc;
}
