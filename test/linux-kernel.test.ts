/**
 * Proof on a real kernel (issue 7): every generated artifact is loaded into a fresh network namespace, dumped back
 * with the system's own tools, parsed, and compared exactly with the requirements; then real TCP/UDP packets cross a
 * veth link and the kernel's verdicts are compared with tagwall's for witness packets inside and outside the
 * allowed set. Skipped, with the reason, where there is no root or no netfilter tools.
 */
import { optionsFor } from '../src/targets/option-schema.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_BY_CLOUD } from './support/regions.js';
import { evaluate } from '../src/analysis/questions.js';
import { expandedResolver, requirementsRuleSet } from '../src/analysis/resolve.js';
import { allowedPackets, openingPackets, type RuleSet } from '../src/analysis/rule-set.js';
import { loadScenario, SCENARIOS, type ScenarioId } from '../src/catalogue/index.js';
import { AddressSet } from '../src/model/address-set.js';
import { PacketSet } from '../src/model/packet-set.js';
import { formatPacket, type Direction, type Packet } from '../src/model/packet.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { Requirement, RequirementSet } from '../src/model/requirement.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { iptablesTarget } from '../src/targets/netfilter/iptables/index.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import type { Artifact, Target, TargetOptionValues, Translation } from '../src/targets/target.js';
import { Namespace, netnsUnavailable, sendProbes, startListener, VETH_ADDRESSES, vethPair, type Probe, type VethPair } from './support/netns.js';
import { tagwall } from './support/cli.js';

const unavailable = netnsUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';
const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const context = { snapshot, resolver, options: {} };

function artifact(translation: Translation, name: string): Artifact {
  const found = translation.artifacts.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no artifact ${name}`);
  return found;
}

/** The command a generated file's header gives for `what` (`load`, `reload`). */
function headerCommand(content: string, what: 'load' | 'reload'): string {
  const line = new RegExp(`^# ${what}: (.*)$`, 'm').exec(content);
  if (!line) throw new Error(`no '# ${what}:' line in the header`);
  return line[1]!;
}

/** Runs a header command in the namespace's folder, where the artifacts are written. */
function runHeaderCommand(ns: Namespace, translation: Translation, command: string): void {
  for (const written of translation.artifacts) ns.file(written.name, written.content);
  ns.run('sh', ['-c', `cd '${ns.dir}' && ${command}`]);
}

/** The parsed dump of what the namespace's kernel holds now. */
function dump(target: Target, ns: Namespace, options: TargetOptionValues = {}): RuleSet {
  if (target.id === 'iptables') {
    const v4 = ns.run('iptables-save', []);
    const v6 = ns.run('ip6tables-save', []);
    const sets = ns.run('ipset', ['save']);
    return target.parse(
      { content: v4, file: 'iptables-save', companions: { ip6tables: { content: v6, file: 'ip6tables-save' }, ipsets: { content: sets, file: 'ipset-save' } } },
      { resolver, options },
    );
  }
  return target.parse({ content: ns.run('nft', ['list', 'ruleset']), file: 'nft-list-ruleset' }, { resolver, options });
}

/** The load command the translation's main file gives in its header (nft's without its check-first note). */
function loadCommand(target: Target, translation: Translation): string {
  const main = artifact(translation, target.id === 'iptables' ? 'iptables.rules' : 'tagwall.nft').content;
  return headerCommand(main, 'load').replace(/ \(check first: .*\)$/, '');
}

/** Checks a translation with the tools (`nft -c -f`; `ipset restore` then `iptables-restore --test`), loading no rules. */
function toolCheck(target: Target, translation: Translation, ns: Namespace): void {
  if (target.id === 'nftables') {
    ns.run('nft', ['-c', '-f', ns.file('tagwall.nft', artifact(translation, 'tagwall.nft').content)]);
    return;
  }
  // The sets must exist before a rules file can be tested; `-exist` as the header's command has it.
  ns.run('ipset', ['restore', '-exist'], artifact(translation, 'ipsets.save').content);
  for (const [tool, name] of [['iptables-restore', 'iptables.rules'], ['ip6tables-restore', 'ip6tables.rules']] as const) {
    const content = artifact(translation, name).content;
    const flags = headerCommand(content, 'load').includes('--noflush') ? ['--noflush'] : [];
    ns.run(tool, [...flags, '--test', ns.file(name, content)]);
  }
}

/** Loads a translation into `ns` with the command its own header gives (after toolCheck), and returns the parsed dump. */
function loadAndDump(target: Target, translation: Translation, ns: Namespace, options: TargetOptionValues = {}): RuleSet {
  toolCheck(target, translation, ns);
  runHeaderCommand(ns, translation, loadCommand(target, translation));
  return dump(target, ns, options);
}

/** `a` and `b` hold the same packets; a failure shows, under `names`, the packets only one of them holds. */
function expectSamePackets(a: PacketSet, b: PacketSet, names: readonly [string, string], message?: string): void {
  const [onlyA, onlyB] = names;
  expect({ [onlyA]: a.difference(b).toString(), [onlyB]: b.difference(a).toString() }, message).toEqual({ [onlyA]: '(no packets)', [onlyB]: '(no packets)' });
}

/** What the diagnostics say is lost, read as requirements are: the packets that open connections. */
function lostOf(translation: Translation): PacketSet {
  return translation.diagnostics.reduce((set, diagnostic) => (diagnostic.lost ? set.union(diagnostic.lost) : set), PacketSet.EMPTY).intersection(openingPackets());
}

/** Every catalogue scenario with default options, and one scenario under each option that changes the rules. */
const LOADS: ReadonlyArray<{ readonly scenario: ScenarioId; readonly options: TargetOptionValues; readonly only?: string }> = [
  ...SCENARIOS.filter((scenario) => scenario.clouds.includes('Public')).map((scenario) => ({ scenario: scenario.id, options: {} })),
  { scenario: 'compute-no-public-ip', options: { fqdn: 'dnsmasq' } },
  { scenario: 'compute-no-public-ip', options: { chainHook: 'forward', interface: 'eth0' } },
  { scenario: 'compute-no-public-ip', options: { chainHook: 'output', log: true, counters: true } },
  // `return` hands undecided packets back to the host's own rules; here the host's policy drops them, so the dump
  // must again be exactly the files. (nftables refuses `return`: a table cannot hand a verdict to another.)
  { scenario: 'compute-no-public-ip', options: { chainHook: 'output', defaultAction: 'return' }, only: 'iptables' },
];

describe.each([iptablesTarget, nftablesTarget])('$id in a network namespace', (target) => {
  it.skipIf(unavailable !== undefined).each(LOADS.filter((load) => (load.only ?? target.id) === target.id))(`loads $scenario $options, dumps it back, and the dump is exactly the requirements minus the reported loss${skipNote}`, ({ scenario, options }) => {
    const requirements = loadScenario(scenario, { region: 'westus', cloud: 'Public' });
    // `counters` is an nftables option (iptables counts always): each target takes the options it declares.
    const own = optionsFor(target.options, options);
    const translation = target.translate(requirements, { ...context, options: own });
    const ns = new Namespace(target.id.slice(0, 3));
    try {
      if (options['defaultAction'] === 'return') {
        for (const tool of ['iptables', 'ip6tables']) for (const chain of ['INPUT', 'OUTPUT', 'FORWARD']) ns.run(tool, ['-P', chain, 'DROP']);
      }
      const dumped = allowedPackets(loadAndDump(target, translation, ns, own));
      const rendered = allowedPackets(target.parseArtifacts(translation.artifacts, { resolver, options: own }));
      const required = allowedPackets(requirementsRuleSet(requirements, resolver));
      expectSamePackets(dumped, rendered, ['onlyKernel', 'onlyFiles'], 'the kernel holds what the files say');
      // Beyond the requirements the kernel holds exactly the declared platform flows (platformFlows, default azure).
      const declared = target.declaredExtras!(own).packets.difference(required);
      expect(dumped.difference(required).difference(declared).toString()).toBe('(no packets)');
      expect(declared.difference(dumped).toString()).toBe('(no packets)');
      expect(required.difference(dumped).equals(lostOf(translation))).toBe(true);
    } finally {
      ns.delete();
    }
  });
});

// ─── every scenario × every option combination passes the tools' own checks ─────────────────────────────

const REGIONS: Readonly<Record<string, string>> = REGION_BY_CLOUD;

/** Every combination of the options that change the rendered text (chain hook, fqdn, log + counters, default action). */
function optionCombinations(target: Target): TargetOptionValues[] {
  const combos: TargetOptionValues[] = [];
  const hooks: TargetOptionValues[] = [{}, { chainHook: 'input' }, { chainHook: 'output' }, { chainHook: 'forward', interface: 'eth1' }];
  for (const hook of hooks) {
    for (const fqdn of ['none', 'dnsmasq']) {
      for (const extras of [false, true]) {
        for (const defaultAction of target.id === 'iptables' ? ['drop', 'return'] : ['drop']) {
          // `counters` is nftables' (iptables counts every rule always).
          combos.push({ ...hook, fqdn, log: extras, ...(target.id === 'nftables' ? { counters: extras } : {}), defaultAction });
        }
      }
    }
  }
  return combos;
}

const SCENARIO_CLOUDS = SCENARIOS.flatMap((scenario) => scenario.clouds.map((cloud) => ({ scenario: scenario.id, cloud })));

describe.each([iptablesTarget, nftablesTarget])('$id: the tools accept every rendering', (target) => {
  it.skipIf(unavailable !== undefined).each(SCENARIO_CLOUDS)(`$scenario in $cloud, every option combination on Public${skipNote}`, ({ scenario, cloud }) => {
    const snapshotOfCloud = defaultSnapshot(cloud);
    const requirements = loadScenario(scenario, { region: REGIONS[cloud]!, cloud });
    const ns = new Namespace('chk');
    try {
      for (const options of cloud === 'Public' ? optionCombinations(target) : [{}]) {
        const translation = target.translate(requirements, { snapshot: snapshotOfCloud, resolver: expandedResolver(snapshotOfCloud), options });
        try {
          toolCheck(target, translation, ns);
        } catch (failure) {
          throw new Error(`${JSON.stringify(options)}: ${(failure as Error).message}`);
        }
      }
    } finally {
      ns.delete();
    }
  }, 60_000);
});

describe('the dnsmasq configuration of fqdn=dnsmasq', () => {
  const dnsmasq = spawnSync('dnsmasq', ['--version']).status === 0 ? undefined : 'no dnsmasq (apt-get install dnsmasq-base)';
  it.skipIf(dnsmasq !== undefined).each([iptablesTarget, nftablesTarget])(`$id: dnsmasq --test accepts it, one line per host list${dnsmasq ? ` [skipped: ${dnsmasq}]` : ''}`, (target) => {
    const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });
    const translation = target.translate(requirements, { ...context, options: { fqdn: 'dnsmasq' } });
    const config = artifact(translation, 'dnsmasq.conf').content;
    const dir = mkdtempSync(join(tmpdir(), 'tw-dnsmasq-'));
    writeFileSync(join(dir, 'dnsmasq.conf'), config);
    const checked = spawnSync('dnsmasq', ['--test', `--conf-file=${join(dir, 'dnsmasq.conf')}`], { encoding: 'utf8' });
    expect(checked.stderr.trim()).toBe('dnsmasq: syntax check OK.');
    const lines = config.split('\n').filter((line) => /^(ipset|nftset)=/.test(line));
    const broader = translation.diagnostics.filter((diagnostic) => diagnostic.code.endsWith('_FQDN_DNSMASQ_BROADER'));
    // One line per distinct host list: requirements naming the same hosts on other ports share a set.
    const hosts = (id: string | undefined): string => JSON.stringify(requirements.requirements.find((requirement) => requirement.id === id)!.destinations);
    expect(lines.length).toBe(new Set(broader.map((diagnostic) => hosts(diagnostic.requirementId))).size);
    expect(lines.length).toBeGreaterThan(0);
  });
});

describe('reloading a rendered ruleset', () => {
  const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });
  const exact = (target: Target, translation: Translation, ns: Namespace, options: TargetOptionValues): void => {
    const dumped = allowedPackets(dump(target, ns, options));
    const rendered = allowedPackets(target.parseArtifacts(translation.artifacts, { resolver, options }));
    expectSamePackets(dumped, rendered, ['onlyKernel', 'onlyFiles']);
  };

  it.skipIf(unavailable !== undefined)(`iptables: a set that held a prefix the tag no longer has is replaced whole, not added to${skipNote}`, () => {
    const translation = iptablesTarget.translate(requirements, context);
    const ns = new Namespace('rel');
    try {
      loadAndDump(iptablesTarget, translation, ns);
      // What an older snapshot put in the set: `ipset restore` alone only adds, so this would survive a reload.
      const set = /^create (tw4_\S+)/m.exec(artifact(translation, 'ipsets.save').content)![1]!;
      ns.run('ipset', ['add', set, '1.0.0.0/8']);
      expect(ns.run('ipset', ['test', set, '1.2.3.4'])).toBeDefined();
      runHeaderCommand(ns, translation, loadCommand(iptablesTarget, translation));
      exact(iptablesTarget, translation, ns, {});
      expect(ns.run('ipset', ['list', '-n'])).not.toContain('tw_swap');
    } finally {
      ns.delete();
    }
  });

  it.skipIf(unavailable !== undefined)(`iptables defaultAction return: the reload command leaves one jump per hook${skipNote}`, () => {
    const options = { chainHook: 'host', defaultAction: 'return' } as const;
    const translation = iptablesTarget.translate(requirements, { ...context, options });
    const ns = new Namespace('ret');
    try {
      for (const tool of ['iptables', 'ip6tables']) for (const chain of ['INPUT', 'OUTPUT']) ns.run(tool, ['-P', chain, 'DROP']);
      loadAndDump(iptablesTarget, translation, ns, options);
      const reload = headerCommand(artifact(translation, 'iptables.rules').content, 'reload');
      runHeaderCommand(ns, translation, reload);
      runHeaderCommand(ns, translation, reload);
      for (const tool of ['iptables-save', 'ip6tables-save']) {
        const jumps = ns.run(tool, []).split('\n').filter((line) => /^-A (INPUT|OUTPUT) -j TAGWALL-/.test(line));
        expect(jumps.sort()).toEqual(['-A INPUT -j TAGWALL-IN', '-A OUTPUT -j TAGWALL-OUT']);
      }
      exact(iptablesTarget, translation, ns, options);
    } finally {
      ns.delete();
    }
  });

  it.skipIf(unavailable !== undefined)(`nftables: loading the file again replaces the table, sets included${skipNote}`, () => {
    const translation = nftablesTarget.translate(requirements, context);
    const ns = new Namespace('nre');
    try {
      loadAndDump(nftablesTarget, translation, ns);
      const set = /^\tset (tw4_\S+) \{/m.exec(artifact(translation, 'tagwall.nft').content)![1]!;
      ns.run('nft', ['add', 'element', 'inet', 'tagwall', set, '{ 1.0.0.0/8 }']);
      runHeaderCommand(ns, translation, loadCommand(nftablesTarget, translation));
      exact(nftablesTarget, translation, ns, {});
    } finally {
      ns.delete();
    }
  });
});

// ─── hand-written rulesets: the parsers against the kernel's own reading ──────────────────────────────────

const fixture = (name: string): { content: string; file: string } => ({ content: readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8'), file: name });

interface IptablesFixture {
  readonly v4?: string;
  readonly v6?: string;
  readonly ipset?: string;
  readonly options: TargetOptionValues;
}

const IPTABLES_FIXTURES: readonly IptablesFixture[] = [
  { v4: 'debian-host.rules', v6: 'debian-host-v6.rules', options: { interface: 'eth0' } },
  { v4: 'docker-host.rules', ipset: 'docker-host.ipset', options: { chainHook: 'forward', interface: 'docker0', outsideInterface: 'eth0' } },
  { v4: 'restore-hand-written.rules', options: {} },
  { v4: 'hand-written.rules', v6: 'hand-written-v6.rules', ipset: 'hand-written.ipset', options: {} },
  { v4: 'limits.rules', v6: 'limits-v6.rules', options: {} },
];

function parseIptablesTexts(v4: { content: string; file: string } | undefined, v6: { content: string; file: string } | undefined, ipset: { content: string; file: string } | undefined, options: TargetOptionValues): PacketSet {
  const [first, ...rest] = [v4, v6].filter((text) => text !== undefined);
  return allowedPackets(
    iptablesTarget.parse(
      { ...first!, companions: { ...(rest[0] ? { ip6tables: rest[0] } : {}), ...(ipset ? { ipsets: ipset } : {}) } },
      { resolver, options },
    ),
  );
}

/** What a `check --json` answer says, without the names of the files and rules it read: exit code, verdict, boxes. */
function checkAnswer(result: { code: number; stdout: string }): unknown {
  const answer = JSON.parse(result.stdout) as { ok: boolean; missing: Array<{ boxes: Array<{ digest: string }> }>; extra: Array<{ boxes: Array<{ digest: string }> }>; findings: unknown[] };
  const digests = (groups: typeof answer.missing): string[] => groups.flatMap((group) => group.boxes.map((box) => box.digest)).sort();
  return { code: result.code, ok: answer.ok, missing: digests(answer.missing), extra: digests(answer.extra), findings: answer.findings };
}

describe('project-mode check of the files render wrote, and of what the kernel holds once they are loaded', () => {
  // A project's iptables output is one file per family and its nftables output tagwall.nft and the files its large
  // sets continue in: check reads each set of files as one config. Loaded by their own header command, the kernel's
  // dump (iptables-save and ip6tables-save, two files again; nft list ruleset, one) must check the same.
  it.skipIf(unavailable !== undefined).each([iptablesTarget, nftablesTarget])(`$id: the same answer from the files and from the kernel${skipNote}`, (target) => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-project-kernel-'));
    const project = join(dir, 'tagwall.config.yaml');
    const out = join(dir, 'out');
    expect(tagwall('catalog', 'show', 'compute-no-public-ip', '--region', 'westus', '--format', 'yaml', '-o', join(dir, 'req.yaml')).code).toBe(0);
    writeFileSync(project, `requirements: req.yaml\ntargets:\n  ${target.id}: {output: out/}\n`);
    expect(tagwall('render', '--project', project).code).toBe(0);
    const configs = target.id === 'iptables' ? ['iptables.rules', 'ip6tables.rules'] : ['tagwall.nft', 'tagwall.2.nft'];
    expect(readdirSync(out).filter((name) => name !== 'ipsets.save').sort()).toEqual([...configs].sort());
    const fromFiles = tagwall('check', '--project', project, '--json');
    expect((JSON.parse(fromFiles.stdout) as { config: string }).config).toBe(`${target.id}:${configs.map((name) => join(out, name)).join('+')}`);
    const ns = new Namespace('prj');
    try {
      ns.run('sh', ['-c', `cd '${out}' && ${headerCommand(readFileSync(join(out, configs[0]!), 'utf8'), 'load').replace(/ \(check first: .*\)$/, '')}`]);
      const dumps =
        target.id === 'iptables'
          ? ['--config', ns.file('v4.save', ns.run('iptables-save', [])), '--config', ns.file('v6.save', ns.run('ip6tables-save', [])), '--ipsets', ns.file('sets.save', ns.run('ipset', ['save']))]
          : ['--config', ns.file('ruleset.nft', ns.run('nft', ['list', 'ruleset']))];
      const fromKernel = tagwall('check', '--requirements', join(dir, 'req.yaml'), '--target', target.id, ...dumps, '--json');
      expect(checkAnswer(fromKernel)).toEqual(checkAnswer(fromFiles));
    } finally {
      ns.delete();
    }
  });
});

describe('hand-written rulesets through the kernel', () => {
  it.skipIf(unavailable !== undefined).each(IPTABLES_FIXTURES)(`iptables $v4 $v6: parsing the file and parsing what iptables-save prints after loading it agree${skipNote}`, ({ v4, v6, ipset, options }) => {
    const ns = new Namespace('fix');
    try {
      const files = { v4: v4 ? fixture(v4) : undefined, v6: v6 ? fixture(v6) : undefined, ipset: ipset ? fixture(ipset) : undefined };
      if (files.ipset) ns.run('ipset', ['restore'], files.ipset.content);
      if (files.v4) ns.run('iptables-restore', [ns.file('v4.rules', files.v4.content)]);
      if (files.v6) ns.run('ip6tables-restore', [ns.file('v6.rules', files.v6.content)]);
      const saved = {
        v4: files.v4 ? { content: ns.run('iptables-save', ['-t', 'filter']), file: 'iptables-save' } : undefined,
        v6: files.v6 ? { content: ns.run('ip6tables-save', ['-t', 'filter']), file: 'ip6tables-save' } : undefined,
        ipset: files.ipset ? { content: ns.run('ipset', ['save']), file: 'ipset-save' } : undefined,
      };
      const fromFile = parseIptablesTexts(files.v4, files.v6, files.ipset, options);
      const fromKernel = parseIptablesTexts(saved.v4, saved.v6, saved.ipset, options);
      expect(fromFile.isEmpty()).toBe(false);
      expectSamePackets(fromKernel, fromFile, ['onlyKernel', 'onlyFile']);
    } finally {
      ns.delete();
    }
  });

  it.skipIf(unavailable !== undefined).each(['workstation.nft', 'hand-written.nft'])(`nftables %s: parsing the file and parsing what nft list ruleset prints after loading it agree${skipNote}`, (name) => {
    const ns = new Namespace('nfx');
    try {
      const file = fixture(name);
      ns.run('nft', ['-f', ns.file(name, file.content)]);
      const listed = ns.run('nft', ['list', 'ruleset']);
      const fromFile = allowedPackets(nftablesTarget.parse(file, { resolver, options: {} }));
      const fromKernel = allowedPackets(nftablesTarget.parse({ content: listed, file: 'nft-list-ruleset' }, { resolver, options: {} }));
      expect(fromFile.equals(PacketSet.ALL)).toBe(false);
      expectSamePackets(fromKernel, fromFile, ['onlyKernel', 'onlyFile']);
    } finally {
      ns.delete();
    }
  });

  it.skipIf(unavailable !== undefined)(`an ip6tables ruleset read by the iptables parser and, as iptables-nft stores it, by the nft parser agree${skipNote}`, () => {
    const ns = new Namespace('crs');
    try {
      const file = fixture('debian-host-v6.rules');
      ns.run('ip6tables-restore', [ns.file('v6.rules', file.content)]);
      const options = { interface: 'eth0' };
      const ipv6 = PacketSet.of({ src: AddressSet.allOf('ipv6'), dst: AddressSet.allOf('ipv6') });
      const viaIptables = parseIptablesTexts(undefined, file, undefined, options).intersection(ipv6);
      const viaNft = allowedPackets(nftablesTarget.parse({ content: ns.run('nft', ['list', 'ruleset']), file: 'nft-list-ruleset' }, { resolver, options })).intersection(ipv6);
      expect(viaIptables.isEmpty()).toBe(false);
      expectSamePackets(viaNft, viaIptables, ['onlyNft', 'onlyIptables']);
    } finally {
      ns.delete();
    }
  });
});

// ─── packets on a wire ───────────────────────────────────────────────────────────────────────────────────

const { workload: WORKLOAD, peer: PEER } = VETH_ADDRESSES;

function requirement(id: string, direction: Direction, protocols: string, ports: string, sources: string | undefined, destinations: string | undefined, icmp?: Requirement['icmp']): Requirement {
  const endpoint = (text: string | undefined): Requirement['sources'] =>
    text === undefined ? [{ kind: 'any' }] : [{ kind: 'addresses', addresses: AddressSet.parse(text) }];
  return {
    id,
    direction,
    protocols: ProtocolSet.parse(protocols),
    ports: ports === 'any' ? PortSet.ANY : PortSet.parse(ports),
    ...(icmp ? { icmp } : {}),
    sources: endpoint(sources),
    destinations: endpoint(destinations),
    purpose: `wire test ${id}`,
    conditions: [],
    provenance: [],
  };
}

const WIRE: RequirementSet = {
  name: 'wire',
  requirements: [
    requirement('out-web', 'out', 'tcp', '443,8080', undefined, `${PEER.ipv4}, ${PEER.ipv6}`),
    requirement('out-udp', 'out', 'udp', '5831', `${WORKLOAD.ipv4}, ${WORKLOAD.ipv6}`, `${PEER.ipv4}, ${PEER.ipv6}`),
    requirement('in-ssh', 'in', 'tcp', '22', `${PEER.ipv4}, ${PEER.ipv6}`, undefined),
    requirement('in-udp-v4', 'in', 'udp', '9000-9010', PEER.ipv4, WORKLOAD.ipv4),
    requirement('echo', 'out', 'icmp', 'any', undefined, PEER.ipv4, [{ type: 8 }]),
    requirement('echo6', 'out', 'icmpv6', 'any', undefined, PEER.ipv6, [{ type: 128, code: 0 }]),
  ],
};

interface PlannedProbe {
  readonly packet: Packet;
  readonly from: 'workload' | 'peer';
  readonly expected: boolean;
}

/** Witnesses inside and outside what the rules allow, per direction, protocol and family, on the veth addresses. */
function planProbes(allowed: PacketSet, required: RuleSet): PlannedProbe[] {
  const plans: PlannedProbe[] = [];
  let sourcePort = 40000;
  for (const direction of ['out', 'in'] as const) {
    for (const protocol of ['tcp', 'udp']) {
      for (const family of ['ipv4', 'ipv6'] as const) {
        const [src, dst] = direction === 'out' ? [WORKLOAD[family], PEER[family]] : [PEER[family], WORKLOAD[family]];
        // connect() and sendto() open a flow: the kernel's first packet is NEW.
        const universe = PacketSet.of({ directions: [direction], protocols: ProtocolSet.parse(protocol), src: AddressSet.parse(src), dst: AddressSet.parse(dst), states: ['new'] });
        for (const part of [universe.intersection(allowed), universe.difference(allowed)]) {
          const witness = part.witness();
          if (!witness) continue;
          const packet: Packet = { ...witness, srcPort: ++sourcePort };
          plans.push({ packet, from: direction === 'out' ? 'workload' : 'peer', expected: evaluate(required, packet).action === 'allow' });
        }
      }
    }
  }
  return plans;
}

describe('real packets across a veth pair', () => {
  let pair: VethPair | undefined;
  beforeAll(() => {
    if (!unavailable) pair = vethPair();
  });
  afterAll(() => pair?.delete());

  it.skipIf(unavailable !== undefined).each([iptablesTarget, nftablesTarget])(`$id: the kernel's verdict is tagwall's for witnesses inside and outside the allowed set${skipNote}`, async (target) => {
    if (!pair) throw new Error('no veth pair');
    const { workload, peer } = pair;
    // The requirements alone: the platform flows have their own kernel test (linux-platform-kernel.test.ts).
    const translation = target.translate(WIRE, { ...context, options: { platformFlows: 'none' } });
    expect(translation.diagnostics.filter((diagnostic) => diagnostic.lost)).toEqual([]);
    const requiredRules = requirementsRuleSet(WIRE, resolver);
    workload.run('nft', ['flush', 'ruleset']);
    workload.run('ipset', ['destroy']);
    const parsed = loadAndDump(target, translation, workload);
    const allowed = allowedPackets(parsed);
    expect(allowed.equals(allowedPackets(requiredRules))).toBe(true);
    const plans = planProbes(allowed, requiredRules);
    expect(plans.filter((plan) => plan.expected).length).toBeGreaterThanOrEqual(5);
    expect(plans.filter((plan) => !plan.expected).length).toBeGreaterThanOrEqual(8);
    const portsOf = (from: 'workload' | 'peer', protocol: number): number[] =>
      [...new Set(plans.filter((plan) => plan.from === from && plan.packet.protocol === protocol).map((plan) => plan.packet.dstPort!))];
    const listeners = await Promise.all([
      startListener(peer, { tcp: portsOf('workload', 6), udp: portsOf('workload', 17) }),
      startListener(workload, { tcp: portsOf('peer', 6), udp: portsOf('peer', 17) }),
    ]);
    try {
      const verdicts = new Map<PlannedProbe, boolean>();
      for (const from of ['workload', 'peer'] as const) {
        const batch = plans.filter((plan) => plan.from === from);
        const probes: Probe[] = batch.map(({ packet }) => ({
          protocol: packet.protocol === 6 ? 'tcp' : 'udp',
          src: packet.src,
          srcPort: packet.srcPort!,
          dst: packet.dst,
          dstPort: packet.dstPort!,
        }));
        const results = sendProbes(from === 'workload' ? workload : peer, probes);
        batch.forEach((plan, index) => verdicts.set(plan, results[index]!));
      }
      const report = plans.map((plan) => `${formatPacket(plan.packet)}: tagwall ${plan.expected ? 'allow' : 'deny'}, kernel ${verdicts.get(plan) ? 'allow' : 'deny'}`);
      expect(report).toEqual(plans.map((plan) => `${formatPacket(plan.packet)}: tagwall ${plan.expected ? 'allow' : 'deny'}, kernel ${plan.expected ? 'allow' : 'deny'}`));
    } finally {
      for (const listener of listeners) listener.kill();
    }
  }, 30_000);
});
