#include "role.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[ROLE_MAX + 1] = {
    NULL, "office", "reviewer", "admin", "peer"};

const char *
role_name(int r)
{
	return r >= 1 && r <= ROLE_MAX ? role_names[r] : NULL;
}

int
role_parse(const char *name)
{
	for (int r = 1; r <= ROLE_MAX; r++)
		if (strcmp(name, role_names[r]) == 0)
			return r;
	return 0;
}

unsigned
role_set(const Hoptac__V1__Role *roles, size_t n)
{
	unsigned set = 0;

	for (size_t i = 0; i < n; i++)
		if (role_name((int)roles[i]) != NULL)
			set |= ROLE_BIT(roles[i]);
	return set;
}

void
role_join(unsigned set, char *buf, size_t len)
{
	role_join_as(set, NULL, buf, len);
}

void
role_join_as(
    unsigned set, const char *(*label)(const char *name), char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	/* Copied, not printed: the writer joins a call's roles for its audit
	 * row, and snprintf took 800 instructions a role. */
	for (int r = 1; r <= ROLE_MAX && used < len - 1; r++) {
		const char *name;
		size_t n;

		if (!(set & ROLE_BIT(r)))
			continue;
		name = label != NULL ? label(role_names[r]) : role_names[r];
		if (used > 0)
			buf[used++] = ',';
		n = strlen(name);
		if (n > len - 1 - used)
			n = len - 1 - used;
		memcpy(buf + used, name, n);
		used += n;
	}
	buf[used] = '\0';
}
