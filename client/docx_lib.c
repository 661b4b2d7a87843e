/*
 * Loading libzip and libxml2 on first use (docx_lib.h says why). The
 * names are the sonames the build linked against (CMakeLists.txt), so
 * that the versions loaded are those the headers describe.
 */
#include "docx_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DOCX_LIB_SO_zip HOPTAC_LIBZIP_SONAME
#define DOCX_LIB_SO_xml HOPTAC_LIBXML2_SONAME

static struct docx_lib docx_lib_loaded;
static pthread_once_t docx_lib_once = PTHREAD_ONCE_INIT;
static char docx_lib_error[256]; /* why loading failed; empty if not */

/* The symbol name of library handle h into *slot; 0, or -1 with
 * docx_lib_error set. */
static int
docx_lib_symbol(void *h, const char *so, const char *name, void *slot)
{
	void *sym = dlsym(h, name);

	if (sym == NULL) {
		snprintf(docx_lib_error, sizeof(docx_lib_error), "%s has no %s",
		    so, name);
		return -1;
	}
	/* POSIX: a dlsym result holds a function's address. */
	memcpy(slot, &sym, sizeof(sym));
	return 0;
}

static void
docx_lib_load(void)
{
	/* Kept loaded for the life of the process. */
	void *zip = dlopen(HOPTAC_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
	void *xml = dlopen(HOPTAC_LIBXML2_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (zip == NULL || xml == NULL) {
		snprintf(docx_lib_error, sizeof(docx_lib_error),
		    "cannot load %s: %s",
		    zip == NULL ? HOPTAC_LIBZIP_SONAME : HOPTAC_LIBXML2_SONAME,
		    dlerror());
		return;
	}
#define DOCX_LIB_LOAD(lib, name)                                               \
	if (docx_lib_symbol(                                                   \
	        lib, DOCX_LIB_SO_##lib, #name, &docx_lib_loaded.name) != 0)    \
		return;
	DOCX_LIB_FUNCTIONS(DOCX_LIB_LOAD)
#undef DOCX_LIB_LOAD
	docx_lib_symbol(
	    xml, HOPTAC_LIBXML2_SONAME, "xmlFree", &docx_lib_loaded.xml_free);
}

const struct docx_lib *
docx_lib(char *err, size_t errlen)
{
	pthread_once(&docx_lib_once, docx_lib_load);
	if (docx_lib_error[0] != '\0') {
		snprintf(err, errlen, "%s", docx_lib_error);
		return NULL;
	}
	return &docx_lib_loaded;
}
