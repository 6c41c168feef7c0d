import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../functions/openapi/document.js';

/** `npm run openapi [file]`: writes the OpenAPI document generated from the zod schemas. */
const file = process.argv[2] ?? 'openapi.json';
writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`Wrote ${file}`);
