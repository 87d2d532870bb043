// The fuzz worker's entry: the TypeScript sources load through tsx, as `npm run bench` loads them.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker-main.ts', import.meta.url);
