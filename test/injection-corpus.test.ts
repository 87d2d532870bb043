/**
 * The injection corpus (issue 19 item 1): hostile text in every place users control — requirement ids, purposes,
 * the requirement set's name, the requirements file's path, URL paths, host names — rendered to every target and
 * format, then
 * - checked by the real tool where there is one offline: `dnsmasq --test`, `nft -c -f` and `iptables-restore --test` /
 *   `ip6tables-restore --test` / `ipset restore` in a network namespace, `xmllint`, `terraform fmt -check`;
 * - checked for structure: JSON parses and has exactly the ARM expressions a benign text gets; Bicep, HCL, nft,
 *   restore files and set commands have the same code skeleton (the text outside strings and comments) as with a
 *   benign text, so no payload became code; reports keep their element, table and result structure;
 * - parsed back by tagwall to the same meaning (the translator contract: nothing allowed beyond the requirements,
 *   nothing lost without a diagnostic).
 * Bounded: 30 payloads × 18 target/format configurations, one tool process per batch (about 25 s).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkContract } from '../src/targets/contract.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { parseEndpoint } from '../src/catalogue/endpoints.js';
import { TagwallError } from '../src/errors.js';
import { AddressSet } from '../src/model/address-set.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../src/model/requirement.js';
import { renderReport, translationReport } from '../src/reports/index.js';
import type { Report } from '../src/reports/model.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { isArmExpression } from '../src/targets/azure/common/escape.js';
import { findTarget, getTarget } from '../src/targets/registry.js';
import type { TargetOptionValues, Translation } from '../src/targets/target.js';
import { Namespace, netnsUnavailable } from './support/netns.js';

const PAYLOADS: readonly string[] = [
  `it's "double" ‘curly’ “quotes” «guillemets» \`back\``,
  'line one\nflush ruleset\n-I INPUT -j ACCEPT',
  'crlf\r\ncommit\r\n',
  'semi; reboot; # hash',
  '# a comment\n*filter',
  '$(reboot) and `id`',
  '${var.x} and $${y} and ${{z}}',
  '%{ if true }x%{ endif }',
  "[concat('a', 'b')]",
  '[[already escaped]',
  '<script>alert(1)</script> & &amp; &#x3c;',
  ']]> <![CDATA[ x ]]> <!-- -- -->',
  '\u0000nul \u0007bel \u001b[31mred\u001b[0m \u007fdel',
  'c1 \u0085nel \u009bcsi \u0080 \u009f',
  'ls\u2028ps\u2029end',
  'bidi \u202eevil\u202c \u2066iso\u2069 \u200frlm \u061calm',
  'zero\u200bwidth\u200c\u200d\ufeffbom',
  'lone \ud800 high and \udc00 low, pair 😀',
  'noncharacters \ufffe \uffff',
  `long ${'x'.repeat(10_000)}`,
  `${'é'.repeat(300)}ütf-8 €`,
  '-- --comment "x" -j ACCEPT',
  '*/ /* */ // -->',
  '\\ backslash \\" \\n \\u0041',
  'tab\there\vvt\fff',
  'ends with backslash \\',
  '?help ?',
  '   ',
  "'single' \"double\" '",
  '@team mention | pipe | *bold* _it_ ~~s~~',
];

/** Host names as users write them: punycode, raw Unicode, trailing dots, mixed case. */
const HOSTS: readonly string[] = ['xn--bcher-kva.example', 'bücher.example', 'pypi.org.', 'PyPI.ORG', '*.pythonhosted.org.', 'a.b-c.example', 'münchen.de'];

/** Every target and format, with the options that reach the code paths users reach. */
const CONFIGURATIONS: ReadonlyArray<readonly [target: string, options: TargetOptionValues]> = [
  ...['azure-firewall', 'azure-firewall-classic', 'nsg', 'udr'].flatMap((target) => ['arm', 'bicep', 'terraform'].map((format) => [target, { format }] as const)),
  ['iptables', {}],
  ['iptables', { fqdn: 'dnsmasq' }],
  ['nftables', {}],
  ['nftables', { fqdn: 'dnsmasq' }],
  ['panos', { format: 'xml' }],
  ['panos', { format: 'set' }],
  ['panos', { format: 'xml', tags: 'edl', edlUrl: 'https://lists.example.com' }],
];

const snapshot = defaultSnapshot();
const resolver = expandedResolver(snapshot);
const BENIGN = 'benign text';

function requirement(id: string, purpose: string, destinations: readonly Endpoint[], ports = '443'): Requirement {
  return {
    id,
    direction: 'out',
    protocols: ProtocolSet.parse('tcp'),
    ports: PortSet.parse(ports),
    sources: [{ kind: 'addresses', addresses: AddressSet.parse('10.1.0.0/24') }],
    destinations,
    purpose,
    conditions: [],
    provenance: [],
  };
}

/** The payload as the id, the purpose, the set's name, the file path, and in a URL path. */
function hostileSet(payload: string): RequirementSet {
  return {
    name: payload,
    origin: `/srv/requirements/${payload}.yaml`,
    requirements: [
      requirement(payload, payload, [{ kind: 'addresses', addresses: AddressSet.parse('192.0.2.0/24') }]),
      requirement(`${payload}#2`, `${payload} (second)`, [{ kind: 'service-tag', name: 'AzureMachineLearning.WestUS' }], '8787'),
      requirement(`url ${payload}`, payload, [{ kind: 'url', pattern: (parseEndpoint({ url: 'raw.githubusercontent.com/' }) as Extract<Endpoint, { kind: 'url' }>).pattern, path: `/${payload}/` }]),
    ],
  };
}

/** Text outside strings and comments, identifiers and numbers folded: what a payload must never change. */
function skeleton(text: string, syntax: { quotes: readonly string[]; comment: RegExp; escape: boolean }): string {
  let code = '';
  for (let i = 0; i < text.length; ) {
    const rest = text.slice(i);
    const comment = syntax.comment.exec(rest);
    if (comment && comment.index === 0) {
      i += comment[0].length;
      code += ' C ';
      continue;
    }
    const quote = syntax.quotes.find((q) => rest.startsWith(q));
    if (quote) {
      let j = i + 1;
      while (j < text.length && text[j] !== quote) j += syntax.escape && text[j] === '\\' ? 2 : 1;
      i = j + 1;
      code += ' S ';
      continue;
    }
    code += text[i];
    i++;
  }
  return code.replace(/[A-Za-z0-9_.:/-]+/g, 'x').replace(/\s+/g, ' ');
}

const SYNTAX: Readonly<Record<string, { quotes: readonly string[]; comment: RegExp; escape: boolean }>> = {
  bicep: { quotes: ["'"], comment: /^\/\/[^\n]*/, escape: true },
  terraform: { quotes: ['"'], comment: /^#[^\n]*/, escape: true },
  nft: { quotes: ['"'], comment: /^#[^\n]*/, escape: false },
  'iptables-restore': { quotes: ['"'], comment: /^#[^\n]*/, escape: true },
  ipset: { quotes: ['"'], comment: /^#[^\n]*/, escape: true },
  dnsmasq: { quotes: [], comment: /^#[^\n]*/, escape: false },
  set: { quotes: ['"'], comment: /^#[^\n]*/, escape: false },
};

function armExpressions(value: unknown): string[] {
  if (typeof value === 'string') return isArmExpression(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(armExpressions);
  if (value && typeof value === 'object') return Object.values(value).flatMap(armExpressions);
  return [];
}

function key(target: string, options: TargetOptionValues): string {
  return `${target} ${JSON.stringify(options)}`;
}

const baselines = new Map<string, Translation>();
function baseline(target: string, options: TargetOptionValues): Translation {
  const k = key(target, options);
  if (!baselines.has(k)) baselines.set(k, findTarget(target).translate(hostileSet(BENIGN), { snapshot, resolver, options }));
  return baselines.get(k)!;
}

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const work = mkdtempSync(join(tmpdir(), 'tagwall-corpus-'));
/** Files the real tools check after the renders, by tool. */
const forTools = { dnsmasq: [] as string[], nft: [] as string[], restore: [] as Array<{ ipsets: string; v4: string; v6: string }>, xml: [] as string[], terraform: join(work, 'tf') };
mkdirSync(forTools.terraform);
let fileCounter = 0;
const save = (name: string, content: string, dir = work): string => {
  const file = join(dir, `${++fileCounter}-${name.replace(/[^A-Za-z0-9.]/g, '_')}`);
  writeFileSync(file, content);
  return file;
};

describe('the injection corpus: every payload in ids, purposes, names, file paths and URL paths, to every target and format', () => {
  it.each(CONFIGURATIONS.map(([target, options]) => [key(target, options), target, options] as const))('%s', (_label, target, options) => {
    const base = baseline(target, options);
    for (const payload of PAYLOADS) {
      const requirements = hostileSet(payload);
      const context = { snapshot, resolver, options };
      const contract = checkContract(findTarget(target), requirements, context);
      // Parsed back to the same meaning: nothing beyond the requirements, nothing lost without a diagnostic. (udr
      // loses literal-address requirements without a diagnostic even for benign text, a gap outside this test's
      // subject; for it the corpus holds it to soundness and determinism.)
      const where = `${target} ${JSON.stringify(options)} payload ${JSON.stringify(payload.slice(0, 60))}`;
      if (target === 'udr') {
        expect(contract.tooMuch.isEmpty(), where).toBe(true);
        expect(contract.nondeterministicArtifact, where).toBeUndefined();
      } else expect(contract.ok, where).toBe(true);
      const { artifacts } = contract.translation;
      expect(artifacts.map((a) => a.name)).toEqual(base.artifacts.map((a) => a.name));
      artifacts.forEach((artifact, index) => {
        const reference = base.artifacts[index]!;
        const where = `${target} ${artifact.name} payload ${JSON.stringify(payload.slice(0, 60))}`;
        // One treatment of a lone surrogate everywhere: U+FFFD, never `\ud800` in JSON nor a raw one elsewhere.
        expect(artifact.content, where).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\\ud[89a-f][0-9a-f]{2}/i);
        if (artifact.format === 'arm') {
          const parsed: unknown = JSON.parse(artifact.content);
          expect(armExpressions(parsed), where).toEqual(armExpressions(JSON.parse(reference.content)));
        } else if (SYNTAX[artifact.format]) {
          const shape = skeleton(artifact.content, SYNTAX[artifact.format]!);
          const expected = skeleton(reference.content, SYNTAX[artifact.format]!);
          // NSG rule priorities come from a hash of each rule's name (the ids here), so the payload may reorder the
          // rules: there the same tokens in another order is the same shape; a token a payload added or removed is not.
          if (target === 'nsg') expect(shape.split(/\s+/).sort(), where).toEqual(expected.split(/\s+/).sort());
          else expect(shape, where).toBe(expected);
        }
        if (artifact.format === 'nft') forTools.nft.push(save('ruleset.nft', artifact.content));
        if (artifact.format === 'dnsmasq') forTools.dnsmasq.push(save('dnsmasq.conf', artifact.content));
        if (artifact.format === 'xml') forTools.xml.push(save('config.xml', artifact.content));
        if (artifact.format === 'terraform') save('main.tf', artifact.content, forTools.terraform);
      });
      if (target === 'iptables' && options.fqdn === undefined) {
        const content = (name: string): string => artifacts.find((a) => a.name === name)!.content;
        forTools.restore.push({ ipsets: save('ipsets.save', content('ipsets.save')), v4: save('iptables.rules', content('iptables.rules')), v6: save('ip6tables.rules', content('ip6tables.rules')) });
      }
    }
  });

  it('host names as users write them (punycode, raw Unicode, trailing dots): an exact rendering or a typed error', () => {
    for (const host of HOSTS) {
      let endpoint: Endpoint;
      try {
        endpoint = parseEndpoint(host.startsWith('*') ? host : { host });
      } catch (error) {
        expect(error, host).toBeInstanceOf(TagwallError);
        continue;
      }
      const requirements: RequirementSet = { name: host, origin: host, requirements: [requirement(host, host, [endpoint])] };
      for (const [target, options] of CONFIGURATIONS) {
        const contract = checkContract(findTarget(target), requirements, { snapshot, resolver, options });
        if (target === 'udr') expect(contract.tooMuch.isEmpty(), `${host} on udr`).toBe(true);
        else expect(contract.ok, `${host} on ${key(target, options)}`).toBe(true);
        for (const artifact of contract.translation.artifacts) {
          if (artifact.format === 'xml') forTools.xml.push(save('hosts.xml', artifact.content));
          if (artifact.format === 'nft') forTools.nft.push(save('hosts.nft', artifact.content));
          if (artifact.format === 'terraform') save('hosts.tf', artifact.content, forTools.terraform);
        }
      }
    }
  });

  it('reports (Markdown, HTML, SARIF, text) keep their structure with every payload, and carry no control character', () => {
    const reportOf = (payload: string): Report => {
      const requirements = hostileSet(payload);
      const translations = (['nsg', 'iptables', 'panos'] as const).map((target) => ({ target, translation: getTarget(target).translate(requirements, { snapshot, resolver, options: {} }) }));
      return translationReport({ requirements, snapshot: snapshot.info, translations, resolver });
    };
    /** The same report with every character a renderer could mistake for markup made a letter: the reference. */
    const neutral = <T,>(value: T): T => {
      if (typeof value === 'string') return value.replace(/[^A-Za-z0-9 _.:/-]/gu, 'a') as T;
      if (Array.isArray(value)) return value.map(neutral) as T;
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, neutral(v)])) as T;
      return value;
    };
    // Sorted: the neutral text can sort findings in another order; what must not change is which elements there are.
    const tags = (html: string): string[] => [...html.matchAll(/<\/?([a-z][a-z0-9]*)/g)].map((m) => m[0]).sort();
    // Fenced blocks (witness packets, boxes) keep the text's own lines; a fence longer than any backtick run in it
    // cannot be closed from inside (text/markdown.ts), so only the lines outside fences are the report's structure.
    const tableShape = (markdown: string): string[] => {
      const shape: string[] = [];
      let fence: string | undefined;
      for (const line of markdown.split('\n')) {
        const opener = /^`{3,}/.exec(line)?.[0];
        if (fence !== undefined) {
          if (line === fence) fence = undefined;
          continue;
        }
        if (opener) {
          fence = opener;
          shape.push('fenced block');
        } else shape.push(line.startsWith('|') ? `row ${line.replace(/\\\|/g, '').split('|').length}` : line.startsWith('#') ? 'heading' : line === '' ? '' : 'text');
      }
      return shape.sort();
    };
    for (const payload of PAYLOADS) {
      const where = JSON.stringify(payload.slice(0, 60));
      const report = reportOf(payload);
      const reference = neutral(report);
      expect(tags(renderReport(report, 'html')), where).toEqual(tags(renderReport(reference, 'html')));
      expect(tableShape(renderReport(report, 'markdown')), where).toEqual(tableShape(renderReport(reference, 'markdown')));
      const sarif = JSON.parse(renderReport(report, 'sarif')) as { runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }> };
      expect(sarif.runs[0]!.results.map((r) => r.ruleId).sort(), where).toEqual(report.findings.map((f) => f.code).sort());
      expect(renderReport(report, 'text').replace(/[\n\t]/g, ''), where).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      for (const result of sarif.runs[0]!.results) expect(result.message.text.replace(/[\n\t]/g, ''), where).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    }
  });

  const xmllint = has('xmllint') ? undefined : 'xmllint not installed (apt-get install libxml2-utils)';
  it.skipIf(xmllint)(`xmllint accepts every PAN-OS XML file (${xmllint ?? 'xmllint'})`, () => {
    expect(forTools.xml.length).toBeGreaterThan(PAYLOADS.length);
    const result = spawnSync('xmllint', ['--noout', ...forTools.xml], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  const terraform = has('terraform') ? undefined : 'terraform not installed';
  it.skipIf(terraform)(`terraform fmt -check accepts every Terraform file as it is (${terraform ?? 'terraform'})`, () => {
    expect(readdirSync(forTools.terraform).length).toBeGreaterThan(PAYLOADS.length);
    const result = spawnSync('terraform', ['fmt', '-check', '-list=true', forTools.terraform], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' } });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  const nft = has('nft') && has('unshare') ? undefined : 'nft or unshare not installed (apt-get install nftables util-linux)';
  it.skipIf(nft)(`nft -c -f accepts every nftables file (${nft ?? 'nft'})`, () => {
    expect(forTools.nft.length).toBeGreaterThanOrEqual(PAYLOADS.length);
    // One process checks them all: a shell loop in one user+network namespace, so the host's tables are never read.
    const script = `for f in "$@"; do nft -c -f "$f" || echo "FAILED $f"; done`;
    const result = spawnSync('unshare', ['-rn', 'sh', '-c', script, 'sh', ...forTools.nft], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
  });

  const dnsmasq = has('dnsmasq') ? undefined : 'dnsmasq not installed (apt-get install dnsmasq-base)';
  it.skipIf(dnsmasq)(`dnsmasq --test accepts every dnsmasq configuration (${dnsmasq ?? 'dnsmasq'})`, () => {
    expect(forTools.dnsmasq.length).toBe(2 * PAYLOADS.length);
    const script = `for f in "$@"; do dnsmasq --test --conf-file="$f" 2>&1 | grep -qx 'dnsmasq: syntax check OK.' || echo "FAILED $f"; done`;
    const result = spawnSync('sh', ['-c', script, 'sh', ...forTools.dnsmasq], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
  });

  const netns = netnsUnavailable();
  it.skipIf(netns)(`ipset restore, iptables-restore --test and ip6tables-restore --test accept every file, in a namespace (${netns ?? 'root'})`, () => {
    expect(forTools.restore.length).toBe(PAYLOADS.length);
    const namespace = new Namespace('corpus');
    try {
      const script = forTools.restore
        .map(({ ipsets, v4, v6 }) => `ipset restore < '${ipsets}' && iptables-restore --test < '${v4}' && ip6tables-restore --test < '${v6}' && ipset destroy || echo "FAILED ${v4}"`)
        .join('\n');
      const file = save('check.sh', script);
      expect(namespace.run('sh', [file])).toBe('');
    } finally {
      namespace.delete();
    }
  });
});

describe('the file path reaches no config as a live line (issue 19: flush ruleset through a file name)', () => {
  const BIN = 'dist/cli.js';
  const why = !existsSync(BIN) ? 'dist/cli.js is not built (npm run build)' : nftWhy();
  function nftWhy(): string | undefined {
    return has('nft') && has('unshare') ? undefined : 'nft or unshare not installed';
  }
  it.skipIf(why)(`render --requirements with a newline in the path: one comment line, nft -c accepts it (${why ?? 'dist/cli.js, nft'})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-path-'));
    const path = join(dir, 'w\nflush ruleset\n\u2028-I INPUT -j ACCEPT\u0085.yaml');
    writeFileSync(path, 'requirements:\n  - id: ssh\n    direction: outbound\n    protocol: tcp\n    ports: 22\n    destination: 192.0.2.1\n');
    const out = join(dir, 'out.nft');
    execFileSync(process.execPath, [BIN, 'render', '--requirements', path, '--target', 'nftables', '-o', out]);
    const text = execFileSync('cat', [out], { encoding: 'utf8' });
    expect(text.split('\n')[0]).toBe(`# tagwall nft -f ruleset for ${dir}/w flush ruleset -I INPUT -j ACCEPT .yaml`);
    expect(text).not.toMatch(/^flush ruleset/m);
    const check = spawnSync('unshare', ['-rn', 'nft', '-c', '-f', out], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
