"""Shared helpers for the bench scripts (stdlib only): a private streamd daemon with its own
PostgreSQL cluster and config, a private nginx, wrk runs with a JSON summary, /proc sampling, and
cleanup of everything started even on Ctrl-C or SIGTERM.

    import sys, os; sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
    import benchlib as bl
"""

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Cleanup: callbacks run last-in first-out at exit, also after SIGINT / SIGTERM / SIGHUP.

_cleanups = []


def on_exit(callback):
    """Registers callback to run at exit (LIFO); returns it so a caller may run it early via done()."""
    _cleanups.append(callback)
    return callback


def done(callback):
    """Runs a registered cleanup now and forgets it."""
    if callback in _cleanups:
        _cleanups.remove(callback)
        callback()


def _run_cleanups():
    while _cleanups:
        callback = _cleanups.pop()
        try:
            callback()
        except Exception as error:  # cleanup must go on
            log(f"cleanup: {error}")


def _on_signal(signum, _frame):
    log(f"interrupted by signal {signum}; cleaning up")
    sys.exit(128 + signum)  # unwinds finally blocks, then atexit


atexit.register(_run_cleanups)
for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def temp_dir(prefix):
    """A temporary directory removed at exit; world-traversable so nginx workers and postgres reach it."""
    path = tempfile.mkdtemp(prefix=prefix)
    os.chmod(path, 0o755)
    on_exit(lambda: shutil.rmtree(path, ignore_errors=True))
    return path


# ---------------------------------------------------------------------------------------------
# Small utilities

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_seconds(pid):
    """utime + stime of one process, seconds (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_children(pid):
    """Direct children of pid (from /proc/*/stat)."""
    children = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(entry))
    return children


def tree_cpu_seconds(pid):
    """CPU seconds of pid plus its live direct children (nginx master + workers)."""
    total = 0.0
    for p in [pid] + proc_children(pid):
        try:
            total += proc_cpu_seconds(p)
        except OSError:
            pass
    return total


def proc_rss_mb(pid):
    """VmRSS of pid in MiB, None when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def load_average():
    with open("/proc/loadavg") as f:
        return tuple(float(v) for v in f.read().split()[:3])


def cpu_busy(seconds=1.0):
    """Fraction of all CPUs busy over the next `seconds` (from /proc/stat)."""
    def sample():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values) - values[3] - values[4], sum(values)
    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(1, total1 - total0)


def wait_for_quiet_machine(limit=None, timeout=None):
    """Waits (up to BENCH_LOAD_WAIT seconds, 30 by default) until the CPUs are less than limit
    (BENCH_MAX_BUSY, default 0.35) busy over a 2 s sample, so a shared machine's other work skews
    less. Measured now rather than by the load average, which lags a minute behind. Returns
    (busy fraction, 1-minute load average) when it starts."""
    limit = float(os.environ.get("BENCH_MAX_BUSY", "0.35")) if limit is None else limit
    timeout = float(os.environ.get("BENCH_LOAD_WAIT", "30")) if timeout is None else timeout
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        busy = cpu_busy(2.0)
        if busy < limit or time.monotonic() >= deadline:
            if busy >= limit:
                log(f"CPUs still {busy:.0%} busy after {timeout:g} s; going ahead (numbers may be noisy)")
            return busy, load_average()[0]
        if not announced:
            log(f"CPUs {busy:.0%} busy with other work (>= {limit:.0%}); waiting up to {timeout:g} s")
            announced = True


def streamd_binary():
    """STREAMD_BINARY, else .build/release/streamd; None when neither exists."""
    binary = os.environ.get("STREAMD_BINARY") or os.path.join(ROOT, ".build", "release", "streamd")
    return binary if os.access(binary, os.X_OK) else None


def http(method, url, body=None, headers=None, timeout=10):
    """(status, headers, body bytes); never raises for an HTTP status."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def parse_metrics(text):
    """Prometheus text → {(name, frozenset(labels)): value}."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)', line)
        if not m:
            continue
        labels = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        try:
            samples[(m.group(1), labels)] = float(m.group(3))
        except ValueError:
            pass
    return samples


def metric_sum(samples, name, **labels):
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


# ---------------------------------------------------------------------------------------------
# PostgreSQL and the daemon

def pg_cluster():
    """STREAMD_DATABASE_URL when set, else a throwaway cluster (scripts/pg-cluster) destroyed at exit."""
    if os.environ.get("STREAMD_DATABASE_URL"):
        return os.environ["STREAMD_DATABASE_URL"]
    directory = tempfile.mkdtemp(prefix="bench-pg.")
    os.rmdir(directory)
    script = os.path.join(ROOT, "scripts", "pg-cluster")
    on_exit(lambda: subprocess.call([script, "destroy", directory], stdout=subprocess.DEVNULL))
    return subprocess.check_output([script, "start", directory], text=True).strip()


class Daemon:
    """`streamd serve` on a free port with a private data dir, config file and database.

    config: YAML text for STREAMD_CONFIG. The STREAMD_* variables of the caller's environment are not
    passed on (tokens, log level, config), so the bench measures the same thing everywhere."""

    def __init__(self, binary, workdir, config_yaml, database_url=None, prefix=(), extra_env=None):
        """prefix: argv in front of the binary (e.g. taskset -c 0); extra_env: STREAMD_* bench switches."""
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.data_dir = os.path.join(workdir, "data")
        self.recordings = os.path.join(self.data_dir, "recordings")
        config = os.path.join(workdir, "streamd.yaml")
        with open(config, "w") as f:
            f.write(config_yaml)
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMD_")}
        env.update({
            "STREAMD_LISTEN": f"127.0.0.1:{self.port}", "STREAMD_DATA_DIR": self.data_dir,
            "STREAMD_PUBLIC_URL": self.base, "STREAMD_CONFIG": config,
            "STREAMD_DATABASE_URL": database_url or pg_cluster(),
        })
        env.update(extra_env or {})
        self.log_path = os.path.join(workdir, "streamd.log")
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen([*prefix, binary, "serve"], env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        self._cleanup = on_exit(self.stop)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamd exited with {self.process.returncode}: {self.log_tail()}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamd did not answer /healthz with 200 within 60 s")
            time.sleep(0.1)

    def get(self, path, timeout=10):
        return http("GET", self.base + path, timeout=timeout)

    def json(self, method, path, body=None, expect=(200, 201)):
        status, _, data = http(method, self.base + path, body=body)
        if status not in expect:
            raise RuntimeError(f"{method} {path} → {status}: {data[:300].decode(errors='replace')}")
        return json.loads(data or b"null")

    def metrics(self):
        return parse_metrics(self.get("/metrics")[2].decode(errors="replace"))

    def exit_description(self):
        """None while it runs; else how it ended (a SIGTERM from outside logs "stopped" and exits 0)."""
        code = self.process.poll()
        if code is None:
            return None
        how = f"killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return f"streamd {how} (pid {self.pid}) before the bench stopped it; log tail: {self.log_tail(5).strip()}"

    def log_tail(self, lines=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def stop(self):
        """SIGTERM (it finalizes recordings), SIGKILL after 30 s; idempotent. Returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log("streamd did not exit 30 s after SIGTERM; killing it")
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


# ---------------------------------------------------------------------------------------------
# nginx

NGINX_CONF = """\
{user}
worker_processes {workers};
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
        video/iso.segment m4s;
        video/mp4 mp4;
        image/jpeg jpg;
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ {location} }}
    }}
}}
"""


class Nginx:
    """A private nginx (not the system one) serving root on a free port; stopped at exit."""

    def __init__(self, root, workdir, workers="auto", prefix=(), name="nginx", location=""):
        """name: its directory under workdir; location: directives for its `location /`."""
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.access(binary, os.X_OK):
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(user="user root;" if os.geteuid() == 0 else "", workers=workers,
                                      dir=self.dir, port=self.port, root=root, location=location))
        self._log = open(os.path.join(self.dir, "stderr.log"), "w")
        self.process = subprocess.Popen([*prefix, binary, "-p", self.dir, "-c", conf, "-e", os.path.join(self.dir, "error.log")],
                                        stdout=self._log, stderr=subprocess.STDOUT)
        self.pid = self.process.pid
        on_exit(self.stop)
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
                    raise RuntimeError(f"nginx exited with {self.process.returncode}: {f.read()[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx did not listen within 10 s")
                time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, master removes its pid file
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


# ---------------------------------------------------------------------------------------------
# wrk

def ensure_wrk():
    """The wrk binary; installs the Debian package when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (apt-get install -y wrk) …")
        result = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if result.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        found = shutil.which("wrk")
        if found:
            return found
        raise RuntimeError(f"apt-get install wrk failed: {result.stdout[-500:]}")
    raise RuntimeError("wrk is not installed and this is not root: apt-get install wrk")


def run_wrk(url, seconds, connections, threads, script=None, headers=(), timeout_s=10, env=None, on_start=None, prefix=()):
    """Runs wrk; returns the dict its Lua done() printed as a `WRKJSON {...}` line (see wrk-json.lua,
    which is used when script is None) plus `stdout`. on_start(process) is called right after launch."""
    wrk = ensure_wrk()
    argv = [*prefix, wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", f"{timeout_s:g}s",
            "--latency", "-s", script or os.path.join(LIB, "wrk-json.lua")]
    for header in headers:
        argv += ["-H", header]
    argv.append(url)
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, **(env or {})))
    kill = on_exit(lambda: process.poll() is None and process.kill())
    if on_start:
        on_start(process)
    stdout, stderr = process.communicate()
    done(kill)
    result = None
    for line in stdout.splitlines():
        if line.startswith("WRKJSON "):
            result = json.loads(line[len("WRKJSON "):])
    if process.returncode != 0 or result is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr.strip()[-500:] or stdout[-500:]}")
    result["stdout"] = stdout
    return result


def fmt_ms(us):
    return f"{us / 1000:.2f} ms" if us is not None else "-"


def nginx_version():
    try:
        out = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"], stderr=subprocess.PIPE, text=True).stderr
        return out.strip().split("/")[-1]
    except OSError:
        return "?"
