#!/usr/bin/env node
// Entry point of the `yizheng` command: runs the compiled CLI (built by `npm ci` via `tsc -b`).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
