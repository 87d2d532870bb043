import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../analysis/resolve.js';
import { AddressSet } from '../../model/address-set.js';
import { PortSet, ProtocolSet } from '../../model/ports.js';
import type { RequirementSet } from '../../model/requirement.js';
import { defaultSnapshot } from '../../servicetags/snapshot.js';
import { azureFirewallTarget } from '../azure-firewall/index.js';
import { nsgTarget } from '../nsg/index.js';
import { armLiteral, bicepString, hclString, sanitizeDescription } from './escape.js';
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

describe('hostile requirement text in every format', () => {
  const snapshot = defaultSnapshot('Public');
  const requirements: RequirementSet = {
    name: HOSTILE,
    requirements: [
      {
        id: `[evil] \${id} "q" ${'z'.repeat(120)}`,
        direction: 'out',
        protocols: ProtocolSet.of(6),
        ports: PortSet.of(443),
        sources: [{ kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/24') }],
        destinations: [{ kind: 'service-tag', name: 'Storage.EastUS2' }],
        purpose: HOSTILE,
        conditions: [],
        provenance: [],
      },
    ],
  };
  for (const target of [nsgTarget, azureFirewallTarget]) {
    for (const format of ['arm', 'bicep', 'terraform']) {
      it(`${target.id} ${format}`, () => {
        const [artifact] = target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: { format } }).artifacts;
        // Comments may quote anything; only code lines must be escaped.
        const content = artifact!.content.split('\n').filter((line) => !/^\s*(\/\/|#)/.test(line)).join('\n');
        if (format === 'arm') {
          expect(content).not.toContain('"[concat');
          const strings = JSON.stringify(JSON.parse(content)).match(/"\[[^"]*\]"/g) ?? [];
          for (const value of strings) expect(value).toMatch(/^"\[(\[|parameters\(|format\(|resourceGroup\(|resourceId\()/);
          expect(content).not.toContain('\\n');
        }
        if (format === 'bicep') expect(content).not.toMatch(/(^|[^\\])\$\{(id|var)/);
        if (format === 'terraform') {
          expect(content).not.toMatch(/(^|[^$])\$\{(id|var)/);
          expect(content).not.toMatch(/(^|[^%])%\{if/);
        }
        for (const line of content.split('\n')) expect(line.trimStart().startsWith('next line')).toBe(false);
      });
    }
  }
});
