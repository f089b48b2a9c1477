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
  async function api(method, path, body, raw) {
    const headers = { Accept: raw ? "*/*" : "application/json" };
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
    if (raw && response.ok) return text;
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { /* not JSON: reported below */ }
    if (!response.ok) {
      const err = json && json.error ? json.error : {};
      throw new APIFailure(response.status, err.code || "http_" + response.status, err.message || ("HTTP " + response.status + " " + response.statusText));
    }
    return json;
  }

  // A 401 opens the token form; the request runs again once a token is saved.
  async function authed(method, path, body, raw) {
    try {
      return await api(method, path, body, raw);
    } catch (e) {
      if (e.status !== 401) throw e;
      return new Promise((resolve, reject) => {
        state.pending.push(() => authed(method, path, body, raw).then(resolve, reject));
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

  // ---- several nodes (CONTRACT §12) ---------------------------------------------
  // Another node's files and mutations go straight to that node's public_url (the base of the session's
  // playlist_url): a redirect would drop Authorization, and a redirected DELETE needs two preflights.
  // The page knows its own node from the server; without it (or for this node's sessions) URLs stay relative.
  const thisNode = (() => {
    const meta = document.querySelector('meta[name="streamd-node"]');
    const id = meta ? meta.content : "";
    return id.startsWith("__") ? "" : id;
  })();
  function ownerBase(s) {
    if (!s || !thisNode || !s.node || s.node === thisNode || typeof s.playlist_url !== "string") return "./";
    const tail = "/" + s.session_id + "/index.m3u8";
    const at = s.playlist_url.lastIndexOf(tail);
    try {
      return at > 0 ? new URL(s.playlist_url.slice(0, at + 1)).href : new URL(s.playlist_url).origin + "/";
    } catch (_) {
      return "./";
    }
  }
  const sessionFile = (s, name) => withToken(ownerBase(s) + encodeURIComponent(s.session_id) + "/" + name);
  const sessionAPI = (s, rest) => (ownerBase(s) === "./" ? "" : ownerBase(s)) + "sessions/" + encodeURIComponent(s.session_id) + (rest || "");

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
    img.src = sessionFile(s, "poster.jpg") + (isLive(s) ? (token() ? "&" : "?") + "r=" + Math.floor(Date.now() / 15000) : "");
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
      actions.append(button("Stop", "", "Stop " + s.session_id, (ev) => stopSession(s, ev.currentTarget)));
    } else {
      actions.append(button("Delete", "danger", "Delete " + s.session_id, (ev) => deleteSession(s, ev.currentTarget)));
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
      refreshDevices();
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

  async function stopSession(session, b) {
    const id = session.session_id;
    if (b) b.disabled = true;
    say("Stopping " + id + "…", "info");
    try {
      const s = await authed("POST", sessionAPI(session, "/close"));
      say("Stopped " + id + " after " + formatDuration(s.media_duration_sec) + ".", "info");
    } catch (e) {
      say(e.message, "error");
    } finally {
      if (b) b.disabled = false;
      refresh();
    }
  }

  async function deleteSession(session, b) {
    const id = session.session_id;
    if (!confirm("Delete " + id + " and its files?")) return;
    if (b) b.disabled = true;
    try {
      await authed("DELETE", sessionAPI(session));
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
  // The owner node's URL when the session is known (another node's recording is played from it).
  function playlistFor(id, live) {
    const name = live ? "live.m3u8" : "index.m3u8";
    const p = state.player;
    if (p && p.id === id && p.session) return sessionFile(p.session, name);
    return withToken("./" + encodeURIComponent(id) + "/" + name);
  }
  function play(id, live) {
    playerState.dataset.playlist = live ? "live.m3u8" : "index.m3u8";
    edge.generation++;
    const p = state.player;
    if (live && edge.supported && p && p.id === id && p.session && p.session.video_codec === "h264" && ownerBase(p.session) === "./") {
      playerState.dataset.player = "edge";
      p.followEdge = false;
      playAtEdge(p).catch(() => { if (state.player === p) playNative(id, true); });
      return;
    }
    playNative(id, live);
  }
  function playNative(id, live) {
    playerState.dataset.player = "native";
    video.src = playlistFor(id, live);
    video.load();
    startPlaying();
  }
  function startPlaying() {
    video.play().catch(() => { video.muted = true; video.play().catch(() => {}); });
  }

  // Live sessions at their edge. Chromium's native HLS plays a live window from its third segment
  // from the end, three segments plus the newest one's age behind now (bench/chromium/live-start),
  // and takes no seek or rate change there. Where Media Source Extensions read MPEG-TS (Chromium's
  // do), the page plays a live session itself: the window's newest segment first, then each new one
  // as soon as live.m3u8 lists it (a blocking reload, `_HLS_msn`), appended in sequence; one segment
  // plus its age behind now. Other codecs, and other nodes' sessions (fetch would need CORS there, a
  // video element does not), play natively; so does anything this path fails on.
  const edge = {
    supported: !!(window.MediaSource && MediaSource.isTypeSupported('video/mp2t; codecs="avc1.640028"')),
    generation: 0,
  };
  // The segments of a live window with their media sequence numbers and URLs (with the read token).
  function liveWindow(text, base) {
    const first = parseInt((/^#EXT-X-MEDIA-SEQUENCE:(\d+)/m.exec(text) || [])[1], 10) || 0;
    const segments = parsePlaylist(text).map((segment, n) => {
      let url = new URL(segment.uri, base).href;
      if (token() && !/[?&]token=/.test(url)) url = withToken(url);
      return { url, name: segment.uri.split("?")[0], sequence: first + n };
    });
    return { ended: /^#EXT-X-ENDLIST/m.test(text), segments };
  }
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  async function playAtEdge(p) {
    const generation = edge.generation;
    const current = () => generation === edge.generation && state.player === p;
    const playlist = new URL(playlistFor(p.id, true), location.href);
    const load = async (sequence) => {
      const url = new URL(playlist.href);
      if (sequence !== undefined) url.searchParams.set("_HLS_msn", String(sequence));
      const response = await fetch(url.href, { cache: "no-store" });
      if (!response.ok) throw new Error("live.m3u8: HTTP " + response.status);
      return liveWindow(await response.text(), playlist.href);
    };
    let list = await load();
    if (list.ended || !list.segments.length) throw new Error("no live window");
    const source = new MediaSource();
    video.src = URL.createObjectURL(source);
    await new Promise((resolve) => source.addEventListener("sourceopen", resolve, { once: true }));
    URL.revokeObjectURL(video.src);
    if (!current()) return;
    const codecs = "avc1.640028" + (p.session.audio_codec === "aac" ? ",mp4a.40.2" : "");
    const buffer = source.addSourceBuffer('video/mp2t; codecs="' + codecs + '"');
    // Segments back to back from 0, whatever their timestamps: the picture at currentTime t is t
    // seconds into the first segment appended.
    buffer.mode = "sequence";
    buffer.timestampOffset = 0;
    const settle = () => new Promise((resolve, reject) => {
      const done = (event) => {
        buffer.removeEventListener("updateend", done);
        buffer.removeEventListener("error", done);
        if (event.type === "error") reject(new Error("the segment could not be appended")); else resolve();
      };
      buffer.addEventListener("updateend", done);
      buffer.addEventListener("error", done);
    });
    // A segment that cannot be fetched is retried with the next reload (`undefined`); one the
    // browser cannot append ends this path.
    const append = async (segment) => {
      let data;
      try {
        const response = await fetch(segment.url, { cache: "no-store" });
        if (!response.ok) return undefined;
        data = await response.arrayBuffer();
      } catch (_) {
        return undefined;
      }
      if (!current()) return false;
      // Keep half a minute behind the picture, not the whole session.
      if (buffer.buffered.length && video.currentTime - buffer.buffered.start(0) > 40) {
        buffer.remove(0, video.currentTime - 30);
        await settle();
      }
      buffer.appendBuffer(data);
      await settle();
      return current();
    };
    const newest = list.segments[list.segments.length - 1];
    playerState.dataset.edgeStart = newest.name;
    const first = await append(newest);
    if (first === undefined) throw new Error(newest.name + " could not be fetched");
    if (!first) return;
    startPlaying();
    let last = newest.sequence;
    let failed = false;
    while (current()) {
      // After a failure (the server restarting, a network blip), a plain reload first: the blocking
      // one is refused for a sequence number the playlist no longer leads up to.
      list = await load(failed ? undefined : last + 1).catch(() => null);
      failed = !list;
      for (const segment of list ? list.segments : []) {
        if (segment.sequence <= last) continue;
        const appended = await append(segment);
        if (appended === undefined) { failed = true; break; }
        if (!appended) return;
        last = segment.sequence;
      }
      if (failed) {
        await pause(1000);
        continue;
      }
      if (list.ended) {
        if (current() && source.readyState === "open") source.endOfStream();
        return;
      }
    }
  }

  function goLive() {
    const p = state.player;
    if (playerState.dataset.player === "edge" && video.buffered.length) {
      video.currentTime = Math.max(video.buffered.start(0), video.buffered.end(video.buffered.length - 1) - 1.5);
      startPlaying();
      return;
    }
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
    let playlist = withToken("./" + encodeURIComponent(id) + "/index.m3u8");
    const showURL = () => {
      const absolute = new URL(playlist, location.href).href;
      $("playlist-url").value = absolute;
      $("ffplay-line").textContent = "ffplay '" + absolute + "'\nmpv '" + absolute + "'\nvlc '" + absolute + "'";
    };
    showURL();
    $("no-hls").hidden = nativeHLS;
    video.hidden = !nativeHLS;
    playerState.dataset.currentTime = "0";
    try {
      const s = await authed("GET", "sessions/" + encodeURIComponent(id));
      playlist = sessionFile(s, "index.m3u8");
      showURL();
      showPlayerSession(s);
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
    edge.generation++;
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
  const waitingForLive = "Waiting for the live session…";
  video.addEventListener("playing", () => {
    playerState.dataset.playing = "1";
    if ($("player-message").textContent === waitingForLive) say("", "info", "player-message");
  });
  video.addEventListener("error", () => {
    // Chromium's native HLS fails on a live window of fewer than three segments (a session's first
    // seconds: DEMUXER_ERROR_COULD_NOT_PARSE) and plays it once it holds three, so a live session
    // that plays natively is loaded again after a second, a few times, before the error is shown.
    const p = state.player;
    if (p && p.session && isLive(p.session) && playerState.dataset.player === "native" && (p.nativeRetries || 0) < 5) {
      p.nativeRetries = (p.nativeRetries || 0) + 1;
      say(waitingForLive, "info", "player-message");
      pause(1000).then(() => { if (state.player === p) playNative(p.id, true); });
      return;
    }
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

  // ---- shared: playlists, times, colours -----------------------------------------
  const enc = encodeURIComponent;
  const pad2 = (x) => String(x).padStart(2, "0");
  const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
  function clockTime(ms, seconds) {
    const d = new Date(ms);
    return pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + (seconds ? ":" + pad2(d.getSeconds()) : "");
  }
  const isoTime = (ms) => new Date(ms).toISOString();
  function startOfDay(ms) { const d = new Date(ms); d.setHours(0, 0, 0, 0); return d.getTime(); }
  // Calendar days, not 24 h: a day with a daylight-saving change has 23 or 25 hours.
  function addDays(ms, n) { const d = new Date(ms); d.setDate(d.getDate() + n); d.setHours(0, 0, 0, 0); return d.getTime(); }
  function dateValue(ms) { const d = new Date(ms); return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()); }
  function localInputValue(ms) { const d = new Date(ms); return dateValue(ms) + "T" + pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + ":" + pad2(d.getSeconds()); }

  // A label always gets the same colour, on every page and every day.
  const FIXED_COLOURS = { motion: "#e0a800", person: "#d92378", car: "#2fa6c9", vehicle: "#2fa6c9" };
  function labelColour(label) {
    if (FIXED_COLOURS[label]) return FIXED_COLOURS[label];
    let h = 0;
    for (const c of label) h = (h * 31 + c.codePointAt(0)) >>> 0;
    return "hsl(" + (h % 360) + " 70% 48%)";
  }

  // A media playlist's segments on the wall clock: every segment of a device playlist carries its
  // PROGRAM-DATE-TIME, so a media time maps to the moment it shows and back.
  function parsePlaylist(text) {
    const segments = [];
    let pdt = NaN, duration = NaN, at = 0;
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) pdt = Date.parse(line.slice(25));
      else if (line.startsWith("#EXTINF:")) duration = parseFloat(line.slice(8));
      else if (line && !line.startsWith("#")) {
        if (duration >= 0) {
          if (isNaN(pdt) && segments.length) { const p = segments[segments.length - 1]; pdt = p.pdt + p.duration * 1000; }
          segments.push({ pdt, duration, at, uri: line });
          at += duration;
        }
        pdt = NaN; duration = NaN;
      }
    }
    return segments;
  }
  function wallAt(segments, mediaTime) {
    let seg = null;
    for (const s of segments) { if (s.at <= mediaTime + 1e-6) seg = s; else break; }
    return seg && !isNaN(seg.pdt) ? seg.pdt + (mediaTime - seg.at) * 1000 : NaN;
  }
  function mediaAt(segments, wall) {
    for (const s of segments) {
      if (wall < s.pdt) return s.at;  // in a gap: the next recorded moment
      if (wall < s.pdt + s.duration * 1000) return s.at + (wall - s.pdt) / 1000;
    }
    return segments.length ? segments[segments.length - 1].at : 0;
  }

  // A video element playing an HLS playlist from a wall-clock moment; its state mirrored into an
  // <output>'s data attributes (currentTime, readyState, wall, error) for people's tools and tests.
  function wallClockPlayer(videoEl, stateEl, messageId, onTime) {
    const p = { segments: [], seekTo: 0, token: 0 };
    videoEl.addEventListener("loadedmetadata", () => {
      stateEl.dataset.readyState = String(videoEl.readyState);
      if (p.seekTo > 0.3) videoEl.currentTime = p.seekTo;
      p.seekTo = 0;
    });
    videoEl.addEventListener("timeupdate", () => {
      stateEl.dataset.currentTime = videoEl.currentTime.toFixed(2);
      stateEl.dataset.readyState = String(videoEl.readyState);
      const wall = wallAt(p.segments, videoEl.currentTime);
      stateEl.dataset.wall = isNaN(wall) ? "" : isoTime(wall);
      if (onTime) onTime(wall);
    });
    videoEl.addEventListener("playing", () => { stateEl.dataset.playing = "1"; });
    videoEl.addEventListener("error", () => {
      if (!videoEl.getAttribute("src")) return;
      const err = videoEl.error;
      const text = "The video cannot be played" + (err ? " (" + (err.message || "media error " + err.code) + ")" : "") + ".";
      stateEl.dataset.error = text;
      say(text, "error", messageId);
    });
    p.play = async (playlistPath, wall) => {
      const token = ++p.token;
      delete stateEl.dataset.error;
      delete stateEl.dataset.playing;
      stateEl.dataset.currentTime = "0";
      if (!nativeHLS) { say("This browser cannot play HLS by itself; open the playlist in VLC, ffplay or mpv: " + new URL(withToken(playlistPath), location.href).href, "error", messageId); return false; }
      let text;
      try {
        text = await authed("GET", playlistPath, undefined, true);
      } catch (e) {
        if (token === p.token) say(e.message, "error", messageId);
        return false;
      }
      if (token !== p.token) return false;
      p.segments = parsePlaylist(text);
      if (!p.segments.length) { say("Nothing is recorded there.", "info", messageId); return false; }
      p.seekTo = mediaAt(p.segments, wall);
      stateEl.dataset.src = playlistPath;
      stateEl.dataset.seekTo = p.seekTo.toFixed(2);
      videoEl.hidden = false;
      videoEl.src = withToken(playlistPath);
      videoEl.load();
      videoEl.play().catch(() => { videoEl.muted = true; videoEl.play().catch(() => {}); });
      return true;
    };
    p.stop = () => {
      p.token++;
      p.segments = [];
      videoEl.pause();
      videoEl.removeAttribute("src");
      videoEl.load();
    };
    return p;
  }

  // ---- the device view: a day timeline ---------------------------------------------
  const MIN_VIEW = 60 * 1000;
  const TICKS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600].map((s) => s * 1000);
  const dev = {
    id: null, summary: null, day: 0, dayEnd: 0, viewStart: 0, viewSpan: 0, spans: [], detections: [],
    cursor: 0, selection: null, drag: null, load: 0, hoverAt: NaN, sessions: new Map(), playhead: NaN,
  };
  const timeline = $("timeline");
  const track = $("tl-track");
  const deviceState = $("device-state");
  const devicePlayer = wallClockPlayer($("device-video"), deviceState, "device-message", (wall) => {
    dev.playhead = wall;
    renderPlayhead();
  });

  const xOf = (t) => (t - dev.viewStart) / dev.viewSpan * 100;
  function timeAt(clientX) {
    const r = track.getBoundingClientRect();
    return clamp(dev.viewStart + (clientX - r.left) / r.width * dev.viewSpan, dev.day, dev.dayEnd);
  }
  const spanAt = (t) => dev.spans.find((s) => s.start <= t && t < s.end);
  function zoomText(ms) {
    if (ms >= 3600e3) { const h = ms / 3600e3; return (Number.isInteger(h) ? h : h.toFixed(1)) + " h"; }
    const m = ms / 60e3;
    return (Number.isInteger(m) ? m : m.toFixed(1)) + " min";
  }

  function place(el, from, to) {
    const left = clamp(xOf(from), 0, 100), right = clamp(xOf(to), 0, 100);
    el.style.left = left + "%";
    el.style.width = (right - left) + "%";
  }

  function renderTimeline() {
    if (!dev.id) return;
    const from = dev.viewStart, to = dev.viewStart + dev.viewSpan;
    const spans = [];
    for (const s of dev.spans) {
      if (s.end <= from || s.start >= to) continue;
      const el = document.createElement("div");
      el.className = "tl-span";
      el.dataset.sessionId = s.session_id;
      el.dataset.start = isoTime(s.start);
      el.dataset.end = isoTime(s.end);
      el.title = clockTime(s.start, true) + " – " + clockTime(s.end, true) + " · " + s.session_id;
      place(el, s.start, s.end);
      spans.push(el);
    }
    $("tl-spans").replaceChildren(...spans);
    const marks = [];
    for (const d of dev.detections) {
      if (d.ts < from || d.ts > to) continue;
      const el = document.createElement("div");
      el.className = "tl-mark";
      el.dataset.label = d.label;
      el.style.left = xOf(d.ts) + "%";
      el.style.background = labelColour(d.label);
      el.title = d.label + " " + Math.round(d.confidence * 100) + "% at " + clockTime(d.ts, true);
      marks.push(el);
    }
    $("tl-marks").replaceChildren(...marks);
    // Ticks: the finest step that keeps about ten labels, on whole local hours / minutes / seconds.
    const width = track.clientWidth, most = clamp(Math.floor((width || 900) / 90), 2, 10);
    const step = TICKS.find((s) => dev.viewSpan / s <= most) || TICKS[TICKS.length - 1];
    const ticks = [], half = step < 60e3 ? 30 : 20;
    for (let t = dev.day + Math.ceil((from - dev.day) / step) * step; t <= to; t += step) {
      // A label that would stick out at either end is left out rather than cut.
      const x = xOf(t) / 100 * width;
      if (width && (x < half || x > width - half)) continue;
      const el = document.createElement("span");
      el.className = "tl-tick";
      el.style.left = xOf(t) + "%";
      el.textContent = clockTime(t, step < 60e3);
      ticks.push(el);
    }
    $("tl-axis").replaceChildren(...ticks);
    $("zoom-label").textContent = zoomText(dev.viewSpan);
    $("zoom-in").disabled = dev.viewSpan <= MIN_VIEW;
    $("zoom-out").disabled = dev.viewSpan >= dev.dayEnd - dev.day;
    $("day-input").value = dateValue(dev.day);
    $("day-next").disabled = dev.dayEnd > Date.now();
    const labels = [...new Set(dev.detections.map((d) => d.label))].sort();
    $("tl-legend").replaceChildren(...labels.map((l) => {
      const el = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = labelColour(l);
      el.append(swatch, l + " (" + dev.detections.filter((d) => d.label === l).length + ")");
      return el;
    }));
    timeline.dataset.spans = String(dev.spans.length);
    timeline.dataset.viewFrom = isoTime(from);
    timeline.dataset.viewTo = isoTime(to);
    renderCursor();
    renderSelection();
    renderPlayhead();
  }

  function renderCursor() {
    const c = $("tl-cursor");
    c.hidden = dev.cursor < dev.viewStart || dev.cursor > dev.viewStart + dev.viewSpan;
    c.style.left = xOf(dev.cursor) + "%";
    const secs = Math.round((dev.cursor - dev.day) / 1000);
    timeline.setAttribute("aria-valuemax", String(Math.round((dev.dayEnd - dev.day) / 1000)));
    timeline.setAttribute("aria-valuenow", String(secs));
    timeline.setAttribute("aria-valuetext", clockTime(dev.cursor, true) + (spanAt(dev.cursor) ? ", recorded" : ", nothing recorded"));
  }
  function renderPlayhead() {
    const el = $("tl-playhead");
    el.hidden = isNaN(dev.playhead) || dev.playhead < dev.viewStart || dev.playhead > dev.viewStart + dev.viewSpan;
    if (!el.hidden) el.style.left = xOf(dev.playhead) + "%";
  }
  function renderSelection() {
    const sel = dev.selection, el = $("tl-selection");
    el.hidden = !sel;
    if (sel) place(el, sel.from, sel.to);
    $("export").disabled = !sel || sel.to - sel.from < 1000;
    $("clear-selection").disabled = !sel;
    $("selection-text").textContent = sel
      ? "Selected " + clockTime(sel.from, true) + " – " + clockTime(sel.to, true) + " (" + formatDuration((sel.to - sel.from) / 1000) + ")"
      : "No range selected.";
  }

  function setView(start, span) {
    const length = dev.dayEnd - dev.day;
    dev.viewSpan = clamp(span, MIN_VIEW, length);
    dev.viewStart = clamp(start, dev.day, dev.dayEnd - dev.viewSpan);
    renderTimeline();
  }
  function zoom(factor, anchor) {
    const visible = anchor >= dev.viewStart && anchor <= dev.viewStart + dev.viewSpan;
    const at = visible ? anchor : dev.viewStart + dev.viewSpan / 2;
    const rel = (at - dev.viewStart) / dev.viewSpan;
    const span = clamp(dev.viewSpan * factor, MIN_VIEW, dev.dayEnd - dev.day);
    setView(at - rel * span, span);
  }
  // The recorded part of the day, with a little room on each side.
  function fit() {
    if (!dev.spans.length) return setView(dev.day, dev.dayEnd - dev.day);
    const from = Math.min(...dev.spans.map((s) => s.start)), to = Math.max(...dev.spans.map((s) => s.end));
    const span = Math.max(MIN_VIEW, (to - from) * 1.1 + 10e3);
    setView((from + to) / 2 - span / 2, span);
  }
  function moveCursor(t) {
    dev.cursor = clamp(t, dev.day, dev.dayEnd - 1);
    if (dev.cursor < dev.viewStart) setView(dev.cursor - dev.viewSpan * 0.1, dev.viewSpan);
    else if (dev.cursor > dev.viewStart + dev.viewSpan) setView(dev.cursor - dev.viewSpan * 0.9, dev.viewSpan);
    else renderCursor();
  }

  async function openDevice(id) {
    dev.id = id;
    dev.sessions.clear();
    dev.selection = null;
    dev.playhead = NaN;
    $("device-title").textContent = id;
    $("device-message").textContent = "";
    devicePlayer.stop();
    $("device-video").hidden = true;
    let last = Date.now();
    try {
      const list = await authed("GET", "devices");
      dev.summary = (list.devices || []).find((d) => d.device_id === id) || null;
      if (dev.summary && dev.summary.last_at && !dev.summary.recording) last = Date.parse(dev.summary.last_at);
    } catch (e) {
      say(e.message, "error", "device-message");
    }
    if (dev.id !== id) return;
    await showDay(last, true);
  }

  async function showDay(ms, fitView) {
    dev.day = startOfDay(ms);
    dev.dayEnd = addDays(dev.day, 1);
    dev.viewStart = dev.day;
    dev.viewSpan = dev.dayEnd - dev.day;
    dev.cursor = clamp(dev.cursor, dev.day, dev.dayEnd - 1);
    if (dev.cursor === dev.day || dev.cursor === dev.dayEnd - 1) dev.cursor = Math.min(Date.now(), dev.dayEnd - 1);
    dev.selection = null;
    renderTimeline();
    await loadTimeline();
    if (fitView) fit();
  }

  async function loadTimeline(quiet) {
    const id = dev.id, load = ++dev.load;
    try {
      const tl = await (quiet ? api : authed)("GET", "devices/" + enc(id) + "/timeline?from=" + enc(isoTime(dev.day)) + "&to=" + enc(isoTime(dev.dayEnd)));
      if (load !== dev.load || id !== dev.id) return;
      dev.spans = (tl.spans || []).map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end), session_id: s.session_id }));
      dev.detections = (tl.detections || []).map((d) => ({ ts: Date.parse(d.ts), label: String(d.label), confidence: Number(d.confidence) || 0, session_id: d.session_id }));
      timeline.dataset.loaded = "1";
      if (!quiet) say(dev.spans.length ? "" : "Nothing recorded on " + dateValue(dev.day) + ".", "info", "device-message");
      renderTimeline();
    } catch (e) {
      if (!quiet && load === dev.load) say(e.message, "error", "device-message");
    }
  }

  // Today's timeline grows while the device records; whether it records decides live or VOD playback.
  async function refreshDevice() {
    if (!dev.id || Date.now() >= dev.dayEnd + 60e3 || dev.drag) return;
    const id = dev.id;
    try {
      const list = await api("GET", "devices");
      if (dev.id === id) dev.summary = (list.devices || []).find((d) => d.device_id === id) || dev.summary;
    } catch (_) { /* the timeline below reports nothing either: quiet */ }
    await loadTimeline(true);
  }

  // Click (or Enter) at a moment: the device playlist from there. A moment in a gap plays from the next
  // recording. While the device records and the moment is recent, the playlist is live (no `to`).
  async function playDeviceAt(t) {
    const span = spanAt(t) || dev.spans.find((s) => s.start > t);
    if (!span) { say("Nothing recorded after " + clockTime(t, true) + " on this day.", "info", "device-message"); return; }
    t = Math.max(t, span.start);
    moveCursor(t);
    const live = dev.summary && dev.summary.recording && Date.now() - t < 3600e3;
    const to = live ? "" : "&to=" + enc(isoTime(Math.min(Date.now(), t + 6 * 3600e3, dev.dayEnd)));
    say("Playing from " + clockTime(t, true) + ".", "info", "device-message");
    deviceState.dataset.requested = isoTime(t);
    await devicePlayer.play("devices/" + enc(dev.id) + "/index.m3u8?from=" + enc(isoTime(t)) + to, t);
  }

  // ---- hover thumbnails: the session's thumbnails.vtt cue at the moment's media offset ----
  function sessionInfo(id) {
    const cached = dev.sessions.get(id);
    if (cached && !(cached.live && Date.now() - cached.at > 10e3)) return cached.promise;
    const entry = { at: Date.now(), live: false };
    entry.promise = (async () => {
      const s = await api("GET", "sessions/" + enc(id));
      entry.live = isLive(s);
      const segs = await api("GET", "sessions/" + enc(id) + "/segments");
      let at = 0;
      const segments = (segs.segments || []).map((g) => { const x = { pdt: Date.parse(g.starts_at), duration: g.duration_sec, at }; at += g.duration_sec; return x; });
      const base = ownerBase(s);
      let cues = [];
      try {
        const vtt = await api("GET", (base === "./" ? "" : base) + "sessions/" + enc(id) + "/thumbnails.vtt", undefined, true);
        cues = parseVTT(vtt, base, id);
      } catch (_) { /* no thumbnails (yet, or not on this version): no picture on hover */ }
      return { session: s, segments, cues };
    })().catch(() => null);
    dev.sessions.set(id, entry);
    return entry.promise;
  }

  function vttTime(text) {
    const parts = text.trim().split(":").map(Number);
    return parts.reduce((acc, p) => acc * 60 + p, 0);
  }
  function parseVTT(text, base, id) {
    const cues = [];
    for (const block of text.split(/\r?\n\r?\n/)) {
      const lines = block.split(/\r?\n/).filter((l) => l.trim() !== "");
      const at = lines.findIndex((l) => l.includes("-->"));
      if (at < 0 || at + 1 >= lines.length) continue;
      const [a, b] = lines[at].split("-->");
      const ref = lines[at + 1].trim();
      const hash = ref.indexOf("#xywh=");
      if (hash < 0) continue;
      const [x, y, w, h] = ref.slice(hash + 6).split(",").map(Number);
      let file = ref.slice(0, hash);
      // "/<id>/thumbnails-0.jpg" is rooted at the owner's base; a bare name sits beside the recording.
      if (/^[a-z]+:/i.test(file)) { /* absolute URL: as given */ }
      else if (file.startsWith("/")) file = base + file.slice(1);
      else file = base + enc(id) + "/" + file;
      cues.push({ start: vttTime(a), end: vttTime(b.trim().split(/\s/)[0]), url: withToken(file), x, y, w, h });
    }
    return cues;
  }

  async function showHover(t, clientX) {
    const hover = $("tl-hover"), thumb = $("tl-thumb");
    const r = timeline.getBoundingClientRect();
    hover.hidden = false;
    $("tl-hover-time").textContent = clockTime(t, true);
    hover.style.left = clamp(clientX - r.left, 0, r.width) + "px";
    hover.classList.toggle("flip", clientX - r.left > r.width - 100);
    hover.classList.toggle("flop", clientX - r.left < 100);
    dev.hoverAt = t;
    const span = spanAt(t);
    if (!span) { thumb.hidden = true; hover.dataset.thumb = ""; return; }
    const info = await sessionInfo(span.session_id);
    if (dev.hoverAt !== t) return;
    const offset = info ? mediaAt(info.segments, t) : NaN;
    const cue = info && info.cues.find((c) => c.start <= offset && offset < c.end) || (info && info.cues.length && offset >= info.cues[info.cues.length - 1].start ? info.cues[info.cues.length - 1] : null);
    if (!cue) { thumb.hidden = true; hover.dataset.thumb = ""; return; }
    thumb.hidden = false;
    thumb.style.width = cue.w + "px";
    thumb.style.height = cue.h + "px";
    thumb.style.backgroundImage = 'url("' + cue.url.replace(/["\\\n]/g, encodeURIComponent) + '")';
    thumb.style.backgroundPosition = (-cue.x) + "px " + (-cue.y) + "px";
    hover.dataset.thumb = cue.url + "#xywh=" + [cue.x, cue.y, cue.w, cue.h].join(",");
  }
  function hideHover() { dev.hoverAt = NaN; $("tl-hover").hidden = true; }

  // ---- pointer, wheel and keys on the timeline ----
  timeline.addEventListener("pointerdown", (ev) => {
    if (ev.button !== 0 || !dev.id) return;
    ev.preventDefault();
    timeline.focus();
    try { timeline.setPointerCapture(ev.pointerId); } catch (_) { /* a pointer the browser no longer tracks */ }
    dev.drag = { x: ev.clientX, t: timeAt(ev.clientX), moved: false };
  });
  timeline.addEventListener("pointermove", (ev) => {
    if (!dev.id) return;
    const t = timeAt(ev.clientX);
    if (dev.drag) {
      if (!dev.drag.moved && Math.abs(ev.clientX - dev.drag.x) > 4) dev.drag.moved = true;
      if (dev.drag.moved) {
        dev.selection = { from: Math.min(dev.drag.t, t), to: Math.max(dev.drag.t, t) };
        renderSelection();
      }
    }
    if (ev.pointerType !== "touch") showHover(t, ev.clientX);
  });
  timeline.addEventListener("pointerup", (ev) => {
    const drag = dev.drag;
    dev.drag = null;
    if (!drag) return;
    if (!drag.moved) playDeviceAt(timeAt(ev.clientX));
    else renderSelection();
  });
  timeline.addEventListener("pointercancel", () => { dev.drag = null; });
  timeline.addEventListener("pointerleave", () => { if (!dev.drag) hideHover(); });
  timeline.addEventListener("wheel", (ev) => {
    if (!dev.id) return;
    ev.preventDefault();
    if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY) || ev.shiftKey) {
      const d = Math.abs(ev.deltaX) > Math.abs(ev.deltaY) ? ev.deltaX : ev.deltaY;
      setView(dev.viewStart + d / track.getBoundingClientRect().width * dev.viewSpan, dev.viewSpan);
    } else if (ev.deltaY !== 0) {
      zoom(ev.deltaY > 0 ? 1.25 : 0.8, timeAt(ev.clientX));
    }
  }, { passive: false });
  timeline.addEventListener("keydown", (ev) => {
    if (!dev.id || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const step = Math.max(1000, dev.viewSpan / 100) * (ev.shiftKey ? 10 : 1);
    const key = ev.key;
    if (key === "ArrowLeft" || key === "ArrowRight") moveCursor(dev.cursor + (key === "ArrowLeft" ? -step : step));
    else if (key === "Home") moveCursor(dev.spans.length ? dev.spans[0].start : dev.day);
    else if (key === "End") moveCursor(dev.spans.length ? dev.spans[dev.spans.length - 1].end - 1000 : dev.dayEnd - 1);
    else if (key === "Enter" || key === " ") playDeviceAt(dev.cursor);
    else if (key === "+" || key === "=") zoom(0.5, dev.cursor);
    else if (key === "-" || key === "_") zoom(2, dev.cursor);
    else if (key === "[" || key === "]") {
      const other = dev.selection ? (key === "[" ? dev.selection.to : dev.selection.from) : dev.cursor;
      dev.selection = { from: Math.min(other, dev.cursor), to: Math.max(other, dev.cursor) };
      renderSelection();
    } else if (key === "PageUp") showDay(addDays(dev.day, -1), true);
    else if (key === "PageDown") { if (dev.dayEnd <= Date.now()) showDay(dev.dayEnd, true); }
    else return;
    ev.preventDefault();
    if (key.startsWith("Arrow") || key === "Home" || key === "End") {
      const r = track.getBoundingClientRect();
      showHover(dev.cursor, r.left + xOf(dev.cursor) / 100 * r.width);
    }
  });
  timeline.addEventListener("blur", hideHover);

  $("zoom-in").addEventListener("click", () => zoom(0.5, dev.cursor));
  $("zoom-out").addEventListener("click", () => zoom(2, dev.cursor));
  $("zoom-fit").addEventListener("click", fit);
  $("zoom-day").addEventListener("click", () => setView(dev.day, dev.dayEnd - dev.day));
  $("day-prev").addEventListener("click", () => showDay(addDays(dev.day, -1), true));
  $("day-next").addEventListener("click", () => showDay(dev.dayEnd, true));
  $("day-input").addEventListener("change", (ev) => {
    const [y, m, d] = ev.currentTarget.value.split("-").map(Number);
    if (y && m && d) showDay(new Date(y, m - 1, d).getTime(), true);
  });
  $("clear-selection").addEventListener("click", () => { dev.selection = null; renderSelection(); });

  // Export: ask for the first byte (the server remuxes, or finds the cached file), so a range with no
  // recording reads as a sentence rather than a failed download; then download it with the token in the URL.
  $("export").addEventListener("click", async (ev) => {
    const sel = dev.selection, b = ev.currentTarget;
    if (!sel) return;
    const path = "devices/" + enc(dev.id) + "/export.mp4?from=" + enc(isoTime(sel.from)) + "&to=" + enc(isoTime(sel.to));
    b.disabled = true;
    say("Preparing the MP4 of " + clockTime(sel.from, true) + " – " + clockTime(sel.to, true) + "…", "info", "device-message");
    const abort = new AbortController();
    try {
      const headers = { Range: "bytes=0-0" };
      if (token()) headers.Authorization = "Bearer " + token();
      const response = await fetch(path, { headers, signal: abort.signal, cache: "no-store" });
      if (!response.ok) {
        let message = "HTTP " + response.status;
        try { const j = await response.json(); if (j.error) message = j.error.message; } catch (_) { /* not JSON */ }
        if (response.status === 401) askToken(message);
        throw new Error(message);
      }
      const range = response.headers.get("Content-Range") || "";
      const total = range.includes("/") ? Number(range.split("/")[1]) : Number(response.headers.get("Content-Length"));
      deviceState.dataset.export = response.status + " " + (response.headers.get("Content-Type") || "") + " " + total;
      abort.abort();
      const a = document.createElement("a");
      a.href = withToken(path);
      a.download = "";
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      deviceState.dataset.exportUrl = path;
      say("Exported " + formatDuration((sel.to - sel.from) / 1000) + " (" + formatBytes(total) + ").", "info", "device-message");
    } catch (e) {
      deviceState.dataset.exportError = e.message;
      say("Cannot export: " + e.message, "error", "device-message");
    } finally {
      b.disabled = false;
    }
  });

  // ---- the devices list on the home view ----
  let devicesShown = "";
  async function refreshDevices() {
    let list;
    try { list = await api("GET", "devices"); } catch (_) { return; }
    const devices = list.devices || [];
    const key = JSON.stringify(devices);
    if (key === devicesShown) return;
    devicesShown = key;
    $("devices-panel").hidden = devices.length === 0;
    $("devices").replaceChildren(...devices.map((d) => {
      const li = document.createElement("li");
      li.dataset.deviceId = d.device_id;
      const a = document.createElement("a");
      a.href = "#/device/" + enc(d.device_id);
      a.textContent = d.device_id;
      a.setAttribute("aria-label", "Timeline of " + d.device_id);
      li.append(a);
      if (d.recording) li.append(badge({ status: "recording" }));
      const facts = document.createElement("span");
      facts.className = "device-facts";
      facts.textContent = d.sessions + (d.sessions === 1 ? " session" : " sessions") + " · " + formatDuration(d.media_sec) + " · " + formatBytes(d.bytes) + (d.last_at ? " · last " + formatTime(d.last_at) : "");
      li.append(facts);
      return li;
    }));
    $("device-names").replaceChildren(...devices.map((d) => { const o = document.createElement("option"); o.value = d.device_id; return o; }));
  }

  // ---- detection search ------------------------------------------------------------
  const SEARCH_FIELDS = ["label", "deviceId", "from", "to", "minConfidence"];
  const search = { params: null, next: null, items: [], playing: null, load: 0 };
  const searchVideo = $("search-video");
  const searchState = $("search-state");
  const bbox = $("bbox");
  const searchPlayer = wallClockPlayer(searchVideo, searchState, "search-message", () => placeBox());

  // The box is drawn while playback is within this many milliseconds of the detection.
  const BOX_WINDOW = 2000;
  function placeBox() {
    const d = search.playing;
    const wall = wallAt(searchPlayer.segments, searchVideo.currentTime);
    const show = !!(d && d.bbox && searchVideo.videoWidth && Math.abs(wall - Date.parse(d.ts)) <= BOX_WINDOW);
    bbox.hidden = !show;
    searchState.dataset.bbox = show ? "visible" : "hidden";
    if (!show) return;
    // The picture inside the element: letterboxed ("object-fit: contain", the default), centred.
    const vw = searchVideo.videoWidth, vh = searchVideo.videoHeight;
    const ew = searchVideo.clientWidth, eh = searchVideo.clientHeight;
    const scale = Math.min(ew / vw, eh / vh), cw = vw * scale, ch = vh * scale;
    const left = searchVideo.offsetLeft + (ew - cw) / 2, top = searchVideo.offsetTop + (eh - ch) / 2;
    bbox.style.left = (left + d.bbox.x * cw) + "px";
    bbox.style.top = (top + d.bbox.y * ch) + "px";
    bbox.style.width = (d.bbox.w * cw) + "px";
    bbox.style.height = (d.bbox.h * ch) + "px";
    bbox.style.borderColor = labelColour(d.label);
    $("bbox-label").style.background = labelColour(d.label);
  }
  window.addEventListener("resize", () => { if (search.playing) placeBox(); });
  searchVideo.addEventListener("loadeddata", placeBox);
  searchVideo.addEventListener("seeked", placeBox);

  // The device playlist around the detection, asked of this node (any node answers it, §12), whatever
  // public URL the server wrote into playback_url.
  function playbackPath(d) {
    if (typeof d.playback_url === "string") {
      try {
        const u = new URL(d.playback_url, location.href);
        const at = u.pathname.indexOf("/devices/");
        if (at >= 0) return u.pathname.slice(at + 1) + u.search;
      } catch (_) { /* made below */ }
    }
    const ts = Date.parse(d.ts);
    return "devices/" + enc(d.device_id) + "/index.m3u8?from=" + enc(isoTime(ts - 5000)) + "&to=" + enc(isoTime(ts + 10000));
  }

  async function playDetection(d, li) {
    for (const el of $("search-results").children) el.classList.toggle("current", el === li);
    search.playing = d;
    bbox.hidden = true;
    $("bbox-label").textContent = d.label + " " + Math.round(d.confidence * 100) + "%";
    $("search-player").hidden = false;
    $("search-playing").textContent = d.label + " on " + d.device_id + " at " + formatTime(d.ts) + " (from 5 s before)";
    searchState.dataset.detection = d.id;
    searchState.dataset.bbox = "hidden";
    say("", "info", "search-message");
    await searchPlayer.play(playbackPath(d), Date.parse(d.ts) - 5000);
  }

  function resultItem(d) {
    const li = document.createElement("li");
    li.className = "result";
    li.dataset.id = d.id;
    li.dataset.sessionId = d.session_id;
    const play = document.createElement("button");
    play.type = "button";
    play.className = "result-play";
    play.setAttribute("aria-label", "Play " + d.label + " on " + d.device_id + " at " + formatTime(d.ts));
    const swatch = document.createElement("i");
    swatch.className = "swatch";
    swatch.style.background = labelColour(d.label);
    const label = document.createElement("strong");
    label.textContent = d.label;
    const conf = document.createElement("span");
    conf.className = "num";
    conf.textContent = Math.round(d.confidence * 100) + "%";
    const when = document.createElement("span");
    when.className = "num";
    when.textContent = formatTime(d.ts);
    const device = document.createElement("span");
    device.className = "result-device";
    device.textContent = d.device_id;
    play.append(swatch, label, conf, when, device);
    play.addEventListener("click", () => playDetection(d, li));
    const link = document.createElement("a");
    link.href = "#/device/" + enc(d.device_id);
    link.textContent = "Timeline";
    link.setAttribute("aria-label", "Timeline of " + d.device_id);
    li.append(play, link);
    return li;
  }

  function searchQuery() {
    const q = new URLSearchParams();
    for (const name of SEARCH_FIELDS) {
      const v = search.params.get(name);
      if (v) q.set(name, v);
    }
    q.set("limit", "50");
    return q;
  }

  async function runSearch(more) {
    const load = ++search.load;
    const q = searchQuery();
    if (more) q.set("before", search.next);
    $("search-more").disabled = true;
    try {
      const page = await authed("GET", "detections?" + q.toString());
      if (load !== search.load) return;
      const items = page.detections || [];
      search.items = more ? search.items.concat(items) : items;
      search.next = page.next_before || null;
      const list = $("search-results");
      if (more) list.append(...items.map(resultItem)); else list.replaceChildren(...items.map(resultItem));
      $("search-empty").hidden = search.items.length > 0;
      $("search-more").hidden = !search.next;
      $("search-results").dataset.count = String(search.items.length);
      say(search.items.length ? search.items.length + (search.next ? "+" : "") + " detections." : "", "info", "search-message");
    } catch (e) {
      if (load === search.load) say(e.message, "error", "search-message");
    } finally {
      $("search-more").disabled = false;
    }
  }
  $("search-more").addEventListener("click", () => runSearch(true));

  // The query lives in the address (#/search?label=person&…), so a search can be bookmarked and shared.
  function openSearch(query) {
    search.params = new URLSearchParams(query);
    const form = $("search-form");
    for (const name of SEARCH_FIELDS) {
      const v = search.params.get(name) || "";
      if (name === "from" || name === "to") {
        const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
        form[name].value = v && !isNaN(t) ? localInputValue(t) : "";
      } else {
        form[name].value = v;
      }
    }
    refreshDevices();
    runSearch(false);
  }
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget, q = new URLSearchParams();
    for (const name of SEARCH_FIELDS) {
      let v = form[name].value.trim();
      if (!v) continue;
      if (name === "from" || name === "to") {
        const t = new Date(v).getTime();
        if (isNaN(t)) continue;
        v = isoTime(t);
      }
      q.set(name, v);
    }
    const hash = "#/search" + (q.toString() ? "?" + q.toString() : "");
    if (location.hash === hash) openSearch(q.toString()); else location.hash = hash;
  });

  // ---- routing -----------------------------------------------------------------
  // #/ the list; #/play/<session>; #/device/<device>; #/search?label=…
  function route() {
    const hash = location.hash;
    const play = /^#\/play\/(.+)$/.exec(hash);
    const device = /^#\/device\/([^?]+)/.exec(hash);
    const searching = /^#\/search(?:\?(.*))?$/.exec(hash);
    const view = play ? "player" : device ? "device" : searching ? "search" : "list";
    const app = $("app");
    app.dataset.view = view;
    $("player").hidden = view !== "player";
    $("device-view").hidden = view !== "device";
    $("search-view").hidden = view !== "search";
    $("list-view").hidden = view !== "list";
    if (view !== "player" && state.player) closePlayer();
    if (view !== "device" && dev.id) { dev.id = null; devicePlayer.stop(); hideHover(); }
    if (view !== "search" && search.playing) { search.playing = null; searchPlayer.stop(); }
    if (play) {
      const id = decodeURIComponent(play[1]);
      if (!state.player || state.player.id !== id) openPlayer(id);
    } else if (device) {
      const id = decodeURIComponent(device[1]);
      if (dev.id !== id) openDevice(id);
    } else if (searching) {
      openSearch(searching[1] || "");
    } else {
      refresh();
    }
  }
  window.addEventListener("hashchange", route);

  const fromURL = new URLSearchParams(location.search).get("token");
  if (fromURL) localStorage.setItem(TOKEN_KEY, fromURL);
  route();
  setInterval(() => {
    if (document.hidden) return;
    const view = $("app").dataset.view;
    if (view === "player") refreshPlayer();
    else if (view === "device") refreshDevice();
    else if (view === "list") refresh();
  }, REFRESH_MS);
})();
