"""The site in a real browser: headless Chromium driven over the DevTools protocol.

Chromium (Debian package ``chromium``) loads the index and an entity page from
``file://``; the test reads the rendered text, pans and zooms the network, clicks
a node and checks that its page opens, and takes screenshots that must not be
blank. Without Chromium the test skips, except in CI (``CI`` set), where it fails:
``.ci/run`` installs the package.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gsekg.engines import open_engine
from gsekg.resources import corpus_dir
from gsekg.site import build_site

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,900",
    "--remote-debugging-port=0",
)
TIMEOUT = 30.0

pytestmark = pytest.mark.slow


def chromium_path() -> str:
    """The browser's path, or skip (fail in CI) when there is none."""
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    reason = "no Chromium found (apt-get install chromium; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


class Browser:
    """One page of a headless Chromium, driven over its DevTools WebSocket."""

    def __init__(self, executable: str, profile: Path) -> None:
        import websocket

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.is_file() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            connection.request("GET", "/json/list")
            targets = json.loads(connection.getresponse().read())
        finally:
            connection.close()
        page = next(t for t in targets if t.get("type") == "page")
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=TIMEOUT, suppress_origin=True
        )
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call a DevTools method and return its result (events seen meanwhile are kept)."""
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)
        raise TimeoutError(method)

    def wait_for(self, event: str) -> None:
        """Wait for the DevTools event ``event`` (one already received counts)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if any(e.get("method") == event for e in self.events):
                self.events = [e for e in self.events if e.get("method") != event]
                return
            self.events.append(json.loads(self.socket.recv()))
        raise TimeoutError(event)

    def open(self, url: str) -> None:
        """Load ``url`` and wait until it has loaded."""
        self.events.clear()
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def mouse(self, kind: str, x: float, y: float, **extra: Any) -> None:
        """A real mouse event at viewport coordinates ``x``, ``y``."""
        self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, **extra)

    def click(self, x: float, y: float) -> None:
        """Press and release the left button at ``x``, ``y``."""
        self.mouse("mouseMoved", x, y)
        self.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
        self.mouse("mouseReleased", x, y, button="left", buttons=0, clickCount=1)

    def screenshot(self) -> bytes:
        """A PNG of the viewport."""
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def close(self) -> None:
        """Stop the browser (politely, then for good)."""
        try:
            if hasattr(self, "socket"):
                self.send("Browser.close")
                self.socket.close()
        except Exception:  # the browser may already be gone
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("browser-site") / "site"
    found = corpus_dir()
    with open_engine(cache_dir=cache_dir) as engine:
        build_site(engine, folder, found if found is not None and found.is_dir() else None)
    return folder


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    executable = chromium_path()
    profile = tmp_path / "profile"
    profile.mkdir()
    opened = Browser(executable, profile)
    try:
        yield opened
    finally:
        opened.close()


def assert_not_blank(png: bytes, where: Path) -> None:
    """The picture has many colours and no colour covers nearly all of it.

    With ``GSEKG_SCREENSHOTS=DIR`` the pictures are also copied there, to look at.
    """
    from PIL import Image

    where.write_bytes(png)
    keep = os.environ.get("GSEKG_SCREENSHOTS")
    if keep:
        shutil.copy(where, Path(keep) / where.name)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (1280, 900)
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None
    most = max(count for count, _ in colours)
    assert len(colours) > 50, f"{where}: {len(colours)} colours"
    assert most < 0.97 * image.size[0] * image.size[1], f"{where}: nearly one colour"


def node_centre(browser: Browser, node: str) -> tuple[float, float]:
    box = browser.evaluate(
        f"(() => {{ const r = document.querySelector('.node[data-id=\"{node}\"] circle')"
        ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
    )
    return float(box[0]), float(box[1])


def test_index_and_entity_page_render(browser: Browser, site: Path, tmp_path: Path) -> None:
    browser.open((site / "index.html").as_uri())
    text = browser.evaluate("document.body.innerText")
    assert "Global Smart Education Conference: knowledge graph" in text
    assert "Education Transformation and Data Governance" in text  # the 2023 theme
    assert "Organisations (40)" in text and "People (6)" in text
    assert browser.evaluate("getComputedStyle(document.querySelector('header.site')).display") == (
        "flex"
    )  # the stylesheet was applied
    assert_not_blank(browser.screenshot(), tmp_path / "index.png")
    browser.open((site / "entity" / "gse2023.html").as_uri())
    assert browser.evaluate("document.querySelector('h1').textContent") == (
        "Global Smart Education Conference 2023"
    )
    text = browser.evaluate("document.body.innerText")
    assert "Education Transformation and Data Governance" in text
    assert "claim:000-gse2023-theme" in text
    data = json.loads(
        browser.evaluate("document.querySelector('script[type=\"application/ld+json\"]').text")
    )
    assert any(node.get("@id") == "gse:gse2023" for node in data["@graph"])
    assert_not_blank(browser.screenshot(), tmp_path / "entity.png")


def test_entity_page_highlights_passages(browser: Browser, site: Path, corpus: Path) -> None:
    browser.open((site / "entity" / "gse2023.html").as_uri())
    marks = browser.evaluate("[...document.querySelectorAll('mark')].map(m => m.textContent)")
    assert "under the theme of “Education Transformation and Data Governance”" in marks
    background = browser.evaluate(
        "getComputedStyle(document.querySelector('mark')).backgroundColor"
    )
    assert background == "rgb(255, 229, 138)"


def test_network_pans_zooms_and_opens_a_node(browser: Browser, site: Path, tmp_path: Path) -> None:
    browser.open((site / "network.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('#network .node').length") == 40
    assert_not_blank(browser.screenshot(), tmp_path / "network.png")
    transform = "document.getElementById('viewport').getAttribute('transform')"
    assert browser.evaluate(transform) is None
    x, y = node_centre(browser, "gse:alecso")
    browser.mouse("mouseWheel", x, y, deltaX=0, deltaY=-400)
    time.sleep(0.2)
    zoomed = browser.evaluate(transform)
    assert zoomed is not None and "scale(1.0000)" not in zoomed
    # a drag pans and does not open the node it started on
    x, y = node_centre(browser, "gse:alecso")
    browser.mouse("mousePressed", x, y, button="left", buttons=1, clickCount=1)
    for step in range(1, 6):
        browser.mouse("mouseMoved", x - 12 * step, y - 8 * step, button="left", buttons=1)
    browser.mouse("mouseReleased", x - 60, y - 40, button="left", buttons=0, clickCount=1)
    time.sleep(0.3)
    assert browser.evaluate("location.pathname").endswith("/network.html")
    assert browser.evaluate(transform) != zoomed
    # a click opens the node's page
    x, y = node_centre(browser, "gse:alecso")
    browser.events.clear()
    browser.click(x, y)
    browser.wait_for("Page.loadEventFired")
    assert browser.evaluate("location.pathname").endswith("/entity/alecso.html")
    assert browser.evaluate("document.querySelector('h1').textContent") == (
        "Arab League Educational, Cultural and Scientific Organization"
    )
    assert_not_blank(browser.screenshot(), tmp_path / "clicked.png")
