import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../../analysis/resolve.js';
import { AddressSet } from '../../../model/address-set.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import { parseHostPattern } from '../../../model/hostnames.js';
import type { Requirement, RequirementSet } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { azureFirewallClassicTarget, azureFirewallTarget } from '../firewall/index.js';
import { nsgTarget } from '../nsg/index.js';
import { udrTarget } from '../udr/index.js';
import { optionsFor } from '../../option-schema.js';
import type { Target } from '../../target.js';
import { armLiteral, armUnescape, bicepString, hclString, isArmExpression, sanitizeDescription } from './escape.js';
import { azureName, isValidAzureName, NameScope } from './names.js';

const HOSTILE = `it's "quoted" $HOME \${var.x} %{if x} [concat('a')] \\ end\nnext line\ttab ünïcødé 🚀 ${'x'.repeat(300)}`;

describe('escaping', () => {
  it('sanitises descriptions to one bounded line, keeping unicode', () => {
    const text = sanitizeDescription(HOSTILE);
    expect(text).not.toMatch(/[\n\t]/);
    expect(Array.from(text).length).toBeLessThanOrEqual(140);
    expect(text).toContain('ünïcødé 🚀');
    expect(text.endsWith('...')).toBe(true);
  });
  it('JSON: a string survives a round trip', () => {
    expect(JSON.parse(JSON.stringify(HOSTILE))).toBe(HOSTILE);
  });
  it('ARM: a string that looks like an expression gets [[', () => {
    expect(armLiteral("[concat('a')]")).toBe("[[concat('a')]");
    expect(armLiteral('[not closed')).toBe('[not closed');
    expect(armLiteral('plain')).toBe('plain');
    // template-expressions "Escape characters": only a string ending in ] is read as an expression, so only then
    // does `[[` stand for `[`; `[[abc` is literally `[[abc`.
    expect(armUnescape("[[concat('a')]")).toBe("[concat('a')]");
    expect(armUnescape('[[not closed')).toBe('[[not closed');
    expect(isArmExpression("[[concat('a')]")).toBe(false);
  });
  it('descriptions stay within 140 UTF-16 units, cut between code points', () => {
    const text = sanitizeDescription('🚀'.repeat(100));
    expect(text.length).toBeLessThanOrEqual(140);
    expect(text).toBe(`${'🚀'.repeat(68)}...`);
    expect(sanitizeDescription('a\u0085b\u2028c')).toBe('a b c');
  });
  it('Bicep: quotes, backslashes, ${ and newlines are escaped', () => {
    expect(bicepString("it's ${x} \\ \n")).toBe("'it\\'s \\${x} \\\\ \\n'");
    expect(bicepString('$HOME {x}')).toBe("'$HOME {x}'");
  });
  it('HCL: ${ becomes $${ and %{ becomes %%{', () => {
    expect(hclString('${var.x} %{if} "q" \\ \n')).toBe('"$${var.x} %%{if} \\"q\\" \\\\ \\n"');
    expect(hclString('$HOME 100%')).toBe('"$HOME 100%"');
  });
});

describe('names', () => {
  it('are valid, bounded, stable and unique', () => {
    for (const wanted of ['a', 'req-001', '[x]', 'ünïcødé name', '-lead.', 'x'.repeat(300), '...', 'a.b.']) {
      const name = azureName(wanted);
      expect(isValidAzureName(name), `${wanted} → ${name}`).toBe(true);
      expect(azureName(wanted)).toBe(name);
    }
    expect(azureName('x'.repeat(300))).not.toBe(azureName(`${'x'.repeat(299)}y`));
    const scope = new NameScope();
    const names = ['Rule', 'rule', 'rule', 'x'.repeat(90), 'x'.repeat(90)].map((wanted) => scope.claim(wanted));
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
    expect(names.every(isValidAzureName)).toBe(true);
  });
});

/** Reads one Bicep single-quoted string literal (Bicep's escapes: \\ \' \n \r \t \$ \u{x}); undefined if it is not one. */
function readBicepString(text: string): string | undefined {
  if (!text.startsWith("'") || !text.endsWith("'") || text.length < 2) return undefined;
  let out = '';
  for (let index = 1; index < text.length - 1; index++) {
    const char = text[index]!;
    if (char === "'") return undefined;
    if (char === '$' && text[index + 1] === '{') return undefined; // an interpolation
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = text[++index]!;
    const simple: Record<string, string> = { '\\': '\\', "'": "'", n: '\n', r: '\r', t: '\t', $: '$' };
    if (simple[next] !== undefined) out += simple[next];
    else if (next === 'u') {
      const close = text.indexOf('}', index);
      out += String.fromCodePoint(Number.parseInt(text.slice(index + 2, close), 16));
      index = close;
    } else return undefined;
  }
  return out;
}

/** Reads one HCL quoted string literal without templates: `$${` and `%%{` are literal, a lone `${`/`%{` is not allowed. */
function readHclString(text: string): string | undefined {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return undefined;
  let out = '';
  for (let index = 1; index < text.length - 1; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '"') return undefined;
    if ((char === '$' || char === '%') && next === char && text[index + 2] === '{') {
      out += `${char}{`;
      index += 2;
    } else if ((char === '$' || char === '%') && next === '{') return undefined;
    else if (char === '\\') {
      const escape = text[++index]!;
      const simple: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' };
      if (simple[escape] !== undefined) out += simple[escape];
      else if (escape === 'u') {
        out += String.fromCharCode(Number.parseInt(text.slice(index + 1, index + 5), 16));
        index += 4;
      } else return undefined;
    } else out += char;
  }
  return out;
}

const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;

/** What Terraform itself makes of HCL string literals: evaluated in `terraform console` (no provider needed). */
function terraformValues(literals: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-hcl-'));
  try {
    writeFileSync(join(dir, 'main.tf'), `locals {\n  values = [\n${literals.map((literal) => `    ${literal},`).join('\n')}\n  ]\n}\n`);
    const run = spawnSync('terraform', ['console'], { cwd: dir, input: 'jsonencode(local.values)\n', encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' } });
    if (run.status !== 0) throw new Error(run.stderr);
    return JSON.parse(JSON.parse(run.stdout.trim()) as string) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hostile requirement text in every format', () => {
  const snapshot = defaultSnapshot('Public');
  const requirement = (id: string, purpose: string, extra: Partial<Requirement> = {}): Requirement => ({
    id,
    direction: 'out',
    protocols: ProtocolSet.of(6),
    ports: PortSet.of(443),
    sources: [{ kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/24') }],
    destinations: [{ kind: 'service-tag', name: 'Storage.EastUS2' }],
    purpose,
    conditions: [],
    provenance: [],
    ...extra,
  });
  const requirements: RequirementSet = {
    name: HOSTILE,
    requirements: [
      requirement(`[evil] \${id} "q" ${'z'.repeat(120)}`, HOSTILE),
      // A description that starts with `[` and ends with `]` is an ARM expression unless escaped as `[[`.
      requirement('[x', "concat('a')]"),
      requirement('app', `%{if true}yes%{endif} \${var.secret} 'q' "qq" \\`, { destinations: [{ kind: 'url', pattern: parseHostPattern('example.com'), path: "/it's/$/a%20b/" }] }),
      requirement('inbound', 'udr', { direction: 'in', sources: [{ kind: 'service-tag', name: 'BatchNodeManagement.EastUS2' }], destinations: [{ kind: 'service-tag', name: 'VirtualNetwork' }] }),
    ],
  };
  // What each rule's description must read as, once its syntax is undone.
  const wanted = new Set([
    ...requirements.requirements.map((entry) => sanitizeDescription(`${entry.id}: ${entry.purpose}`)),
    'tagwall: deny what the requirements do not allow (the default rules would allow VNet, load balancer and Internet traffic)',
  ]);
  const options = { sku: 'premium' };

  for (const target of [nsgTarget, azureFirewallTarget, azureFirewallClassicTarget, udrTarget] as Target[]) {
    const render = (format: string) => target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: optionsFor(target.options, { ...options, format }) }).artifacts[0]!.content;
    // Lines that are code (comments may quote anything, but must stay comments: one line each).
    const code = (content: string): string[] => content.split('\n').filter((line) => !/^\s*(\/\/|#)/.test(line));

    it(`${target.id} ARM: valid JSON; every [..] string is tagwall's own expression or escaped; descriptions read back exactly`, () => {
      const content = render('arm');
      const template = JSON.parse(content) as unknown;
      const strings: string[] = [];
      const walk = (value: unknown): void => {
        if (typeof value === 'string') strings.push(value);
        else if (Array.isArray(value)) value.forEach(walk);
        else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
      };
      walk(template);
      for (const value of strings.filter(isArmExpression)) expect(value).toMatch(/^\[(parameters|format|resourceGroup|resourceId)\(/);
      const descriptions = strings.filter((value) => armUnescape(value).includes(': ')).map(armUnescape);
      if (target !== udrTarget) {
        expect(strings).toContain("[[x: concat('a')]");
        for (const description of descriptions.filter((value) => !value.startsWith('tagwall') && !/generated by tagwall/.test(value))) expect(wanted.has(description), description).toBe(true);
      }
      // The file parses back as this target's config (the parser reads `[[` literally).
      expect(() => target.parseArtifacts([{ name: 'x.json', format: 'arm', content }], { resolver: expandedResolver(snapshot), options: {} })).not.toThrow();
    });

    it(`${target.id} Bicep: every description is one string literal with nothing interpolated`, () => {
      const lines = code(render('bicep'));
      const descriptions = lines.map((line) => /^\s*description: (.*)$/.exec(line)?.[1]).filter((value): value is string => value !== undefined);
      if (target !== udrTarget) expect(descriptions.length).toBeGreaterThan(0);
      for (const literal of descriptions) expect(wanted.has(readBicepString(literal) ?? `unreadable ${literal}`), literal).toBe(true);
      for (const line of lines) expect(line).not.toMatch(/(^|[^\\])\$\{(id|var)/);
      if (target === azureFirewallTarget) expect(lines.some((line) => readBicepString(line.trim()) === "example.com/it's/$/a%20b/*")).toBe(true);
    });

    it(`${target.id} Terraform: every description is one string literal with nothing interpolated`, () => {
      const lines = code(render('terraform'));
      const literals = lines.map((line) => /^\s*description\s*= (.*)$/.exec(line)?.[1]).filter((value): value is string => value !== undefined);
      if (target !== udrTarget) expect(literals.length).toBeGreaterThan(0);
      for (const literal of literals) expect(wanted.has(readHclString(literal) ?? `unreadable ${literal}`), literal).toBe(true);
      for (const line of lines) {
        expect(line).not.toMatch(/(^|[^$])\$\{(id|var)/);
        expect(line).not.toMatch(/(^|[^%])%\{(if|endif)/);
      }
    });

    it.skipIf(!terraform)(`${target.id} Terraform: terraform itself reads the descriptions back exactly, and fmt leaves the file as it is`, () => {
      const content = render('terraform');
      const literals = code(content).map((line) => /^\s*description\s*= (.*)$/.exec(line)?.[1]).filter((value): value is string => value !== undefined);
      for (const value of literals.length ? terraformValues(literals) : []) expect(wanted.has(value), value).toBe(true);
      const fmt = spawnSync('terraform', ['fmt', '-check', '-'], { input: content, encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } });
      expect(fmt.status, fmt.stdout + fmt.stderr).toBe(0);
    });
  }

  it('the readers refuse what would interpolate, so the checks above can fail', () => {
    expect(readBicepString("'a ${x}'")).toBeUndefined();
    expect(readBicepString("'it's'")).toBeUndefined();
    expect(readHclString('"a ${var.x}"')).toBeUndefined();
    expect(readHclString('"a %{if x}"')).toBeUndefined();
    expect(readHclString('"a $${var.x} %%{if x}"')).toBe('a ${var.x} %{if x}');
  });
});
