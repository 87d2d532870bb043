/**
 * Writes docs/requirements.schema.json from src/catalogue/requirements-schema.ts and docs/config.schema.json from
 * src/cli/config-file.ts (`npm run schema`). The package ships them as `tagwall/requirements.schema.json` and
 * `tagwall/config.schema.json`; their tests fail when a file is not what this script would write.
 */
import { writeFileSync } from 'node:fs';
import { requirementsJsonSchemaText } from '../src/catalogue/requirements-schema.js';
import { projectJsonSchemaText } from '../src/cli/config-file.js';

writeFileSync('docs/requirements.schema.json', requirementsJsonSchemaText());
writeFileSync('docs/config.schema.json', projectJsonSchemaText());
