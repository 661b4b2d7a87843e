/*
 * The state file of hoptac-web's sessions, DIR/sessions: the signed-in
 * sessions, sealed (session.h), so that a restart signs nobody out. It
 * is written whole to a temporary file of mode 0600, synced and renamed
 * over the old one. A file that does not read as one it wrote (altered,
 * cut, readable by others) restores nothing and says so in the log.
 */
#ifndef HOPTAC_WEB_SESSION_FILE_H
#define HOPTAC_WEB_SESSION_FILE_H

/* Restores the sessions saved in dir, which later saves go to. 0, or -1
 * when dir is no directory hoptac-web may write. */
int session_file_open(const char *dir);

/* Writes the signed-in sessions to the state file (none opened: does
 * nothing). 0, or -1 with the reason in the log. */
int session_file_save(void);

#endif
