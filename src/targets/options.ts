/**
 * Reading target options (`TargetOptionValues`: CLI flags, `--option key=value`, library callers), the same way for
 * every target: booleans accept the usual spellings, strings are trimmed, anything else is TW_INVALID_OPTION
 * naming the target and the key.
 */
import { TagwallError } from '../errors.js';
import type { TargetOptionValues } from './target.js';

export function invalidOption(target: string, message: string): TagwallError {
  return new TagwallError('TW_INVALID_OPTION', `target ${target}: ${message}`);
}

/** true / false from `true`, `yes`, `1`, `on`, a bare flag (or their opposites); absent is false. */
export function booleanOption(options: TargetOptionValues, key: string, target: string): boolean {
  const value = options[key];
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  const text = value.trim().toLowerCase();
  if (['true', 'yes', '1', 'on', ''].includes(text)) return true;
  if (['false', 'no', '0', 'off'].includes(text)) return false;
  throw invalidOption(target, `option ${key} takes true or false, not '${value}'`);
}

/** The trimmed text of an option, or undefined when it is absent or blank. */
export function stringOption(options: TargetOptionValues, key: string): string | undefined {
  const value = options[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
