// Fetch one document of an opened sealed release and verify it against the publisher's signatures,
// with tuf-js (npm install tuf-js) and nothing of samizdat. docs/FORMAT.md section 6 says why this works.
//
//   node sealed-document.mjs MIRROR METADATA_DIR PATH OUT
//
// METADATA_DIR holds the trusted root as root.json: 1.root.json from anywhere, once its sha256 is
// the archive's root fingerprint (sha256sum 1.root.json). PATH is e.g. r0005/cables/09STATE1.txt.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Updater } from 'tuf-js';

const [mirror, metadataDir, path, out] = process.argv.slice(2);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
async function get(p) {
  const r = await fetch(mirror + p);
  if (!r.ok) throw new Error(`${mirror}${p}: HTTP ${r.status}`);
  return Buffer.from(await r.arrayBuffer());
}

try {
  // 1. The TUF workflow: the release's signed ciphertext target and its commitment to the manifest.
  const updater = new Updater({ metadataBaseUrl: `${mirror}/metadata`, targetBaseUrl: `${mirror}/targets`,
    metadataDir, targetDir: metadataDir });
  await updater.refresh();
  const release = path.split('/')[0];
  const sealed = await updater.getTargetInfo(`${release}/_sealed.pgp`);
  const custom = sealed?.custom ?? sealed?.unrecognizedFields?.custom;
  if (!custom?.manifest_sha256) throw new Error(`${release} is not a sealed release`);
  // 2. A node that opened the release serves the plaintext manifest under its committed sha256.
  const manifest = await get(`/targets/${release}/${custom.manifest_sha256}._sealed.json`);
  if (sha256(manifest) !== custom.manifest_sha256) throw new Error('the manifest is not the one committed to');
  // 3. The manifest lists each document's length and sha256, as a signed role lists a target.
  const doc = JSON.parse(manifest).documents.find((d) => d.path === path);
  if (!doc) throw new Error(`${release} has no document ${path}`);
  const slash = path.lastIndexOf('/');
  const bytes = await get(`/targets/${path.slice(0, slash)}/${doc.sha256}.${path.slice(slash + 1)}`);
  if (bytes.length !== doc.length || sha256(bytes) !== doc.sha256) throw new Error(`${path} is not the committed document`);
  writeFileSync(out, bytes);
  console.log(JSON.stringify({ ok: true, path, length: doc.length, sha256: doc.sha256 }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, message: String(e?.message ?? e) }));
  process.exitCode = 1;
}
