/* Credentials at rest: read from the environment or a private file,
 * written to a new private file. */
#ifndef HOPTAC_TOKENFILE_H
#define HOPTAC_TOKENFILE_H

#include <stddef.h>

#define TOKENFILE_ENV "HOPTAC_TOKEN"
#define TOKENFILE_MAX 256

/*
 * The credential named by var into out: $var when set; else the first
 * line of the file $var_FILE; else, for HOPTAC_TOKEN only, of
 * $XDG_CONFIG_HOME/hoptac/token (~/.config/hoptac/token) when it exists.
 * A file must be a regular file that only its owner can read or write.
 * Returns 0 (out is "" when there is none), or -1 with the reason in err.
 */
int tokenfile_read(
    const char *var, char *out, size_t outlen, char *err, size_t errlen);

/* Where tokenfile_read(var) takes the credential from, said for people
 * into buf: "$HOPTAC_TOKEN", "the file F ($HOPTAC_TOKEN_FILE)", "the file
 * F", or that there is none and where it was looked for. */
void tokenfile_source(const char *var, char *buf, size_t len);

/* Writes token and a newline to path, created new (never replacing a
 * file) with mode 0600. Returns 0, or -1 with errno set. */
int tokenfile_write(const char *path, const char *token);

#endif
