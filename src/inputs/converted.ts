/**
 * What every reader in src/inputs produces: the plain ARM-resource JSON the Azure targets' parsers read, plus a map
 * back to the source, so an error or a rule found in the converted document points at the user's file (line:column
 * for HCL and Bicep, the JSON path of the original for templates and plans).
 */
import { TagwallError, type SourceLocation } from '../errors.js';
import type { Json } from '../targets/azure/common/arm-read.js';

/** The input kinds tagwall reads for the Azure targets (docs/inputs.md). */
export type InputKind = 'arm' | 'arm-template' | 'arm-parameters' | 'bicep' | 'terraform-plan' | 'terraform-state' | 'terraform-hcl' | 'az';

export const INPUT_KIND_NAMES: Readonly<Record<InputKind, string>> = {
  arm: 'ARM JSON (a resource, a list of resources or a template without expressions)',
  'arm-template': 'an ARM template with expressions (or compiled Bicep)',
  'arm-parameters': 'an ARM parameters file',
  bicep: 'Bicep source',
  'terraform-plan': 'a Terraform plan (terraform show -json PLAN)',
  'terraform-state': 'Terraform state (terraform show -json)',
  'terraform-hcl': 'Terraform HCL source',
  az: 'az CLI output',
};

export interface Converted {
  readonly kind: InputKind;
  readonly file: string;
  /** Plain ARM JSON: resources whose values are literals (or untouched expressions, listed in `unresolved`). */
  readonly document: Json;
  /** JSON paths in `document` → where that part came from; the longest matching prefix wins. */
  readonly origins: ReadonlyMap<string, SourceLocation>;
  /** JSON paths in `document` whose value could not be worked out, and why. */
  readonly unresolved: ReadonlyMap<string, string>;
  /** Notes for the user (what a reader assumed). */
  readonly notes: readonly string[];
}

/** Where `path` of the converted document came from: the longest recorded prefix, a JSON path's tail carried over. */
export function originOf(converted: Converted, path: string): SourceLocation | undefined {
  let prefix = path;
  for (;;) {
    const origin = converted.origins.get(prefix);
    if (origin) return origin.jsonPath !== undefined ? { ...origin, jsonPath: origin.jsonPath + path.slice(prefix.length) } : origin;
    const parent = parentPath(prefix);
    if (parent === undefined) return undefined;
    prefix = parent;
  }
}

/** `$.a.b[2]` → `$.a.b`; `$.a["x.y"]` → `$.a`; `$` → undefined. */
function parentPath(path: string): string | undefined {
  const match = /(\.[A-Za-z_$][A-Za-z0-9_$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])$/.exec(path);
  return match && match.index > 0 ? path.slice(0, match.index) : undefined;
}

/**
 * A parser's error on the converted document, pointed at the source: the file and position the part came from,
 * and for a value the reader left unresolved, why (instead of "expression cannot be evaluated").
 */
export function relocate(error: TagwallError, converted: Converted): TagwallError {
  const path = error.location?.jsonPath;
  if (error.location?.file !== undefined && error.location.file !== converted.file) return error;
  if (path === undefined) return error;
  const origin = originOf(converted, path);
  let reason: string | undefined;
  for (const [unresolvedPath, why] of converted.unresolved) if (path === unresolvedPath || path.startsWith(`${unresolvedPath}[`) || path.startsWith(`${unresolvedPath}.`)) reason = why;
  const message = reason !== undefined ? `cannot read this value: ${reason}` : error.message;
  return new TagwallError(reason !== undefined ? 'TW_UNSUPPORTED_CONFIG' : error.code, message, {
    location: origin ? { file: converted.file, ...origin } : { file: converted.file, jsonPath: path },
    suggestions: error.suggestions,
    cause: error,
  });
}

/** A JSON path step, as arm-read.ts writes them. */
export function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
