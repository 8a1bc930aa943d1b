// The kiosk page (`/kiosk`): a PIN pad and a QR scanner that punch through
// `POST /v1/kiosk/punch` with the kiosk's token, and a queue in IndexedDB that keeps
// every punch made while the server cannot be reached and replays it, with its own uid
// and the time it happened, when the network returns (the server stores a uid once).
(function () {
  'use strict';
  const words = JSON.parse(document.getElementById('kiosk-words').textContent);
  const TOKEN_KEY = 'davomat-kiosk-token';
  const $ = (id) => document.getElementById(id);
  let pin = '';
  let stream = null;
  let replaying = false;

  // The token: from the link the console showed once (`/kiosk#token=…`), then kept.
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    localStorage.setItem(TOKEN_KEY, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = () => localStorage.getItem(TOKEN_KEY);

  // The queue: one object store of punches keyed by uid.
  function database() {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open('davomat-kiosk', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('punches', { keyPath: 'uid' });
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
  }
  async function inQueue(mode, action) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction('punches', mode);
      const result = action(tx.objectStore('punches'));
      tx.oncomplete = () => resolve(result.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const enqueue = (punch) => inQueue('readwrite', (s) => s.put(punch));
  const dequeue = (uid) => inQueue('readwrite', (s) => s.delete(uid));
  const queued = () => inQueue('readonly', (s) => s.getAll());

  async function showWaiting() {
    const all = await queued();
    $('waiting').textContent = all.length ? words.waiting + ' ' + all.length : '';
  }

  function show(kind, html) {
    const box = $('result');
    box.className = 'result ' + kind;
    box.innerHTML = html;
    box.hidden = false;
    clearTimeout(show.timer);
    show.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }
  const text = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');

  function confirmed(answer) {
    const photo = answer.employee.photos
      ? '<img src="' + text(answer.employee.photos.medium) + '" alt="">' : '';
    const time = answer.event_time.slice(11, 16);
    show(answer.event, photo + '<span class="who" id="result-name">' + text(answer.employee.full_name) +
      '</span><span class="when">' + time + '</span><span id="result-event">' +
      (answer.event === 'in' ? words.in : words.out) + '</span>');
  }

  function refused(body) {
    const error = (body && body.errors && body.errors[0]) || {};
    let said = words.refused;
    if (error.code === 8004) said = words.unknown;
    else if (error.code === 8003 && (error.field === 'pin_code' || error.field === 'qrcode')) said = words.not_here;
    show('refused', '<span id="result-refused">' + text(said) + '</span>' +
      (error.message ? '<br><small>' + text(error.message) + '</small>' : ''));
  }

  // Sends one punch; answers 'done' (stored or refused for good), 'offline' (try later)
  // or 'revoked' (the token no longer works).
  async function send(punch) {
    let response;
    try {
      response = await fetch('/v1/kiosk/punch', {
        method: 'POST',
        headers: { 'Authorization': 'Bearer ' + token(), 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify(punch),
      });
    } catch (e) {
      return { outcome: 'offline' };
    }
    if (response.status === 401) return { outcome: 'revoked' };
    if (response.status === 429 || response.status >= 500) return { outcome: 'offline' };
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return { outcome: 'done', ok: response.ok, body: body };
  }

  // A punch: sent at once with the server's clock; when the server cannot be reached
  // it is queued with the time it was made (the tablet's clock) and the same uid.
  async function punch(credential) {
    const made = new Date().toISOString();
    const item = Object.assign({ uid: crypto.randomUUID() }, credential);
    const photo = snapshot();
    if (photo) item.photo = photo;
    const sent = await send(item);
    if (sent.outcome === 'offline') {
      item.event_time = made;
      await enqueue(item);
      show('queued', '<span id="result-queued">' + text(words.queued) + '</span>');
      await showWaiting();
    } else if (sent.outcome === 'revoked') {
      show('refused', '<span id="result-refused">' + text(words.revoked) + '</span>');
    } else if (sent.ok) {
      confirmed(sent.body);
    } else {
      refused(sent.body);
    }
  }

  // Sends what waits, oldest first, until the network fails again.
  async function replay() {
    if (replaying || !token()) return;
    replaying = true;
    try {
      const all = (await queued()).sort((a, b) => a.event_time.localeCompare(b.event_time));
      // Oldest first, so that in and out follow in the order they were made.
      for (const item of all) {
        const sent = await send(item);
        if (sent.outcome !== 'done') break;
        await dequeue(item.uid);
      }
    } finally {
      replaying = false;
      await showWaiting();
    }
  }

  // The PIN pad.
  function showPin() { $('pin').textContent = '•'.repeat(pin.length); }
  document.querySelectorAll('[data-digit]').forEach((button) => {
    button.addEventListener('click', () => { if (pin.length < 10) { pin += button.dataset.digit; showPin(); } });
  });
  $('clear').addEventListener('click', () => { pin = ''; showPin(); });
  $('enter').addEventListener('click', () => {
    if (pin.length < 4) return;
    const value = pin;
    pin = '';
    showPin();
    punch({ pin_code: value });
  });

  // QR codes: a reader that types the code and Enter into the scanner field, or the
  // camera — read by the browser's BarcodeDetector where it has one for QR codes, else
  // by the vendored jsQR decoder over a canvas.
  $('scanned').addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const code = event.target.value.trim();
    event.target.value = '';
    if (code) punch({ qrcode: code });
  });

  // A function reading the QR code in a video frame (its text, or null), and its name.
  async function qrReader() {
    if ('BarcodeDetector' in window) {
      const formats = await BarcodeDetector.getSupportedFormats().catch(() => []);
      if (formats.includes('qr_code')) {
        const detector = new BarcodeDetector({ formats: ['qr_code'] });
        const read = async (video) => {
          const found = await detector.detect(video);
          return found.length ? found[0].rawValue : null;
        };
        return { name: 'barcode-detector', read };
      }
    }
    if (typeof jsQR !== 'function') return null;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const read = async (video) => {
      if (!video.videoWidth) return null;
      // At most 640 px wide: enough for a code held up to the tablet, and quick.
      const scale = Math.min(1, 640 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const frame = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' });
      return found && found.data ? found.data : null;
    };
    return { name: 'jsqr', read };
  }

  $('scan').addEventListener('click', async () => {
    if (stream) return;
    const reader = navigator.mediaDevices ? await qrReader() : null;
    if (!reader) {
      $('status').textContent = words.no_camera_scanner;
      $('scanned').focus();
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' } });
    } catch (e) {
      $('status').textContent = words.no_camera;
      return;
    }
    const video = $('camera');
    video.dataset.reader = reader.name;
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    let last = '';
    const look = async () => {
      if (!stream) return;
      try {
        const code = await reader.read(video);
        if (code && code !== last) {
          last = code;
          await punch({ qrcode: code });
          // The same code again only after a pause: one punch per showing.
          setTimeout(() => { last = ''; }, 4000);
        }
      } catch (e) { /* a frame not ready */ }
      setTimeout(look, 300);
    };
    look();
  });

  // A snapshot from the camera when it is on (JPEG, at most 480 px wide).
  function snapshot() {
    const video = $('camera');
    if (!stream || !video.videoWidth) return null;
    const canvas = document.createElement('canvas');
    const scale = Math.min(1, 480 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/jpeg', 0.7);
  }

  // Setting the kiosk up by hand (the token typed or pasted).
  $('setup-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = $('token').value.trim();
    if (typed) localStorage.setItem(TOKEN_KEY, typed);
    start();
  });

  function start() {
    const ready = !!token();
    $('setup').hidden = ready;
    $('punching').hidden = !ready;
    if (ready) replay();
  }

  window.addEventListener('online', replay);
  setInterval(replay, 10000);
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/kiosk-sw.js', { scope: '/kiosk' }).catch(() => {});
  }
  start();
  showWaiting();
})();
