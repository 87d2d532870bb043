/**
 * Issue 19's reproductions, each a failure seen on main before the parsers were hardened: hangs and out-of-memory
 * aborts in the nft tokenizer, stack overflows in PAN-OS XML and the netfilter inliner, YAML library errors escaping
 * as exit 70, quadratic YAML error recovery. Each must now end quickly in a parse or the typed error documented in
 * docs/errors.md ("Input limits and hostile input").
 */
import { describe, expect, it } from 'vitest';
import { parseRequirements } from '../src/catalogue/requirements-file.js';
import { importDependencies } from '../src/catalogue/dependencies.js';
import { TagwallError, type ErrorCode } from '../src/errors.js';
import { parsePacket } from '../src/model/packet.js';
import { PacketSet } from '../src/model/packet-set.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import { parseSnapshot } from '../src/servicetags/snapshot.js';
import { parseIpsetSave } from '../src/targets/netfilter/iptables/ipset.js';
import { parseIptablesSources } from '../src/targets/netfilter/iptables/parse.js';
import { chainsToRuleSet, familyScope, type Chain, type ChainRule } from '../src/targets/netfilter/common/chains.js';
import { netfilterOptions } from '../src/targets/netfilter/common/options.js';
import { parseNftRuleset } from '../src/targets/netfilter/nftables/parse.js';
import { parseSetCommands } from '../src/targets/panos/set-commands.js';
import { parseXml } from '../src/targets/panos/xml.js';
import { armResources, parseJsonConfig } from '../src/targets/azure/common/arm-read.js';

function typedError(fn: () => unknown): TagwallError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TagwallError) return error;
    throw new Error(`expected a TagwallError, got ${String(error)}`);
  }
  throw new Error('expected a TagwallError, but it parsed');
}

function expectError(fn: () => unknown, code: ErrorCode, described: string | RegExp): void {
  const error = typedError(fn);
  expect(error.code, error.describe()).toBe(code);
  if (typeof described === 'string') expect(error.describe()).toBe(described);
  else expect(error.describe()).toMatch(described);
}

/** Wall time of `fn`, in ms: these were hangs, so the bound is loose but far below what they took. */
function timed(fn: () => unknown): number {
  const started = performance.now();
  try {
    fn();
  } catch {
    // the error is checked elsewhere
  }
  return performance.now() - started;
}

const NFT = 'table inet t {\n  chain c {\n    type filter hook input priority 0; policy drop;\n    tcp dport 22 accept\n  }\n}\n';
const nft = (text: string): unknown => parseNftRuleset(text, 'host.nft', netfilterOptions({}, 'nftables'));
const SPACES: ReadonlyArray<[string, string]> = [
  ['\u00a0', 'U+00A0 (no-break space)'],
  ['\u000b', 'U+000B (vertical tab)'],
  ['\u000c', 'U+000C (form feed)'],
  ['\u2028', 'U+2028 (line separator)'],
  ['\u3000', 'U+3000 (ideographic space)'],
  ['\ufeff', 'U+FEFF (byte-order mark)'],
];

describe('Unicode spaces: a BOM at the start is ignored, any other non-ASCII space is a clear error (was: nft looped until the heap ran out)', () => {
  it('nft', () => {
    expect(() => nft(`\ufeff${NFT}`)).not.toThrow();
    for (const [space, name] of SPACES) {
      expectError(() => nft(NFT.replace('tcp dport', `tcp${space}dport`)), 'TW_INVALID_CONFIG', `host.nft:4: ${name} is not a space this format accepts; use a plain space or tab`);
    }
    // Inside a string or a comment they are text.
    expect(() => nft(NFT.replace('accept', 'accept comment "a\u00a0b" # c\u3000d'))).not.toThrow();
  });

  it('iptables-save, ipset save, PAN-OS set commands and XML, packet text', () => {
    const rules = '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    const iptables = (text: string): unknown => parseIptablesSources({ rules: [{ content: text, file: 'host.rules' }], ipsets: [] }, netfilterOptions({}, 'iptables'));
    expect(() => iptables(`\ufeff${rules}`)).not.toThrow();
    expect(() => parseIpsetSave('\ufeffcreate s hash:net family inet\nadd s 10.0.0.0/8\n', 'sets.save')).not.toThrow();
    expect(() => parseXml('\ufeff<config/>', 'c.xml')).not.toThrow();
    for (const [space, name] of SPACES) {
      expectError(() => iptables(rules.replace('-p tcp', `-p${space}tcp`)), 'TW_INVALID_CONFIG', `host.rules:3:12: ${name} is not a space this format accepts; use a plain space or tab`);
      // At the edge of a line too: trimming it away would read a line the real tool refuses.
      expectError(() => iptables(rules.replace('-A INPUT', `${space}-A INPUT`)), 'TW_INVALID_CONFIG', /^host\.rules:3:1: /);
      expectError(() => parseIpsetSave(`create s hash:net${space}family inet\n`, 'sets.save'), 'TW_INVALID_CONFIG', /^sets\.save:1:18: /);
      expectError(() => parseSetCommands(`set address a${space}ip-netmask 10.0.0.0/8\n`, 'c.set'), 'TW_INVALID_CONFIG', /^c\.set:1:14: /);
      expectError(() => parseXml(`<config${space}a="1"/>`, 'c.xml'), 'TW_INVALID_CONFIG', /^c\.xml:1:8: /);
      expectError(() => parsePacket(`out tcp 10.0.0.4 ->${space}10.0.0.5:443`), 'TW_INVALID_PACKET', /^column 20: /);
    }
    // Quoted, they are the value's text.
    expect(() => iptables(rules.replace('-j ACCEPT', '-m comment --comment "a\u00a0b" -j ACCEPT'))).not.toThrow();
  });
});

describe('requirement files: every YAML/JSON library error is TW_INVALID_REQUIREMENTS with file:line:col (was: exit 70)', () => {
  it('an unquoted wildcard host says to quote it', () => {
    const text = 'requirements:\n  - id: blob\n    direction: outbound\n    destination: *.blob.core.windows.net\n';
    expectError(() => parseRequirements(text, 'workload.yaml'), 'TW_INVALID_REQUIREMENTS', "workload.yaml:4:18: '*.blob.core.windows.net' is read as a YAML alias, not a wildcard host; quote it: '*.blob.core.windows.net'");
  });

  it('an alias bomb', () => {
    const level = (name: string, of: string): string => `${name}: &${name} [${Array(10).fill(`*${of}`).join(', ')}]`;
    const text = ['a: &a [x, x, x, x, x, x, x, x, x, x]', level('b', 'a'), level('c', 'b'), level('d', 'c'), level('e', 'd'), 'requirements: []'].join('\n');
    expectError(() => parseRequirements(text, 'bomb.yaml'), 'TW_INVALID_REQUIREMENTS', /^bomb\.yaml:2:\d+: YAML aliases expand to too many nodes/);
  });

  it('JSON: syntax with line:col, a key given twice (JSON.parse would keep the last silently), semantic errors with line:col', () => {
    expectError(() => parseRequirements('{\n  "requirements": [,]\n}', 'w.json'), 'TW_INVALID_REQUIREMENTS', /^w\.json:2:20: invalid JSON: /);
    const twice = '{"requirements": [{"id": "a", "direction": "out", "destination": "x.com", "destination": "*"}]}';
    expectError(() => parseRequirements(twice, 'w.json'), 'TW_INVALID_REQUIREMENTS', "w.json:1:75: duplicate key 'destination' in an object");
    expectError(() => parseRequirements('\ufeff{"requirements": [{"id": "a", "direction": "out", "ports": "7x"}]}', 'w.json'), 'TW_INVALID_PORT', /^w\.json:1:60: /);
  });

  it('stray flow indicators before nested collections end in milliseconds, not seconds (was quadratic: 5 s at 64 KB)', () => {
    const text = `requirements: ]${'['.repeat(60)}${']'.repeat(60)}`.repeat(1).padEnd(15, ' ') + `${'['.repeat(60)}${']'.repeat(60)}`.repeat(540);
    expect(timed(() => parseRequirements(text, 'q.yaml'))).toBeLessThan(2000);
    expectError(() => parseRequirements(text, 'q.yaml'), 'TW_INVALID_REQUIREMENTS', /^q\.yaml:1:15: /);
  });

  it('nesting beyond 64 levels is TW_INPUT_LIMIT, in JSON (an 800 KB file did not finish in 120 s) and YAML', () => {
    const deep = `{"requirements": ]${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
    expectError(() => parseRequirements(deep, 'deep.json'), 'TW_INPUT_LIMIT', 'deep.json:1:83: brackets and braces nest more than 64 deep');
    expectError(() => parseRequirements(`requirements:\n${'- '.repeat(20_000)}x\n`, 'deep.yaml'), 'TW_INPUT_LIMIT', 'deep.yaml:2:1: collections nest more than 64 deep');
  });
});

describe('no recursion the input controls, no spread of input-sized arrays', () => {
  it('PAN-OS XML nested 10,000 deep (was: stack overflow)', () => {
    const text = `<config>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</config>`;
    expectError(() => parseXml(text, 'deep.xml'), 'TW_INPUT_LIMIT', 'deep.xml:1:774: XML elements nest more than 256 deep');
  });

  it('chainsToRuleSet with 131,072 rules on one hook (was: stack overflow above ~120,000 in rules.push(...))', () => {
    // One shared match keeps the set-up cheap; the inliner still emits a rule for each (it never subtracts accepts).
    const match = PacketSet.of({ protocols: ProtocolSet.of(6), dstPorts: PortSet.of(22) });
    const rules = Array.from({ length: 131_072 }, (_, i): ChainRule => ({ match: () => match, verdict: { kind: 'accept' }, origin: { line: i + 1 } }));
    const input: Chain = { name: 'INPUT', rules, origin: {}, base: { hook: 'input', policy: 'drop', priority: 0, scope: familyScope('ipv4') } };
    const ruleSet = chainsToRuleSet({ name: 'big', chains: new Map([['INPUT', input]]), view: 'input', unseen: 'deny' });
    expect(ruleSet.rules.length).toBeGreaterThan(131_072);
  });

  it('ARM resources nested past 16 levels, Dependencies API entries that are null', () => {
    let resource: object = { type: 'Microsoft.Network/networkSecurityGroups' };
    for (let i = 0; i < 40; i++) resource = { type: 'x', resources: [resource] };
    expectError(() => armResources(parseJsonConfig(JSON.stringify(resource), 'a.json')), 'TW_INPUT_LIMIT', /^a\.json: \$(\.resources\[0\]){16}: resources nest more than 16 deep$/);
    expectError(() => parseJsonConfig('\ufeff{"a": tru}', 'a.json'), 'TW_INVALID_CONFIG', /^a\.json:1:\d+: not valid JSON/);
    for (const text of ['null', '{"value": [null]}', '{"value": [{"properties": {"category": "c", "endpoints": [null]}}]}']) {
      expectError(() => importDependencies(text, 'deps.json'), 'TW_INVALID_REQUIREMENTS', /^deps\.json: \$/);
    }
  });

  it('a damaged embedded snapshot is TW_SNAPSHOT_SHAPE naming the file, not a RangeError', () => {
    const bomb = Buffer.concat([Buffer.from('TWST'), Buffer.from([1, 1]), Buffer.alloc(4)]);
    expectError(() => parseSnapshot(bomb, 'x.twsnap'), 'TW_SNAPSHOT_SHAPE', /^x\.twsnap: /);
  });
});
