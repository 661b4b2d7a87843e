/*
 * hoptacd: the central server. Flags follow smtpd's: -d foreground with
 * logs on stderr, -f configuration file, -n check it and exit, -v more
 * verbose.
 */
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "backup.h"
#include "check.h"
#include "filing.h"
#include "gazetteer.h"
#include "init.h"
#include "log.h"
#include "migrate.h"
#include "server.h"

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: hoptacd [-dhnvV] [-f file] [-l url] [-D database] "
	    "[-o key=value]\n"
	    "       hoptacd init [-F] [-f file] [-D database] [-n name] "
	    "[-o tokenfile]\n"
	    "       hoptacd backup [-f file] [-D database] [-s pages] "
	    "[-w ms] copy\n"
	    "       hoptacd check [-f file] [-D database]\n"
	    "       hoptacd migrate --from database --to database\n"
	    "       hoptacd --help | --version\n"
	    "  -d             stay in the foreground, log to stderr\n"
	    "  -f file        configuration file (see hoptacd.conf.example)\n"
	    "  -l url         listen on url (tcp://host:port or "
	    "ipc:///path);\n"
	    "                 repeatable, adds to the file's listen keys\n"
	    "  -D file        sqlite database file\n"
	    "  -o key=val     set any configuration key\n"
	    "  -n             check the configuration and exit\n"
	    "  -v             more verbose (debug)\n"
	    "  -h, --help     print this and exit\n"
	    "  -V, --version  print the version and exit\n"
	    "exit: 0 ok, 1 could not start, 2 usage, 78 configuration\n");
}

/* Tells the service manager state, a list of sd_notify(3) assignments. A
 * failure is logged and otherwise ignored: the server serves either way. */
static void
hoptacd_notify(const char *state)
{
	int r = sd_notify(0, state);

	if (r < 0)
		log_warnx("HOPTACD-NOTIFY: cannot tell the service manager "
		          "through $NOTIFY_SOCKET: %s",
		    strerror(-r));
}

/* The options of the server; --help and --version as GNU programs take
 * them, so that they are answered rather than read as -h -e -l -p. */
static const char server_opts[] = "dD:f:hl:no:vV";
static const struct option server_long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

int
main(int argc, char **argv)
{
	struct server_config cfg;
	struct server *srv;
	const char *file = NULL;
	int foreground = 0, check_only = 0, verbose = 0, ch, sig;
	char err[2048], why[1024];
	const char *gazetteer = NULL;
	sigset_t sigs;
	int rc = 1;

	/* Blocks of 1 MiB and more (a message of up to 4 MiB as nng
	 * receives it) are mapped on their own and unmapped when freed. By
	 * default glibc raises that threshold to the largest block freed,
	 * and a flood of 4 MiB messages then stayed resident afterwards. */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return init_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "backup") == 0)
		return backup_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return check_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "migrate") == 0)
		return migrate_main(argc - 1, argv + 1);
	server_config_defaults(&cfg);
	/* First pass for -f, so that flags override the file, and for
	 * --help and --version, answered whatever else is wrong. Errors are
	 * reported once, by the second pass. */
	opterr = 0;
	while ((ch = getopt_long(
	            argc, argv, server_opts, server_long_opts, NULL)) != -1) {
		if (ch == 'f')
			file = optarg;
		if (ch == 'h' || ch == 'V')
			break;
	}
	opterr = 1;
	if (ch == 'h') {
		usage(stdout);
		rc = 0;
		goto out;
	}
	if (ch == 'V') {
		printf("hoptacd %s\n", HOPTAC_VERSION);
		rc = 0;
		goto out;
	}
	if (file != NULL &&
	    server_config_load(&cfg, file, err, sizeof(err)) != 0) {
		fprintf(stderr, "hoptacd: %s\n", err);
		rc = EX_CONFIG;
		goto out;
	}
	optind = 1;
	while ((ch = getopt_long(
	            argc, argv, server_opts, server_long_opts, NULL)) != -1) {
		char *eq;
		int bad = 0;

		switch (ch) {
		case 'd':
			foreground = 1;
			break;
		case 'D':
			bad = server_config_set(
			    &cfg, "database", optarg, err, sizeof(err));
			break;
		case 'f':
			break;
		case 'l':
			bad = server_config_set(
			    &cfg, "listen", optarg, err, sizeof(err));
			break;
		case 'n':
			check_only = 1;
			break;
		case 'o':
			if ((eq = strchr(optarg, '=')) == NULL) {
				snprintf(err, sizeof(err),
				    "-o needs key=value, got \"%s\"", optarg);
				bad = 1;
				break;
			}
			*eq = '\0';
			bad = server_config_set(
			    &cfg, optarg, eq + 1, why, sizeof(why));
			/* The value alone would not say which -o it was. */
			if (bad)
				snprintf(
				    err, sizeof(err), "-o %s: %s", optarg, why);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage(stderr);
			rc = 2;
			goto out;
		}
		if (bad) {
			fprintf(stderr, "hoptacd: %s\n", err);
			rc = EX_CONFIG;
			goto out;
		}
	}
	if (optind != argc) {
		usage(stderr);
		rc = 2;
		goto out;
	}
	if (verbose)
		cfg.log_level = LOG_LEVEL_DEBUG;
	if (server_config_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "hoptacd: %s\n", err);
		rc = EX_CONFIG;
		goto out;
	}
	if (server_config_gazetteer(&cfg, &gazetteer, err, sizeof(err)) != 0) {
		fprintf(stderr, "hoptacd: %s\n", err);
		rc = EX_CONFIG;
		goto out;
	}
	if (check_only) {
		printf("configuration OK\n");
		rc = 0;
		goto out;
	}
	log_init("hoptacd", foreground, cfg.log_level);
	log_info("HOPTACD-GAZETTEER: %zu partners from %s", gazetteer_count(),
	    gazetteer);
	filing_set_tolerance(cfg.filing_tolerance_ms);

	/* Signals are taken synchronously by this thread; every thread
	 * started after this inherits the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((srv = server_start(&cfg, err, sizeof(err))) == NULL) {
		log_error("HOPTACD-START: %s", err);
		goto out;
	}
	log_info("HOPTACD-READY: serving %s", cfg.database);
	/* Type=notify: systemd starts what comes after hoptacd only once it
	 * listens; without $NOTIFY_SOCKET this does nothing. */
	hoptacd_notify("READY=1\nSTATUS=serving");
	do {
		if (sigwait(&sigs, &sig) != 0)
			break;
		if (sig == SIGHUP)
			log_info("HOPTACD-HUP: ignored (restart to reload)");
	} while (sig == SIGHUP);
	log_info("HOPTACD-SIGNAL: %s, shutting down", strsignal(sig));
	hoptacd_notify("STOPPING=1\nSTATUS=draining calls in flight");
	server_stop(srv);
	rc = 0;
out:
	server_config_free(&cfg);
	return rc;
}
