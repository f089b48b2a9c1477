"""Where a `perf record -g` profile of streamd went, by layer: each sample is given to the innermost
frame of its stack that belongs to a named layer (so time in swift_retain, malloc or memcpy called
from the file route counts as the file route's); samples whose innermost frame is in the kernel are
"kernel (TCP, syscalls)". Run as a script: `python3 bench/lib/perflayers.py perf.data`.
"""

import collections
import shutil
import subprocess
import sys

# (layer, substrings of a symbol), tried in this order for each frame from the leaf up.
LAYERS = [
    ("fast path", ("RecordingFastPath", "RouterAnswerCounter", "FastPathMetrics")),
    ("headers (HTTPFields, dates)", ("HTTPFields", "HTTPField", "HTTPDate", "HTTPResponse", "HTTPRequest")),
    ("cache lookup, stat, realpath", ("RecordingFiles", "RecordingFileCache", "ServedFile", "lstat", "realpath",
                                      "resolve(", "isSafeFileName")),
    ("file route", ("RecordingFileController", "FileAnswer", "ByteRange", "LivePlaylist", "PlaylistTokens")),
    ("metrics middleware", ("RequestMetricsMiddleware", "RequestMetricHandles", "Prometheus", "CoreMetrics")),
    ("auth middleware", ("AuthMiddleware",)),
    ("CORS middleware", ("CORSMiddleware",)),
    ("origin middleware", ("OriginMiddleware",)),
    ("error middleware", ("ErrorMiddleware",)),
    ("method-check middleware", ("MethodNotAllowedMiddleware",)),
    ("bench floor route", ("BenchFloor",)),
    ("Hummingbird router", ("TrieRouter", "RouterResponder", "Trie", "RouterPath", "EndpointResponder", "Parameters",
                            "MiddlewareGroup", "RouterBuilder")),
    ("Hummingbird server", ("Hummingbird", "HTTPChannelHandler", "HTTP1Channel", "ResponseWriter", "DateCache")),
    ("connection guard", ("ConnectionGuardHandler", "ConnectionRegistry", "CappedHTTP1Channel")),
    ("NIO (channel, HTTP codec)", ("NIO", "ByteBuffer", "HTTPResponseEncoder", "HTTPDecoder", "llhttp", "c_nio")),
    ("Swift concurrency (task hops)", ("swift_task", "swift_job", "swift::", "_dispatch", "Executor", "AsyncStream",
                                       "CheckedContinuation", "withTaskGroup")),
]


def classify(frames):
    """frames: [(symbol, dso)] from the leaf up."""
    if frames and frames[0][1].startswith("[kernel"):
        return "kernel (TCP, syscalls)"
    for symbol, _ in frames:
        for layer, needles in LAYERS:
            if any(needle in symbol for needle in needles):
                return layer
    return "other (libc, runtime, unknown)"


def samples(data):
    script = subprocess.run(["perf", "script", "-i", data, "-F", "ip,sym,dso"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    demangle = shutil.which("swift-demangle") or "/opt/swift/usr/bin/swift-demangle"
    if shutil.which(demangle):  # Swift symbols by their type and function names
        script = subprocess.run([demangle, "--simplified"], input=script, stdout=subprocess.PIPE, text=True).stdout
    frames = []
    for line in script.splitlines() + [""]:
        line = line.strip()
        if not line:
            if frames:
                yield frames
            frames = []
            continue
        parts = line.split(None, 1)
        rest = parts[1] if len(parts) > 1 else ""
        symbol, _, dso = rest.rpartition(" (")
        frames.append((symbol or rest, dso.rstrip(")")))


def layers(data):
    counts = collections.Counter(classify(frames) for frames in samples(data))
    total = sum(counts.values()) or 1
    return {layer: count / total for layer, count in counts.most_common()}


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(path)
        for layer, share in layers(path).items():
            print(f"  {share:6.1%}  {layer}")
