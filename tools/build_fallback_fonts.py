"""Bundle the fonts Flutter's web engine falls back to for text its own font lacks (emoji,
Chinese and Japanese, Korean, Arabic, Hebrew, Devanagari), so notes in those scripts render offline instead of as
empty boxes. Run by hand when Flet (its web engine) or a font package changes:

    uv run python tools/build_fallback_fonts.py

How it works: Flutter on the web fetches a fallback font from ``fontFallbackBaseUrl`` +
a path from its own manifest (Google Fonts file names, e.g. ``notosanssc/v37/….4.woff2``);
Flet sets that base URL to ``assets/fonts/`` for builds with no CDN, which is where these
files are put: ``assets/assets/fonts/`` (Flet serves the app's assets folder at the web root,
so the local web app finds them), and ``kindred pwa build`` copies them into the site.

The fonts are the Noto fonts as published on the npm registry by Fontsource (SIL Open Font
Licence 1.1), pinned by version and sha256 here. Flutter's manifest slices Noto Sans SC and KR
the way Google Fonts does (``.N.woff2``); Fontsource's numbered files are the same slices
(``noto-sans-sc-N-400-normal.woff2``). For emoji, one file of the monochrome Noto Emoji
covers every emoji slice Flutter asks for (Noto Color Emoji would be 3.6 MB more).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "assets" / "fonts"

# npm spec -> sha256 of its tarball
PACKAGES = {
    "@fontsource/noto-emoji@5.3.2": "1fe49bb2cf7c2d78f93c0a69b6a431dcfd0d585b7831eba87fae6888ccf8d373",
    "@fontsource/noto-sans-sc@5.3.0": "05a7abac78a6cac4bd1361e7b24c680ee820fcc2f22cf5cc92673f4cd12771c5",
    "@fontsource/noto-sans-arabic@5.3.0": "e0a81ade67ce507c9b91546ca3d91332d184a8277fc683440b00896b430856bb",
    "@fontsource/noto-sans-hebrew@5.3.0": "16a70f001f739cbcdaecdf3b164bdee8bb84cb35a8569d6dd9ec82dfcd74c78c",
    "@fontsource/noto-sans-devanagari@5.3.0": "8d42be0e944481b61e68c7702037d4143e96bf48dbb72d19ea05d0cacc1323d5",
    "@fontsource/noto-sans@5.3.0": "f62f8ed40e378f15134e32bed2fd5718d81e9ec7a5603d1022d7b385e2297abc",
    "@fontsource/noto-sans-kr@5.3.0": "36277539698ccda64b110855eaa890d2a4737e403d225da1cbe3c90123fff602",
}
# Flutter's fallback family (without its slice number) -> (package, file in package/files;
# "{n}" is the slice number from the path)
FAMILIES = {
    "Noto Color Emoji": ("@fontsource/noto-emoji@5.3.2", "noto-emoji-emoji-400-normal.woff2"),
    "Noto Sans SC": ("@fontsource/noto-sans-sc@5.3.0", "noto-sans-sc-{n}-400-normal.woff2"),
    # Hangul comes from Noto Sans KR (sliced like SC). Japanese kana need no JP font: Flutter
    # draws them from Noto Sans SC's slices (checked by tests/test_browser_fonts.py), 3 MB saved.
    "Noto Sans KR": ("@fontsource/noto-sans-kr@5.3.0", "noto-sans-kr-{n}-400-normal.woff2"),
    "Noto Sans Arabic": ("@fontsource/noto-sans-arabic@5.3.0", "noto-sans-arabic-arabic-400-normal.woff2"),
    "Noto Sans Hebrew": ("@fontsource/noto-sans-hebrew@5.3.0", "noto-sans-hebrew-hebrew-400-normal.woff2"),
    "Noto Sans Devanagari": ("@fontsource/noto-sans-devanagari@5.3.0", "noto-sans-devanagari-devanagari-400-normal.woff2"),
    # Flutter asks "Noto Sans" (which covers Devanagari too) before "Noto Sans Devanagari"; the
    # app's own font (Roboto) already has Latin, Greek and Cyrillic, so its Devanagari part is what is missing.
    "Noto Sans": ("@fontsource/noto-sans@5.3.0", "noto-sans-devanagari-400-normal.woff2"),
}
ENTRY = re.compile(r'\("(Noto [^"]+?)","([a-z0-9]+/v\d+/[^"]+?\.woff2)"\)')


def flutter_manifest() -> list[tuple[str, str]]:
    """(family, path) of every fallback font Flet's web engine knows, from its main.dart.js."""
    import flet_web  # noqa: PLC0415

    script = (Path(flet_web.__file__).parent / "web" / "main.dart.js").read_text(encoding="utf-8")
    entries = ENTRY.findall(script)
    if len(entries) < 100:
        sys.exit("could not find Flutter's fallback font manifest in main.dart.js (Flet changed?)")
    return entries


def fetch(spec: str, folder: Path) -> Path:
    subprocess.run(["npm", "pack", spec, "--pack-destination", str(folder)], check=True, stdout=subprocess.DEVNULL)
    name, version = spec.rsplit("@", 1)
    tarball = folder / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != PACKAGES[spec]:
        sys.exit(f"{tarball.name}: sha256 {digest} is not the pinned one; check where it came from")
    unpacked = folder / tarball.stem
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / "package"


def main() -> None:
    entries = flutter_manifest()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kindred-fonts-") as tmp:
        packages = {spec: fetch(spec, Path(tmp)) for spec in PACKAGES}
        for family_slice, path in entries:
            family = re.sub(r" \d+$", "", family_slice)
            if family not in FAMILIES:
                continue
            spec, pattern = FAMILIES[family]
            number = re.search(r"\.(\d+)\.woff2$", path)
            if "{n}" in pattern and number is None:
                continue  # a slice Fontsource does not number (Latin and the like: the app's own font has them)
            source = packages[spec] / "files" / pattern.format(n=number.group(1) if number else "")
            if not source.exists():
                print(f"no {source.name} in {spec}: {family_slice} left out")
                continue
            target = OUT / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            rows.append((path, spec, source.name, target.stat().st_size))
        shutil.copyfile(packages["@fontsource/noto-sans-sc@5.3.0"] / "LICENSE", OUT / "OFL.txt")
    total = sum(size for *_, size in rows)
    lines = [
        "# Fallback fonts: where they come from",
        "",
        "Made by `tools/build_fallback_fonts.py` (read it for how and why). Each file sits at the path",
        "Flutter's web engine asks for (`assets/fonts/` + its manifest's Google Fonts path) and is a",
        "Noto font from the npm package named, pinned by version and the tarball's sha256 in that script.",
        "Licence: SIL Open Font License 1.1 (`OFL.txt`, © Google LLC and the Noto project authors).",
        "",
        f"{len(rows)} files, {total / 1024 / 1024:.1f} MB.",
        "",
        "| path | package | file |",
        "|---|---|---|",
        *[f"| `{path}` | `{spec}` | `{name}` |" for path, spec, name, _ in sorted(rows)],
        "",
    ]
    (OUT / "PROVENANCE.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(rows)} fonts, {total / 1024 / 1024:.1f} MB in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
