/*
 * The methods of hoptac's protocol: the table that common/method.def
 * writes once, for the server's dispatch, the client's calls and the
 * docs' checks.
 */
#ifndef HOPTAC_METHOD_H
#define HOPTAC_METHOD_H

#include <protobuf-c/protobuf-c.h>

#include "role.h"

/* Where hoptacd runs a method. */
enum method_exec {
	METHOD_INLINE, /* in the nng callback: no I/O, microseconds */
	METHOD_READ,   /* on a reader thread, with a read-only connection */
	METHOD_WRITE,  /* on the writer thread, inside a group transaction */
};

/* Flags of a method (method.def says what each means). */
#define METHOD_IDEMPOTENT 0x1u
#define METHOD_AUDITED    0x2u
#define METHOD_SETTLED    0x4u

enum method_id {
#define METHOD(id, svc, Svc, Name, exec, roles, flags) METHOD_##id,
#include "method.def"
#undef METHOD
	METHOD_COUNT
};

struct method_info {
	enum method_id id;
	const char *path; /* "/hoptac.v1.Activities/Submit" */
	const ProtobufCServiceDescriptor *service;
	const char *name; /* "Submit", the proto's */
	enum method_exec exec;
	unsigned roles; /* role.h's ROLES_* set; ROLES_PUBLIC: anyone */
	unsigned flags; /* METHOD_IDEMPOTENT, METHOD_AUDITED, METHOD_SETTLED */
};

/* The method id (id < METHOD_COUNT). */
const struct method_info *method_get(enum method_id id);

/* The full path of method id, as the envelope names it. */
const char *method_path(enum method_id id);

/* The method whose full path is path, or NULL. */
const struct method_info *method_find(const char *path);

/* The proto's descriptor of m (its input and output types), or NULL if
 * the proto has no such method. */
const ProtobufCMethodDescriptor *method_desc(const struct method_info *m);

/* The proto's reply type of method id. */
const ProtobufCMessageDescriptor *method_output(enum method_id id);

#endif
