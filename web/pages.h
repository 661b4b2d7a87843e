/*
 * The pages of hoptac-web, each answering one route (route.c), and the
 * calls they make to hoptacd as the signed-in person (call.c).
 */
#ifndef HOPTAC_WEB_PAGES_H
#define HOPTAC_WEB_PAGES_H

#include <stdio.h>

#include "hoptac/v1/services.pb-c.h"
#include "web.h"

/* Calls method with req as u (a client opened on first use and kept for
 * the request): 0 when hoptacd answered OK (*resp set, caller frees it),
 * else the HTTP status that tells hoptacd's answer, st saying why. An
 * UNAUTHENTICATED answer (a credential revoked or expired) ends the
 * session. */
int web_call(struct web_req *r, const struct web_user *u, enum method_id m,
    const ProtobufCMessage *req, ProtobufCMessage **resp,
    struct rpc_client_status *st);

struct Hoptac__V1__ListReportsRequest;
struct Hoptac__V1__ListReportsResponse;

/* The pages of Reports/List for req as u, up to max of them (what is
 * beyond is not shown), into pages (*n of them; caller frees each, also
 * after a refusal): 0, or the HTTP status of a refusal, st saying why. */
int web_reports_pages(struct web_req *r, const struct web_user *u,
    struct Hoptac__V1__ListReportsRequest *req,
    struct Hoptac__V1__ListReportsResponse **pages, size_t max, size_t *n,
    struct rpc_client_status *st);

/* The client to hoptacd as u for this request, opened on first use; NULL
 * when it cannot be opened (the settings are wrong). */
struct rpc_client *web_client(struct web_req *r, const struct web_user *u);

/* Answers the refusal http that web_call returned, with st's reason. */
int web_call_refuse(
    struct web_req *r, int http, const struct rpc_client_status *st);

/* The HTTP status that tells a hoptacd status. */
int web_http_for(int status_code);

/* signin.c: the sign-in form, signing in and out. */
int signin_form(struct web_req *r, struct web_user *u);
int signin_post(struct web_req *r, struct web_user *u);
int signout_post(struct web_req *r, struct web_user *u);

/* board.c: every request, who answered, who to chase. */
int board_page(struct web_req *r, struct web_user *u);

/* office.c: an office's open requests, its reports, its records. */
int office_page(struct web_req *r, struct web_user *u);

/* activities.c: the activity search. */
int activities_page(struct web_req *r, struct web_user *u);

/* request.c: one request's answers and their review. */
int request_page(struct web_req *r, struct web_user *u);
int review_post(struct web_req *r, struct web_user *u);

/* consolidated.c: the consolidated report, viewed or downloaded. */
int consolidated_page(struct web_req *r, struct web_user *u);

/* summary.c: figures with filters, as tables and charts. */
int summary_page(struct web_req *r, struct web_user *u);

/* The tile map of the Lao provinces (web/map.c), shaded by the activities
 * of s, a summary grouped by partner; names from partners (NULL: codes). */
void map_svg(FILE *f, const Hoptac__V1__SummaryResponse *s,
    const Hoptac__V1__ListPartnersResponse *partners);

/* static.c: the style sheet, the chart script and Chart.js. */
int static_serve(struct web_req *r);

/* Reads the whole file at path into *buf (NUL-terminated, caller frees)
 * of *len bytes. 0, or -1 with errno set. */
int web_read_file(const char *path, char **buf, size_t *len);

/* Loads Chart.js from path for static_serve. 0, or -1 (errno set). */
int static_load_chartjs(const char *path);

#endif
