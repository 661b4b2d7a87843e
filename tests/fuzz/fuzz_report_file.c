/*
 * Report files, as `hoptac report submit` reads one: report_file_read
 * over the bytes, then the report given an id and validated
 * (validate_report), as the client does before sending it.
 *
 * A report that passes is also written back (report_file_write, what
 * `hoptac report show` prints) and read again: report_file.h promises
 * that this gives the same fields for text validate_report has left
 * normalized, so a report that reads back different, or not at all,
 * aborts with the written text on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "pbstr.h"
#include "report_file.h"
#include "validate.h"

/* The id the client gives a report before validating it. */
#define FUZZ_REPORT_ID "0b5e7d1c-2f4a-4c8e-9a3b-6d1e2f3a4b5c"

/* Reads len bytes of data as a report file, then validates it. Returns
 * the report when both pass, else NULL; err is filled when reading
 * fails. */
static Hoptac__V1__Report *
fuzz_report_read(const void *data, size_t len, struct report_file_error *err,
    struct violations *v)
{
	Hoptac__V1__Report *r = NULL;
	FILE *f;

	violations_init(v);
	if (len == 0 || (f = fmemopen((void *)data, len, "r")) == NULL)
		return NULL;
	if (report_file_read(f, &r, err) != 0) {
		fclose(f);
		if (r != NULL)
			abort(); /* nothing of a bad file is handed over */
		return NULL;
	}
	fclose(f);
	if (pbstr_set(&r->id, FUZZ_REPORT_ID) != 0 ||
	    validate_report(r, NULL, v) != 0) {
		hoptac__v1__report__free_unpacked(r, NULL);
		return NULL;
	}
	return r;
}

/* r packed, malloc'd. */
static uint8_t *
fuzz_report_pack(const Hoptac__V1__Report *r, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(&r->base);
	if ((buf = malloc(*len != 0 ? *len : 1)) == NULL)
		abort();
	if (protobuf_c_message_pack(&r->base, buf) != *len)
		abort();
	return buf;
}

static void
fuzz_report_roundtrip(const Hoptac__V1__Report *r)
{
	Hoptac__V1__Report *back;
	struct report_file_error err = {0, ""};
	struct violations v;
	char *text = NULL;
	size_t text_len = 0, la, lb;
	uint8_t *pa, *pb;
	FILE *f;

	if ((f = open_memstream(&text, &text_len)) == NULL)
		return;
	if (report_file_write(f, r) != 0) {
		fprintf(stderr,
		    "fuzz_report_file: a valid report cannot be "
		    "written\n");
		abort();
	}
	fclose(f);
	back = fuzz_report_read(text, text_len, &err, &v);
	if (back == NULL) {
		fprintf(stderr,
		    "fuzz_report_file: does not read back: line %zu: "
		    "%s %s %s\n%s",
		    err.line, err.message, v.count > 0 ? v.items[0].field : "",
		    v.count > 0 ? v.items[0].description : "", text);
		abort();
	}
	pa = fuzz_report_pack(r, &la);
	pb = fuzz_report_pack(back, &lb);
	if (la != lb || memcmp(pa, pb, la) != 0) {
		fprintf(stderr, "fuzz_report_file: reads back different:\n%s",
		    text);
		abort();
	}
	free(pa);
	free(pb);
	free(text);
	hoptac__v1__report__free_unpacked(back, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_file_error err;
	struct violations v;
	Hoptac__V1__Report *r = fuzz_report_read(data, size, &err, &v);

	if (r == NULL)
		return 0;
	fuzz_report_roundtrip(r);
	hoptac__v1__report__free_unpacked(r, NULL);
	return 0;
}
