/*
 * hoptac-web: the department's and the offices' pages over HTTP. It
 * holds no data of its own: every page asks hoptacd, as the person
 * signed in. Usage: hoptac-web --help; manual: docs/web.md.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http.h"
#include "pages.h"
#include "pool.h"
#include "session.h"
#include "session_file.h"
#include "web_i18n.h"

#define WEB_EXIT_USAGE   2
#define WEB_EXIT_CONFIG  78
#define WEB_SAVE_EVERY_S 30

static const char web_usage[] =
    "usage: hoptac-web [options]\n"
    "  -s, --server URL        hoptacd (default tcp://127.0.0.1:7420)\n"
    "      --ca FILE           CAs that sign a tls+tcp:// hoptacd\n"
    "  -l, --listen HOST:PORT  where to serve (default 127.0.0.1:8080)\n"
    "      --tls-cert FILE     serve HTTPS with this certificate (PEM)\n"
    "      --tls-key FILE      and this key (PEM)\n"
    "      --access-log FILE   one line per request ('-': stderr)\n"
    "      --chartjs FILE      Chart.js (default: Debian's libjs-chart.js)\n"
    "      --max-connections N at once (default 64)\n"
    "      --max-per-ip N      at once from one address (default 16)\n"
    "      --max-body BYTES    of a request's body (default 65536)\n"
    "      --session-idle S    a session unused S seconds ends (default 1800)\n"
    "      --session-max S     a session ends S seconds after sign-in "
    "(default 36000)\n"
    "      --timeout MS        each call to hoptacd (default 10000)\n"
    "      --state-dir DIR     keep sessions there across restarts\n"
    "      --pool N            idle connections to hoptacd kept (default "
    "32; 0: none)\n"
    "      --hoptacd-connections N  open at once, at most (default 48)\n"
    "      --language vi|en|browser  of the pages (default vi; browser:\n"
    "                          as each browser's Accept-Language asks)\n";

/* The client library shows a command's usage through this; hoptac-web
 * runs the library's calls, never its commands, so it has none to show. */
void
cli_usage(const char *noun, const char *verb, int to_stderr)
{
	(void)noun, (void)verb, (void)to_stderr;
}

/* A whole positive number no larger than max, or 0. */
static unsigned long
web_number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > max ||
	    s[0] == '-')
		return 0;
	return v;
}

static int
web_parse(int argc, char **argv, struct web_config *cfg)
{
	enum {
		O_CA = 256,
		O_CERT,
		O_KEY,
		O_LOG,
		O_CHART,
		O_MAXC,
		O_PERIP,
		O_BODY,
		O_IDLE,
		O_SMAX,
		O_TIMEOUT,
		O_STATE,
		O_POOL,
		O_POOL_LIMIT,
		O_LANG
	};
	static const struct option opts[] = {
	    {"server", required_argument, NULL, 's'},
	    {"listen", required_argument, NULL, 'l'},
	    {"ca", required_argument, NULL, O_CA},
	    {"tls-cert", required_argument, NULL, O_CERT},
	    {"tls-key", required_argument, NULL, O_KEY},
	    {"access-log", required_argument, NULL, O_LOG},
	    {"chartjs", required_argument, NULL, O_CHART},
	    {"max-connections", required_argument, NULL, O_MAXC},
	    {"max-per-ip", required_argument, NULL, O_PERIP},
	    {"max-body", required_argument, NULL, O_BODY},
	    {"session-idle", required_argument, NULL, O_IDLE},
	    {"session-max", required_argument, NULL, O_SMAX},
	    {"timeout", required_argument, NULL, O_TIMEOUT},
	    {"state-dir", required_argument, NULL, O_STATE},
	    {"language", required_argument, NULL, O_LANG},
	    {"pool", required_argument, NULL, O_POOL},
	    {"hoptacd-connections", required_argument, NULL, O_POOL_LIMIT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned long v = 1;
	int ch;

	while ((ch = getopt_long(argc, argv, "s:l:dh", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			cfg->server = optarg;
			break;
		case 'l':
			cfg->listen = optarg;
			break;
		case 'd':
			cfg->debug = 1;
			break;
		case O_CA:
			cfg->ca_file = optarg;
			break;
		case O_CERT:
			cfg->tls_cert = optarg;
			break;
		case O_KEY:
			cfg->tls_key = optarg;
			break;
		case O_LOG:
			cfg->access_log = optarg;
			break;
		case O_CHART:
			cfg->chartjs = optarg;
			break;
		case O_MAXC:
			cfg->max_connections =
			    (unsigned)(v = web_number(optarg, 100000));
			break;
		case O_PERIP:
			cfg->max_per_ip =
			    (unsigned)(v = web_number(optarg, 100000));
			break;
		case O_BODY:
			cfg->max_body = v = web_number(optarg, 1u << 26);
			break;
		case O_IDLE:
			cfg->session_idle_s =
			    (unsigned)(v = web_number(optarg, 604800));
			break;
		case O_SMAX:
			cfg->session_max_s =
			    (unsigned)(v = web_number(optarg, 604800));
			break;
		case O_TIMEOUT:
			cfg->rpc_timeout_ms =
			    (uint32_t)(v = web_number(optarg, 600000));
			break;
		case O_POOL:
			/* 0 is allowed: a connection per request, as before. */
			cfg->pool = strcmp(optarg, "0") == 0
			    ? 0
			    : (unsigned)(v = web_number(optarg, 1024));
			break;
		case O_POOL_LIMIT:
			cfg->pool_limit =
			    (unsigned)(v = web_number(optarg, 100000));
			break;
		case O_STATE:
			cfg->state_dir = optarg;
			break;
		case O_LANG:
			if (web_i18n_choose(optarg) != 0) {
				fprintf(stderr,
				    "hoptac-web: --language is vi, en or "
				    "browser, not %s\n",
				    optarg);
				return -1;
			}
			break;
		case 'h':
			fputs(web_usage, stdout);
			exit(0);
		default:
			fputs(web_usage, stderr);
			return -1;
		}
		if (v == 0) {
			fprintf(stderr,
			    "hoptac-web: %s wants a positive number\n",
			    argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc ||
	    (cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		fputs(web_usage, stderr);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct web_config cfg = {"tcp://127.0.0.1:7420", NULL, "127.0.0.1:8080",
	    NULL, NULL, NULL, "/usr/share/javascript/chart.js/chart.min.js", 64,
	    16, 65536, 30 * 60, 600 * 60, 10000, NULL, 32, 48, 0};
	char *cert = NULL, *key = NULL; /* PEM text; owned */
	size_t cert_len, key_len;
	struct MHD_Daemon *d;
	sigset_t sigs;
	const struct timespec save_every = {WEB_SAVE_EVERY_S, 0};
	char err[512];
	int rc = WEB_EXIT_CONFIG;

	if (web_parse(argc, argv, &cfg) != 0)
		return WEB_EXIT_USAGE;
	if (!rpc_client_url_known(cfg.server)) {
		fprintf(stderr, "hoptac-web: %s is no URL hoptacd serves\n",
		    cfg.server);
		return WEB_EXIT_CONFIG;
	}
	web_i18n_init();
	/* Signals are taken by sigwait below, never by the server's threads. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (session_init(cfg.session_idle_s, cfg.session_max_s) != 0) {
		fprintf(stderr, "hoptac-web: no randomness for sessions\n");
		return 1;
	}
	web_pool_init(cfg.pool, cfg.pool_limit);
	if (cfg.state_dir != NULL && session_file_open(cfg.state_dir) != 0)
		return WEB_EXIT_CONFIG;
	if (static_load_chartjs(cfg.chartjs) != 0)
		fprintf(stderr,
		    "hoptac-web: cannot read Chart.js at %s (%s): pages show "
		    "tables without charts\n",
		    cfg.chartjs, strerror(errno));
	if (cfg.tls_cert != NULL &&
	    (web_read_file(cfg.tls_cert, &cert, &cert_len) != 0 ||
	        web_read_file(cfg.tls_key, &key, &key_len) != 0)) {
		fprintf(stderr, "hoptac-web: cannot read %s: %s\n",
		    cert == NULL ? cfg.tls_cert : cfg.tls_key, strerror(errno));
		goto out;
	}
	if ((d = http_start(&cfg, cert, key, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hoptac-web: %s\n", err);
		goto out;
	}
	fprintf(stderr, "hoptac-web: serving %s://%s for %s\n",
	    cert != NULL ? "https" : "http", cfg.listen, cfg.server);
	/* The sessions' last uses go to the state file now and then; sign
	 * in and out go at once (signin.c). */
	while (sigtimedwait(&sigs, NULL, &save_every) < 0)
		if (errno == EAGAIN && session_changed())
			session_file_save();
	fprintf(stderr, "hoptac-web: stopping\n");
	http_stop(d);
	if (session_changed())
		session_file_save();
	session_fini();
	web_pool_fini();
	rc = 0;
out:
	free(cert);
	if (key != NULL)
		memset(key, 0, key_len);
	free(key);
	return rc;
}
