/*
 * The method table (common/method.def): its rows agree with the proto's
 * services, and the docs' tables of methods and roles (docs/protocol.md,
 * docs/SECURITY.md) agree with it, so that neither can drift.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "method.h"
#include "role.h"

/* Every row names a method of the proto, under its own path, found by it
 * and at its own id; every method of a service in the table is in it. */
static void
test_table_matches_proto(void **state)
{
	char path[128];

	(void)state;
	for (size_t i = 0; i < METHOD_COUNT; i++) {
		const struct method_info *m = method_get((enum method_id)i);
		const ProtobufCMethodDescriptor *d = method_desc(m);
		size_t in_table = 0;

		assert_int_equal(m->id, i);
		assert_non_null(d);
		snprintf(
		    path, sizeof(path), "/%s/%s", m->service->name, m->name);
		assert_string_equal(m->path, path);
		assert_string_equal(method_path(m->id), path);
		assert_ptr_equal(method_find(path), m);
		assert_ptr_equal(method_output(m->id), d->output);
		for (size_t j = 0; j < METHOD_COUNT; j++)
			in_table += method_get((enum method_id)j)->service ==
			    m->service;
		assert_int_equal(in_table, m->service->n_methods);
		/* What changes data is answered once per request id: the
		 * writer keeps the reply in the same transaction. */
		if (m->exec == METHOD_WRITE)
			assert_int_equal(
			    m->flags, METHOD_IDEMPOTENT | METHOD_AUDITED);
		else if (m->exec == METHOD_READ)
			assert_int_equal(m->flags & ~METHOD_SETTLED, 0);
		else
			assert_int_equal(m->flags, 0);
		assert_int_equal(m->roles & ~ROLES_ANY, 0);
	}
	assert_null(method_find("/hoptac.v1.Activities/Nope"));
	assert_null(method_find("/hoptac.v1.Activities/Submit/"));
	assert_null(method_find(""));
}

/* The lines of a source file, NULL-terminated; NULL if unreadable. */
static char **
read_lines(const char *rel)
{
	char path[512], buf[1024];
	char **lines = NULL;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", HOPTAC_SOURCE_DIR, rel);
	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		lines = realloc(lines, (n + 2) * sizeof(*lines));
		assert_non_null(lines);
		lines[n++] = strdup(buf);
		lines[n] = NULL;
	}
	fclose(f);
	return lines;
}

static void
free_lines(char **lines)
{
	for (size_t i = 0; lines != NULL && lines[i] != NULL; i++)
		free(lines[i]);
	free(lines);
}

/* Splits a Markdown table row "| a | b |" in place into its cells,
 * trimmed; the number of cells. */
static size_t
split_row(char *row, char **cells, size_t max)
{
	size_t n = 0;
	char *p = row;

	if (*p != '|')
		return 0;
	p++;
	while (*p != '\0' && n < max) {
		char *end = strchr(p, '|');
		char *e;

		if (end == NULL)
			break;
		*end = '\0';
		while (*p == ' ')
			p++;
		e = end;
		while (e > p && e[-1] == ' ')
			*--e = '\0';
		cells[n++] = p;
		p = end + 1;
	}
	return n;
}

/* docs/SECURITY.md's table: each row names methods ("Reports/Get, List":
 * a name without a service takes the one before it) and marks the roles
 * that may call them; "(anyone" marks a method open without credential.
 * Every method of the table is in exactly one row, with its roles. */
static void
test_security_doc_roles(void **state)
{
	char **lines = read_lines("docs/SECURITY.md");
	unsigned doc_roles[METHOD_COUNT];
	int seen[METHOD_COUNT] = {0};
	int in_table = 0;
	const unsigned cols[] = {
	    ROLES_OFFICE, ROLES_REVIEWER, ROLES_ADMIN, ROLES_PEER};

	(void)state;
	assert_non_null(lines);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char *cells[8], *names, *tok, *save = NULL;
		char service[64] = "", path[160];
		unsigned roles = 0;
		size_t n;

		if (strncmp(lines[i], "| method | office | reviewer |", 30) ==
		    0) {
			in_table = 1;
			continue;
		}
		if (!in_table || strncmp(lines[i], "| ---", 5) == 0)
			continue;
		if ((n = split_row(lines[i], cells, 8)) == 0)
			break;
		if (strncmp(cells[1], "(anyone", 7) == 0)
			roles = ROLES_PUBLIC;
		else
			for (size_t c = 0; c < 4 && c + 1 < n; c++)
				if (cells[c + 1][0] != '\0')
					roles |= cols[c];
		names = cells[0];
		for (tok = strtok_r(names, ",", &save); tok != NULL;
		     tok = strtok_r(NULL, ",", &save)) {
			const struct method_info *m;
			char *slash;

			while (*tok == ' ')
				tok++;
			if ((slash = strchr(tok, '/')) != NULL) {
				snprintf(service, sizeof(service), "%.*s",
				    (int)(slash - tok), tok);
				tok = slash + 1;
			}
			snprintf(path, sizeof(path), "/hoptac.v1.%s/%s",
			    service, tok);
			m = method_find(path);
			if (m == NULL)
				fail_msg("docs/SECURITY.md names %s, which "
				         "method.def does not have",
				    path);
			assert_false(seen[m->id]);
			seen[m->id] = 1;
			doc_roles[m->id] = roles;
		}
	}
	assert_true(in_table);
	for (size_t i = 0; i < METHOD_COUNT; i++) {
		const struct method_info *m = method_get((enum method_id)i);

		if (!seen[i])
			fail_msg("docs/SECURITY.md lacks %s", m->path);
		if (doc_roles[i] != m->roles)
			fail_msg("docs/SECURITY.md gives %s roles %#x, "
			         "method.def %#x",
			    m->path, doc_roles[i], m->roles);
	}
	free_lines(lines);
}

static const char *
exec_name(enum method_exec e)
{
	return e == METHOD_WRITE ? "writer"
	    : e == METHOD_READ   ? "readers"
	                         : "inline";
}

/* docs/protocol.md's table of methods is the table, row for row: the
 * path, request and reply types, where it runs, and whether it is
 * idempotent and audited. On a mismatch the expected row is printed. */
static void
test_protocol_doc_methods(void **state)
{
	char **lines = read_lines("docs/protocol.md");
	size_t row = 0;
	int in_table = 0;

	(void)state;
	assert_non_null(lines);
	for (size_t i = 0; lines[i] != NULL; i++) {
		char want[512];
		const struct method_info *m;
		const ProtobufCMethodDescriptor *d;

		if (strncmp(lines[i], "| method | request | reply |", 28) ==
		    0) {
			in_table = 1;
			continue;
		}
		if (!in_table || strncmp(lines[i], "| ---", 5) == 0)
			continue;
		if (lines[i][0] != '|')
			break;
		if (row >= METHOD_COUNT)
			fail_msg("docs/protocol.md has more methods than "
			         "method.def");
		m = method_get((enum method_id)row++);
		d = method_desc(m);
		snprintf(want, sizeof(want), "| `%s` | `%s` | `%s` | %s | %s |",
		    m->path + 11, d->input->name + 10, d->output->name + 10,
		    exec_name(m->exec),
		    m->flags & METHOD_IDEMPOTENT ? "yes" : "no");
		if (strcmp(lines[i], want) != 0)
			fail_msg("docs/protocol.md:%zu is\n%s\nmethod.def "
			         "says\n%s",
			    i + 1, lines[i], want);
	}
	assert_int_equal(row, METHOD_COUNT);
	free_lines(lines);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_matches_proto),
	    cmocka_unit_test(test_security_doc_roles),
	    cmocka_unit_test(test_protocol_doc_methods),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
