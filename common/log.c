#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

static int log_foreground = 1;
static enum log_level log_max = LOG_LEVEL_INFO;
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;

void
log_init(const char *ident, int foreground, enum log_level level)
{
	log_foreground = foreground;
	log_max = level;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_level_parse(const char *name)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	for (int i = 0; i < 4; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

int
log_enabled(enum log_level level)
{
	return level <= log_max;
}

/* Whether byte p[i] of len starts something log_escape escapes. */
static int
log_needs_escape(const unsigned char *p, size_t i, size_t len)
{
	unsigned char b = p[i];

	return b < 0x20 || b == 0x7f || b == '\\' ||
	    (b == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f);
}

size_t
log_escape(char *out, size_t outlen, const char *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0, i = 0;

	if (outlen == 0)
		return 0;
	while (i < len) {
		char unit[8];
		size_t n = 0, used = 1;
		unsigned char b = p[i];

		if (b == '\n' || b == '\r' || b == '\t' || b == '\\') {
			unit[n++] = '\\';
			unit[n++] = b == '\n' ? 'n'
			    : b == '\r'       ? 'r'
			    : b == '\t'       ? 't'
			                      : '\\';
		} else if (log_needs_escape(p, i, len)) {
			/* a C0 control, DEL, or the two bytes of a C1 */
			used = b == 0xc2 ? 2 : 1;
			for (size_t k = 0; k < used; k++) {
				unit[n++] = '\\';
				unit[n++] = 'x';
				unit[n++] = hex[p[i + k] >> 4];
				unit[n++] = hex[p[i + k] & 0xf];
			}
		} else {
			/* A character whole: its lead byte and the
			 * continuation bytes that follow, at most 3. */
			unit[n++] = (char)b;
			while (b >= 0xc0 && i + used < len && used < 4 &&
			    (p[i + used] & 0xc0) == 0x80)
				unit[n++] = (char)p[i + used++];
		}
		if (o + n >= outlen)
			break;
		memcpy(out + o, unit, n);
		o += n;
		i += used;
	}
	out[o] = '\0';
	return o;
}

/* Cuts a line that vsnprintf cut to len bytes back to its last whole
 * UTF-8 character. */
static size_t
log_utf8_whole(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t lead = len, need;

	while (lead > 0 && len - lead < 4 && (p[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0 || p[lead - 1] < 0xc0)
		return len; /* ends on ASCII or on stray continuation bytes */
	need = p[lead - 1] >= 0xf0 ? 4 : p[lead - 1] >= 0xe0 ? 3 : 2;
	return len - (lead - 1) >= need ? len : lead - 1;
}

/* One line per call; the mutex keeps lines from interleaving. */
static void log_vemit(enum log_level level, const char *err, const char *fmt,
    va_list ap) __attribute__((format(printf, 3, 0)));

static void
log_vemit(enum log_level level, const char *err, const char *fmt, va_list ap)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	static const char *const tag[] = {"error", "warn", "info", "debug"};
	char buf[2048], esc[4 * sizeof(buf)];
	const char *line = buf;
	size_t len;
	int n;

	if (!log_enabled(level))
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if (err != NULL && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", err);
	/* Cut at the end of the buffer: not inside a character. */
	if ((len = strlen(buf)) == sizeof(buf) - 1)
		buf[len = log_utf8_whole(buf, len)] = '\0';
	for (size_t i = 0; i < len; i++)
		if (log_needs_escape((const unsigned char *)buf, i, len)) {
			log_escape(esc, sizeof(esc), buf, len);
			line = esc;
			break;
		}
	if (!log_foreground) {
		syslog(prio[level], "%s", line);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&log_mutex);
	fprintf(stderr, "%s.%03ldZ %s %s\n", when, ts.tv_nsec / 1000000,
	    tag[level], line);
	pthread_mutex_unlock(&log_mutex);
}

#define LOG_BODY(level, err)                                                   \
	do {                                                                   \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vemit((level), (err), fmt, ap);                            \
		va_end(ap);                                                    \
	} while (0)

void
log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);

	LOG_BODY(LOG_LEVEL_WARN, err);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_WARN, NULL);
}

void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_INFO, NULL);
}

void
log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_DEBUG, NULL);
}

void
log_error(const char *fmt, ...)
{
	LOG_BODY(LOG_LEVEL_ERROR, NULL);
}
