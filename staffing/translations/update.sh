#!/usr/bin/env bash
# Re-extract the interface strings and merge them into the English catalogue.
# New msgids arrive with an empty msgstr (no fuzzy guesses); strings no longer used become #~ entries.
# Translate the new entries in en/LC_MESSAGES/messages.po afterwards; the .mo is compiled at app start.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

PYBABEL="${PYBABEL:-$ROOT/.venv/bin/pybabel}"
if [ ! -x "$PYBABEL" ]; then
  PYBABEL="$(command -v pybabel)"
fi

POT="$(mktemp "${TMPDIR:-/tmp}/messages.XXXXXX.pot")"
trap 'rm -f "$POT"' EXIT

"$PYBABEL" extract -F babel.cfg -k _l -o "$POT" .
"$PYBABEL" update -i "$POT" -d staffing/translations -l en --no-fuzzy-matching --ignore-obsolete

# Report what still needs a translator.
"$ROOT/.venv/bin/python" - <<'PY'
from babel.messages.pofile import read_po

path = "staffing/translations/en/LC_MESSAGES/messages.po"
with open(path, "rb") as f:
    catalog = read_po(f)
todo = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
print(f"{path}: {sum(1 for m in catalog if m.id)} entries, {len(todo)} untranslated or fuzzy")
for msgid in todo:
    print("  -", msgid if isinstance(msgid, str) else msgid[0])
PY
