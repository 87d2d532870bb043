/**
 * What every target kit must provide, enumerated for each registered target, so adding a target (one folder and
 * one registry line, docs/architecture.md) cannot skip a part: its declarations, an option schema the CLI and docs
 * can be generated from, labels for every format it writes, parsers, and the pipeline's refusal of options it
 * does not declare.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario } from '../src/catalogue/index.js';
import type { RequirementSet } from '../src/model/requirement.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { flagOf } from '../src/targets/option-schema.js';
import { allTargets, findTarget, targetIds } from '../src/targets/registry.js';
import type { Target } from '../src/targets/target.js';
import { thrownError as failure } from './support/errors.js';

const snapshot = defaultSnapshot('Public');
const context = { snapshot, resolver: expandedResolver(snapshot) };
const EMPTY: RequirementSet = { name: 'empty', requirements: [] };
const SAMPLE = loadScenario('inbound-udr', { region: 'eastus2' });

/** Where each kit lives; a kit that shares its folder says why in that folder's index.ts. */
const FOLDERS: Readonly<Record<string, string>> = {
  'azure-firewall': 'src/targets/azure/firewall',
  'azure-firewall-classic': 'src/targets/azure/firewall',
  nsg: 'src/targets/azure/nsg',
  'aml-managed-network': 'src/targets/azure/managed-network',
  udr: 'src/targets/azure/udr',
  iptables: 'src/targets/netfilter/iptables',
  nftables: 'src/targets/netfilter/nftables',
};

it('the registry lists kebab-case ids, sorted, each found by findTarget', () => {
  expect(targetIds()).toEqual([...targetIds()].sort());
  for (const id of targetIds()) {
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(findTarget(id).id).toBe(id);
  }
  // allTargets sorts by code unit (no ICU collator in a cold command): the order localeCompare gave, and targetIds's.
  expect(allTargets().map((target) => target.id)).toEqual([...targetIds()].sort((a, b) => a.localeCompare(b)));
  expect(allTargets().map((target) => target.id)).toEqual(targetIds());
});

describe.each(allTargets().map((target) => [target.id, target] as const))('%s', (id, target: Target) => {
  it('has its folder with an index.ts', () => {
    expect(existsSync(`${FOLDERS[id] ?? `src/targets/${id}`}/index.ts`)).toBe(true);
  });

  it('declares family, description, formats and analysis mode', () => {
    expect(['azure', 'netfilter', 'panos']).toContain(target.family);
    expect(target.description.length).toBeGreaterThan(20);
    expect(target.formats.length).toBeGreaterThan(0);
    expect(['symbolic', 'expanded']).toContain(target.analysisMode);
  });

  it('declares every option once, with a one-line doc, its uses, and a format option listing its formats', () => {
    const names = target.options.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    const format = target.options.find((spec) => spec.name === 'format');
    expect(format?.type === 'choice' ? format.choices : undefined).toEqual(target.formats);
    for (const spec of target.options) {
      expect(spec.name, 'camelCase').toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(spec.doc, `${spec.name} doc`).toMatch(/^[^\n]{5,160}$/);
      expect(spec.uses.length, `${spec.name} uses`).toBeGreaterThan(0);
      if (spec.type === 'choice' && spec.default !== undefined) expect(spec.choices).toContain(spec.default);
      for (const affected of spec.formats ?? []) expect(target.formats).toContain(affected);
      const flag = flagOf(spec);
      if (flag !== undefined) expect(flag).toMatch(/^[a-z][a-z0-9-]*$/);
    }
  });

  it('states its capabilities under default options', () => {
    const capabilities = target.capabilities();
    expect(capabilities.directions.length).toBeGreaterThan(0);
    expect(capabilities.families.length).toBeGreaterThan(0);
  });

  it('renders every format, each file labelled for reports, deterministically', () => {
    for (const format of target.formats) {
      const translation = target.translate(EMPTY, { ...context, options: { format } });
      expect(translation.artifacts.length).toBeGreaterThan(0);
      expect(target.labels[format], `labels for ${format}`).toBeTypeOf('function');
      const main = translation.artifacts[0]!;
      expect(target.labels[main.format]!(main.content.split('\n'))).toHaveLength(main.content.split('\n').length);
      expect(target.translate(EMPTY, { ...context, options: { format } })).toEqual(translation);
    }
  });

  it('parses what it writes, and recognizes it', () => {
    const translation = target.translate(SAMPLE, { ...context, options: {} });
    expect(() => target.parseArtifacts(translation.artifacts, { ...context, options: {} })).not.toThrow();
    const main = translation.artifacts.find((artifact) => artifact.format === target.formats[0])!;
    expect(target.detect(main.content)).toBe(true);
  });

  it('refuses an option it does not declare, naming the nearest and all of its own', () => {
    const [first] = target.options.filter((spec) => spec.name !== 'format');
    const typo = first ? `${first.name.slice(0, -1)}` : 'formt';
    const error = failure(() => target.translate(EMPTY, { ...context, options: { [typo]: 'x' } }));
    expect(error.code).toBe('TW_INVALID_OPTION');
    expect(error.message).toContain(`unknown option '${typo}'`);
    expect(error.suggestions).toContain(first?.name ?? 'format');
    expect(failure(() => target.parse({ content: '', file: 'x' }, { resolver: context.resolver, options: { bogus: '1' } })).code).toBe('TW_INVALID_OPTION');
  });

  it('reads several config files as one, or refuses them by name, never reading the first alone', () => {
    const translation = target.translate(SAMPLE, { ...context, options: {} });
    const main = translation.artifacts.find((artifact) => artifact.format === target.formats[0])!;
    const input = { content: main.content, file: 'a', more: [{ content: main.content, file: 'b' }] };
    // iptables: one file per family; nftables: a large set continued in further files (split.ts).
    expect(target.readsSeveralFiles === true).toBe(id === 'iptables' || id === 'nftables');
    if (target.readsSeveralFiles) return;
    const error = failure(() => target.parse(input, { resolver: context.resolver, options: {} }));
    expect(error.code).toBe('TW_USAGE');
    expect(error.message).toBe(`target ${id} reads one config file, and the input names 2: a, b (iptables and nftables read several as one)`);
  });

  it('has a yardstick the contract measures it by', () => {
    expect(target.yardstick).toBeTypeOf('function');
  });
});
