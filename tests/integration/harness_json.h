/*
 * Reading what hoptac --json printed, for the integration tests.
 */
#ifndef HOPTAC_HARNESS_JSON_H
#define HOPTAC_HARNESS_JSON_H

#include <stdint.h>

#include <json-c/json.h>

/* The number under key in o, or 0 when there is none. */
static inline int64_t
harness_json_int(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v)
	                                             : 0;
}

/* The text under key in o, or "" when there is none. */
static inline const char *
harness_json_str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v)
	                                             : "";
}

/* text parsed as JSON (caller puts it); fails the test when it is not. */
static inline json_object *
harness_json_parse(const char *text)
{
	json_object *o = json_tokener_parse(text);

	if (o == NULL)
		fail_msg("not JSON: %s", text);
	return o;
}

#endif
