"""End-to-end fixtures: the app served on a free loopback port, driven by Debian's Chromium.

CI installs Chromium and counts a skipped test as a failure, so these only skip
on a development machine without the browser.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def live_server(app, make_app) -> Iterator[str]:
    """The app on the test database in a background thread; `app` empties the tables afterwards."""
    served = make_app()
    server = make_server("127.0.0.1", 0, served, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def page_errors() -> list[str]:
    """Script errors and refusals (a Content-Security-Policy violation, say) seen by any page."""
    return []


@pytest.fixture
def new_page(browser, live_server, page_errors):
    """Open a page in a fresh browser context (its own cookies): one per person in a scenario."""
    contexts = []

    def on_console(message) -> None:
        # A 4xx answer to a form is logged as "Failed to load resource"; that is the page working.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page_errors.append(message.text)

    def open_page():
        context = browser.new_context(base_url=live_server, viewport={"width": 1360, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> str:
    """docs/screenshots when SCREENSHOT_DIR says so (to refresh the README's pictures), else a temp dir."""
    return os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
