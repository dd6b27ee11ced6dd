// A tiny driver around tuf-js's Updater for the interop tests (TufJsIT).
// Usage: node client.mjs CONFIG.json
// CONFIG: {metadataUrl, targetUrl, metadataDir, targetDir, downloads: [{path, out}]}
// metadataDir must already hold the trusted root as root.json. Prints one JSON line:
// {"ok": true, "downloaded": N} or {"ok": false, "error": "<ErrorClass>", "message": "..."}.
import { readFileSync } from 'node:fs';
import { Updater } from 'tuf-js';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
try {
  const updater = new Updater({
    metadataBaseUrl: config.metadataUrl,
    targetBaseUrl: config.targetUrl,
    metadataDir: config.metadataDir,
    targetDir: config.targetDir,
    config: { fetchTimeout: 20000, fetchRetry: 0 },
  });
  await updater.refresh();
  let n = 0;
  for (const d of config.downloads ?? []) {
    const info = await updater.getTargetInfo(d.path);
    if (!info) {
      throw Object.assign(new Error(`target ${d.path} not found`), { name: 'TargetNotFound' });
    }
    await updater.downloadTarget(info, d.out);
    n++;
  }
  console.log(JSON.stringify({ ok: true, downloaded: n }));
} catch (e) {
  const error = e?.constructor?.name && e.constructor.name !== 'Error' ? e.constructor.name : (e?.name ?? 'Error');
  console.log(JSON.stringify({ ok: false, error, message: String(e?.message ?? e) }));
  process.exitCode = 1;
}
