/*
 * Logging for the daemon and the client. log_warn adds strerror(errno),
 * log_warnx does not. Messages go to stderr in the foreground, to syslog
 * otherwise. Operator messages start with a stable id ("HOPTACD-BIND").
 *
 * A message often quotes what a peer sent (a method name, a field), so
 * every line is escaped as a whole before it is written (log_escape): a
 * control character in it cannot end the line or forge another one.
 */
#ifndef HOPTAC_LOG_H
#define HOPTAC_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN = 1,
	LOG_LEVEL_INFO = 2,
	LOG_LEVEL_DEBUG = 3,
};

/* Sets where messages go and the most verbose level kept. */
void log_init(const char *ident, int foreground, enum log_level level);

/* Parses "error", "warn", "info" or "debug"; -1 when unknown. */
int log_level_parse(const char *name);

int log_enabled(enum log_level level);

/* Copies len bytes of in to out (outlen bytes, NUL-terminated) with each
 * control character escaped: "\n", "\r" and "\t" for those, "\xHH"
 * for every other byte below 0x20, for DEL and for the two bytes of a C1
 * control (U+0080..U+009F), and "\\" for a backslash, so that an escape
 * in the output always comes from the escaping. Other bytes, UTF-8
 * included, are copied as they are. What does not fit is cut at a
 * character or an escape, never inside one. Returns the length written. */
size_t log_escape(char *out, size_t outlen, const char *in, size_t len);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
