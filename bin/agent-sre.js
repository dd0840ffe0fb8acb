#!/usr/bin/env node
// The hook path loads one pre-bundled CommonJS file; everything else loads the lazily split CLI.
import { createRequire } from 'node:module';

if (process.argv[2] === 'hook') createRequire(import.meta.url)('../dist/hook.cjs');
else await import('../dist/cli.js');
