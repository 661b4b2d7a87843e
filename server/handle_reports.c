/* hoptac.v1.Reports: the offices' answers and their review. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "date.h"
#include "filing.h"
#include "handlers.h"
#include "hoptac/v1/services.pb-c.h"
#include "pbstr.h"
#include "role.h"
#include "reppage.h"
#include "status.h"
#include "store.h"

/* ", paper received 2024-05-16" for a paper's arrival, "" for none:
 * the audit trail keeps the day with the call. */
static void
handle_reports_paper_note(int64_t ms, char *buf, size_t len)
{
	char day[DATE_ISO_LEN] = "";
	struct date_partial d;

	buf[0] = '\0';
	if (ms <= 0)
		return;
	date_from_days(aggregate_vn_day(ms), &d);
	date_format(&d, day);
	snprintf(buf, len, ", paper received %s", day);
}

int
handle_reports_check_submit(struct call *c)
{
	Hoptac__V1__SubmitReportRequest *in =
	    (Hoptac__V1__SubmitReportRequest *)c->input;

	if (in->report != NULL) {
		char note[DATE_ISO_LEN + 20];

		handle_reports_paper_note(
		    in->report->paper_received_at_ms, note, sizeof(note));
		call_target(c, "report of %s to %s%s", in->report->unit_code,
		    in->report->request_reference, note);
		if (auth_may_write(c, in->report->unit_code) != STATUS_OK)
			return c->status;
	}
	if (validate_report(in->report, "report", &c->violations) > 0)
		return handle_invalid(c);
	return STATUS_OK;
}

/* Moves rep into a new reply of the method's output type. Submit, Get and
 * Review all reply with the report alone, as their field 1: the field is
 * found through the descriptor, so one helper serves the three. */
static int
handle_reports_reply(struct call *c, Hoptac__V1__Report *rep)
{
	const ProtobufCMessageDescriptor *desc = c->method->desc->output;
	ProtobufCMessage *out = malloc(desc->sizeof_message);

	if (out == NULL) {
		hoptac__v1__report__free_unpacked(rep, NULL);
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	}
	protobuf_c_message_init(desc, out);
	*(Hoptac__V1__Report **)((char *)out + desc->fields[0].offset) = rep;
	c->output = out;
	return STATUS_OK;
}

/* Whether unit is among those the request asks. */
static int
handle_reports_asked(const Hoptac__V1__ReportingRequest *r, const char *unit)
{
	for (size_t i = 0; i < r->n_unit_codes; i++)
		if (strcmp(r->unit_codes[i], unit) == 0)
			return 1;
	return 0;
}

/* Whether f states any figure: a nil report must not. */
static int
handle_reports_states_figures(const Hoptac__V1__Figures *f)
{
	return f != NULL &&
	    (f->delegations_out | f->people_out | f->delegations_in |
	        f->people_in | f->conferences | f->agreements |
	        f->activities) != 0;
}

/* What a report must not say of its request and its unit's records:
 * dated before the request was issued, nil while it states figures or
 * while the unit has records in the period. Returns STATUS_OK or c's
 * failure. The messages are for the clerk who wrote the report. */
static int
handle_reports_coherent(struct call *c, const Hoptac__V1__ReportingRequest *req,
    const Hoptac__V1__Report *rep)
{
	const Hoptac__V1__Figures *f = rep->computed;
	struct date_partial signed_on, issued;

	if (rep->signer[0] == '\0')
		violations_add(&c->violations, "report", "signer",
		    "chưa ghi người ký: báo cáo (hoặc mẫu do hoptac report "
		    "template in ra) chưa được điền xong");
	if (date_parse(rep->signed_on, &signed_on) == 0 &&
	    date_parse(req->issued_on, &issued) == 0 &&
	    date_last_day(&signed_on) < date_first_day(&issued))
		violations_add(&c->violations, "report", "signed_on",
		    "báo cáo ký ngày %s, trước ngày ban hành Công văn số %s "
		    "(%s): ngày ký phải từ ngày công văn trở về sau",
		    rep->signed_on, req->reference, req->issued_on);
	if (rep->nil && handle_reports_states_figures(rep->declared))
		violations_add(&c->violations, "report", "nil",
		    "báo cáo không phát sinh hoạt động (nil) nhưng lại nêu số "
		    "liệu: bỏ số liệu, hoặc ghi \"nil: không\"");
	if (c->violations.count > 0)
		return handle_invalid(c);
	if (rep->nil && f != NULL && f->activities > 0)
		return call_fail(c, STATUS_FAILED_PRECONDITION,
		    "đơn vị %s có %d hoạt động trong kỳ báo cáo của Công văn "
		    "số %s (đoàn ra %02d đoàn/%02d người, đoàn vào %02d "
		    "đoàn/%02d người): không thể báo cáo không phát sinh",
		    rep->unit_code, f->activities, req->reference,
		    f->delegations_out, f->people_out, f->delegations_in,
		    f->people_in);
	return STATUS_OK;
}

/* The times a report brings: a day of clock skew is tolerated, a date
 * beyond it is not; the day a paper report arrived is the department's
 * word (peer role) alone, and no filing comes after it. */
static int
handle_reports_times(struct call *c, const Hoptac__V1__Report *rep)
{
	int64_t limit = call_wall_ms() + 86400000;

	if (rep->paper_received_at_ms != 0 && (c->who.roles & ROLES_PEER) == 0)
		return call_fail(c, STATUS_PERMISSION_DENIED,
		    "chỉ Sở Ngoại vụ (thông tin xác thực có vai trò peer) mới "
		    "ghi được ngày nhận báo cáo giấy (--received)");
	if (rep->submitted_at_ms > limit)
		violations_add(&c->violations, "report", "submitted_at_ms",
		    "is in the future");
	if (rep->filed_at_ms > limit)
		violations_add(&c->violations, "report", "filed_at_ms",
		    "is in the future");
	if (rep->paper_received_at_ms > limit || rep->paper_received_at_ms < 0)
		violations_add(&c->violations, "report", "paper_received_at_ms",
		    "ngày nhận báo cáo giấy ở tương lai hoặc không hợp lệ");
	else if (rep->paper_received_at_ms > 0 &&
	    rep->filed_at_ms > rep->paper_received_at_ms)
		violations_add(&c->violations, "report", "filed_at_ms",
		    "ngày gửi sau ngày nhận báo cáo giấy");
	return c->violations.count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* Everything Submit does but storing: the request asked the unit, no
 * accepted revision stands, the times and the figures are set and the
 * report is coherent. Returns STATUS_OK with rep ready to store, or c's
 * failure. When rep's id is already stored, *stored is that report
 * (the caller's to free) and nothing else is done. */
static int
handle_reports_prepare(struct call *c, struct store_conn *db,
    Hoptac__V1__Report *rep, Hoptac__V1__Report **stored)
{
	Hoptac__V1__ReportingRequest *req = NULL;
	Hoptac__V1__Report *prev = NULL;
	int rc;

	/* The same report sent again (its id): the stored one, unchanged.
	 * Ids are the unit's own: another unit's report is never found. */
	*stored = NULL;
	rc = store_report_by_id(db, rep->unit_code, rep->id, stored);
	if (rc == STATUS_OK)
		return STATUS_OK;
	if (rc != STATUS_NOT_FOUND)
		return call_fail(c, rc, "the store failed");
	rc = store_req_get(db, rep->request_reference, &req);
	if (rc == STATUS_NOT_FOUND) {
		violations_add(&c->violations, "report", "request_reference",
		    "no request \"%s\"", rep->request_reference);
		return handle_invalid(c);
	}
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (!handle_reports_asked(req, rep->unit_code)) {
		rc = call_fail(c, STATUS_FAILED_PRECONDITION,
		    "request %s does not ask unit %s to report", req->reference,
		    rep->unit_code);
		goto out;
	}
	rc = store_report_get(db, req->reference, rep->unit_code, 0, &prev);
	if (rc == STATUS_OK &&
	    prev->status == HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED) {
		rc = call_fail(c, STATUS_FAILED_PRECONDITION,
		    "the report of %s to %s was accepted (revision %d); it "
		    "cannot be replaced",
		    rep->unit_code, req->reference, prev->revision);
		goto out;
	}
	if (rc != STATUS_OK && rc != STATUS_NOT_FOUND) {
		rc = call_fail(c, rc, "the store failed");
		goto out;
	}
	if ((rc = handle_reports_times(c, rep)) != STATUS_OK)
		goto out;
	rep->revision = prev != NULL ? prev->revision + 1 : 1;
	rep->status = HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_SUBMITTED;
	rep->received_at_ms = call_wall_ms();
	/* Only a peer vouches for a filing time: a forwarding server's
	 * stamp, the department's day for a paper report. An office's
	 * clock is a claim (filing.h). */
	rep->filed_at_ms = filing_time(
	    rep, (c->who.roles & ROLES_PEER) != 0, rep->received_at_ms);
	pbstr_set(&rep->review_reason, NULL);
	aggregate_clear_figures(rep);
	/* Frozen figures are the review's, never the sender's: a report
	 * sent with them would be accepted at its own word. */
	if (rep->accepted != NULL)
		hoptac__v1__figures__free_unpacked(rep->accepted, NULL);
	rep->accepted = NULL;
	for (size_t i = 0; i < rep->n_accepted_by_partner; i++)
		hoptac__v1__partner_figures__free_unpacked(
		    rep->accepted_by_partner[i], NULL);
	free(rep->accepted_by_partner);
	rep->accepted_by_partner = NULL;
	rep->n_accepted_by_partner = 0;
	/* The figures come from the records; what the office declared is
	 * kept beside them and every difference flagged, never replaced. */
	if ((rc = aggregate_figures(db, req, rep->unit_code, &rep->computed)) !=
	        STATUS_OK ||
	    (rc = aggregate_mismatches(rep)) != STATUS_OK) {
		rc = call_fail(c, rc, "the store failed");
		goto out;
	}
	rc = handle_reports_coherent(c, req, rep);
out:
	if (prev != NULL)
		hoptac__v1__report__free_unpacked(prev, NULL);
	hoptac__v1__reporting_request__free_unpacked(req, NULL);
	return rc;
}

/* Submit, and Check when store is 0: the reply is what Submit would
 * store, and Check stores nothing. */
static int
handle_reports_answer(struct call *c, struct store_conn *db, int store)
{
	Hoptac__V1__SubmitReportRequest *in =
	    (Hoptac__V1__SubmitReportRequest *)c->input;
	Hoptac__V1__Report *stored = NULL;
	int rc = handle_reports_prepare(c, db, in->report, &stored);

	if (rc != STATUS_OK || stored != NULL)
		return rc != STATUS_OK ? rc : handle_reports_reply(c, stored);
	if (store && (rc = store_report_insert(db, in->report)) != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	stored = in->report;
	in->report = NULL;
	return handle_reports_reply(c, stored);
}

int
handle_reports_submit(struct call *c, struct store_conn *db)
{
	return handle_reports_answer(c, db, 1);
}

int
handle_reports_check(struct call *c, struct store_conn *db)
{
	return handle_reports_answer(c, db, 0);
}

int
handle_reports_get(struct call *c, struct store_conn *db)
{
	Hoptac__V1__GetReportRequest *in =
	    (Hoptac__V1__GetReportRequest *)c->input;
	Hoptac__V1__Report *rep = NULL;
	int rc;

	if (auth_scope_filter(c, db, &in->unit_code) != STATUS_OK)
		return c->status;
	rc = store_report_get(
	    db, in->request_reference, in->unit_code, in->revision, &rep);

	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "no report of %s to %s%s",
		    in->unit_code, in->request_reference,
		    in->revision ? " with that revision" : "");
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return handle_reports_reply(c, rep);
}

int
handle_reports_check_list(struct call *c)
{
	const Hoptac__V1__ListReportsRequest *in =
	    (const Hoptac__V1__ListReportsRequest *)c->input;
	int64_t stamp;

	if (reppage_check(in->page_token, &stamp) != 0) {
		violations_add(&c->violations, NULL, "page_token",
		    "is not a next_page_token of Reports/List: ask for the "
		    "first page (no token) again");
		return handle_invalid(c);
	}
	return STATUS_OK;
}

/* The whole list is read for each page, filtered as for the first: a
 * token names a place in it and grants nothing. */
int
handle_reports_list(struct call *c, struct store_conn *db)
{
	Hoptac__V1__ListReportsRequest *in =
	    (Hoptac__V1__ListReportsRequest *)c->input;
	Hoptac__V1__ListReportsResponse *out = malloc(sizeof(*out));
	int rc;

	if (out == NULL)
		return call_fail(c, STATUS_INTERNAL, "out of memory");
	hoptac__v1__list_reports_response__init(out);
	c->output = &out->base;
	if (auth_scope_filter(c, db, &in->unit_code) != STATUS_OK)
		return c->status;
	rc = store_report_list(
	    db, in->request_reference, in->unit_code, in->all_revisions, out);
	if (rc == STATUS_OK)
		rc = reppage_cut(&out->n_reports, out->reports, in->page_token,
		    0, &out->next_page_token);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	return STATUS_OK;
}

int
handle_reports_check_review(struct call *c)
{
	Hoptac__V1__ReviewReportRequest *in =
	    (Hoptac__V1__ReviewReportRequest *)c->input;
	struct violations *v = &c->violations;
	char note[DATE_ISO_LEN + 20];

	validate_text(&in->request_reference, NULL, "request_reference",
	    VALIDATE_ID_MAX, 1, v);
	validate_id(in->unit_code, NULL, "unit_code", v);
	handle_reports_paper_note(in->paper_received_at_ms, note, sizeof(note));
	call_target(c, "report of %s to %s revision %d%s", in->unit_code,
	    in->request_reference, in->revision, note);
	if (in->paper_received_at_ms < 0 ||
	    aggregate_vn_day(in->paper_received_at_ms) >
	        aggregate_vn_day(call_wall_ms()))
		violations_add(v, NULL, "paper_received_at_ms",
		    "ngày nhận báo cáo giấy ở tương lai hoặc không hợp lệ");
	if (in->revision <= 0)
		violations_add(
		    v, NULL, "revision", "must name the revision reviewed");
	validate_text(
	    &in->reason, NULL, "reason", VALIDATE_LONG_MAX, !in->accept, v);
	return v->count > 0 ? handle_invalid(c) : STATUS_OK;
}

/* The records' figures for rep's request and unit, into rep->accepted,
 * and partner by partner into rep->accepted_by_partner. */
static int
handle_reports_freeze(struct store_conn *db, Hoptac__V1__Report *rep)
{
	Hoptac__V1__ReportingRequest *req = NULL;
	int rc = store_req_get(db, rep->request_reference, &req);

	if (rc == STATUS_OK)
		rc = aggregate_figures(db, req, rep->unit_code, &rep->accepted);
	if (rc == STATUS_OK)
		rc = aggregate_partner_figures(db, req, rep->unit_code,
		    &rep->n_accepted_by_partner, &rep->accepted_by_partner);
	/* No records at all: frozen at nothing, not left unfrozen. */
	if (rc == STATUS_OK && rep->accepted == NULL) {
		if ((rep->accepted = malloc(sizeof(*rep->accepted))) == NULL)
			rc = STATUS_INTERNAL;
		else
			hoptac__v1__figures__init(rep->accepted);
	}
	if (req != NULL)
		hoptac__v1__reporting_request__free_unpacked(req, NULL);
	return rc;
}

/* The reviewer's word on when rep's paper reached the department: not
 * before the request was issued. A paper that arrived was sent by then,
 * so a filing counted later moves back to it (filing.h). */
static int
handle_reports_paper(
    struct call *c, struct store_conn *db, Hoptac__V1__Report *rep, int64_t ms)
{
	Hoptac__V1__ReportingRequest *req = NULL;
	struct date_partial issued;
	int rc = store_req_get(db, rep->request_reference, &req);

	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (date_parse(req->issued_on, &issued) == 0 &&
	    aggregate_vn_day(ms) < date_first_day(&issued)) {
		violations_add(&c->violations, NULL, "paper_received_at_ms",
		    "ngày nhận báo cáo giấy trước ngày ban hành Công văn số "
		    "%s (%s)",
		    req->reference, req->issued_on);
		rc = handle_invalid(c);
	} else {
		rep->paper_received_at_ms = ms;
		if (rep->filed_at_ms > ms)
			rep->filed_at_ms = ms;
	}
	hoptac__v1__reporting_request__free_unpacked(req, NULL);
	return rc;
}

int
handle_reports_review(struct call *c, struct store_conn *db)
{
	Hoptac__V1__ReviewReportRequest *in =
	    (Hoptac__V1__ReviewReportRequest *)c->input;
	Hoptac__V1__Report *rep = NULL;
	int status = in->accept
	    ? HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED
	    : HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_RETURNED;
	int rc =
	    store_report_get(db, in->request_reference, in->unit_code, 0, &rep);

	if (rc == STATUS_NOT_FOUND)
		return call_fail(c, rc, "no report of %s to %s", in->unit_code,
		    in->request_reference);
	if (rc != STATUS_OK)
		return call_fail(c, rc, "the store failed");
	if (rep->revision != in->revision) {
		rc = call_fail(c, STATUS_ABORTED,
		    "revision %d is not the latest (%d): review the latest",
		    in->revision, rep->revision);
		goto fail;
	}
	if (rep->status == HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED &&
	    status != (int)rep->status) {
		rc = call_fail(c, STATUS_FAILED_PRECONDITION,
		    "revision %d was accepted already", rep->revision);
		goto fail;
	}
	/* Accepted means frozen: the records' figures now are what the
	 * consolidated report counts for the unit from here on. Accepting
	 * again keeps the first freeze. */
	if (status == HOPTAC__V1__REPORT_STATUS__REPORT_STATUS_ACCEPTED &&
	    rep->accepted == NULL &&
	    (rc = handle_reports_freeze(db, rep)) != STATUS_OK) {
		rc = call_fail(c, rc, "the store failed");
		goto fail;
	}
	if (in->paper_received_at_ms > 0 &&
	    (rc = handle_reports_paper(c, db, rep, in->paper_received_at_ms)) !=
	        STATUS_OK)
		goto fail;
	rep->status = status;
	rep->reviewed_at_ms = call_wall_ms();
	if (pbstr_set(&rep->review_reason, in->accept ? NULL : in->reason) !=
	    0) {
		rc = call_fail(c, STATUS_INTERNAL, "out of memory");
		goto fail;
	}
	if ((rc = store_report_update(db, rep)) != STATUS_OK) {
		rc = call_fail(c, rc, "the store failed");
		goto fail;
	}
	return handle_reports_reply(c, rep);
fail:
	hoptac__v1__report__free_unpacked(rep, NULL);
	return rc;
}
