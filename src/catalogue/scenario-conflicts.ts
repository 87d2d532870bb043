import { CONFLICTS, type Conflict } from './conflicts.js';
import { findScenario } from './build.js';
import { PREREQUISITES } from './prerequisites.js';

/** The recorded conflicts whose choice shapes this scenario's entries or prerequisites. */
export function conflictsOfScenario(id: string): Conflict[] {
  const scenario = findScenario(id);
  const ids = new Set([
    ...scenario.entries.flatMap((entry) => entry.conflicts ?? []),
    ...PREREQUISITES.filter((item) => item.scenarios.includes(scenario.id)).flatMap((item) => item.conflicts ?? []),
  ]);
  return CONFLICTS.filter((conflict) => ids.has(conflict.id));
}
