#!/usr/bin/env node
// The `univm` command: the compiled CLI lives in dist/ (built by `npm install` via `prepare`).
import { main } from '../dist/src/cli/main.js';
main(process.argv.slice(2)).then((code) => process.exit(code));
