import { CONFLICTS, type Conflict } from './conflicts.js';
import { findScenario } from './build.js';

/** The recorded conflicts whose choice shapes this scenario's entries. */
export function conflictsOfScenario(id: string): Conflict[] {
  const ids = new Set(findScenario(id).entries.flatMap((entry) => entry.conflicts ?? []));
  return CONFLICTS.filter((conflict) => ids.has(conflict.id));
}
