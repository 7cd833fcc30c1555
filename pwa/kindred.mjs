// Kindred's browser bridge, loaded into the Python web worker by pwa/web_main.py.
// Python reaches it as `js.kindredBridge` (services/platform.py, services/privacy/browser_crypto.py).
// No network, no third parties: the @noble packages are bundled next to this file at build time.
import { scrypt as nobleScrypt } from "./noble-hashes/scrypt.js";
import { gcm } from "./noble-ciphers/aes.js";
import { ed25519 } from "./noble-curves/ed25519.js";

const subtle = globalThis.crypto.subtle;
const LOCK_NAME = "kindred-writer";
const TAKE_OVER_AFTER_MS = 10000;
const RETRY_DELAYS_MS = [500, 2000, 8000, 15000];

const bridge = {
  // ---- crypto: byte-for-byte the same format as services/privacy/crypto.py natively ----
  scrypt(secret, salt, n, r, p, dklen) {
    return nobleScrypt(secret, salt, { N: n, r: r, p: p, dkLen: dklen, maxmem: 2 ** 30 });
  },
  nobleSeal(key, nonce, plaintext, aad) {
    return gcm(key, nonce, aad).encrypt(plaintext);
  },
  nobleOpen(key, nonce, ciphertext, aad) {
    return gcm(key, nonce, aad).decrypt(ciphertext);
  },
  // Publishers' feed signatures (services/sync/signing.py natively uses `cryptography`).
  // RFC 8032 verification with the bundled, audited @noble/curves; zip215: false is the
  // strict rule set, as OpenSSL applies it natively.
  ed25519Verify(publicKey, signature, message) {
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch (error) {
      return false;
    }
  },
  async webcryptoSeal(key, nonce, plaintext, aad) {
    const k = await subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
    const params = { name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 };
    return new Uint8Array(await subtle.encrypt(params, k, plaintext));
  },
  async webcryptoOpen(key, nonce, ciphertext, aad) {
    const k = await subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
    const params = { name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 };
    return new Uint8Array(await subtle.decrypt(params, k, ciphertext));
  },

  // ---- one writer at a time (Web Locks) ----
  // Each tab runs its own Python with its own in-memory copy of the SQLite files and writes
  // the whole folder back to IndexedDB. Two tabs writing would overwrite each other's
  // changes, so only the tab holding the "kindred-writer" lock opens the data at all. Other
  // tabs wait (their page says "Kindred is open in another tab" with "Use Kindred here");
  // they get the lock when the writing tab closes or hands it over, and only then read
  // the data from IndexedDB — so they always start from everything the other tab saved.
  isWriter: false,
  _releaseWriter: null,
  _handingOver: false,
  _channel: null,
  _grantedResolve: null,
  _queued: null,
  claimWriter() {
    // true: this tab holds the lock now. false: another tab has it; waitForWriter() then
    // resolves when this tab gets it (the other closes or hands over).
    const locks = globalThis.navigator && navigator.locks;
    if (!locks) {
      // No Web Locks (very old browsers): nothing to coordinate with; act as the writer.
      this.isWriter = true;
      return Promise.resolve(true);
    }
    this._listen();
    return new Promise((resolve) => {
      locks
        .request(LOCK_NAME, { ifAvailable: true }, (lock) => {
          if (!lock) {
            resolve(false);
            return undefined;
          }
          resolve(true);
          return this._hold();
        })
        .catch(() => this._lost());
    });
  },
  waitForWriter() {
    // Queue for the lock; resolves once this tab holds it.
    this.status({ state: "elsewhere" });
    return new Promise((resolve) => {
      this._grantedResolve = resolve;
      this._queued = new AbortController();
      navigator.locks
        .request(LOCK_NAME, { signal: this._queued.signal }, () => this._hold())
        .catch(() => {
          if (!this._queued.signal.aborted) this._lost(); // taken from us later, not our own abort
        });
    });
  },
  _hold() {
    this.isWriter = true;
    if (this._grantedResolve) {
      const granted = this._grantedResolve;
      this._grantedResolve = null;
      granted(true);
    }
    // Held until handOver() resolves it (or the tab closes).
    return new Promise((release) => (this._releaseWriter = release));
  },
  _lost() {
    // Another tab took the lock without a hand-over (this one did not answer): stop saving.
    if (!this.isWriter) return;
    this.isWriter = false;
    this._releaseWriter = null;
    this.status({ state: "elsewhere", handedOver: true });
  },
  _listen() {
    if (this._channel || typeof BroadcastChannel === "undefined") return;
    this._channel = new BroadcastChannel(LOCK_NAME);
    this._channel.onmessage = (event) => {
      if (event.data && event.data.wants === "writer" && this.isWriter) this.handOver();
    };
  },
  async handOver() {
    // Another tab asked to be the writer: finish the save in flight, stop saving, let go.
    if (!this.isWriter || !this._releaseWriter) return;
    this.isWriter = false; // no new saves from here on
    this._handingOver = true;
    await this.flushed();
    this._handingOver = false;
    const release = this._releaseWriter;
    this._releaseWriter = null;
    release();
    this.status({ state: "elsewhere", handedOver: true });
  },
  takeOver() {
    // "Use Kindred here": ask the writing tab to hand over. If it does not answer (a frozen
    // or hung tab), take the lock from it after a while; a tab whose lock is taken stops saving.
    if (this.isWriter) return;
    if (this._channel) this._channel.postMessage({ wants: "writer" });
    setTimeout(() => {
      if (this.isWriter || !this._grantedResolve) return;
      this._queued.abort(); // this request replaces the queued one
      navigator.locks.request(LOCK_NAME, { steal: true }, () => this._hold()).catch(() => this._lost());
    }, TAKE_OVER_AFTER_MS);
  },
  onPageMessage(message) {
    // Messages from this tab's page (python.js, patched at build time).
    if (message === "take-over") this.takeOver();
    // The page is being hidden (tab switched, app closed, reload): a save waiting for its
    // retry is tried now, since the tab may not live until the retry's time comes.
    if (message === "save-now") this.retryNow();
  },

  // ---- what the page shows while Python starts (and after a hand-over) ----
  status(detail) {
    if (typeof self.postMessage === "function" && typeof WorkerGlobalScope !== "undefined") {
      self.postMessage({ kindred: detail });
    }
  },
  startScreenLanguage(code) {
    // The language chosen in Settings ("" : the browser's), so the next start-up screen
    // speaks it before Python runs (pwa/splash.html keeps it).
    this.status({ language: String(code || "") });
  },

  // ---- storage: an IndexedDB-backed folder, written back after every commit ----
  // One write is one IndexedDB transaction over every changed file (Emscripten's IDBFS
  // reconcile), so it lands whole or not at all: closing the tab mid-save leaves the
  // previous save intact, never half a file. A failed write is retried with a growing
  // wait; if it keeps failing, saveFailure says so until a later write succeeds.
  FS: null,
  persisting: false,
  pending: false,
  persistCount: 0,
  lastPersistError: null,
  saveFailure: null,
  failedAttempts: 0,
  _flushWaiters: [],
  mount(FS, path) {
    this.FS = FS;
    FS.mkdirTree(path);
    this._wholeOrNothing(FS.filesystems.IDBFS);
    FS.mount(FS.filesystems.IDBFS, {}, path);
    // populate=true: IndexedDB -> memory, once, before anything opens the databases.
    return new Promise((resolve, reject) => FS.syncfs(true, (err) => (err ? reject(err) : resolve())));
  },
  _wholeOrNothing(IDBFS) {
    // Emscripten's IDBFS reports a failed put or delete but lets the rest of the transaction
    // commit; abort it instead, so a save that fails for one file saves none of them.
    if (IDBFS.__kindredWhole) return;
    IDBFS.__kindredWhole = true;
    const abortOnError = (store, callback) => (err) => {
      if (err) {
        try { store.transaction.abort(); } catch (e) { /* already finished */ }
      }
      callback(err);
    };
    const store = IDBFS.storeRemoteEntry;
    IDBFS.storeRemoteEntry = (st, path, entry, callback) => {
      // IDBFS decides what to write by comparing modification times (milliseconds). A copy
      // taken in the same millisecond as the file's last write could miss a write made later
      // in that millisecond, and the next save would then see "unchanged" and skip it. Such a
      // copy is stored as one millisecond older, so the next save always writes the file again.
      if (entry.timestamp && entry.timestamp.getTime() >= Date.now()) {
        entry = { ...entry, timestamp: new Date(entry.timestamp.getTime() - 1) };
      }
      return store(st, path, entry, abortOnError(st, callback));
    };
    const remove = IDBFS.removeRemoteEntry;
    IDBFS.removeRemoteEntry = (st, path, callback) => remove(st, path, abortOnError(st, callback));
  },
  schedulePersist() {
    if (!this.FS || !this.isWriter) return; // a tab that is not the writer never saves
    if (this.persisting) {
      this.pending = true; // coalesce: one more write after the one in flight
      return;
    }
    this.persisting = true;
    // A macrotask later: the SQLite commit that called us has reached the file by then.
    setTimeout(() => this._persist(), 0);
  },
  _persist() {
    if (!this.isWriter && !this._handingOver) {
      // The lock was taken from this tab: its copy is no longer the one to keep.
      this.persisting = false;
      this.pending = false;
      this._flushWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    this.FS.syncfs(false, (err) => {
      this.persistCount += 1;
      if (err) {
        this.lastPersistError = String(err && (err.name || err.message) ? `${err.name}: ${err.message}` : err);
        this.failedAttempts += 1;
        console.error("Kindred: saving to IndexedDB failed", err);
        if (this.failedAttempts >= RETRY_DELAYS_MS.length) {
          this.saveFailure = this.lastPersistError;
          this.status({ saveFailure: this.saveFailure });
        }
        // Retry (the write covers every change since the last good one) — later and later,
        // then every 15 s, for as long as this tab is the writer.
        const delay = RETRY_DELAYS_MS[Math.min(this.failedAttempts - 1, RETRY_DELAYS_MS.length - 1)];
        this._retryTimer = setTimeout(() => {
          this._retryTimer = null;
          this._persist();
        }, delay);
        return;
      }
      if (this.saveFailure) this.status({ saveFailure: null });
      this.failedAttempts = 0;
      this.saveFailure = null;
      if (this.pending) {
        this.pending = false;
        setTimeout(() => this._persist(), 0);
      } else {
        this.persisting = false;
        const waiters = this._flushWaiters;
        this._flushWaiters = [];
        waiters.forEach((resolve) => resolve());
      }
    });
  },
  _retryTimer: null,
  retryNow() {
    // A failed save waiting for its retry: try again at once.
    if (!this._retryTimer) return;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._persist();
  },
  flushed() {
    // Resolves when no save is in flight or waiting (or at once if none is).
    if (!this.persisting) return Promise.resolve();
    return new Promise((resolve) => this._flushWaiters.push(resolve));
  },

  // ---- durable storage: the browser promised not to evict our data under storage pressure ----
  // The page asks for it (navigator.storage.persist() exists only in windows, not workers);
  // the worker reads the answer here for Settings.
  async persistentStorage() {
    const storage = globalThis.navigator && navigator.storage;
    if (!storage || typeof storage.persisted !== "function") return "unsupported";
    try {
      return (await storage.persisted()) ? "granted" : "not-granted";
    } catch (e) {
      return "unsupported";
    }
  },

  // ---- network: the browser's fetch, synchronously (allowed in workers) ----
  // Only CORS-safelisted headers are sent (so a plain static host needs no preflight); no
  // cookies. A request with no answer at all (offline, unreachable, or a host that does not
  // allow other sites to read it — the browser does not say which) gives status 0 and why.
  fetchSync(url, headers, timeoutMs) {
    const xhr = new XMLHttpRequest();
    try {
      xhr.open("GET", url, false);
      xhr.responseType = "arraybuffer";
      if (timeoutMs) xhr.timeout = timeoutMs;
      for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
      xhr.send();
    } catch (e) {
      const online = !(globalThis.navigator && navigator.onLine === false);
      return { status: 0, error: `${e && e.name}: ${e && e.message}`, online, timedOut: !!(e && e.name === "TimeoutError") };
    }
    const responseHeaders = {};
    for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
      const i = line.indexOf(":");
      if (i > 0) responseHeaders[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    return { status: xhr.status, url: xhr.responseURL || url, headers: responseHeaders,
             body: new Uint8Array(xhr.response || new ArrayBuffer(0)) };
  },
};

globalThis.kindredBridge = bridge;
export default bridge;
