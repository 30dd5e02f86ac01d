/**
 * Writes app/engine/scenario.schema.json: ScenarioSchema (app/engine/scenario.ts) as a
 * JSON Schema, so the main thread can check a link's scenarios without bundling zod
 * (app/engine/scenarioShape.ts), and editors can check scenario files.
 * scenarioShape.test.ts fails until this has been run after a change to the schema.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { scenarioJsonSchema } from '../app/engine/scenario';

const path = new URL('../app/engine/scenario.schema.json', import.meta.url);
const text = await format(JSON.stringify(scenarioJsonSchema()), {
  ...(await resolveConfig(path)),
  parser: 'json',
});
writeFileSync(path, text);
console.log(`wrote ${path.pathname}`);
