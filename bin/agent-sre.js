#!/usr/bin/env node
// The hook path goes through its own CommonJS launcher; everything else loads the lazily split CLI.
import { createRequire } from 'node:module';

if (process.argv[2] === 'hook') createRequire(import.meta.url)('./agent-sre-hook.cjs');
else await import('../dist/cli.js');
