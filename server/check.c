/*
 * hoptacd check: sqlite's full integrity check of the database, on
 * demand, changing nothing (store_check). It may run beside a serving
 * hoptacd, which goes on writing meanwhile; while it reads, a server can
 * checkpoint its log no further than where the check began, as during a
 * backup. With no server running, a server cannot start until it is done.
 */
#include "check.h"

#include <stdio.h>
#include <unistd.h>

#include "server.h"
#include "status.h"
#include "store.h"

static void
check_usage(FILE *out)
{
	fprintf(out,
	    "usage: hoptacd check [-f file] [-D database]\n"
	    "  reads the whole database (sqlite: integrity_check;\n"
	    "  PostgreSQL: every record read back and decoded), changing\n"
	    "  nothing; prints \"ok\" and exits 0 when it is sound\n"
	    "  -f file      take the database from this configuration file\n"
	    "  -D database  the database to check\n");
}

int
check_main(int argc, char **argv)
{
	struct server_config cfg;
	struct store_check_result res;
	const char *file = NULL, *db = NULL;
	char err[4096];
	int ch, rc = 2;

	server_config_defaults(&cfg);
	optind = 1;
	while ((ch = getopt(argc, argv, "D:f:h")) != -1) {
		switch (ch) {
		case 'D':
			db = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'h':
			check_usage(stdout);
			rc = 0;
			goto out;
		default:
			check_usage(stderr);
			goto out;
		}
	}
	if (optind != argc) {
		check_usage(stderr);
		goto out;
	}
	if ((rc = server_config_database(&cfg, "hoptacd check", file, &db)) !=
	    0)
		goto out;
	rc = 1;
	switch (store_check(db, STORE_CHECK_FULL, &res, err, sizeof(err))) {
	case STATUS_OK:
		printf("%s: ok (schema %d, %ld pages of %ld bytes, %s)\n", db,
		    res.schema, res.pages, res.page_size,
		    res.how != NULL ? res.how : "integrity_check");
		rc = 0;
		break;
	case STATUS_DATA_LOSS:
		fprintf(stderr,
		    "hoptacd check: %s: %s\n"
		    "hoptacd check: nothing was changed; restore the last "
		    "backup (docs/operations.md, \"Restoring\")\n",
		    db, err);
		break;
	default:
		fprintf(stderr, "hoptacd check: %s: %s\n", db, err);
		break;
	}
out:
	server_config_free(&cfg);
	return rc;
}
