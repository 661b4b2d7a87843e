/*
 * libzip and libxml2, for .docx documents only, loaded when a document
 * is first written or read. Linked into every hoptac process they cost
 * each its start: with what they pull in (ICU, libstdc++, OpenSSL's
 * libcrypto), some 7 ms of the dynamic loader's relocations, a third of
 * a whole `hoptac summary`.
 */
#ifndef HOPTAC_DOCX_LIB_H
#define HOPTAC_DOCX_LIB_H

#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

/* The functions used, by library: X(library, name). */
#define DOCX_LIB_FUNCTIONS(X)                                                  \
	X(zip, zip_close)                                                      \
	X(zip, zip_discard)                                                    \
	X(zip, zip_error_fini)                                                 \
	X(zip, zip_error_init)                                                 \
	X(zip, zip_fclose)                                                     \
	X(zip, zip_file_add)                                                   \
	X(zip, zip_fopen)                                                      \
	X(zip, zip_fread)                                                      \
	X(zip, zip_open)                                                       \
	X(zip, zip_open_from_source)                                           \
	X(zip, zip_source_buffer)                                              \
	X(zip, zip_source_buffer_create)                                       \
	X(zip, zip_source_close)                                               \
	X(zip, zip_source_free)                                                \
	X(zip, zip_source_keep)                                                \
	X(zip, zip_source_open)                                                \
	X(zip, zip_source_read)                                                \
	X(zip, zip_stat)                                                       \
	X(zip, zip_stat_init)                                                  \
	X(xml, xmlDocGetRootElement)                                           \
	X(xml, xmlFreeDoc)                                                     \
	X(xml, xmlGetNsProp)                                                   \
	X(xml, xmlReadMemory)

struct docx_lib {
#define DOCX_LIB_MEMBER(lib, name) __typeof__(&name) name;
	DOCX_LIB_FUNCTIONS(DOCX_LIB_MEMBER)
#undef DOCX_LIB_MEMBER
	xmlFreeFunc *xml_free; /* libxml2's xmlFree, a variable */
};

/* The libraries' functions, loaded on the first call (thread-safe);
 * NULL, with the reason in err, if they cannot be loaded. */
const struct docx_lib *docx_lib(char *err, size_t errlen);

#endif
