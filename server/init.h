/* hoptacd init: see init.c. */
#ifndef HOPTAC_INIT_H
#define HOPTAC_INIT_H

/* Runs "hoptacd init" with its own arguments (argv[0] is "init").
 * Returns the process's exit status. */
int init_main(int argc, char **argv);

#endif
