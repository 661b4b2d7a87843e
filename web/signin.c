/*
 * Signing in with a credential (the token the administrator issued),
 * checked by hoptacd's Credentials/WhoAmI, and signing out. The form has
 * a session of its own, anonymous, whose CSRF token it carries; signing
 * in ends it and begins a new one with a new id, so that an id known
 * before signing in is worth nothing after.
 */
#include <string.h>

#include "page.h"
#include "pages.h"
#include "session.h"
#include "pool.h"
#include "session_file.h"

#include "hoptac/v1/auth.pb-c.h"
#include "web_i18n.h"

/* The sign-in form for the anonymous session anon, with a message when
 * an attempt failed. */
static int
signin_render(struct web_req *r, int status, const struct web_user *anon,
    const char *message)
{
	char cookie[256];
	const char *headers[] = {"Set-Cookie", cookie, NULL};
	struct web_page p;

	session_cookie(cookie, sizeof(cookie), anon->sid, r->secure);
	if (page_begin(&p, W_("Sign in"), NULL) != 0) {
		page_drop(&p);
		return 0;
	}
	if (message != NULL) {
		fputs("<p class=\"refusal\">", p.f);
		page_text(p.f, message);
		fputs("</p>\n", p.f);
	}
	fprintf(p.f,
	    "<form method=\"post\" action=\"/dang-nhap\" class=\"signin\">"
	    "<p><label for=\"ma\">%s</label>"
	    "<br><input type=\"password\" id=\"ma\" name=\"ma\" size=\"50\" "
	    "autocomplete=\"off\" required></p>",
	    W_("Access code issued by the administrator"));
	page_csrf(p.f, anon);
	fprintf(p.f,
	    "<p><button type=\"submit\">%s</button></p></form>\n"
	    "<p class=\"note\">%s</p>\n",
	    W_("Sign in"),
	    W_("The session ends when you sign out, or after a while unused."));
	if (page_end(&p) != 0)
		return 0;
	return web_answer_page(r, status, &p, headers);
}

int
signin_form(struct web_req *r, struct web_user *unused)
{
	struct web_user anon;

	(void)unused;
	memset(&anon, 0, sizeof(anon));
	if (session_find(web_header(r, "Cookie"), &anon) == 1)
		return web_redirect(r, "/", NULL);
	memset(&anon, 0, sizeof(anon));
	if (session_new(&anon, 0) != 0)
		return web_refuse(r, 503,
		    W_("The server has too many sessions. Please try again "
		       "later."));
	return signin_render(r, 200, &anon, NULL);
}

/* Copies the credential's name, roles and unit into u. */
static void
signin_user(struct web_user *u, const Hoptac__V1__Credential *c)
{
	snprintf(u->name, sizeof(u->name), "%s", c->name);
	snprintf(u->unit, sizeof(u->unit), "%s", c->unit_code);
	u->roles = 0;
	for (size_t i = 0; i < c->n_roles; i++)
		if (c->roles[i] >= 0 && c->roles[i] < 32)
			u->roles |= WEB_ROLE(c->roles[i]);
}

int
signin_post(struct web_req *r, struct web_user *unused)
{
	Hoptac__V1__WhoAmIRequest req = HOPTAC__V1__WHO_AM_IREQUEST__INIT;
	Hoptac__V1__WhoAmIResponse *resp = NULL;
	struct rpc_client_status st;
	struct web_user anon, u;
	char csrf[80], cookie[256];
	const char *headers[] = {"Set-Cookie", cookie, NULL};
	int http, rc;

	(void)unused;
	memset(&u, 0, sizeof(u));
	if (!session_may_try(r->ip))
		return web_refuse(r, 429,
		    W_("A wrong access code was entered too many times. Please "
		       "try again in a few minutes."));
	if (session_find(web_header(r, "Cookie"), &anon) != 0 ||
	    web_form(r, "csrf", csrf, sizeof(csrf)) != 0 ||
	    !session_csrf_ok(&anon, csrf))
		return web_refuse(r, 403,
		    W_("The sign-in form is invalid or out of date. Please "
		       "reload the sign-in page."));
	if (web_form(r, "ma", u.token, sizeof(u.token)) != 0 ||
	    u.token[0] == '\0')
		return signin_render(
		    r, 400, &anon, W_("No access code was entered."));
	http = web_call(r, &u, METHOD_CREDENTIALS_WHO_AM_I, &req.base,
	    (ProtobufCMessage **)&resp, &st);
	if (http == 401 || http == 403) {
		memset(&u, 0, sizeof(u));
		if (!session_fail(r->ip))
			return web_refuse(r, 429,
			    W_("A wrong access code was entered too many "
			       "times. Please try again in a few minutes."));
		return signin_render(r, 401, &anon,
		    W_("The access code is wrong, revoked or expired."));
	}
	if (http != 0) {
		memset(&u, 0, sizeof(u));
		return web_call_refuse(r, http, &st);
	}
	signin_user(&u, resp->credential);
	hoptac__v1__who_am_iresponse__free_unpacked(resp, NULL);
	session_end(anon.sid);
	if (session_new(&u, 1) != 0) {
		memset(&u, 0, sizeof(u));
		return web_refuse(r, 503,
		    W_("The server has too many sessions. Please try again "
		       "later."));
	}
	session_file_save();
	session_cookie(cookie, sizeof(cookie), u.sid, r->secure);
	rc = web_redirect(r, "/", headers);
	memset(&u, 0, sizeof(u));
	return rc;
}

int
signout_post(struct web_req *r, struct web_user *u)
{
	unsigned char key[WEB_POOL_KEY];
	char cookie[256];
	const char *headers[] = {"Set-Cookie", cookie, NULL};

	session_end(u->sid);
	web_pool_key(u->token, key);
	web_pool_drop(key);
	session_file_save();
	session_cookie(cookie, sizeof(cookie), "", r->secure);
	return web_redirect(r, "/dang-nhap", headers);
}
