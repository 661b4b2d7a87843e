#!/bin/sh
# The Vietnamese catalogue is complete: every message the client marks
# for translation (xgettext over the sources, as po/README.md says) has a
# translation in po/vi.po, none is fuzzy or left over, and msgfmt --check
# accepts it (same printf conversions in msgid and msgstr). A new English
# message without its Vietnamese fails here.
#   test_catalogue.sh SOURCE_DIR
set -eu
src="$1"
for tool in xgettext msgmerge msgattrib msgfmt; do
	command -v "$tool" >/dev/null || { echo "no $tool (gettext)"; exit 77; }
done
tmp="$(mktemp -d "${TMPDIR:-/tmp}/hoptac-po.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
cd "$src"
xgettext -k_ -kN_ --from-code=UTF-8 --no-wrap --no-location \
	-o "$tmp/hoptac.pot" client/*.c common/*.c
msgmerge -q --no-wrap --no-location --no-fuzzy-matching po/vi.po \
	"$tmp/hoptac.pot" -o "$tmp/merged.po"
status=0
# Entries other than the header: "msgid" lines after the first.
entries() { grep -c '^msgid ' "$1" | awk '{print $1 - 1}'; }
msgattrib --no-wrap --untranslated "$tmp/merged.po" -o "$tmp/untranslated.po"
if [ -s "$tmp/untranslated.po" ] && [ "$(entries "$tmp/untranslated.po")" -gt 0 ]; then
	echo "po/vi.po: messages of the sources without a translation:"
	grep '^msgid ' "$tmp/untranslated.po" | tail -n +2
	status=1
fi
msgattrib --no-wrap --only-fuzzy po/vi.po -o "$tmp/fuzzy.po"
if [ -s "$tmp/fuzzy.po" ] && [ "$(entries "$tmp/fuzzy.po")" -gt 0 ]; then
	echo "po/vi.po: fuzzy translations to check:"
	grep '^msgid ' "$tmp/fuzzy.po" | tail -n +2
	status=1
fi
msgattrib --no-wrap --only-obsolete po/vi.po -o "$tmp/obsolete.po"
if grep -q '^#~ msgid' "$tmp/obsolete.po" 2>/dev/null ||
	[ "$(grep -c '^msgid ' "$tmp/merged.po")" -ne \
		"$(grep -c '^msgid ' po/vi.po)" ]; then
	echo "po/vi.po: entries no source marks any more (regenerate it)"
	status=1
fi
msgfmt --check --statistics -o /dev/null po/vi.po || status=1
exit "$status"
