import { Type, type TSchema } from '@sinclair/typebox';
import { errorCatalogue } from '../domain/errors.js';

/** The one error shape every endpoint answers with. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ enum: Object.keys(errorCatalogue), description: 'A CAMTROVE_ERR_* code; see docs/errors.md.' }),
      message: Type.String({ description: 'What went wrong, for people.' }),
    }),
  },
  { $id: 'Error', title: 'Error' },
);

export const IdParam = Type.Object({
  id: Type.String({ description: 'A full id or a unique prefix of at least 6 hex characters.' }),
});

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Items per page.' }),
  after: Type.Optional(Type.String({ description: 'The `next` value of the previous page.' })),
};

/** Error responses for the given statuses, all with the shared error body. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref(ErrorBody)]));
}

export const FileBody = Type.Object({
  file_id: Type.String({ description: 'SHA-256 of the content, 64 hex characters.' }),
  name: Type.String(),
  size: Type.Integer(),
  content_type: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
});
