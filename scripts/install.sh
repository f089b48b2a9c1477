#!/usr/bin/env bash
# Installs or removes streamd as a system service; `make install` / `make uninstall` call it.
#   install.sh install   DESTDIR PREFIX [BINARY]
#                                         binary, unit, config (an edited config is never replaced),
#                                         system user and data directory (on the live system only);
#                                         BINARY defaults to .build/release/streamd
#   install.sh uninstall DESTDIR PREFIX   binary and unit; the config and the recordings stay
# DESTDIR (may be empty) stages into a package root: then no user is created and systemd is not told.
set -euo pipefail

action=${1:-}
destdir=${2:-}
prefix=${3:-/usr/local}
binary_source=${4:-}
[ -n "$action" ] || { echo "usage: install.sh install|uninstall DESTDIR PREFIX" >&2; exit 2; }
case "$prefix" in /*) ;; *) echo "install.sh: PREFIX must be an absolute path, not '$prefix'" >&2; exit 2 ;; esac
prefix=${prefix%/}
destdir=${destdir%/}

repo=$(cd "$(dirname "$0")/.." && pwd)
binary="$destdir$prefix/bin/streamd"
unit="$destdir/etc/systemd/system/streamd.service"
config_dir="$destdir/etc/streamd"
config="$config_dir/streamd.yaml"
data_dir=/var/lib/streamd

# Only the live system (no DESTDIR) gets a user, a data directory and a daemon-reload.
live_system() { [ -z "$destdir" ]; }
systemd_running() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

install_files() {
  local built="${binary_source:-$repo/.build/release/streamd}"
  # A relative BINARY is relative to the checkout, where make runs.
  case "$built" in /*) ;; *) built="$repo/$built" ;; esac
  [ -x "$built" ] || { echo "install.sh: $built is missing; run 'make build' first" >&2; exit 1; }

  install -d -m 0755 "$destdir$prefix/bin"
  install -m 0755 "$built" "$binary"
  echo "installed $binary"

  # The unit names the binary by path: point it at this PREFIX.
  install -d -m 0755 "$(dirname "$unit")"
  local staged
  staged=$(mktemp)
  sed "s#^ExecStart=/usr/local/bin/streamd #ExecStart=$prefix/bin/streamd #" "$repo/systemd/streamd.service" >"$staged"
  grep -q "^ExecStart=$prefix/bin/streamd " "$staged" || { rm -f "$staged"; echo "install.sh: cannot rewrite ExecStart in systemd/streamd.service" >&2; exit 1; }
  install -m 0644 "$staged" "$unit"
  rm -f "$staged"
  echo "installed $unit"

  # An operator's edits survive upgrades: the new default lands beside it as streamd.yaml.dist.
  install -d -m 0755 "$config_dir"
  if [ -e "$config" ]; then
    if cmp -s "$repo/etc/streamd/streamd.yaml" "$config"; then
      echo "kept $config (unchanged)"
    else
      install -m 0644 "$repo/etc/streamd/streamd.yaml" "$config.dist"
      echo "kept your $config; the new default is $config.dist"
    fi
  else
    install -m 0644 "$repo/etc/streamd/streamd.yaml" "$config"
    echo "installed $config"
  fi
}

create_user() {
  if id -u streamd >/dev/null 2>&1; then
    echo "user streamd exists"
  else
    local groups=()
    # Membership in video opens /dev/video* for camera sessions; the unit also adds it.
    getent group video >/dev/null && groups=(--groups video)
    useradd --system --no-create-home --home-dir "$data_dir" --shell /usr/sbin/nologin --user-group "${groups[@]}" streamd
    echo "created system user streamd"
  fi
  # The config may hold api_token: readable by root and the service's group only.
  local file
  for file in "$config" "$config.dist"; do
    if [ -e "$file" ]; then chgrp streamd "$file"; chmod 0640 "$file"; fi
  done
  install -d -m 0750 -o streamd -g streamd "$data_dir"
  echo "data directory $data_dir"
}

case "$action" in
  install)
    install_files
    if live_system; then
      create_user
      if systemd_running; then
        systemctl daemon-reload
        if systemctl is-active --quiet streamd; then
          echo "systemd reloaded; streamd still runs the old binary: systemctl restart streamd"
        else
          echo "systemd reloaded; start with: systemctl enable --now streamd"
        fi
      else
        echo "systemd is not running here; the unit takes effect at the next boot"
      fi
    fi
    ;;
  uninstall)
    if live_system && systemd_running && systemctl is-active --quiet streamd; then
      echo "install.sh: streamd is running; stop it first: systemctl disable --now streamd" >&2
      exit 1
    fi
    for file in "$binary" "$unit"; do
      if [ -e "$file" ]; then rm -f "$file"; echo "removed $file"; fi
    done
    if live_system && systemd_running; then systemctl daemon-reload; fi
    [ -e "$config" ] && echo "kept $config (your configuration)"
    [ -e "$config.dist" ] && echo "kept $config.dist"
    if live_system && [ -d "$data_dir" ]; then echo "kept $data_dir (recordings and journal)"; fi
    if live_system && id -u streamd >/dev/null 2>&1; then echo "kept user streamd (userdel streamd removes it)"; fi
    ;;
  *)
    echo "install.sh: unknown action '$action' (install or uninstall)" >&2
    exit 2
    ;;
esac
