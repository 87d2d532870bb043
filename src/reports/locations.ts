/**
 * Where each requirement of a requirement file is written, so SARIF results and reports point at the line a
 * reviewer edits. The requirement model carries no positions (scenarios have none), so the file is read again.
 */
import type { Document, LineCounter, Node as YamlNode, ParsedNode } from 'yaml';
import { lazy, nodeFs, requireModule } from '../internal/lazy.js';
import type { FindingLocation } from './model.js';

interface YamlModule {
  LineCounter: new () => LineCounter;
  parseDocument(text: string, options: { lineCounter: LineCounter }): Document.Parsed<ParsedNode>;
}

// yaml costs ~43 ms to load (common.md): only reports about requirement files pay for it.
const yamlModule = lazy(() => requireModule<YamlModule>('yaml'));

/** Requirement id → line and column of its `id` key's value, from requirement-file text (YAML or JSON). */
export function requirementLocations(text: string, file: string): Map<string, FindingLocation> {
  const yaml = yamlModule();
  const lines = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter: lines });
  const locations = new Map<string, FindingLocation>();
  const list = document.get('requirements', true) as { items?: unknown[] } | undefined;
  const count = Array.isArray(list?.items) ? list.items.length : 0;
  for (let index = 0; index < count; index++) {
    const node = document.getIn(['requirements', index, 'id'], true) as (YamlNode & { value?: unknown }) | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined || typeof node?.value !== 'string' || locations.has(node.value)) continue;
    const { line, col } = lines.linePos(offset);
    locations.set(node.value, { file, line, column: col });
  }
  return locations;
}

/** The same, read from a file; an unreadable file yields no locations (the report still stands without them). */
export function requirementFileLocations(file: string): Map<string, FindingLocation> {
  let text: string;
  try {
    text = nodeFs().readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  return requirementLocations(text, file);
}
