// scrypt cost in the browser build's library (@noble/hashes, pure JS on V8 as in Chromium)
// against Node's native scrypt, at the N values Kindred has used. Run by hand on an idle
// machine:  node bench/scrypt_cost.mjs ~/.cache/kindred-pwa/npm/noble-hashes-2.4.0/package
import { scryptSync } from 'node:crypto';
import { pathToFileURL } from 'node:url';
const dir = process.argv[2];
if (!dir) { console.error('usage: node bench/scrypt_cost.mjs NOBLE_HASHES_PACKAGE_DIR'); process.exit(2); }
const { scrypt } = await import(pathToFileURL(`${dir}/scrypt.js`).href);
const pw = new TextEncoder().encode('correct horse battery staple'), salt = new Uint8Array(16);
for (const logN of [15, 16, 17]) {
  const N = 2 ** logN;
  let t = performance.now(); scrypt(pw, salt, { N, r: 8, p: 1, dkLen: 32, maxmem: 2 ** 30 }); const noble = performance.now() - t;
  t = performance.now(); scryptSync(pw, salt, 32, { N, r: 8, p: 1, maxmem: 2 ** 30 }); const native = performance.now() - t;
  console.log(`N=2^${logN}: noble ${noble.toFixed(0)} ms, native ${native.toFixed(0)} ms (x${(noble / native).toFixed(2)})`);
}
