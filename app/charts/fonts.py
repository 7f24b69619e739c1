"""Fonts for chart labels: people's names are in every script, so Latin text is drawn in
matplotlib's own DejaVu Sans and any glyph it lacks falls back, glyph by glyph, to a CJK font.

Which CJK font: Noto Sans CJK (Debian's fonts-noto-cjk, SIL Open Font License; .ci/run and the
Dockerfile install it), else WenQuanYi Micro Hei or Droid Sans Fallback if the system has
them. matplotlib's font cache predates fonts installed after its first run, so the files are
looked for on disk and added once per process. With none of them, names still draw (as boxes)
and one log line says which package to install; no warning per glyph.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

LATIN = "DejaVu Sans"
# Family names as matplotlib reads them, best first, with the file names they come in.
CJK = {
    "Noto Sans CJK JP": ("NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf"),
    "WenQuanYi Micro Hei": ("wqy-microhei.ttc",),
    "WenQuanYi Zen Hei": ("wqy-zenhei.ttc",),
    "Droid Sans Fallback": ("DroidSansFallbackFull.ttf", "DroidSansFallback.ttf"),
}
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
INSTALL_HINT = "install a CJK font (Debian: apt-get install fonts-noto-cjk)"


@functools.cache
def families() -> tuple[str, ...]:
    """The font.family list for charts: DejaVu Sans, then the CJK fonts found."""
    from matplotlib import font_manager

    known = {entry.name for entry in font_manager.fontManager.ttflist}
    wanted = {file: family for family, files in CJK.items() for file in files}
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            family = wanted.get(path.name)
            if family and family not in known:
                with contextlib.suppress(RuntimeError, OSError):
                    font_manager.fontManager.addfont(str(path))
                    known.add(family)
    found = tuple(family for family in CJK if family in known)
    if not found:
        log.info(
            "charts: no CJK font, so Chinese, Japanese and Korean names show as boxes; %s",
            INSTALL_HINT,
        )
    return (LATIN, *found)


@contextlib.contextmanager
def chart_fonts() -> Iterator[None]:
    """Draw inside this: the fallback fonts apply, and a glyph no font has is not a warning
    per character (families() has said it once)."""
    import matplotlib

    with matplotlib.rc_context({"font.family": list(families())}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from", category=UserWarning)
        yield
