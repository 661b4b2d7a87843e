#include "ipcwatch.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The SP header of a REQ (protocol 0x30) peer. */
static const unsigned char ipcwatch_header[8] = {
    0, 'S', 'P', 0, 0x00, 0x30, 0, 0};

int
ipcwatch_connect(const char *url, int timeout_ms)
{
	struct sockaddr_un sa;
	unsigned char got[8];
	size_t have = 0;
	int fd, rc = -1;

	if (strncmp(url, "ipc://", 6) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", url + 6) >=
	    (int)sizeof(sa.sun_path))
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, ipcwatch_header, sizeof(ipcwatch_header)) !=
	        (ssize_t)sizeof(ipcwatch_header))
		goto out;
	while (have < sizeof(got)) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0)
			goto out;
		n = read(fd, got + have, sizeof(got) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		have += (size_t)n;
	}
	/* The listener answers with its own header: 0 'S' 'P' 0, REP (0x31). */
	if (got[0] == 0 && got[1] == 'S' && got[2] == 'P' && got[3] == 0)
		rc = fd;
out:
	if (rc < 0)
		close(fd);
	return rc;
}
