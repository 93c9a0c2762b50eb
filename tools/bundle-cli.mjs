#!/usr/bin/env node
// Builds the CLI's fast start (run by `npm run build` after tsc): one CommonJS bundle of
// dist/src/cli/main.js and a V8 code cache for it. Loading 76 ES modules and compiling them
// costs ~70 ms at every start; one script whose compiled code comes from the cache costs a few.
// bin/univm.js uses the bundle when it is newer than the modules it was made from.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/univm.cjs`;
rmSync(`${bundle}.v8cache`, { force: true });

await build({
  entryPoints: [`${root}dist/src/cli/main.js`],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // main.js finds package.json from its own URL; in the bundle that URL is the module's old place.
  define: { 'import.meta.url': '__univm_main_url' },
  banner: { js: 'var __univm_main_url = require("node:url").pathToFileURL(__dirname + "/src/cli/main.js").href;' },
});

// The cache holds what a run compiled, so it is taken after running the bundled hello world.
const run = spawnSync(process.execPath, [`${root}bin/univm.js`, 'run', `${root}guests/bench/bin/hello`], {
  env: { ...process.env, UNIVM_WRITE_CODE_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (run.status !== 0) {
  process.stderr.write(`bundle-cli: the bundled CLI failed to run hello (status ${run.status}); dist/univm.cjs left without a code cache\n`);
  process.exit(1);
}
