#include "bundle_sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/sha256.h>

#include "hoptac/v1/services.pb-c.h"
#include "method.h"
#include "safefile.h"

int
bundle_signed_digest(const Hoptac__V1__Bundle *b, uint8_t out[32])
{
	Hoptac__V1__Bundle copy = *b; /* shallow: shares b's fields */
	size_t len;
	uint8_t *buf;

	copy.signature.data = NULL;
	copy.signature.len = 0;
	len = protobuf_c_message_get_packed_size(&copy.base);
	if ((buf = malloc(len ? len : 1)) == NULL)
		return -1;
	protobuf_c_message_pack(&copy.base, buf);
	mbedtls_sha256_ret(buf, len, out, 0);
	free(buf);
	return 0;
}

int
bundle_key_load(
    const char *path, char pem[SIGKEY_PEM_MAX], char *err, size_t errlen)
{
	struct stat sb;
	FILE *f;
	size_t n;
	int rc = -1;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 1;
	if ((f = safefile_read(path, "r", err, errlen)) == NULL)
		return -1;
	if (fstat(fileno(f), &sb) != 0 || (sb.st_mode & 077) != 0) {
		snprintf(err, errlen,
		    "%s: the signing key can be read by other users; run "
		    "chmod 600 %s",
		    path, path);
		goto out;
	}
	n = fread(pem, 1, SIGKEY_PEM_MAX - 1, f);
	pem[n] = '\0';
	if (n == 0 || n == SIGKEY_PEM_MAX - 1) {
		snprintf(err, errlen, "%s: not a signing key", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

int
bundle_key_create(
    const char *path, char pem[SIGKEY_PEM_MAX], char *err, size_t errlen)
{
	struct safefile sf;
	struct stat sb;

	/* A key already there may be registered: never replaced here. */
	if (lstat(path, &sb) == 0 || errno != ENOENT) {
		snprintf(err, errlen, "%s exists already", path);
		return -1;
	}
	if (sigkey_generate(pem) != 0) {
		snprintf(err, errlen, "cannot make a key");
		return -1;
	}
	if (safefile_open(&sf, path, err, errlen) != 0)
		return -1;
	if (fputs(pem, sf.f) == EOF) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		safefile_abort(&sf);
		return -1;
	}
	return safefile_commit(&sf, err, errlen);
}

int
bundle_sign(Hoptac__V1__Bundle *b, const char *pem, char *err, size_t errlen)
{
	uint8_t der[SIGKEY_PUBLIC_MAX], digest[32], *sig = NULL;
	char id[SIGKEY_ID_LEN + 1], *idcopy;
	size_t len = 0, siglen = 0;

	if (sigkey_public_of(pem, der, &len) != 0 ||
	    sigkey_public_id(der, len, id, err, errlen) != 0) {
		snprintf(err, errlen, "the signing key cannot be read");
		return -1;
	}
	if ((idcopy = strdup(id)) == NULL ||
	    (sig = malloc(SIGKEY_SIG_MAX)) == NULL) {
		free(idcopy);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (b->key_id != protobuf_c_empty_string)
		free(b->key_id);
	b->key_id = idcopy;
	free(b->signature.data);
	b->signature.data = sig;
	b->signature.len = 0;
	if (bundle_signed_digest(b, digest) != 0 ||
	    sigkey_sign(pem, digest, sig, &siglen) != 0) {
		snprintf(err, errlen, "cannot sign the bundle");
		return -1;
	}
	b->signature.len = siglen;
	return 0;
}

int
bundle_sign_present(
    const Hoptac__V1__Bundle *b, const char *name, char *err, size_t errlen)
{
	if (b->signature.len > 0 && b->key_id[0] != '\0')
		return 0;
	snprintf(err, errlen,
	    "%s: gói không có chữ ký số của đơn vị lập gói nên không được "
	    "áp dụng. Đề nghị đơn vị xuất lại gói bằng lệnh hoptac export "
	    "(hàng đợi của đơn vị vẫn giữ đủ dữ liệu cho đến khi nhập biên "
	    "nhận)",
	    name);
	return -1;
}

/* The units the records of entry e are for: their count, the units in
 * units[] (pointing into *msg, which the caller frees); -1 for a method
 * an office does not queue, -2 for a payload that cannot be read. */
static int
bundle_entry_units(const Hoptac__V1__BundleEntry *e, ProtobufCMessage **msg,
    const char ***units)
{
	const uint8_t *p = e->payload.data;
	size_t len = e->payload.len;
	int n = 0;

	*msg = NULL;
	*units = NULL;
	if (strcmp(e->method, method_path(METHOD_ACTIVITIES_SUBMIT)) == 0) {
		Hoptac__V1__SubmitActivitiesRequest *r =
		    hoptac__v1__submit_activities_request__unpack(NULL, len, p);

		if (r == NULL)
			return -2;
		*msg = &r->base;
		if ((*units = calloc(r->n_activities + 1, sizeof(char *))) ==
		    NULL)
			return -2;
		for (size_t i = 0; i < r->n_activities; i++)
			(*units)[n++] = r->activities[i]->unit_code;
		return n;
	}
	if ((*units = calloc(1, sizeof(char *))) == NULL)
		return -2;
	if (strcmp(e->method, method_path(METHOD_ACTIVITIES_AMEND)) == 0) {
		Hoptac__V1__AmendActivityRequest *r =
		    hoptac__v1__amend_activity_request__unpack(NULL, len, p);

		if (r == NULL)
			return -2;
		*msg = &r->base;
		(*units)[0] = r->activity ? r->activity->unit_code : "";
		return 1;
	}
	if (strcmp(e->method, method_path(METHOD_REPORTS_SUBMIT)) == 0) {
		Hoptac__V1__SubmitReportRequest *r =
		    hoptac__v1__submit_report_request__unpack(NULL, len, p);

		if (r == NULL)
			return -2;
		*msg = &r->base;
		(*units)[0] = r->report ? r->report->unit_code : "";
		return 1;
	}
	return -1;
}

int
bundle_check_units(const Hoptac__V1__Bundle *b, const char *unit,
    const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < b->n_entries; i++) {
		const Hoptac__V1__BundleEntry *e = b->entries[i];
		ProtobufCMessage *msg;
		const char **units;
		int n = bundle_entry_units(e, &msg, &units), bad = 0;

		if (n == -1)
			snprintf(err, errlen,
			    "%s: mục %zu (%s) là lệnh %s, không phải loại "
			    "một đơn vị được gửi trong gói; gói không được "
			    "áp dụng",
			    name, i + 1, e->label, e->method);
		else if (n == -2)
			snprintf(err, errlen,
			    "%s: mục %zu (%s) không đọc được; gói không được "
			    "áp dụng",
			    name, i + 1, e->label);
		for (int j = 0; j < n && !bad; j++)
			if (strcmp(units[j], unit) != 0) {
				snprintf(err, errlen,
				    "%s: mục %zu (%s) là hồ sơ của đơn vị "
				    "\"%s\", nhưng gói do đơn vị %s ký; một "
				    "đơn vị chỉ được gửi hồ sơ của chính mình, "
				    "gói không được áp dụng",
				    name, i + 1, e->label, units[j], unit);
				bad = 1;
			}
		free(units);
		if (msg != NULL)
			protobuf_c_message_free_unpacked(msg, NULL);
		if (n < 0 || bad)
			return -1;
	}
	return 0;
}

int
bundle_verify(const Hoptac__V1__Bundle *b, const Hoptac__V1__SigningKey *k,
    const char *name, char *err, size_t errlen)
{
	uint8_t digest[32];

	if (bundle_sign_present(b, name, err, errlen) != 0)
		return -1;
	if (bundle_signed_digest(b, digest) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strcmp(b->key_id, k->id) != 0 ||
	    sigkey_verify(k->public_key.data, k->public_key.len, digest,
	        b->signature.data, b->signature.len) != 0) {
		snprintf(err, errlen,
		    "%s: chữ ký số không khớp với nội dung gói: gói đã bị "
		    "sửa đổi sau khi ký, hoặc không do đơn vị %s lập; không "
		    "áp dụng nội dung nào của gói",
		    name, k->unit_code);
		return -1;
	}
	if (b->unit_code[0] != '\0' &&
	    strcmp(b->unit_code, k->unit_code) != 0) {
		snprintf(err, errlen,
		    "%s: gói ghi là của đơn vị \"%s\" nhưng do đơn vị %s ký; "
		    "gói không được áp dụng",
		    name, b->unit_code, k->unit_code);
		return -1;
	}
	return bundle_check_units(b, k->unit_code, name, err, errlen);
}
