import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { INPUT_TYPES } from '../../domain/labeling/json-interface.js';
import { MAX_PAGE, type ProjectService, type ProjectView } from '../../services/labeling/project.service.js';
import { errorResponses } from '../schemas.js';

const JsonInterface = Type.Object(
  { jobs: Type.Record(Type.String(), Type.Object({ mlTask: Type.String() }, { additionalProperties: true })) },
  {
    additionalProperties: true,
    description: 'Kili\'s interface: `{jobs: {JOB_NAME: {mlTask, instruction, required, isChild, isVisible, content: {categories: {KEY: {name, children, color?, shortcut?}}, input}, tools?}}}`. mlTask CLASSIFICATION, OBJECT_DETECTION or TRANSCRIPTION; tools rectangle, polygon, marker. See docs/labeling.md.',
  },
);

export const ProjectBody = Type.Object({
  id: Type.String({ description: '32 hex characters.' }),
  title: Type.String(),
  description: Type.String(),
  inputType: Type.String({ enum: [...INPUT_TYPES] }),
  jsonInterface: JsonInterface,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  numberOfAssets: Type.Integer(),
});

const ProjectIdParam = Type.Object({ id: Type.String({ description: 'The project id, or a unique prefix of at least 6 characters.' }) });

export function projectBody(project: ProjectView) {
  return {
    id: project.id,
    title: project.title,
    description: project.description,
    inputType: project.inputType,
    jsonInterface: project.jsonInterface as { jobs: Record<string, { mlTask: string }> },
    createdAt: new Date(project.createdAt).toISOString(),
    updatedAt: new Date(project.updatedAt).toISOString(),
    numberOfAssets: project.numberOfAssets,
  };
}

/** Labeling projects: create, list, show, change, delete. */
export function projectRoutes(projects: ProjectService): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/projects', {
      schema: {
        summary: 'Create a labeling project',
        description: 'The interface is validated: an unknown mlTask or tool, a child job that is missing or not marked isChild, or a duplicate category is a 400 naming the job and key.',
        tags: ['labeling'],
        body: Type.Object({
          title: Type.String({ minLength: 1 }),
          description: Type.Optional(Type.String()),
          inputType: Type.String({ enum: [...INPUT_TYPES], description: 'VIDEO: videos labelled as videos (or split into frames); IMAGE: frame-by-frame work.' }),
          jsonInterface: Type.Unknown({ description: JsonInterface.description }),
        }),
        response: { 201: Type.Object({ id: Type.String() }), ...errorResponses(400, 401) },
      },
    }, async (request, reply) => reply.code(201).send(await projects.create(request.body)));

    app.get('/api/projects', {
      schema: {
        summary: 'List labeling projects',
        description: 'In the order they were made; `projectId` gives one.',
        tags: ['labeling'],
        querystring: Type.Object({
          projectId: Type.Optional(Type.String()),
          first: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE, description: `At most this many (default 100, at most ${MAX_PAGE}).` })),
          skip: Type.Optional(Type.Integer({ minimum: 0, description: 'Leave out this many first.' })),
        }),
        response: { 200: Type.Object({ projects: Type.Array(ProjectBody) }), ...errorResponses(400, 401, 404) },
      },
    }, async (request) => ({ projects: (await projects.list(request.query)).map(projectBody) }));

    app.get('/api/projects/count', {
      schema: { summary: 'Count labeling projects', tags: ['labeling'], response: { 200: Type.Object({ count: Type.Integer() }), ...errorResponses(401) } },
    }, async () => ({ count: await projects.count() }));

    app.get('/api/projects/:id', {
      schema: { summary: 'Show a labeling project', tags: ['labeling'], params: ProjectIdParam, response: { 200: ProjectBody, ...errorResponses(400, 401, 404, 409) } },
    }, async (request) => projectBody(await projects.get(request.params.id)));

    app.patch('/api/projects/:id', {
      schema: {
        summary: 'Change a labeling project',
        description: 'Fields given replace the stored ones. The input type cannot change once the project has assets.',
        tags: ['labeling'],
        params: ProjectIdParam,
        body: Type.Object({ title: Type.Optional(Type.String({ minLength: 1 })), description: Type.Optional(Type.String()), inputType: Type.Optional(Type.String({ enum: [...INPUT_TYPES] })), jsonInterface: Type.Optional(Type.Unknown()) }),
        response: { 200: ProjectBody, ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => projectBody(await projects.update(request.params.id, request.body)));

    app.delete('/api/projects/:id', {
      schema: {
        summary: 'Delete a labeling project',
        description: 'With its assets and their frames. Frames cut from videos leave the library; the videos and images the assets showed stay.',
        tags: ['labeling'],
        params: ProjectIdParam,
        response: { 200: Type.Object({ id: Type.String(), deletedAssets: Type.Integer() }), ...errorResponses(400, 401, 404, 409) },
      },
    }, async (request) => projects.delete(request.params.id));
  };
}
