/**
 * Network namespaces for the kernel tests: a fresh namespace per test (nothing touches the host's firewall), and a
 * pair joined by a veth link for real packets. Needs root and iproute2, iptables, ipset and nft; `netnsUnavailable`
 * says what is missing so tests can skip with the reason instead of passing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOOLS = ['ip', 'iptables-restore', 'ip6tables-restore', 'iptables-save', 'ip6tables-save', 'ipset', 'nft'];

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why the kernel tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (network namespaces and netfilter need CAP_NET_ADMIN)';
  const missing = TOOLS.filter((tool) => !has(tool));
  if (missing.length > 0) return `missing tools: ${missing.join(', ')} (apt-get install iptables ipset nftables iproute2)`;
  try {
    const probe = `tw-probe-${process.pid}`;
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch {
    return 'cannot create a network namespace (ip netns add failed)';
  }
  return undefined;
}

let counter = 0;

export class Namespace {
  readonly name: string;
  readonly dir: string;

  constructor(label: string) {
    this.name = `tw-${label}-${process.pid}-${++counter}`;
    execFileSync('ip', ['netns', 'add', this.name]);
    this.dir = mkdtempSync(join(tmpdir(), `${this.name}-`));
    this.run('ip', ['link', 'set', 'lo', 'up']);
  }

  /** Runs a command inside the namespace; throws with its stderr when it fails. */
  run(command: string, args: readonly string[], input?: string): string {
    try {
      return execFileSync('ip', ['netns', 'exec', this.name, command, ...args], { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`${command} ${args.join(' ')} failed in ${this.name}: ${stderr}`);
    }
  }

  spawn(command: string, args: readonly string[]): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Writes a file in this namespace's scratch folder and returns its path. */
  file(name: string, content: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  delete(): void {
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

export interface VethPair {
  readonly workload: Namespace;
  readonly peer: Namespace;
  delete(): void;
}

/** The addresses of the two ends of a vethPair. */
export const VETH_ADDRESSES = {
  workload: { ipv4: '10.77.0.1', ipv6: 'fd77::1' },
  peer: { ipv4: '10.77.0.2', ipv6: 'fd77::2' },
} as const;

/**
 * Two namespaces on one veth link with VETH_ADDRESSES, /24 and /64. Neighbour
 * entries are permanent: a default-drop ip6tables ruleset blocks neighbour discovery (ICMPv6 133-136), which the
 * requirements under test do not ask for.
 */
export function vethPair(): VethPair {
  const workload = new Namespace('wl');
  const peer = new Namespace('peer');
  const a = `twa${counter}`;
  const b = `twb${counter}`;
  workload.run('ip', ['link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  workload.run('ip', ['link', 'set', b, 'netns', peer.name]);
  const { workload: wl, peer: pr } = VETH_ADDRESSES;
  const setUp = (ns: Namespace, dev: string, addresses: { ipv4: string; ipv6: string }): string => {
    ns.run('ip', ['addr', 'add', `${addresses.ipv4}/24`, 'dev', dev]);
    ns.run('ip', ['-6', 'addr', 'add', `${addresses.ipv6}/64`, 'dev', dev, 'nodad']);
    ns.run('ip', ['link', 'set', dev, 'up']);
    return ns.run('cat', [`/sys/class/net/${dev}/address`]).trim();
  };
  const macA = setUp(workload, a, wl);
  const macB = setUp(peer, b, pr);
  workload.run('ip', ['-6', 'neigh', 'replace', pr.ipv6, 'lladdr', macB, 'dev', a, 'nud', 'permanent']);
  peer.run('ip', ['-6', 'neigh', 'replace', wl.ipv6, 'lladdr', macA, 'dev', b, 'nud', 'permanent']);
  workload.run('ip', ['neigh', 'replace', pr.ipv4, 'lladdr', macB, 'dev', a, 'nud', 'permanent']);
  peer.run('ip', ['neigh', 'replace', wl.ipv4, 'lladdr', macA, 'dev', b, 'nud', 'permanent']);
  return {
    workload,
    peer,
    delete: () => {
      workload.delete();
      peer.delete();
    },
  };
}

/** A TCP + UDP echo server on the given ports; resolves once it listens. */
export async function startListener(ns: Namespace, ports: { tcp: readonly number[]; udp: readonly number[] }): Promise<ChildProcess> {
  // One dual-stack socket per port: IPv4 clients arrive as mapped addresses.
  const script = `
const net = require('node:net'); const dgram = require('node:dgram');
const [tcp, udp] = JSON.parse(process.argv[1]);
let pending = tcp.length + udp.length;
const ready = () => { if (--pending === 0) process.stdout.write('ready\\n'); };
if (pending === 0) process.stdout.write('ready\\n');
const fail = (e) => { process.stderr.write(String(e)); process.exit(1); };
for (const port of tcp) net.createServer((s) => s.end('ok')).on('error', fail).listen({ port, host: '::' }, ready);
for (const port of udp) { const socket = dgram.createSocket('udp6'); socket.on('error', fail);
  socket.on('message', (m, r) => socket.send('ok', r.port, r.address)); socket.bind(port, '::', ready); }`;
  const child = ns.spawn(process.execPath, ['-e', script, JSON.stringify([ports.tcp, ports.udp])]);
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => reject(new Error(chunk.toString())));
    child.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
  return child;
}

export interface Probe {
  readonly protocol: 'tcp' | 'udp';
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
}

/**
 * Sends the probes from `ns` at once (each from its own source port); true where a TCP connection or a UDP echo
 * came back within the timeout.
 */
export function sendProbes(ns: Namespace, probes: readonly Probe[], timeoutMs = 1500): boolean[] {
  const script = `
const net = require('node:net'); const dgram = require('node:dgram');
const [probes, timeout] = JSON.parse(process.argv[1]);
function tcp(p) { return new Promise((resolve) => { const s = net.connect({ host: p.dst, port: p.dstPort, localAddress: p.src, localPort: p.srcPort });
  const t = setTimeout(() => { s.destroy(); resolve(false); }, timeout);
  s.on('connect', () => { clearTimeout(t); s.destroy(); resolve(true); }); s.on('error', () => { clearTimeout(t); resolve(false); }); }); }
function udp(p) { return new Promise((resolve) => { const s = dgram.createSocket(p.dst.includes(':') ? 'udp6' : 'udp4');
  const t = setTimeout(() => { s.close(); resolve(false); }, timeout);
  s.on('message', () => { clearTimeout(t); s.close(); resolve(true); });
  s.bind(p.srcPort, p.src, () => s.send('probe', p.dstPort, p.dst)); }); }
Promise.all(probes.map((p) => (p.protocol === 'tcp' ? tcp(p) : udp(p)))).then((out) => process.stdout.write(JSON.stringify(out)));`;
  return JSON.parse(ns.run(process.execPath, ['-e', script, JSON.stringify([probes, timeoutMs])])) as boolean[];
}
