"""Interface translations: Vietnamese msgids, English catalogue in en/LC_MESSAGES/messages.po.

The .po file is the source; the .mo that Flask-Babel reads is compiled from it at start-up when missing
or older, so no binary lives in the repository.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def compile_catalogs() -> None:
    """Compile every messages.po whose messages.mo is missing or stale."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in HERE.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as target:
            write_mo(target, catalog)
        tmp.replace(mo)
