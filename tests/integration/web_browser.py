#!/usr/bin/env python3
"""Drives Debian's chromium, headless, through hoptac-web: signs in by
typing the credential into the sign-in form and submitting it, reads the
requests board and the unit to chase, accepts UNIT's report on the
request's page and sees its state change, downloads the consolidated
report as CSV through the page's link, and checks that the summary's
chart was drawn with a bar for each row of its table and that the map
shaded the provinces that have activities. Speaks the DevTools protocol
over --remote-debugging-pipe with the standard library only.

    web_browser.py BASE_URL TOKEN_FILE REFERENCE UNIT UNIT_NAME SUBMIT...

where SUBMIT... is the command that submits UNIT's report, run once the
board has shown UNIT as the one to chase.

Exit 0: all seen; 77: no chromium (skipped); 1: a check failed."""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

WAIT_S = 120  # a cap for a slow machine, not a measure


class Browser:
    def __init__(self, binary, profile):
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Out of the way of 3 and 4, which chromium reads and writes.
        hi_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)

        def child():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-pipe", "--user-data-dir=" + profile,
             "about:blank"],
            preexec_fn=child, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (to_chrome_r, from_chrome_w, hi_r, hi_w):
            os.close(fd)
        self.out = os.fdopen(to_chrome_w, "wb", buffering=0)
        self.inp = os.fdopen(from_chrome_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self):
        while b"\0" not in self.buf:
            chunk = self.inp.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            for i, e in enumerate(self.events):
                if e.get("method") == name:
                    del self.events[i]
                    return e
            self.events.append(self._read_message())
        raise RuntimeError("no %s within %d s" % (name, WAIT_S))

    def evaluate(self, expr):
        r = self.call("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError("%s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def load(self, action):
        """Runs action (which navigates) and waits for the page's load."""
        self.events = [e for e in self.events
                       if e.get("method") != "Page.loadEventFired"]
        action()
        self.wait_event("Page.loadEventFired")

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def check(cond, what):
    if not cond:
        print("web_browser: FAILED: " + what, file=sys.stderr)
        sys.exit(1)
    print("web_browser: ok: " + what)


def review(b, base, reference, unit, unit_name):
    """Accepts unit's report on the request's page, as a reviewer would
    by pressing its button, and sees it accepted."""
    page = base + "/yeu-cau?so=" + urllib.parse.quote(reference, safe="")
    b.load(lambda: b.call("Page.navigate", {"url": page}))
    accept = ("Array.from(document.querySelectorAll('form.review')).find("
              "f => f.elements['don-vi'].value === %s && "
              "f.elements['quyet-dinh'].value === 'chap-nhan')"
              % json.dumps(unit))
    check(b.evaluate(accept + " !== undefined"),
          "the report of %s awaits review" % unit_name)
    b.load(lambda: b.evaluate(accept + ".querySelector('button').click()"))
    state = b.evaluate(
        "Array.from(document.querySelectorAll('section.report')).filter("
        "s => s.querySelector('h3').innerText.includes(%s)).map("
        "s => s.querySelector('strong').innerText).join()"
        % json.dumps(unit_name))
    check(state == "Đã chấp nhận",
          "after pressing accept, the report of %s is accepted (%s)"
          % (unit_name, state))
    check(b.evaluate(accept + " === undefined"),
          "its review buttons are gone")


def download(b, base, reference, profile):
    """Downloads the consolidated report as CSV by its link on the
    request's page, into a folder of the browser's profile."""
    folder = os.path.join(profile, "tai-ve")
    os.mkdir(folder)
    b.call("Browser.setDownloadBehavior",
           {"behavior": "allowAndName", "downloadPath": folder,
            "eventsEnabled": True}, session=False)
    b.evaluate("document.querySelector('a[href*=\"tai=csv\"]').click()")
    while True:
        e = b.wait_event("Browser.downloadProgress")
        if e["params"]["state"] != "inProgress":
            break
    check(e["params"]["state"] == "completed", "the download completed")
    with open(os.path.join(folder, e["params"]["guid"]),
              encoding="utf-8") as f:
        text = f.read()
    check("KT-DAKGLEI" in text,
          "the consolidated report was downloaded as CSV (%d bytes)"
          % len(text.encode()))


def shaded_map(b, base):
    """The map by partner province: shaded are exactly the provinces
    with activities, Sê Kông (LA-XE) among them."""
    b.load(lambda: b.call("Page.navigate",
                          {"url": base + "/tong-hop?theo=doi-tac"}))
    tiles = b.evaluate(
        "Array.from(document.querySelectorAll('#ban-do g[data-code]')).map("
        "g => [g.dataset.code, Number(g.dataset.count), "
        "getComputedStyle(g.querySelector('rect')).fill])")
    blank = [fill for code, n, fill in tiles if n == 0]
    shaded = sorted(code for code, n, fill in tiles
                    if n > 0 and fill not in blank)
    counted = sorted(code for code, n, fill in tiles if n > 0)
    check(len(tiles) == 18 and blank and shaded == counted
          and "LA-XE" in shaded and "LA-PH" not in shaded,
          "the map shades the provinces with activities: %s"
          % ", ".join(shaded))


def main():
    base, token_file, reference, unit, unit_name = sys.argv[1:6]
    binary = shutil.which("chromium")
    if binary is None:
        print("web_browser: chromium is not installed: skipped "
              "(deploy/install-deps.sh installs it)", file=sys.stderr)
        return 77
    with open(token_file) as f:
        token = f.read().strip()
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(binary, profile)
        try:
            target = b.call("Target.createTarget", {"url": "about:blank"},
                            session=False)["targetId"]
            b.session = b.call("Target.attachToTarget",
                               {"targetId": target, "flatten": True},
                               session=False)["sessionId"]
            b.call("Page.enable")
            b.call("Runtime.enable")
            b.load(lambda: b.call("Page.navigate",
                                  {"url": base + "/dang-nhap"}))
            check(b.evaluate("document.title").startswith("Đăng nhập"),
                  "the sign-in form is shown")
            # Typed into the form and submitted, as a person would.
            b.call("Runtime.evaluate", {"expression":
                   "document.getElementById('ma').focus()"})
            b.call("Input.insertText", {"text": token})
            b.load(lambda: b.evaluate(
                "document.querySelector('form.signin button').click()"))
            check(b.evaluate("location.pathname") == "/",
                  "signing in leads to the board")
            check(b.evaluate("document.cookie") == "",
                  "the session cookie is not readable by scripts")
            body = b.evaluate("document.body.innerText")
            check("Bảng yêu cầu báo cáo" in body and reference in body,
                  "the board lists the request")
            check(b.evaluate(
                "document.querySelector('tr.overdue') !== null"),
                "the overdue request is marked")
            check(unit_name in b.evaluate(
                "document.querySelector('tr.overdue').innerText"),
                "the overdue request names the unit to chase")
            subprocess.run(sys.argv[6:], check=True,
                           stdout=subprocess.DEVNULL)
            review(b, base, reference, unit, unit_name)
            download(b, base, reference, profile)
            b.load(lambda: b.call("Page.navigate",
                                  {"url": base + "/tong-hop?theo=thang"}))
            drawn = None
            deadline = time.monotonic() + WAIT_S
            while time.monotonic() < deadline:
                drawn = b.evaluate("""(() => {
                    const c = document.getElementById('bieu-do');
                    if (!c)
                        return -1;
                    if (c.dataset.drawn !== '1' || c.hidden)
                        return 0;
                    const d = c.getContext('2d')
                        .getImageData(0, 0, c.width, c.height).data;
                    let n = 0;
                    for (let i = 3; i < d.length; i += 4)
                        if (d[i] !== 0) n++;
                    return n;
                })()""")
                if drawn:
                    break
                check(drawn != -1, "the summary has a chart's canvas")
                time.sleep(0.2)
            check(drawn > 0, "the chart is drawn on its canvas (%s "
                  "pixels)" % drawn)
            check(b.evaluate(
                "document.querySelectorAll('#so-lieu tbody tr').length") > 0,
                "the table is there beside the chart")
            bars = b.evaluate("Chart.getChart(document.getElementById("
                              "'bieu-do')).getDatasetMeta(0).data.length")
            rows = b.evaluate(
                "document.querySelectorAll('#so-lieu tbody tr').length")
            check(bars == rows, "the chart has a bar for each of the %d "
                  "months (%s bars)" % (rows, bars))
            shaded_map(b, base)
        finally:
            b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
