/** docs/requirements.md's version 2 sample and what the page says it means. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requirementSet } from './builder.js';
import { parseRequirements } from './requirements-file.js';

const page = readFileSync('docs/requirements.md', 'utf8');
const sample = /<!-- checked: [^\n]*-->\n```yaml\n([\s\S]*?)```/.exec(page)![1]!;

describe('docs/requirements.md, version 2', () => {
  it('reads the sample, and its terms mean what the page says', () => {
    const set = parseRequirements(sample, 'docs-sample.yaml', { readFile: () => 'version: 2\n' });
    const summary = set.requirements.map((r) => `${r.id} ${r.protocols} ${r.ports} ${r.sources.map((e) => (e.kind === 'addresses' ? e.addresses.toString() : e.kind)).join('+')}`);
    expect(summary).toContain('admin-1 tcp 3389 10.20.0.0/16');
    expect(summary).toContain('admin-2 tcp 22 10.20.0.4/32');
    expect(summary).toContain('dns tcp,udp 53 10.20.1.0/24+10.20.2.0/24');
    expect(page).toContain('`admin` becomes `admin-1` (RDP from 10.20.0.0/16) and\n`admin-2` (SSH from the bastion)');
  });

  it('builds the code sample as it says', () => {
    const code = /const set = requirementSet\('three-tier'\)\n([\s\S]*?)\.build\(\);/.exec(page)![0]!;
    expect(code).toContain("source: '10.20.3.0/24'");
    const set = requirementSet('three-tier')
      .deny({ id: 'no-db-egress', direction: 'outbound', source: '10.20.3.0/24' })
      .allow({ id: 'updates', direction: 'outbound', source: ['10.20.1.0/24', '10.20.3.0/24'], protocol: 'tcp', ports: 443, destination: '198.51.100.10' })
      .build();
    expect(set.requirements.map((r) => r.sources.map((e) => (e.kind === 'addresses' ? e.addresses.toString() : e.kind)).join('+'))).toEqual(['10.20.1.0/24']);
  });
});
