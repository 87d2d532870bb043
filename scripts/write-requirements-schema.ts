/**
 * Writes docs/requirements.schema.json from src/catalogue/requirements-schema.ts (`npm run schema`). The package
 * ships that file as `tagwall/requirements.schema.json`; src/catalogue/requirements-schema.test.ts fails when it
 * is not what this script would write.
 */
import { writeFileSync } from 'node:fs';
import { requirementsJsonSchemaText } from '../src/catalogue/requirements-schema.js';

writeFileSync('docs/requirements.schema.json', requirementsJsonSchemaText());
