/**
 * Every reader of user input tagwall has, for the fuzz suite (test/parsers-fuzz.test.ts): real inputs to mutate
 * (the repository's fixtures and goldens) and how to parse one. Only a TagwallError may come out of `parse`, within
 * the suite's time and memory bound per case.
 *
 * To add a parser: add one entry to FUZZ_PARSERS. `seeds` and `parse` run inside the fuzz worker, so they read
 * files themselves and keep any state (a snapshot, a resolver) in the closure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { symbolicResolver } from '../../src/analysis/resolve.js';
import { importDependencies } from '../../src/catalogue/dependencies.js';
import { buildScenario } from '../../src/catalogue/index.js';
import { parseRequirements, requirementsToJson, requirementsToYaml } from '../../src/catalogue/requirements-file.js';
import { lazy } from '../../src/internal/lazy.js';
import { parsePacket } from '../../src/model/packet.js';
import { defaultSnapshot, parseSnapshot, type Snapshot } from '../../src/servicetags/snapshot.js';
import { parseIpsetSave } from '../../src/targets/netfilter/iptables/ipset.js';
import { findTarget } from '../../src/targets/registry.js';
import type { ConfigInput, ParseContext } from '../../src/targets/target.js';

export interface FuzzSeed {
  /** Where the seed came from, for failure reports. */
  readonly name: string;
  /** The text to mutate (bytes as Latin-1 characters when the parser is `binary`). */
  readonly text: string;
  /** Files parsed with it, unmutated (an ipset save next to iptables rules). */
  readonly companions?: ConfigInput['companions'];
}

export interface FuzzParser {
  /** Names the test: `nftables`, `requirements-yaml`. */
  readonly id: string;
  readonly seeds: () => readonly FuzzSeed[];
  /** Parses a mutated seed; `seed` is the one it was made from (for its companions and a file name). */
  readonly parse: (text: string, seed: FuzzSeed) => unknown;
  /** The input is bytes: `text` carries them as Latin-1 characters. */
  readonly binary?: boolean;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function read(path: string, encoding: BufferEncoding = 'utf8'): string {
  return readFileSync(join(ROOT, path), encoding);
}

/** Files under `dir` (recursively) whose names end with one of `endings`, as seeds. */
function files(dir: string, ...endings: string[]): FuzzSeed[] {
  const found: FuzzSeed[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !endings.some((ending) => entry.name.endsWith(ending))) continue;
    const path = join(entry.parentPath, entry.name).slice(ROOT.length);
    found.push({ name: path, text: read(path) });
  }
  if (found.length === 0) throw new Error(`no fuzz seeds in ${dir} (${endings.join(', ')})`);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

const snapshot = lazy(() => defaultSnapshot('Public'));
const context = lazy((): ParseContext => ({ resolver: symbolicResolver(snapshot()), options: {} }));

function targetParser(id: string, targetId: string, seeds: () => FuzzSeed[]): FuzzParser {
  return {
    id,
    seeds,
    parse: (text, seed) => findTarget(targetId).parse({ content: text, file: seed.name, ...(seed.companions ? { companions: seed.companions } : {}) }, context()),
  };
}

/** Requirement sets as the CLI writes them (catalog export), besides the fixtures. */
function scenarioRequirements(write: typeof requirementsToYaml): FuzzSeed[] {
  return ['compute-no-public-ip', 'kubernetes'].map((id) => ({
    name: `scenario:${id}`,
    text: write(buildScenario(id, { region: 'westus' }, snapshot()).requirements),
  }));
}

/** A real weekly file cut to its first tags, so one case parses in milliseconds. */
function smallSnapshot(): string {
  const full = JSON.parse(read('fixtures/servicetags/ServiceTags_China_20251028.json')) as { values: unknown[] };
  return JSON.stringify({ ...full, values: full.values.slice(0, 12) }, null, 2);
}

/** iptables rules with the ipset save they reference, as tagwall writes them and as fixtures pair them. */
function iptablesSeeds(): FuzzSeed[] {
  const withIpsets = (rules: string, ipsets: string): FuzzSeed => ({
    name: rules,
    text: read(rules),
    companions: { ipsets: { content: read(ipsets), file: ipsets } },
  });
  return [
    ...files('fixtures/linux', '.rules'),
    withIpsets('fixtures/linux/docker-host.rules', 'fixtures/linux/docker-host.ipset'),
    withIpsets('fixtures/linux/hand-written.rules', 'fixtures/linux/hand-written.ipset'),
    ...['compute-no-public-ip', 'kubernetes', 'inbound-udr'].map((scenario) =>
      withIpsets(`test/golden/iptables/${scenario}.iptables.rules`, `test/golden/iptables/${scenario}.ipsets.save`),
    ),
  ];
}

/** Snapshots decode prefixes on demand: ask for every tag's, so a corrupt chunk is met in the case that made it. */
function readWholeSnapshot(snapshot: Snapshot): number {
  let count = 0;
  for (const name of snapshot.names()) count += snapshot.prefixes(name).length;
  return count;
}

const PACKETS = [
  'out tcp 172.16.0.4:49152 -> 20.150.1.1:443 host=pypi.org',
  'out tcp 172.16.0.4:49152 -> 20.150.1.1:443 host=github.com path=/Azure/',
  'in udp [2001:db8::4]:49152 -> [2603:1030::1]:5831',
  'out icmp 10.0.0.4 -> 8.8.8.8 type=8 code=0',
  'in tcp 198.18.7.7 -> 10.0.0.4:22',
  'out 47 10.0.0.4 -> 10.0.0.5',
];

export const FUZZ_PARSERS: readonly FuzzParser[] = [
  {
    id: 'requirements-yaml',
    seeds: () => [...files('fixtures/requirements', '.yaml'), ...files('fixtures/panos', '.yaml'), ...scenarioRequirements(requirementsToYaml)],
    parse: (text) => parseRequirements(text, 'fuzz.yaml'),
  },
  {
    id: 'requirements-json',
    seeds: () => [...files('fixtures/requirements', '.json'), ...scenarioRequirements(requirementsToJson)],
    parse: (text) => parseRequirements(text, 'fuzz.json'),
  },
  {
    id: 'snapshot-json',
    seeds: () => [{ name: 'ServiceTags_China_20251028.json (12 tags)', text: smallSnapshot() }],
    parse: (text) => readWholeSnapshot(parseSnapshot(text, 'fuzz.json')),
  },
  {
    id: 'snapshot-twsnap',
    binary: true,
    seeds: () => [{ name: 'China.twsnap', text: read('src/servicetags/snapshots/China.twsnap', 'latin1') }],
    parse: (text) => readWholeSnapshot(parseSnapshot(Buffer.from(text, 'latin1'), 'fuzz.twsnap')),
  },
  targetParser('nsg-arm', 'nsg', () => files('test/golden/nsg', '.json')),
  targetParser('nsg-az', 'nsg', () => files('fixtures/azure', 'nsg-show.json')),
  targetParser('azure-firewall-policy', 'azure-firewall', () => files('test/golden/azure-firewall', '.json')),
  targetParser('azure-firewall-classic', 'azure-firewall-classic', () => files('test/golden/azure-firewall-classic', '.json')),
  targetParser('udr', 'udr', () => files('test/golden/udr', '.json')),
  targetParser('iptables-save', 'iptables', iptablesSeeds),
  {
    id: 'ipset-save',
    seeds: () => [...files('fixtures/linux', '.ipset'), ...files('test/golden/iptables', 'ipsets.save').slice(0, 3)],
    parse: (text, seed) => parseIpsetSave(text, seed.name),
  },
  targetParser('nftables', 'nftables', () => [...files('fixtures/linux', '.nft'), ...files('test/golden/nftables', '.nft').slice(0, 3)]),
  targetParser('panos-xml', 'panos', () => [...files('fixtures/panos', '.xml'), ...files('test/golden/panos', '.xml').slice(0, 3)]),
  targetParser('panos-set', 'panos', () => [...files('fixtures/panos', '.set'), ...files('test/golden/panos', '.set').slice(0, 3)]),
  {
    id: 'dependencies-api',
    seeds: () => files('fixtures/dependencies', '.json'),
    parse: (text, seed) => importDependencies(text, seed.name),
  },
  {
    id: 'packet-text',
    seeds: () => PACKETS.map((text, index) => ({ name: `packet ${index + 1}`, text })),
    parse: (text) => parsePacket(text),
  },
];
