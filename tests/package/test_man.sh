#!/usr/bin/env bash
# The manual pages: each renders without a warning (groff -ww, as man -l
# renders it), and hoptac's pages, English and Vietnamese, describe every
# command of the client's table ("hoptac __complete").
#
#   tests/package/test_man.sh SOURCE_DIR HOPTAC
set -euo pipefail

src="$1"
hoptac="$2"
failed=0

if ! command -v groff >/dev/null; then
	echo "man test skipped: no groff"
	exit 77
fi
for page in "${src}"/deploy/man/*.[18]; do
	warnings="$(groff -mandoc -K utf8 -Tutf8 -ww -z "${page}" 2>&1)"
	if [[ -n ${warnings} ]]; then
		echo "${page}: ${warnings}" >&2
		failed=1
	fi
done

# A command is described where an item or a synopsis starts with it:
# ".It Cm unit add", or ".Cm unit add" on the line after ".It Xo".
for page in "${src}"/deploy/man/hoptac.1 "${src}"/deploy/man/hoptac.vi.1; do
	for noun in $("${hoptac}" __complete | grep -v -e '^-' -e '^help$'); do
		verbs="$("${hoptac}" __complete "${noun}" | grep -v '^-' || true)"
		for verb in ${verbs:-""}; do
			pattern="^(\.It )?\.?Cm ${noun}( ,| Ar| Op| Fl|$)"
			[[ -n ${verb} ]] && pattern="^(\.It )?\.?Cm ${noun} ${verb}( |$)"
			if ! grep -Eq "${pattern}" "${page}"; then
				echo "${page##*/}: no item for hoptac ${noun} ${verb}" >&2
				failed=1
			fi
		done
	done
done
exit "${failed}"
