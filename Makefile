# streamd — build, test, run. Every target installs what it needs first (apt, idempotent).
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
CONFIG ?= etc/streamd/streamd.yaml
# `make install BINARY=.build/debug/streamd` installs a binary already built instead of building
# release first (the systemd test does this so CI builds once).
BINARY ?=
# Tests run at once by `make test`: ~240 tests, many of them real daemons with ffmpeg and GStreamer
# peers, all at once on 2 cores made their deadlines meaningless. `swift test` cannot pass the width,
# so `make test` runs the test bundle directly (what `swift test --skip-build` runs, plus the width).
TEST_WIDTH ?= 3

APT_PACKAGES := pkg-config systemd libavformat-dev libavcodec-dev libavdevice-dev libavfilter-dev \
	libavutil-dev libswscale-dev libpq-dev postgresql ffmpeg chromium nginx-light python3-venv \
	systemd-container stress-ng gstreamer1.0-tools gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good \
	gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav \
	python3-gi gir1.2-gst-rtsp-server-1.0
PY_VENV := .build-venv
PY_PACKAGES := schemathesis

.PHONY: deps build debug test run bench clean install uninstall

# apt-get only when something is missing, so a prepared machine skips it in a second.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@[ -x $(PY_VENV)/bin/schemathesis ] || { python3 -m venv $(PY_VENV) && $(PY_VENV)/bin/pip install -q $(PY_PACKAGES); }

build: deps
	$(SWIFT) build -c release --product streamd

debug: deps
	$(SWIFT) build --product streamd

# A throwaway PostgreSQL cluster (postgres user, unix socket, free port) for the whole run.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product streamd
	@# The unit's ExecStart binary exists only after `make install`; every other finding fails the build.
	@out=$$(systemd-analyze verify systemd/streamd.service 2>&1); \
	rest=$$(grep -v -e 'Command /usr/local/bin/streamd is not executable' <<<"$$out" | grep -v '^$$' || true); \
	if [ -n "$$rest" ]; then echo "systemd-analyze verify:"; echo "$$rest"; exit 1; fi; echo "systemd-analyze verify: ok"
	@pgdir=$$(mktemp -d /tmp/streamd-test-pg.XXXXXX); \
	trap 'scripts/pg-cluster destroy '"$$pgdir" EXIT; \
	export STREAMD_TEST_DATABASE_URL="$$(scripts/pg-cluster start $$pgdir)"; \
	export STREAMD_BINARY="$$PWD/.build/debug/streamd"; \
	export STREAMD_SCHEMATHESIS="$$PWD/$(PY_VENV)/bin/schemathesis"; \
	echo "test database: $$STREAMD_TEST_DATABASE_URL"; \
	.build/debug/streamdPackageTests.xctest --testing-library swift-testing \
		--experimental-maximum-parallelization-width $(TEST_WIDTH)

# The private cluster keeps the user's sessions: durable (fsync on), and stopped again when streamd
# ends, Ctrl-C included. Ctrl-C reaches streamd from the terminal; a TERM or HUP to make is passed on.
run: build
	@mkdir -p data/recordings; \
	if [ -z "$$STREAMD_DATABASE_URL" ]; then \
		url="$$(scripts/pg-cluster start --durable data/pg)" || exit 1; \
		trap 'scripts/pg-cluster stop data/pg; echo "make run: stopped its PostgreSQL cluster (data/pg); the next make run starts it again"' EXIT; \
		psql "$$url" -Atc "SELECT 1 FROM pg_database WHERE datname = 'streamd'" | grep -q 1 \
			|| psql "$$url" -qc "CREATE DATABASE streamd" || exit 1; \
		export STREAMD_DATABASE_URL="$$url dbname=streamd"; \
	fi; \
	.build/release/streamd serve --config $(CONFIG) </dev/null & pid=$$!; \
	trap ':' INT; trap 'kill -TERM $$pid 2>/dev/null' TERM HUP; \
	while kill -0 $$pid 2>/dev/null; do wait $$pid; done; wait $$pid

BENCH_PACKAGES := wrk nginx-light ffmpeg golang-go linux-perf

bench: build
	@missing=""; for p in $(BENCH_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi
	bench/run

clean:
	rm -rf .build .build-* data/recordings

install: $(if $(BINARY),,build)
	bash scripts/install.sh install "$(DESTDIR)" "$(PREFIX)" $(BINARY)

uninstall:
	bash scripts/install.sh uninstall "$(DESTDIR)" "$(PREFIX)"
