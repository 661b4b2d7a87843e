/*
 * The storage's own limit: what a durable commit costs the disk alone.
 * Each round writes FRAMES frames the way sqlite appends to its WAL (a
 * 24-byte frame header, then a 4,096-byte page, each its own pwrite) and
 * calls fdatasync, as a commit with synchronous=FULL does; it prints the
 * percentiles of a round. The file is first filled to 4 MiB and written
 * over from its start, as the WAL is once it has reached its bound; with
 * -g it grows instead, as a new WAL does.
 *
 *   bench_fsync [-d dir] [-f frames] [-n rounds] [-g]
 *
 * A one-activity call commits three frames alone (bench/walpages.sh);
 * docs/PERFORMANCE.md sets this floor against a call's latency.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FSYNC_PAGE      4096
#define FSYNC_HEADER    24
#define FSYNC_FRAME     (FSYNC_HEADER + FSYNC_PAGE)
#define FSYNC_FILE_SIZE (4 << 20)

static double
fsync_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
fsync_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Fills the file to FSYNC_FILE_SIZE and makes that durable. */
static int
fsync_fill(int fd)
{
	static char zero[1 << 16];

	for (off_t off = 0; off < FSYNC_FILE_SIZE; off += sizeof(zero))
		if (pwrite(fd, zero, sizeof(zero), off) !=
		    (ssize_t)sizeof(zero))
			return -1;
	return fsync(fd);
}

/* One commit: frames frames from *off, then fdatasync. */
static int
fsync_round(int fd, int frames, off_t *off, int grow)
{
	static char page[FSYNC_PAGE], header[FSYNC_HEADER];

	if (!grow && *off + (off_t)frames * FSYNC_FRAME > FSYNC_FILE_SIZE)
		*off = 32; /* past the WAL's own header, as sqlite restarts */
	for (int f = 0; f < frames; f++) {
		if (pwrite(fd, header, sizeof(header), *off) !=
		        (ssize_t)sizeof(header) ||
		    pwrite(fd, page, sizeof(page), *off + FSYNC_HEADER) !=
		        (ssize_t)sizeof(page))
			return -1;
		*off += FSYNC_FRAME;
	}
	return fdatasync(fd);
}

int
main(int argc, char **argv)
{
	const char *dir = "/tmp";
	int frames = 3, rounds = 2000, grow = 0, opt, fd, rc = 1;
	char path[4096];
	double *lat = NULL, sum = 0;
	off_t off = 32;

	while ((opt = getopt(argc, argv, "d:f:n:g")) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'f':
			frames = atoi(optarg);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 'g':
			grow = 1;
			break;
		default:
			fprintf(stderr,
			    "usage: bench_fsync [-d dir] [-f frames] "
			    "[-n rounds] [-g]\n");
			return 2;
		}
	}
	if (frames < 1 || rounds < 10) {
		fprintf(
		    stderr, "bench_fsync: at least 1 frame and 10 rounds\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/bench_fsync.%ld", dir, (long)getpid());
	if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600)) < 0) {
		perror(path);
		return 1;
	}
	if ((lat = malloc(sizeof(*lat) * (size_t)rounds)) == NULL ||
	    (!grow && fsync_fill(fd) != 0))
		goto out;
	for (int i = 0; i < rounds; i++) {
		double t0 = fsync_now_us();

		if (fsync_round(fd, frames, &off, grow) != 0) {
			perror("bench_fsync: write");
			goto out;
		}
		lat[i] = fsync_now_us() - t0;
		sum += lat[i];
	}
	qsort(lat, (size_t)rounds, sizeof(*lat), fsync_cmp);
	printf("fsync frames=%d rounds=%d file=%s mean_us=%.0f p10_us=%.0f "
	       "p50_us=%.0f p90_us=%.0f p99_us=%.0f\n",
	    frames, rounds, grow ? "growing" : "written-over", sum / rounds,
	    lat[rounds / 10], lat[rounds / 2], lat[rounds * 9 / 10],
	    lat[rounds * 99 / 100]);
	rc = 0;
out:
	free(lat);
	close(fd);
	unlink(path);
	return rc;
}
