"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = "streamd.token";
  const REFRESH_MS = 3000;
  const state = { first: [], older: [], next: null, moreLoaded: false, pending: [], player: null };

  // ---- token and requests -------------------------------------------------
  const token = () => localStorage.getItem(TOKEN_KEY) || "";
  const withToken = (url) => token() ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token()) : url;

  class APIFailure extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  // All URLs are relative, so the page works behind any prefix or public URL.
  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    if (token()) headers.Authorization = "Bearer " + token();
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (e) {
      throw new APIFailure(0, "network", "streamd cannot be reached (" + e.message + ").");
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON: reported below */ }
    if (!response.ok) {
      const err = json && json.error ? json.error : {};
      throw new APIFailure(response.status, err.code || "http_" + response.status, err.message || ("HTTP " + response.status + " " + response.statusText));
    }
    return json;
  }

  // A 401 opens the token form; the request runs again once a token is saved.
  async function authed(method, path, body) {
    try {
      return await api(method, path, body);
    } catch (e) {
      if (e.status !== 401) throw e;
      return new Promise((resolve, reject) => {
        state.pending.push(() => authed(method, path, body).then(resolve, reject));
        askToken(e.message);
      });
    }
  }

  function askToken(why) {
    const form = $("token-form");
    if (why) $("token-why").textContent = why + " The token is kept in this browser only.";
    form.hidden = false;
    $("token-toggle").setAttribute("aria-expanded", "true");
    $("token-input").focus();
  }

  $("token-toggle").addEventListener("click", () => {
    const form = $("token-form");
    form.hidden = !form.hidden;
    $("token-toggle").setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) $("token-input").focus();
  });
  $("token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    localStorage.setItem(TOKEN_KEY, $("token-input").value.trim());
    $("token-input").value = "";
    $("token-form").hidden = true;
    $("token-toggle").setAttribute("aria-expanded", "false");
    const retries = state.pending.splice(0);
    retries.forEach((retry) => retry());
    // The list polls by itself; a player waiting on its 401 is among the retries.
    refresh();
  });
  $("token-forget").addEventListener("click", () => {
    localStorage.removeItem(TOKEN_KEY);
    $("token-input").value = "";
    say("Token forgotten.", "info");
  });

  function say(text, kind, where) {
    const el = $(where || "message");
    el.textContent = text;
    el.className = "message " + (kind || "info");
  }

  // ---- formatting ------------------------------------------------------------
  function formatBytes(n) {
    if (!(n > 0)) return "0 B";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
  }
  function formatDuration(sec) {
    if (!(sec >= 0)) return "–";
    const s = Math.floor(sec), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const pad = (x) => String(x).padStart(2, "0");
    return h > 0 ? h + ":" + pad(m) + ":" + pad(r) : m + ":" + pad(r);
  }
  function formatTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? "–" : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
  }
  const isLive = (s) => s.status === "recording" || s.status === "starting";

  function badge(s) {
    const el = document.createElement("span");
    if (s.status === "recording") {
      el.className = "badge live";
      el.textContent = "LIVE";
      el.title = "recording";
    } else {
      el.className = "badge " + s.status;
      el.textContent = s.status;
    }
    return el;
  }

  // ---- the sessions list -----------------------------------------------------
  function cell(tr, className, label, content) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (label) td.dataset.label = label;
    if (content instanceof Node) td.append(content); else if (content !== undefined) td.textContent = content;
    tr.append(td);
    return td;
  }

  function button(text, className, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    if (className) b.className = className;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  function row(s) {
    const tr = document.createElement("tr");
    tr.dataset.sessionId = s.session_id;
    tr.dataset.status = s.status;

    const link = document.createElement("a");
    link.className = "thumb";
    link.href = "#/play/" + encodeURIComponent(s.session_id);
    link.setAttribute("aria-label", "Play " + s.session_id);
    const img = document.createElement("img");
    img.alt = "";
    img.loading = "lazy";
    img.addEventListener("error", () => { img.hidden = true; });
    // The poster appears once the first keyframe is written; a live row retries on later refreshes.
    img.src = withToken("./" + encodeURIComponent(s.session_id) + "/poster.jpg") + (isLive(s) ? (token() ? "&" : "?") + "r=" + Math.floor(Date.now() / 15000) : "");
    link.append(img);
    cell(tr, "poster", "", link);

    cell(tr, "", "", badge(s));
    const idCell = cell(tr, "id", "", s.session_id);
    if (s.error) {
      const detail = document.createElement("span");
      detail.className = "err-detail";
      detail.textContent = s.error;
      idCell.append(detail);
    }
    cell(tr, "device", "Device", s.device_id + (s.source ? " · " + s.source : ""));
    cell(tr, "num when", "Started", formatTime(s.created_at));
    cell(tr, "num", "Duration", formatDuration(s.media_duration_sec));
    cell(tr, "num", "Size", formatBytes(s.bytes));

    const actions = cell(tr, "actions", "");
    const play = document.createElement("a");
    play.className = "button";
    play.href = link.href;
    play.textContent = isLive(s) ? "Watch" : "Play";
    play.setAttribute("aria-label", play.textContent + " " + s.session_id);
    actions.append(play);
    if (isLive(s)) {
      actions.append(button("Stop", "", "Stop " + s.session_id, (ev) => stopSession(s.session_id, ev.currentTarget)));
    } else {
      actions.append(button("Delete", "danger", "Delete " + s.session_id, (ev) => deleteSession(s.session_id, ev.currentTarget)));
    }
    return tr;
  }

  function render() {
    const seen = new Set();
    const all = [];
    for (const s of state.first.concat(state.older)) {
      if (!seen.has(s.session_id)) { seen.add(s.session_id); all.push(s); }
    }
    $("rows").replaceChildren(...all.map(row));
    $("empty").hidden = all.length > 0;
    $("load-more").hidden = !state.next;
  }

  async function refresh() {
    try {
      const page = await api("GET", "sessions?limit=50");
      state.first = page.sessions;
      if (!state.moreLoaded) state.next = page.next_before;
      render();
      if ($("message").dataset.stale === "1") { say("", "info"); $("message").dataset.stale = "0"; }
    } catch (e) {
      if (e.status === 401) { askToken(e.message); return; }
      say("Cannot refresh the list: " + e.message, "error");
      $("message").dataset.stale = "1";
    }
  }

  $("load-more").addEventListener("click", async (ev) => {
    const b = ev.currentTarget;
    b.disabled = true;
    try {
      const page = await authed("GET", "sessions?limit=50&before=" + encodeURIComponent(state.next));
      state.older = state.older.concat(page.sessions);
      state.next = page.next_before;
      state.moreLoaded = true;
      render();
    } catch (e) {
      say(e.message, "error");
    } finally {
      b.disabled = false;
    }
  });

  // ---- start, stop, delete -----------------------------------------------------
  // The RTSP address publishers use, filled in by the server ("" when its RTSP server is off).
  function rtspBase() {
    const meta = document.querySelector('meta[name="streamd-rtsp"]');
    const base = meta ? meta.content : "";
    return base.startsWith("rtsp://") ? base : "";
  }

  function publishCommand(id) {
    const base = rtspBase();
    if (!base) return "";
    const host = base.replace("rtsp://0.0.0.0:", "rtsp://" + location.hostname + ":");
    return "ffmpeg -re -f lavfi -i testsrc=size=1280x720:rate=30 -c:v libx264 -preset veryfast -tune zerolatency -g 60 \\\n       -f rtsp " + host + "/" + id;
  }

  function showPublishCommand(id) {
    const line = publishCommand(id);
    $("publish-line").textContent = line;
    $("publish-line").hidden = line === "";
  }

  $("start-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    const body = { source: form.source.value };
    const pullURL = form.url.value.trim();
    if (body.source === "pull" || pullURL !== "") { body.source = "pull"; body.url = pullURL; }
    for (const name of ["durationSec", "width", "height", "fps"]) {
      const text = form[name].value.trim();
      if (text !== "") body[name] = Number(text);
    }
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    say("Starting…", "info");
    try {
      const s = await authed("POST", "sessions", body);
      if (s.source === "publish") {
        say("Session " + s.session_id + " waits for a publisher: run the command below on the edge device.", "info");
        showPublishCommand(s.session_id);
      } else {
        say("Started " + s.session_id + " (" + s.source + ", " + s.width + "x" + s.height + " at " + s.fps + " fps).", "info");
        $("publish-line").hidden = true;
      }
      await refresh();
    } catch (e) {
      say(e.message, "error");
    } finally {
      submit.disabled = false;
    }
  });

  async function stopSession(id, b) {
    if (b) b.disabled = true;
    say("Stopping " + id + "…", "info");
    try {
      const s = await authed("POST", "sessions/" + encodeURIComponent(id) + "/close");
      say("Stopped " + id + " after " + formatDuration(s.media_duration_sec) + ".", "info");
    } catch (e) {
      say(e.message, "error");
    } finally {
      if (b) b.disabled = false;
      refresh();
    }
  }

  async function deleteSession(id, b) {
    if (!confirm("Delete " + id + " and its files?")) return;
    if (b) b.disabled = true;
    try {
      await authed("DELETE", "sessions/" + encodeURIComponent(id));
      state.older = state.older.filter((s) => s.session_id !== id);
      say("Deleted " + id + ".", "info");
    } catch (e) {
      say(e.message, "error");
      if (b) b.disabled = false;
    }
    refresh();
  }

  // ---- the player --------------------------------------------------------------
  const video = $("video");
  const playerState = $("player-state");
  const nativeHLS = video.canPlayType("application/vnd.apple.mpegurl") !== "" || video.canPlayType("application/x-mpegURL") !== "";
  playerState.dataset.hls = nativeHLS ? "native" : "none";

  function liveEdge() {
    const r = video.seekable;
    return r && r.length ? r.end(r.length - 1) : NaN;
  }
  // Live sessions play live.m3u8, the sliding window: every player (Chromium's native HLS too, which
  // gives an EVENT playlist no seekable range) joins it near the edge. Players that expose the live
  // window can also seek to the edge; a session opened on index.m3u8 switches to the window.
  function playlistFor(id, live) {
    return "./" + encodeURIComponent(id) + "/" + (live ? "live.m3u8" : "index.m3u8");
  }
  function play(id, live) {
    playerState.dataset.playlist = live ? "live.m3u8" : "index.m3u8";
    video.src = withToken(playlistFor(id, live));
    video.load();
    video.play().catch(() => { video.muted = true; video.play().catch(() => {}); });
  }
  function goLive() {
    const p = state.player;
    const end = liveEdge();
    if (isFinite(end)) {
      video.currentTime = Math.max(0, end - 1.5);
    } else if (p && p.session && isLive(p.session) && playerState.dataset.playlist !== "live.m3u8") {
      play(p.id, true);
      return;
    }
    video.play().catch(() => {});
  }
  $("go-live").addEventListener("click", goLive);

  function showPlayerSession(s) {
    const p = state.player;
    if (!p || p.id !== s.session_id) return;
    p.session = s;
    $("player-badge").replaceChildren(badge(s));
    $("go-live").hidden = !isLive(s);
    const facts = [
      s.source + (s.device ? " " + s.device : ""), s.width + "x" + s.height + " @ " + s.fps + " fps",
      "started " + formatTime(s.created_at), formatDuration(s.media_duration_sec) + " of media",
      s.segment_count + " segments", formatBytes(s.bytes),
    ];
    if (s.source_url) facts.push("from " + s.source_url);
    if (s.video_codec) facts.push(s.video_codec + (s.audio_codec ? " + " + s.audio_codec : "") + (s.transcoded ? " (transcoded)" : " (stream copy)"));
    if (s.reconnects) facts.push(s.reconnects + " reconnects");
    if (s.source === "publish" && s.status === "starting" && publishCommand(s.session_id)) facts.push("publish with: " + publishCommand(s.session_id));
    if (s.error) facts.push("error: " + s.error);
    $("player-facts").replaceChildren(...facts.map((t) => { const e = document.createElement("span"); e.textContent = t; return e; }));
    playerState.dataset.status = s.status;
  }

  async function openPlayer(id) {
    state.player = { id, session: null, followEdge: true };
    $("player-title").textContent = id;
    $("player-message").textContent = "";
    $("player-badge").replaceChildren();
    const relative = "./" + encodeURIComponent(id) + "/index.m3u8";
    const absolute = new URL(withToken(relative), location.href).href;
    $("playlist-url").value = absolute;
    $("ffplay-line").textContent = "ffplay '" + absolute + "'\nmpv '" + absolute + "'\nvlc '" + absolute + "'";
    $("no-hls").hidden = nativeHLS;
    video.hidden = !nativeHLS;
    playerState.dataset.currentTime = "0";
    try {
      showPlayerSession(await authed("GET", "sessions/" + encodeURIComponent(id)));
    } catch (e) {
      say(e.message, "error", "player-message");
      if (e.status === 404) return;
    }
    if (nativeHLS && state.player && state.player.id === id) {
      const p = state.player;
      play(id, !!(p.session && isLive(p.session)));
    }
  }

  function closePlayer() {
    state.player = null;
    video.pause();
    video.removeAttribute("src");
    video.load();
  }

  video.addEventListener("loadedmetadata", () => {
    const p = state.player;
    playerState.dataset.readyState = String(video.readyState);
    playerState.dataset.duration = String(video.duration);
    // Live sessions start at the live edge; ended ones from the beginning.
    if (p && p.session && isLive(p.session) && p.followEdge) { p.followEdge = false; goLive(); }
  });
  video.addEventListener("timeupdate", () => {
    playerState.dataset.currentTime = video.currentTime.toFixed(2);
    playerState.dataset.readyState = String(video.readyState);
  });
  video.addEventListener("playing", () => { playerState.dataset.playing = "1"; });
  video.addEventListener("error", () => {
    const err = video.error;
    const text = "The video cannot be played" + (err ? " (" + (err.message || "media error " + err.code) + ")" : "") + ". Try the URL below in VLC, ffplay or mpv.";
    playerState.dataset.error = text;
    say(text, "error", "player-message");
  });

  async function refreshPlayer() {
    const p = state.player;
    if (!p || !p.session || !isLive(p.session)) return;
    try {
      showPlayerSession(await api("GET", "sessions/" + encodeURIComponent(p.id)));
    } catch (_) { /* the list refresh reports connection problems */ }
  }

  $("copy-url").addEventListener("click", async () => {
    const input = $("playlist-url");
    try {
      await navigator.clipboard.writeText(input.value);
      say("Copied.", "info", "player-message");
    } catch (_) {
      input.select();
      say("Press Ctrl+C (⌘C) to copy.", "info", "player-message");
    }
  });

  // ---- routing -----------------------------------------------------------------
  function route() {
    const match = /^#\/play\/(.+)$/.exec(location.hash);
    const app = $("app");
    if (match) {
      const id = decodeURIComponent(match[1]);
      app.dataset.view = "player";
      $("player").hidden = false;
      $("list-view").hidden = true;
      if (!state.player || state.player.id !== id) openPlayer(id);
    } else {
      app.dataset.view = "list";
      $("player").hidden = true;
      $("list-view").hidden = false;
      if (state.player) closePlayer();
      refresh();
    }
  }
  window.addEventListener("hashchange", route);

  const fromURL = new URLSearchParams(location.search).get("token");
  if (fromURL) localStorage.setItem(TOKEN_KEY, fromURL);
  route();
  setInterval(() => {
    if (document.hidden) return;
    if (state.player) refreshPlayer(); else refresh();
  }, REFRESH_MS);
})();
