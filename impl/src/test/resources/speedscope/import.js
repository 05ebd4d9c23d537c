// Loads profile files with speedscope's own importer (the npm package's release bundle) in Node
// and prints what speedscope makes of them: its profiles, frames, call tree and every warning.
// Usage: node import.js <speedscope package directory> <file>...
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const dir = path.join(process.argv[2], 'dist', 'release');
const bundle = fs.readdirSync(dir).find(f => /^speedscope-.*\.js$/.test(f));
if (!bundle) {
  throw new Error('no speedscope bundle in ' + dir);
}
let src = fs.readFileSync(path.join(dir, bundle), 'utf8');
// the bundle is the whole app: keep its code, expose the text importer instead of rendering the UI
const importer = /async function (\w+)\(\w+,\w+\)\{return\(await \w+\)\.importProfileGroupFromText\(/.exec(src);
const render = src.lastIndexOf('console.log(`speedscope v');
if (!importer || render < 0) {
  throw new Error('unexpected speedscope bundle layout in ' + bundle);
}
src = src.slice(0, render) + 'globalThis.__importText=' + importer[1] + ';})();';

// the UI code touches the DOM while loading: an inert stand-in for anything it asks for
const inert = () => new Proxy(function () {}, {
  get: (t, k) => (k === Symbol.toPrimitive ? () => '' : inert()),
  apply: () => inert(),
  construct: () => inert(),
});
const warnings = [];
const sandbox = {
  console: {
    log() {},
    info() {},
    warn: (...a) => warnings.push(a.join(' ')),
    error: (...a) => warnings.push(a.join(' ')),
  },
  window: inert(), document: inert(), localStorage: inert(), matchMedia: inert(),
  navigator: {userAgent: 'node'}, location: {hash: '', search: '', href: ''},
  setTimeout, clearTimeout, TextDecoder, TextEncoder, URL, Uint8Array, ArrayBuffer, DataView, Promise,
};
sandbox.globalThis = sandbox;
sandbox.self = sandbox;
vm.createContext(sandbox);
vm.runInContext(src, sandbox);

(async () => {
  const out = [];
  for (const file of process.argv.slice(3)) {
    warnings.length = 0;
    const group = await sandbox.__importText(path.basename(file), fs.readFileSync(file, 'utf8'));
    out.push('FILE ' + path.basename(file));
    if (!group) {
      out.push('WARN speedscope could not import the file');
      continue;
    }
    for (const p of group.profiles) {
      out.push('PROFILE ' + p.getName());
      const frames = new Set();
      let depth = 0;
      p.forEachCall((node, value) => {
        frames.add(node.frame.name);
        out.push('OPEN ' + depth + ' ' + value + ' ' + node.frame.name);
        depth++;
      }, (node, value) => {
        depth--;
        out.push('CLOSE ' + depth + ' ' + value + ' ' + node.frame.name);
      });
      for (const f of frames) {
        out.push('FRAME ' + f);
      }
    }
    for (const w of warnings) {
      out.push('WARN ' + w.replace(/\n/g, ' '));
    }
  }
  process.stdout.write(out.join('\n') + '\n');
})().catch(e => {
  process.stdout.write('ERROR ' + (e && e.stack ? e.stack : e) + '\n');
  process.exit(2);
});
