"""Regenerate the README's images (docs/images/*.png) with jdcli itself, from the bundled data.

    make readme-images        (or: python3 scripts/readme_images.py)

One chart per command (``--chart FILE.png``), and a screenshot of ``jdcli report -f html``
taken by a headless Chromium (skipped, with a message, when none is installed). Every PNG is
reduced to a small palette so the repository stays light. Needs a font with Chinese glyphs
(Noto Sans CJK SC, WenQuanYi Micro Hei …) for the charts' Chinese names.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
CHARTS = {
    "trends": ["trends"],
    "occupancy": ["occupancy"],
    "staffing": ["staffing"],
}
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def jdcli(*args: str) -> None:
    """Run jdcli (this checkout's) with ``args``; its data output is not needed."""
    subprocess.run([sys.executable, "-m", "jdcli", *args], check=True, stdout=subprocess.DEVNULL)


def shrink(path: Path, colours: int = 128) -> None:
    """Reduce a PNG to a palette of ``colours`` (charts have few): a fraction of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=colours, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
    small.save(path, optimize=True)


def report_screenshot(target: Path) -> bool:
    """``jdcli report -f html``, as a browser shows its first screen; False without one."""
    browser = next((b for b in BROWSERS if shutil.which(b)), None)
    if browser is None:
        print("no Chromium found: report.png not regenerated", file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.html"
        jdcli("report", "-f", "html", "-o", str(page))
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={target}", "--window-size=1000,1400", page.as_uri()],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return True


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, args in CHARTS.items():
        target = IMAGES / f"{name}.png"
        jdcli(*args, "-f", "csv", "--chart", str(target))
        shrink(target)
    report = IMAGES / "report.png"
    if report_screenshot(report):
        shrink(report)
    for image in sorted(IMAGES.glob("*.png")):
        print(f"{image.relative_to(ROOT)}: {image.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
