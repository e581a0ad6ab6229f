"""Take the README's screenshot of a published site's regisseur page in headless Chromium.

Usage: .venv/bin/python docs/screenshot.py demo-programme/out/site/index.html docs/images/regisseur.png
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(page_path: str, png_path: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1500}, device_scale_factor=1)
        page.goto(Path(page_path).resolve().as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        page.wait_for_timeout(500)
        page.screenshot(path=png_path, full_page=False)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
