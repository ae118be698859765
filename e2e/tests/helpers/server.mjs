// A Quotecast server process owned by one test file: app/target/quotecast.jar (QUOTECAST_JAR) on kernel-chosen free
// ports, its log in e2e/artifacts/<name>-N.log, killed when the test process ends whatever happens.
//
//   const server = new Server('dashboard-server', { props: { 'quotecast.quality.staleMs': 2000 } });
//   await server.start().ready();   // ... server.base, server.opsBase, await server.adminToken()
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const E2E = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = path.join(E2E, 'artifacts');
export const JAR = path.resolve(E2E, process.env.QUOTECAST_JAR || path.join('..', 'app', 'target', 'quotecast.jar'));

/** A free TCP port on loopback, picked by the kernel (so never the one run.sh's server holds). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const processes = new Set(); // every process started here, killed on exit whatever happened
const killAll = () => { for (const p of processes) try { p.kill('SIGKILL'); } catch { /* gone */ } };
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { killAll(); process.exit(130); });

export class Server {
  /**
   * @param {string} name log file prefix
   * @param {{port?: number, monitorPort?: number, props?: Record<string, string|number|boolean>}} options
   *   props: extra -D system properties (config keys: -Dquotecast.<key>=...)
   */
  constructor(name, options = {}) {
    this.name = name;
    this.port = options.port;
    this.monitorPort = options.monitorPort;
    this.props = options.props || {};
    this.starts = 0;
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  get opsBase() {
    return `http://127.0.0.1:${this.monitorPort}`;
  }

  get logPath() {
    return path.join(ARTIFACTS, `${this.name}-${this.starts}.log`);
  }

  /** Starts the jar (picking free ports the first time). Call ready() next. */
  start() {
    if (!fs.existsSync(JAR)) throw new Error(`${JAR} not found; build it: ./mvnw -q -pl app -am package -DskipTests`);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    this.starts++;
    this.portsReady = (async () => {
      this.port ??= await freePort();
      this.monitorPort ??= await freePort();
      const props = { 'quotecast.gateway.port': this.port, 'quotecast.monitor.port': this.monitorPort, ...this.props };
      const log = fs.openSync(this.logPath, 'w');
      this.proc = spawn('java', [...Object.entries(props).map(([k, v]) => `-D${k}=${v}`), '-jar', JAR],
        { stdio: ['ignore', log, log] });
      fs.closeSync(log);
      const proc = this.proc;
      processes.add(proc);
      proc.exited = new Promise((resolve) => {
        proc.once('exit', (code, signal) => {
          processes.delete(proc);
          resolve({ code, signal });
        });
        proc.once('error', (e) => { // e.g. no java on the PATH
          processes.delete(proc);
          resolve({ error: e.message });
        });
      });
    })();
    return this;
  }

  /** Waits until GET /api/v1/status answers (60 s at most); fails at once if the process died. */
  async ready() {
    await this.portsReady;
    const deadline = Date.now() + 60000;
    let dead = false;
    this.proc.exited.then(() => { dead = true; });
    while (Date.now() < deadline) {
      if (dead) throw new Error(`the server exited during start-up; see ${this.logPath}`);
      try {
        const r = await fetch(`${this.base}/api/v1/status`);
        if (r.ok) return this;
      } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.base} did not answer within 60 s; see ${this.logPath}`);
  }

  /** The one-time admin token the dev profile logs at start ("Admin token (valid 24 h; profile dev only): ..."). */
  async adminToken(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const m = /Admin token \([^)]*\): ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(fs.readFileSync(this.logPath, 'utf8'));
      if (m) return m[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no admin token in ${this.logPath} (is the dev profile on?)`);
  }

  async kill9() {
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }

  async stop() {
    if (!this.proc || !processes.has(this.proc)) return;
    this.proc.kill('SIGKILL');
    await this.proc.exited;
  }
}

/** Kills every server this test process started. */
export async function stopAll() {
  for (const proc of [...processes]) {
    proc.kill('SIGKILL');
    await proc.exited;
  }
}
