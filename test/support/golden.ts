/**
 * Golden files: one layout for every target, outside src/ (`test/golden/<target>/<scenario>.<ext>`, a variant or an
 * artifact name before the extension: `kubernetes.groups.xml`, `serverless.iptables.rules`). Reviewed by hand when
 * they change; regenerated with `npm run golden` (docs/testing.md). test/golden.test.ts checks that every scenario a
 * target serves has its goldens and every golden a scenario.
 */
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));

/** The absolute path of one golden file (toMatchFileSnapshot takes it as it is). */
export function goldenFile(target: string, file: string): string {
  return `${GOLDEN_DIR}${target}/${file}`;
}
