/**
 * Terraform (HCL native syntax) as a small tree of blocks and attributes, rendered the way `terraform fmt` lays
 * it out (two-space indent, `=` aligned within a run of attributes). Every string goes through `hclString`.
 */
import { hclComment, hclString } from '../../../text/hcl.js';

/** A reference such as `var.location` or `azurerm_network_security_group.nsg.name`: written bare. */
export interface HclRef {
  readonly $ref: string;
}
export type HclValue = string | number | boolean | HclRef | readonly HclValue[];

export type HclItem =
  | { readonly attribute: string; readonly value: HclValue }
  | { readonly block: HclBlock }
  | { readonly comment: string };

export interface HclBlock {
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly HclItem[];
}

export function attr(attribute: string, value: HclValue): HclItem {
  return { attribute, value };
}
export function block(type: string, labels: readonly string[], body: readonly HclItem[]): HclItem {
  return { block: { type, labels, body } };
}
export function ref(path: string): HclRef {
  return { $ref: path };
}

function hclValue(value: HclValue, indent: string): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((item: HclValue) => hclValue(item, `${indent}  `));
    const flat = `[${items.join(', ')}]`;
    if (flat.length <= 80) return flat;
    return `[\n${items.map((item) => `${indent}  ${item},`).join('\n')}\n${indent}]`;
  }
  return (value as HclRef).$ref;
}

function renderBody(items: readonly HclItem[], indent: string): string[] {
  const lines: string[] = [];
  // `terraform fmt` aligns `=` over a run of one-line attributes; an attribute whose value spans lines stands
  // alone and ends the run (hclwrite's formatter; checked against terraform 1.11 in the tests).
  let run: Array<{ attribute: string; text: string }> = [];
  const endRun = (): void => {
    const width = Math.max(...run.map((entry) => entry.attribute.length));
    for (const entry of run) lines.push(`${indent}${entry.attribute.padEnd(width)} = ${entry.text}`);
    run = [];
  };
  for (const item of items) {
    if ('attribute' in item) {
      const text = hclValue(item.value, indent);
      if (text.includes('\n')) {
        endRun();
        lines.push(`${indent}${item.attribute} = ${text}`);
      } else run.push({ attribute: item.attribute, text });
      continue;
    }
    endRun();
    if ('comment' in item) lines.push(`${indent}${hclComment(item.comment)}`);
    else {
      if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
      lines.push(...renderBlock(item.block, indent));
    }
  }
  endRun();
  return lines;
}

function renderBlock(hcl: HclBlock, indent: string): string[] {
  const head = [hcl.type, ...hcl.labels.map((label) => hclString(label))].join(' ');
  return [`${indent}${head} {`, ...renderBody(hcl.body, `${indent}  `), `${indent}}`];
}

/** A whole file: leading comments, then top-level blocks separated by blank lines. */
export function renderHcl(comments: readonly string[], blocks: readonly HclBlock[]): string {
  const lines = comments.map(hclComment);
  for (const hcl of blocks) lines.push('', ...renderBlock(hcl, ''));
  return `${lines.join('\n').trimStart()}\n`;
}

/**
 * Terraform resource labels for Azure names: identifiers take letters, digits, `_` and `-` and do not start with a
 * digit, so a `.` becomes `_` — which would make `a.b` and `a_b` one address. A scope keeps the labels of one file
 * unique (Terraform compares them case-sensitively) and gives the same label for the same name every time.
 */
export class LabelScope {
  readonly #byName = new Map<string, string>();
  readonly #used = new Set<string>();

  label(name: string): string {
    const known = this.#byName.get(name);
    if (known !== undefined) return known;
    const cleaned = name.replace(/[^A-Za-z0-9_-]/g, '_');
    const base = /^[A-Za-z_]/.test(cleaned) ? cleaned : `r_${cleaned}`;
    let label = base;
    for (let counter = 2; this.#used.has(label); counter++) label = `${base}_${counter}`;
    this.#used.add(label);
    this.#byName.set(name, label);
    return label;
  }
}
