#!/usr/bin/env node
// The `univm` command. `npm install` (prepare) builds dist/: the compiled modules, and one
// bundle of them with a V8 code cache (tools/bundle-cli.mjs), which starts ~70 ms faster.
// A bundle older than the modules (tsc ran alone since) is passed over for the modules.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));

function fresh(bundle) {
  try {
    return statSync(bundle).mtimeMs >= statSync(`${dist}src/cli/main.js`).mtimeMs;
  } catch {
    return false;
  }
}

/** The bundle's exports, compiled from its code cache when V8 accepts it. */
function loadBundle(bundle) {
  let cachedData;
  try { cachedData = readFileSync(`${bundle}.v8cache`); } catch { /* no cache: compile */ }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`,
    { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
  return { main: module.exports.main, script };
}

const bundle = `${dist}univm.cjs`;
const { main, script } = fresh(bundle) ? loadBundle(bundle) : { main: (await import('../dist/src/cli/main.js')).main };
const code = await main(process.argv.slice(2));
if (script && process.env.UNIVM_WRITE_CODE_CACHE === '1') writeFileSync(`${bundle}.v8cache`, script.createCachedData());
process.exit(code);
