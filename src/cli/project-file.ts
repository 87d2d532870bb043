/**
 * Where the project file is (tagwall.config.yaml; config-file.ts reads it). Its own module so that `render` and
 * `check` can ask whether there is one without loading the reader and the project runner (issue 22).
 */
import { nodeFs, nodePath } from '../internal/lazy.js';

/** The names a project file may have, in the order they are looked for. */
export const PROJECT_FILE_NAMES = ['tagwall.config.yaml', 'tagwall.config.yml', 'tagwall.config.json'] as const;

/** The project file in `directory`, if there is one. */
export function findProjectFile(directory = '.'): string | undefined {
  for (const name of PROJECT_FILE_NAMES) {
    const file = nodePath().join(directory, name);
    if (nodeFs().existsSync(file)) return directory === '.' ? name : file;
  }
  return undefined;
}
