/* hoptacd migrate: see migrate.c. */
#ifndef HOPTAC_MIGRATE_H
#define HOPTAC_MIGRATE_H

/* Runs "hoptacd migrate --from DATABASE --to DATABASE" (argv[0] is
 * "migrate"). Returns the exit status: 0 copied and checked, 1 not
 * (nothing written to the target), 2 usage. */
int migrate_main(int argc, char **argv);

#endif
