import { z } from 'zod';
import { policyFileSchema } from '../src/config/schema.ts';

export function policyJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(policyFileSchema, { io: 'input' }),
    $id: 'https://agent-sre.dev/schema/agent-sre.schema.json',
    title: 'agent-sre.yaml',
  };
}
