/*
 * Completion: "hoptac __complete" answers from the command table, and the
 * bash completion (deploy/completion/hoptac) offers commands, options and
 * the partner codes of the server the command line names, kept in a cache
 * that still answers when the server is gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char out[64 * 1024];
static char err[64 * 1024];

/* How many times line is a line of text. */
static int
count_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	int count = 0;

	for (const char *p = text; (p = strstr(p, line)) != NULL; p += n)
		if ((p == text || p[-1] == '\n') &&
		    (p[n] == '\n' || p[n] == '\0'))
			count++;
	return count;
}

#define has_line(text, line) (count_line((text), (line)) > 0)

#define COMPLETE(...)                                                          \
	harness_cli_plain(h, out, sizeof(out), err, sizeof(err), "__complete", \
	    __VA_ARGS__, NULL)

static void
test_complete_table(void **state)
{
	struct harness *h = *state;

	harness_expect(harness_cli_plain(h, out, sizeof(out), err, sizeof(err),
	                   "__complete", NULL),
	    0, "__complete", out, err);
	/* Each noun once, though the table lists activity in two places. */
	assert_int_equal(count_line(out, "activity"), 1);
	assert_true(has_line(out, "report"));
	assert_true(has_line(out, "--server"));
	harness_expect(COMPLETE("report"), 0, "__complete report", out, err);
	assert_true(has_line(out, "submit"));
	assert_true(has_line(out, "accept"));
	assert_false(has_line(out, "activity"));
	/* A noun that is also a command alone: its verbs and its options. */
	harness_expect(COMPLETE("audit"), 0, "__complete audit", out, err);
	assert_true(has_line(out, "archive"));
	assert_true(has_line(out, "--refused"));
	/* The global options and their values are skipped. */
	harness_expect(
	    COMPLETE("--server", "tcp://x:1", "--json", "report", "submit"), 0,
	    "__complete report submit", out, err);
	assert_true(has_line(out, "--filed"));
	assert_true(has_line(out, "--request"));
	assert_false(has_line(out, "--reason"));
	harness_expect(COMPLETE("nosuch"), 0, "__complete nosuch", out, err);
	assert_string_equal(out, "");
}

/* Runs the bash completion of the command line words (a shell-quoted
 * list, the last one being completed; the first, hoptac or hoptacd,
 * chooses the completion file and program) into out, one candidate a
 * line. */
static void
bash_complete(struct harness *h, const char *words)
{
	char cmd[2048], prog[16];
	FILE *p;
	size_t n;

	snprintf(prog, sizeof(prog), "%.*s", (int)strcspn(words, " "), words);
	snprintf(cmd, sizeof(cmd),
	    "XDG_CACHE_HOME='%s/cache' HOPTAC_TOKEN='%s' bash -c '"
	    ". %s/deploy/completion/%s; COMP_WORDS=(%s); "
	    "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _%s \"$0\"; "
	    "printf \"%%s\\n\" \"${COMPREPLY[@]}\"' '%s'",
	    h->dir, h->token, HOPTAC_SOURCE_DIR, prog, words, prog,
	    getenv(strcmp(prog, "hoptacd") == 0 ? "HOPTACD" : "HOPTAC"));
	assert_non_null(p = popen(cmd, "r"));
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
}

static void
test_complete_bash(void **state)
{
	struct harness *h = *state;
	char words[1024], url[400];
	size_t k = 0;

	/* bash splits "tcp://127.0.0.1:7420" at each ":" into words. */
	for (const char *c = h->url; *c != '\0' && k + 4 < sizeof(url); c++)
		k += (size_t)snprintf(
		    url + k, sizeof(url) - k, *c == ':' ? " : " : "%c", *c);

	bash_complete(h, "hoptac rep");
	assert_string_equal(out, "report\n");
	bash_complete(h, "hoptac activity list --par");
	assert_string_equal(out, "--partner\n");

	snprintf(words, sizeof(words),
	    "hoptac --server %s activity add --partner LA-X", url);
	bash_complete(h, words);
	assert_true(has_line(out, "LA-XE"));
	assert_false(has_line(out, "LA-AT"));
	/* hoptacd's subcommands and options, from its --help. */
	bash_complete(h, "hoptacd ba");
	assert_string_equal(out, "backup\n");
	bash_complete(h, "hoptacd --ver");
	assert_string_equal(out, "--version\n");

	/* The codes come from the cache once the server is gone. */
	harness_stop(h);
	bash_complete(h, words);
	assert_true(has_line(out, "LA-XE"));
}

static int
setup(void **state)
{
	static struct harness h;

	harness_start(&h, HARNESS_TCP, 0);
	*state = &h;
	return 0;
}

static int
teardown(void **state)
{
	harness_cleanup(*state);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_complete_table),
	    cmocka_unit_test(test_complete_bash),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
