/**
 * docs/testing.md cannot rot: its worked example runs here as written. The code block is extracted from the
 * markdown into a scratch project (test/ and src/ side by side, as the example's relative import expects), with
 * only the package name mapped to this checkout's sources; the user's `renderNftables` is played by tagwall's own
 * nftables translation, and `deploy/` holds the files the example reads. Its `describe` and `it` register here.
 * The failure message the document shows is recomputed with a renderer that forgets inbound rules, and the
 * contract snippet runs against the nftables target.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSnapshot, expandedResolver, getTarget, loadRequirementsFile, requirementsRuleSet, type RequirementSet } from '../src/index.js';
import { equivalentProperty, requirementSet } from '../src/testing/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs/testing.md'), 'utf8');

/** The fenced blocks of a markdown section (from its heading to the next `## `), with their info strings. */
function blocks(markdown: string, heading: string): Array<{ info: string; code: string }> {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section '${heading}'`);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({ info: match[1]!, code: match[2]! }));
}

const [example, failure, contract] = blocks(DOC, '## Worked example');
const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const nftables = getTarget('nftables');

/**
 * What the user's script does, played by tagwall's nftables translation (one file, both families) of exactly the
 * requirements: without the Azure platform flows tagwall's own host chains add (platformFlows).
 */
function renderNftables(requirements: RequirementSet): string {
  const { artifacts } = nftables.translate(requirements, { snapshot, resolver, options: { platformFlows: 'none' } });
  // Large sets continue in later files (add element): the files in load order, as one text.
  return artifacts.map((artifact) => artifact.content).join('\n');
}

/** Only the package specifiers change: `tagwall` is this checkout. */
function mapped(code: string): string {
  return code.replaceAll("from 'tagwall/testing'", `from '${join(ROOT, 'src/testing/index.ts')}'`).replaceAll("from 'tagwall'", `from '${join(ROOT, 'src/index.ts')}'`);
}

const WORKLOAD = `name: workload
requirements:
  - {id: storage, direction: outbound, protocol: tcp, ports: 443, source: VirtualNetwork, destination: Storage.WestUS}
  - {id: monitor, direction: outbound, protocol: tcp, ports: 443, source: VirtualNetwork, destination: AzureMonitor}
  - {id: ssh, direction: inbound, protocol: tcp, ports: 22, source: 203.0.113.0/24, destination: VirtualNetwork}
`;

const project = mkdtempSync(join(tmpdir(), 'tagwall-testing-doc-'));
for (const dir of ['test', 'src', 'deploy']) mkdirSync(join(project, dir));
// fast-check and vitest resolve from the scratch project to this checkout's (one vitest instance).
symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
writeFileSync(join(project, 'deploy/workload.yaml'), WORKLOAD);
writeFileSync(join(project, 'deploy/nftables.conf'), renderNftables(loadRequirementsFile(join(project, 'deploy/workload.yaml'))));
writeFileSync(
  join(project, 'src/render-nftables.ts'),
  `import { defaultSnapshot, expandedResolver, getTarget, type RequirementSet } from '${join(ROOT, 'src/index.ts')}';
const snapshot = defaultSnapshot('Public');
export function renderNftables(requirements: RequirementSet): string {
  return getTarget('nftables').translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: { platformFlows: 'none' } }).artifacts.map((artifact) => artifact.content).join('\\n');
}
`,
);
writeFileSync(join(project, 'test/firewall.test.ts'), mapped(example!.code));
// The contract snippet uses names the text around it introduces; they become the parameters of a function.
writeFileSync(
  join(project, 'test/contract.ts'),
  mapped(`import fc from 'fast-check';
import type { AddressResolver, Snapshot, Target } from 'tagwall';
import { requirementSet, translatorContractProperty } from 'tagwall/testing';
export function run(myTarget: Target, snapshot: Snapshot, resolver: AddressResolver): void {
${contract!.code}}
`),
);

const cwd = process.cwd();
// The example reads deploy/… relative to where its tests run, as a user's suite would from its package root.
beforeAll(() => process.chdir(project));
afterAll(() => process.chdir(cwd));

describe('docs/testing.md, worked example', () => {
  it('has the three blocks this test reads', () => {
    expect([example?.info, failure?.info, contract?.info]).toEqual(['ts', '', 'ts']);
    expect(example!.code).toContain("from '../src/render-nftables.js'");
  });

  it('prints the failure the document shows, for a script that forgets inbound rules', () => {
    const forgetful = (reqs: RequirementSet): string => renderNftables({ ...reqs, requirements: reqs.requirements.filter((r) => r.direction === 'out') });
    const result = fc.check(
      equivalentProperty(
        requirementSet({ tags: ['Storage.WestUS', 'AzureMonitor', 'VirtualNetwork'], hosts: false, protocols: ['tcp', 'udp', 'tcp,udp'] }),
        (reqs) => requirementsRuleSet(reqs, resolver),
        (reqs) => nftables.parse({ content: forgetful(reqs), file: 'generated.nft' }, { resolver, options: {} }),
      ),
      { seed: 42, numRuns: 50 },
    );
    expect(result.failed).toBe(true);
    expect(`${(result.errorInstance as Error).message}\n`).toBe(failure!.code);
  });

  it('runs the contract snippet against a real target', async () => {
    const { run } = (await import(join(project, 'test/contract.ts'))) as { run: (target: typeof nftables, s: typeof snapshot, r: typeof resolver) => void };
    run(nftables, snapshot, resolver);
  });
});

// The example's own describe/it, registered in this file (top-level await: collection waits for them).
await import(join(project, 'test/firewall.test.ts'));
