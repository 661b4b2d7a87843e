#include "method.h"

#include <string.h>

#include "hoptac/v1/auth.pb-c.h"
#include "hoptac/v1/services.pb-c.h"

#define METHOD(id, svc, Svc, Name, ex, rl, fl)                                 \
	[METHOD_##id] = {METHOD_##id, "/hoptac.v1." #Svc "/" #Name,            \
	    &hoptac__v1__##svc##__descriptor, #Name, METHOD_##ex, rl, fl},
static const struct method_info method_table[METHOD_COUNT] = {
#include "method.def"
};
#undef METHOD

const struct method_info *
method_get(enum method_id id)
{
	return &method_table[id];
}

const char *
method_path(enum method_id id)
{
	return method_table[id].path;
}

const struct method_info *
method_find(const char *path)
{
	for (size_t i = 0; i < METHOD_COUNT; i++)
		if (strcmp(method_table[i].path, path) == 0)
			return &method_table[i];
	return NULL;
}

const ProtobufCMethodDescriptor *
method_desc(const struct method_info *m)
{
	return protobuf_c_service_descriptor_get_method_by_name(
	    m->service, m->name);
}

const ProtobufCMessageDescriptor *
method_output(enum method_id id)
{
	const ProtobufCMethodDescriptor *d = method_desc(&method_table[id]);

	return d != NULL ? d->output : NULL;
}
