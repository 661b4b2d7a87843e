/* The client's credential: from the environment or a private file. */
#ifndef HOPTAC_TOKEN_H
#define HOPTAC_TOKEN_H

#include <stddef.h>

#define TOKEN_VAR "HOPTAC_TOKEN"
#define TOKEN_MAX 256

/*
 * The credential named by var into out: $var when set; else the first
 * line of the file $var_FILE; else, for HOPTAC_TOKEN only, of
 * $XDG_CONFIG_HOME/hoptac/token (~/.config/hoptac/token) when it exists.
 * A file must be a regular file that only its owner can read or write.
 * Returns 0 (out is "" when there is none), or -1 with the reason in err.
 */
int token_read(
    const char *var, char *out, size_t outlen, char *err, size_t errlen);

#endif
