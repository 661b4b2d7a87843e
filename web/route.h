/*
 * Which page answers a request (route.c): its path and method, whether
 * it needs a signed-in person and which roles, and the CSRF token every
 * POST must carry.
 */
#ifndef HOPTAC_WEB_ROUTE_H
#define HOPTAC_WEB_ROUTE_H

#include "web.h"

/* Answers r, whose body has all arrived. Returns MHD's result. */
int route_request(struct web_req *r);

#endif
