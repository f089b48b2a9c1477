#!/usr/bin/env python3
"""Drive headless Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe): no WebSocket
client needed, Python's standard library only.

Opens URL in a fresh profile at a given viewport, waits in real time until a JavaScript condition holds
(media plays in real time, which --dump-dom with a virtual-time budget cannot wait for), then prints a
JSON line {"ok": bool, "value": <the --print expression>, "elapsed": seconds} and optionally saves a
PNG screenshot.

  cdp.py URL [--until JS] [--print JS] [--timeout S] [--size W,H] [--mobile] [--screenshot FILE]
         [--chromium PATH]

Exit status: 0 when the condition held, 1 when it timed out, 2 when Chromium could not be driven.
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, executable, profile, size):
        # fd 3: what Chromium reads (our commands); fd 4: what it writes (responses, events).
        to_browser_r, self._to_browser_w = os.pipe()
        self._from_browser_r, from_browser_w = os.pipe()
        args = [
            executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--autoplay-policy=no-user-gesture-required", "--hide-scrollbars", "--mute-audio",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
            "--window-size=%d,%d" % size, "about:blank",
        ]

        def wire_fds():
            # Copies first: a pipe end may already be fd 3 or 4, and dup2 onto itself keeps close-on-exec.
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read_end, 3, inheritable=True)
            os.dup2(write_end, 4, inheritable=True)

        self.process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # close_fds would run after preexec_fn and close the dup2'ed 3 and 4.
            preexec_fn=wire_fds, close_fds=False, env=dict(os.environ, HOME=profile))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._buffer = b""

    def send(self, method, params=None, session=None, timeout=30):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
        raise TimeoutError(method)

    def _read(self):
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser_r, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def evaluate(browser, session, expression):
    result = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        return None
    return result.get("result", {}).get("value")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--until", default="document.readyState === 'complete'", help="JS condition to wait for")
    parser.add_argument("--print", dest="print_", default="document.title", help="JS expression to print as JSON")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--size", default="1280,800")
    parser.add_argument("--mobile", action="store_true", help="emulate a phone (touch, mobile viewport)")
    parser.add_argument("--screenshot")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    options = parser.parse_args()
    width, height = (int(v) for v in options.size.split(","))

    profile = tempfile.mkdtemp(prefix="streamd-cdp-")
    browser = None
    try:
        browser = Browser(options.chromium, profile, (width, height))
        target = browser.send("Target.createTarget", {"url": "about:blank", "newWindow": True, "width": width, "height": height})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": options.mobile}, session)
        browser.send("Page.enable", {}, session)
        started = time.monotonic()
        browser.send("Page.navigate", {"url": options.url}, session)
        ok = False
        while time.monotonic() - started < options.timeout:
            if evaluate(browser, session, "Boolean(%s)" % options.until):
                ok = True
                break
            time.sleep(0.2)
        value = evaluate(browser, session, options.print_)
        if options.screenshot:
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
            with open(options.screenshot, "wb") as out:
                out.write(base64.b64decode(shot["data"]))
        print(json.dumps({"ok": ok, "value": value, "elapsed": round(time.monotonic() - started, 2)}))
        return 0 if ok else 1
    except Exception as error:  # report, never a traceback the caller has to parse
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(error).__name__, error)}))
        return 2
    finally:
        if browser:
            browser.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
