#!/usr/bin/env node
// First, before any other module is loaded: caps V8's young generation (see memory.ts). The
// program is imported only after that has run: static imports are all loaded, parsed and
// compiled before the first module runs, and the young generation grows meanwhile (to 8 MiB a
// semi-space here, against the 1 MiB it starts with).
import './memory.js';

await import('./program.js');
