// Kindred's browser bridge, loaded into the Python web worker by pwa/web_main.py.
// Python reaches it as `js.kindredBridge` (services/platform.py, services/privacy/browser_crypto.py).
// No network, no third parties: the two @noble packages are bundled next to this file at build time.
import { scrypt as nobleScrypt } from "./noble-hashes/scrypt.js";
import { gcm } from "./noble-ciphers/aes.js";

const subtle = globalThis.crypto.subtle;

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

  // ---- storage: an IndexedDB-backed folder, written back after every commit ----
  FS: null,
  persisting: false,
  pending: false,
  persistCount: 0,
  lastPersistError: null,
  mount(FS, path) {
    this.FS = FS;
    FS.mkdirTree(path);
    FS.mount(FS.filesystems.IDBFS, {}, path);
    // populate=true: IndexedDB -> memory, once, before anything opens the databases.
    return new Promise((resolve, reject) => FS.syncfs(true, (err) => (err ? reject(err) : resolve())));
  },
  schedulePersist() {
    if (!this.FS) return;
    if (this.persisting) {
      this.pending = true; // coalesce: one more write after the one in flight
      return;
    }
    this.persisting = true;
    // A macrotask later: the SQLite commit that called us has reached the file by then.
    setTimeout(() => this._persist(), 0);
  },
  _persist() {
    this.FS.syncfs(false, (err) => {
      if (err) {
        this.lastPersistError = String(err);
        console.error("Kindred: saving to IndexedDB failed", err);
      }
      this.persistCount += 1;
      if (this.pending) {
        this.pending = false;
        setTimeout(() => this._persist(), 0);
      } else {
        this.persisting = false;
      }
    });
  },

  // ---- network: the browser's fetch, synchronously (allowed in workers) ----
  fetchSync(url, headers) {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", url, false);
    xhr.responseType = "arraybuffer";
    for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
    xhr.send();
    const responseHeaders = {};
    for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
      const i = line.indexOf(":");
      if (i > 0) responseHeaders[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    return { status: xhr.status, headers: responseHeaders, body: new Uint8Array(xhr.response || new ArrayBuffer(0)) };
  },
};

globalThis.kindredBridge = bridge;
export default bridge;
