/*
 * Activities from CSV, as `hoptac import` reads a file: activity_csv_read
 * over the bytes, each row read validated and normalized
 * (validate_activity) and packed into the Submit the outbox keeps.
 *
 * Each valid row is also written as an export writes it and read back:
 * docs/csv.md promises that a file can go out and come back, so the row
 * read back, validated again, must be the same activity. A difference
 * aborts, with the exported text on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity_csv.h"
#include "fuzz.h"
#include "hoptac/v1/services.pb-c.h"
#include "validate.h"

static int
fuzz_csv_on_error(void *arg, size_t line, const char *field, const char *msg)
{
	(void)arg;
	(void)line;
	(void)field;
	(void)msg;
	return 0; /* go on, as the import does: every bad row is named */
}

/* m packed, malloc'd. */
static uint8_t *
fuzz_csv_pack(const ProtobufCMessage *m, size_t *len)
{
	uint8_t *buf;

	*len = protobuf_c_message_get_packed_size(m);
	if ((buf = malloc(*len != 0 ? *len : 1)) == NULL)
		abort();
	if (protobuf_c_message_pack(m, buf) != *len)
		abort();
	return buf;
}

static int
fuzz_csv_back_row(void *arg, size_t line, Hoptac__V1__Activity *a)
{
	Hoptac__V1__Activity **back = arg;

	(void)line;
	if (*back != NULL) {
		fprintf(stderr, "fuzz_csv: one row written, two read back\n");
		abort();
	}
	*back = a;
	return 0;
}

static int
fuzz_csv_back_error(void *arg, size_t line, const char *field, const char *msg)
{
	(void)arg;
	fprintf(stderr,
	    "fuzz_csv: an export does not read back: line %zu %s %s\n", line,
	    field, msg);
	abort();
}

static void
fuzz_csv_roundtrip(const Hoptac__V1__Activity *a)
{
	Hoptac__V1__Activity *back = NULL;
	struct violations v;
	char *text = NULL;
	size_t text_len = 0, la, lb;
	uint8_t *pa, *pb;
	FILE *f;

	if ((f = open_memstream(&text, &text_len)) == NULL)
		return;
	if (activity_csv_write_header(f) != 0 || activity_csv_write(f, a) != 0)
		abort();
	fclose(f);
	if ((f = fmemopen(text, text_len, "r")) == NULL)
		abort();
	if (activity_csv_read(
	        f, fuzz_csv_back_row, fuzz_csv_back_error, &back) != 0 ||
	    back == NULL)
		abort();
	fclose(f);
	violations_init(&v);
	pa = fuzz_csv_pack(&a->base, &la);
	if (validate_activity(back, NULL, &v) != 0) {
		fprintf(stderr, "fuzz_csv: invalid once read back: %s %s\n%s",
		    v.items[0].field, v.items[0].description, text);
		abort();
	}
	pb = fuzz_csv_pack(&back->base, &lb);
	if (la != lb || memcmp(pa, pb, la) != 0) {
		fprintf(stderr, "fuzz_csv: reads back different:\n%s", text);
		abort();
	}
	free(pa);
	free(pb);
	free(text);
	hoptac__v1__activity__free_unpacked(back, NULL);
}

static int
fuzz_csv_on_row(void *arg, size_t line, Hoptac__V1__Activity *a)
{
	Hoptac__V1__SubmitActivitiesRequest req =
	    HOPTAC__V1__SUBMIT_ACTIVITIES_REQUEST__INIT;
	struct violations v;
	uint8_t *buf;
	size_t len;

	(void)arg;
	(void)line;
	violations_init(&v);
	if (validate_activity(a, NULL, &v) == 0) {
		req.n_activities = 1;
		req.activities = &a;
		buf = fuzz_csv_pack(&req.base, &len);
		free(buf);
		fuzz_csv_roundtrip(a);
	}
	hoptac__v1__activity__free_unpacked(a, NULL);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;

	/* glibc's fmemopen refuses an empty buffer. */
	if (size == 0)
		return 0;
	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	(void)activity_csv_read(f, fuzz_csv_on_row, fuzz_csv_on_error, NULL);
	fclose(f);
	return 0;
}
