"""Fail if a built page would fetch vega (or any script or stylesheet) from a CDN.

Every Altair chart's HTML carries a small loader with CDN addresses for vega, vega-lite and
vega-embed (``const paths = {...}``). The loader uses them only when the global ``VEGA_DEBUG`` does
not already claim the versions it asks for, or when an AMD loader (require.js) is on the page. So a
CDN address is accepted only in that one place and only when it is provably dead code:

* the page loads ``_static/vega-bundle.js`` (written by tools/vendor_vega.py);
* that bundle's ``VEGA_DEBUG`` claims exactly the versions the page's loader asks for;
* no AMD loader (require.js) is on the page.

Anything else fails: a CDN address for vega elsewhere, a ``<script src>`` or stylesheet ``<link>``
on another host, or a chart page without the bundle. And the bundle (0.9 MB) is only where it is
needed: a page without a chart loads no vega script at all, a chart page loads the bundle exactly
once (tools/page_assets_ext.py adds it; a stray ``_static/*.js`` would be on every page). The one
tolerated non-vega CDN address is Jupyter Book's ``THEBE_JS_URL`` constant (thebe is loaded only
by a launch button, which this book does not enable). The browser check (tools/browser_check.py)
confirms the same thing live, with every host but 127.0.0.1 unresolvable.

Usage: python tools/check_no_cdn.py [--html _build/html]; exit 1 naming each offending page.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "fastly.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "esm.sh",
    "cdn.skypack.dev",
    "ajax.googleapis.com",
    "code.jquery.com",
    "cdn.plot.ly",
    "vega.github.io/vega/vega",  # the old self-hosted builds (not the $schema URLs)
)
CDN_URL = re.compile(r"(?:https?:)?//(?:" + "|".join(re.escape(h) for h in CDN_HOSTS) + r")[^\s\"'<>)]*")
ALTAIR_PATHS = re.compile(r"const paths = \{.*?\};", re.DOTALL)
ALTAIR_WANTS = re.compile(r'maybeLoadScript\("(vega|vega-lite|vega-embed)", "([^"]+)"\)')
BUNDLE_TAG = re.compile(r'<script[^>]+src="(?:\.\./)*_static/vega-bundle\.js(?:\?[^"]*)?"')
VEGA_SCRIPT = re.compile(r'<script[^>]+src="[^"]*vega[^"]*"', re.IGNORECASE)
# The bundle's version claim; the chart-layout script (tacmg.presentation.chart_layout) follows it.
BUNDLE_CLAIM = re.compile(r"Object\.assign\(VEGA_DEBUG, (\{[^}]*\})\);")
EXTERNAL_ASSET = re.compile(r"<(?:script[^>]+src|link[^>]+href)=\"((?:https?:)?//[^\"]+)\"[^>]*>", re.IGNORECASE)
STYLESHEET_OR_SCRIPT = re.compile(r"^<script|rel=\"(?:stylesheet|preload|modulepreload)\"", re.IGNORECASE)
AMD_LOADER = re.compile(r"<script[^>]+src=\"[^\"]*require(?:\.min)?\.js", re.IGNORECASE)
THEBE_CONSTANT = re.compile(r'const THEBE_JS_URL = "[^"]*"')
# Sphinx loads MathJax from a CDN on pages with math. That is an offline gap outside this check's
# remit (vega): warn, do not fail. Vendoring MathJax would close it (see the project README).
MATHJAX = re.compile(r"/mathjax@[^/]*/|/mathjax/", re.IGNORECASE)


def bundle_claims(html_root: Path) -> dict[str, str] | None:
    """Versions claimed by the built ``_static/vega-bundle.js`` (None if it is missing)."""
    bundle = html_root / "_static" / "vega-bundle.js"
    if not bundle.exists():
        return None
    claims = BUNDLE_CLAIM.findall(bundle.read_text(encoding="utf-8", errors="replace"))
    return json.loads(claims[-1]) if claims else {}


def check_page(text: str, claims: dict[str, str] | None, warnings: list[str] | None = None) -> tuple[list[str], int]:
    """Return (problems, number of neutralised Altair fallbacks) for one page's HTML.

    Non-fatal findings (MathJax from a CDN) are appended to ``warnings`` when it is given.
    """
    problems: list[str] = []
    warnings = [] if warnings is None else warnings
    fallback_spans = [m.span() for m in ALTAIR_PATHS.finditer(text)]
    thebe_spans = [m.span() for m in THEBE_CONSTANT.finditer(text)]

    def inside(spans, position):
        return any(start <= position < end for start, end in spans)

    for match in CDN_URL.finditer(text):
        url, position = match.group(0), match.start()
        if inside(fallback_spans, position):
            continue  # judged below, with the page's versions
        if inside(thebe_spans, position) and "vega" not in url:
            continue
        if MATHJAX.search(url):
            warnings.append(f"loads MathJax from a CDN (math will not render offline): {url}")
            continue
        problems.append(f"references a CDN: {url}")

    for match in EXTERNAL_ASSET.finditer(text):
        if (
            STYLESHEET_OR_SCRIPT.search(match.group(0))
            and not CDN_URL.fullmatch(match.group(1))
            and not MATHJAX.search(match.group(1))
        ):
            problems.append(f"loads an asset from another host: {match.group(1)}")

    vega_scripts = len(VEGA_SCRIPT.findall(text))
    if not fallback_spans and vega_scripts:
        problems.append(f"shows no chart but loads {vega_scripts} vega script(s)")
    if fallback_spans:
        bundles = len(BUNDLE_TAG.findall(text))
        if not bundles:
            problems.append("has Altair charts but does not load _static/vega-bundle.js (CDN fallback live)")
        elif vega_scripts > 1:
            problems.append(f"loads vega {vega_scripts} times (the bundle once is enough)")
        if AMD_LOADER.search(text):
            problems.append("loads require.js: Altair's loader would then fetch vega from the CDN")
        wanted = {f"{lib.replace('-', '', 1)}_version": v for lib, v in ALTAIR_WANTS.findall(text)}
        if claims is None:
            problems.append("_static/vega-bundle.js is missing from the build")
        else:
            for key, version in sorted(wanted.items()):
                if claims.get(key) != version:
                    problems.append(
                        f"Altair asks for {key}={version!r} but the vendored bundle claims "
                        f"{claims.get(key)!r}: the chart would load from the CDN"
                    )
    return problems, len(fallback_spans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    args = parser.parse_args(argv)
    html_root = args.html.resolve()
    pages = sorted(html_root.rglob("*.html"))
    if not pages:
        print(f"check_no_cdn: no HTML under {html_root}; run `make book` first", file=sys.stderr)
        return 1
    claims = bundle_claims(html_root)
    failing, neutralised = 0, 0
    for page in pages:
        warnings: list[str] = []
        text = page.read_text(encoding="utf-8", errors="replace")
        problems, fallbacks = check_page(text, claims, warnings)
        neutralised += fallbacks if not problems else 0
        for problem in dict.fromkeys(problems):
            print(f"check_no_cdn: {page.relative_to(html_root)}: {problem}")
        for warning in dict.fromkeys(warnings):
            print(f"check_no_cdn: warning: {page.relative_to(html_root)}: {warning}")
        failing += bool(problems)
    if failing:
        print(f"check_no_cdn: FAILED: {failing} of {len(pages)} page(s) would use a CDN or load vega needlessly")
        return 1
    print(
        f"check_no_cdn: ok: {len(pages)} page(s), no live CDN reference, vega only on the chart pages, once; "
        f"{neutralised} Altair CDN fallback(s) made dead code by _static/vega-bundle.js "
        f"(claims {json.dumps(claims, sort_keys=True)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
