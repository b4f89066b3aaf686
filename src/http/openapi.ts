import type { SwaggerTransform } from '@fastify/swagger';
import { Type, type TSchema } from '@sinclair/typebox';
import { ErrorBody } from './schemas.js';

/**
 * What the OpenAPI document says about a route beyond its validation schemas, for documentation
 * only: bodies Fastify does not parse into an object (multipart uploads, raw bytes, CSV) and
 * answers that are not JSON (a download's bytes, 206, 304, an export's formats).
 */
export interface OperationDocs {
  /** Content type → schema of the request body. */
  requestBody?: Record<string, TSchema>;
  /** Status → response: a description, and a schema per content type (none for an empty body). */
  responses?: Record<number, { description: string; content?: Record<string, TSchema> }>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: OperationDocs;
  }
}

export const Binary = Type.String({ format: 'binary' });

/**
 * Completes each operation of the document: the bodies and answers of `config.openapi`, and the
 * error answers every route can give (401 where a token is needed, 500), each with the error body.
 */
export const completeOperation: SwaggerTransform = ({ schema, url, route }) => {
  const docs = route.config?.openapi;
  const responses: Record<string, unknown> = { ...(schema.response as Record<string, unknown> | undefined) };
  for (const [status, answer] of Object.entries(docs?.responses ?? {})) {
    responses[status] = answer.content
      ? { description: answer.description, content: Object.fromEntries(Object.entries(answer.content).map(([type, body]) => [type, { schema: body }])) }
      : { description: answer.description, type: 'null' };
  }
  const open = Array.isArray(schema.security) && schema.security.length === 0;
  if (!open && !('401' in responses)) responses['401'] = Type.Ref(ErrorBody);
  if (!('500' in responses)) responses['500'] = Type.Ref(ErrorBody);
  const body = docs?.requestBody ? { body: { content: Object.fromEntries(Object.entries(docs.requestBody).map(([type, body]) => [type, { schema: body }])) } } : {};
  return { schema: { ...schema, ...body, response: responses }, url };
};
