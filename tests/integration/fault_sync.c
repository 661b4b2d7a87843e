/*
 * A disk that fails to make writes durable, for test_sync_fails: loaded
 * into hoptacd with LD_PRELOAD, it makes fsync and fdatasync fail with
 * EIO while the file $HOPTAC_FAULT_SYNC names exists, as a failing disk
 * or a lost network volume does; otherwise they pass through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int fsync(int fd);
int fdatasync(int fd);

/* EIO while the trigger exists, else the C library's sync (name), found
 * once into *real. */
static int
fault_sync(const char *name, int (**real)(int), int fd)
{
	const char *path = getenv("HOPTAC_FAULT_SYNC");

	if (path != NULL && access(path, F_OK) == 0) {
		errno = EIO;
		return -1;
	}
	if (*real == NULL)
		*(void **)real = dlsym(RTLD_NEXT, name);
	return (*real)(fd);
}

int
fsync(int fd)
{
	static int (*real)(int);

	return fault_sync("fsync", &real, fd);
}

int
fdatasync(int fd)
{
	static int (*real)(int);

	return fault_sync("fdatasync", &real, fd);
}
