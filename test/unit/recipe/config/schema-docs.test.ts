// Every config field documents itself: `r1flow config schema` and the JSON a user types into the
// Temporal UI are only as helpful as the descriptions in the schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { PipelineConfigSchema } from '../../../../recipe/config/schema';

interface JsonSchemaNode {
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  items?: JsonSchemaNode;
}

function undocumented(node: JsonSchemaNode, path: string, out: string[]): string[] {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (!child.description?.trim()) out.push(`${path}${name}`);
    undocumented(child, `${path}${name}.`, out);
  }
  for (const branch of [...(node.anyOf ?? []), ...(node.allOf ?? []), ...(node.oneOf ?? [])])
    undocumented(branch, path, out);
  if (node.items) undocumented(node.items, `${path}[].`, out);
  return out;
}

test('every field of the pipeline config has a description in its JSON Schema', () => {
  const schema = z.toJSONSchema(PipelineConfigSchema, { io: 'input' }) as JsonSchemaNode;
  assert.ok(Object.keys(schema.properties ?? {}).length > 10, 'the schema has its top-level fields');
  assert.deepEqual(undocumented(schema, '', []), []);
});
