/* Which page answers a request: see route.h. */
#include <string.h>

#include "pages.h"
#include "route.h"
#include "session.h"

#include "hoptac/v1/auth.pb-c.h"
#include "web_i18n.h"

#define ROUTE_DEPARTMENT                                                       \
	(WEB_ROLE(HOPTAC__V1__ROLE__ROLE_REVIEWER) |                           \
	    WEB_ROLE(HOPTAC__V1__ROLE__ROLE_ADMIN))
#define ROUTE_ANYONE (~0u)

struct route {
	const char *path;
	const char *method; /* "GET" also answers HEAD */
	int (*page)(struct web_req *r, struct web_user *u);
	unsigned roles; /* 0: no session needed; else one of these roles */
};

/* The first page: the board for the department, an office's own page. */
static int
route_home(struct web_req *r, struct web_user *u)
{
	if ((u->roles & ROUTE_DEPARTMENT) != 0)
		return board_page(r, u);
	if ((u->roles & WEB_ROLE(HOPTAC__V1__ROLE__ROLE_OFFICE)) != 0)
		return office_page(r, u);
	return web_refuse(r, 403, W_("The user's roles have no home page."));
}

static const struct route route_table[] = {
    {"/dang-nhap", "GET", signin_form, 0},
    {"/dang-nhap", "POST", signin_post, 0},
    {"/dang-xuat", "POST", signout_post, ROUTE_ANYONE},
    {"/", "GET", route_home, ROUTE_ANYONE},
    {"/hoat-dong", "GET", activities_page, ROUTE_ANYONE},
    {"/yeu-cau", "GET", request_page, ROUTE_DEPARTMENT},
    {"/yeu-cau/duyet", "POST", review_post,
        WEB_ROLE(HOPTAC__V1__ROLE__ROLE_REVIEWER)},
    {"/bao-cao-tong-hop", "GET", consolidated_page, ROUTE_DEPARTMENT},
    {"/tong-hop", "GET", summary_page, ROUTE_ANYONE},
};

static int
route_method_is(const struct web_req *r, const char *method)
{
	return strcmp(r->method, method) == 0 ||
	    (strcmp(method, "GET") == 0 && strcmp(r->method, "HEAD") == 0);
}

int
route_request(struct web_req *r)
{
	const struct route *found = NULL;
	int path_known = 0, who;
	struct web_user u;
	char csrf[80];

	if (strncmp(r->path, "/static/", 8) == 0)
		return route_method_is(r, "GET")
		    ? static_serve(r)
		    : web_refuse(r, 405, W_("This file can only be read."));
	for (size_t i = 0; i < sizeof(route_table) / sizeof(*route_table); i++)
		if (strcmp(route_table[i].path, r->path) == 0) {
			path_known = 1;
			if (route_method_is(r, route_table[i].method))
				found = &route_table[i];
		}
	if (found == NULL)
		return path_known
		    ? web_refuse(
		          r, 405, W_("This page does not take that method."))
		    : web_refuse(r, 404, W_("There is no such page."));
	if (found->roles == 0)
		return found->page(r, NULL);
	who = session_find(web_header(r, "Cookie"), &u);
	if (who != 1) {
		if (strcmp(found->method, "GET") == 0)
			return web_redirect(r, "/dang-nhap", NULL);
		return web_refuse(r, 401,
		    W_("The session has expired or you are not signed in. "
		       "Please sign in again."));
	}
	if ((u.roles & found->roles) == 0)
		return web_refuse(
		    r, 403, W_("The user's roles do not allow this page."));
	if (strcmp(found->method, "POST") == 0 &&
	    (web_form(r, "csrf", csrf, sizeof(csrf)) != 0 ||
	        !session_csrf_ok(&u, csrf)))
		return web_refuse(r, 403,
		    W_("The form is invalid or out of date. Please reload the "
		       "page."));
	return found->page(r, &u);
}
