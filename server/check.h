/* hoptacd check: see check.c. */
#ifndef HOPTAC_CHECK_H
#define HOPTAC_CHECK_H

/* Runs "hoptacd check [-f file] [-D database]" (argv[0] is "check").
 * Returns the exit status: 0 sound, 1 not, 2 usage. */
int check_main(int argc, char **argv);

#endif
