// The SDK cannot drift from the server: every operation it calls is in the OpenAPI document of a
// served library, the fields its types read are among the answer's properties, and driving every
// SDK method calls no operation outside that list.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Camtrove } from '../../src/sdk/index.js';
import { SDK_OPERATIONS } from '../../src/sdk/operations.js';
import type { AnswerShape } from '../../src/sdk/types.js';
import { WEB_OPERATIONS } from '../../web/src/api/operations.js';
import { servedLibrary } from '../helpers/http.js';
import { makeVideo } from '../helpers/media.js';
import { dialectName } from '../helpers/test-library.js';

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components?: { schemas?: Record<string, Schema> };
}

/** `/api/projects/{id}` and `/api/projects/{projectId}` are the same operation. */
const template = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/** The object schemas a schema may be: $ref resolved, arrays to their items, unions and intersections opened. */
function objectVariants(schema: Schema | undefined, doc: Document): Schema[] {
  if (!schema) return [];
  if (schema.$ref) return objectVariants(doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], doc);
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  if (nested.length > 0) return nested.flatMap((s) => objectVariants(s, doc));
  if (schema.items) return objectVariants(schema.items, doc);
  return schema.properties ? [schema] : [];
}

/** The fields of `shape` that the schema does not declare, as dotted paths. */
function missingFields(shape: AnswerShape, schema: Schema | undefined, doc: Document, at = ''): string[] {
  const variants = objectVariants(schema, doc);
  if (variants.length === 0) return Object.keys(shape).map((field) => `${at}${field} (the answer declares no properties at ${at || 'its top'})`);
  return Object.entries(shape).flatMap(([field, inner]) => {
    const property = variants.find((v) => v.properties?.[field])?.properties?.[field];
    if (!property) return [`${at}${field}`];
    return inner === null ? [] : missingFields(inner, property, doc, `${at}${field}.`);
  });
}

/** A fetch that records `METHOD path` of each request. */
function recordingFetch(): { fetch: typeof fetch; calls: Set<string> } {
  const calls = new Set<string>();
  return { calls, fetch: (input, init) => (calls.add(`${init?.method ?? 'GET'} ${new URL(input instanceof Request ? input.url : input.toString()).pathname}`), fetch(input, init)) };
}

describe(`the SDK and the OpenAPI document agree (${dialectName})`, () => {
  const served = servedLibrary();

  it('every operation the SDK and the web app call is documented, with every field they read', async () => {
    const doc = (await (await fetch(`${served.server.url}/openapi.json`)).json()) as Document;
    const documented = new Map(Object.entries(doc.paths).map(([path, operations]) => [template(path), operations]));
    const problems: string[] = [];
    for (const { method, path, answer } of [...SDK_OPERATIONS, ...WEB_OPERATIONS]) {
      const operation = documented.get(template(path))?.[method.toLowerCase()];
      if (!operation) {
        problems.push(`${method} ${path} is not in the OpenAPI document`);
        continue;
      }
      const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      const schema = success.map(([, response]) => response.content?.['application/json']?.schema).find((s) => s !== undefined);
      for (const field of missingFields(answer, schema, doc)) problems.push(`${method} ${path}: the answer has no ${field}`);
    }
    assert.deepEqual(problems, []);
  });

  it('driving every SDK method calls only the listed operations', async () => {
    served.library.startWorkers();
    const { fetch: recorded, calls } = recordingFetch();
    const camtrove = new Camtrove({ apiEndpoint: served.server.url, fetch: recorded });
    const clip = await makeVideo(join(served.library.env.dir, 'clip.mp4'), { seconds: 1 });
    const { id: projectId } = await camtrove.createProject({ title: 'drift', inputType: 'VIDEO', jsonInterface: { jobs: { C: { mlTask: 'CLASSIFICATION', content: { input: 'radio', categories: { A: { name: 'A' } } } } } } });
    await camtrove.projects();
    await camtrove.projects({ projectId });
    await camtrove.countProjects();
    await camtrove.updateProject({ projectId, title: 'drift 2' });
    await camtrove.appendManyToDataset({ projectId, contentArray: [clip], externalIdArray: ['c'] });
    await camtrove.appendEventsToDataset({ projectId, where: {} });
    await camtrove.assets({ projectId });
    for await (const _ of camtrove.assets({ projectId, asGenerator: true })) break;
    await camtrove.countAssets({ projectId });
    await camtrove.updatePropertiesInAssets({ projectId, externalIds: ['c'], jsonMetadatas: [{ a: 1 }] });
    await camtrove.addMetadata({ projectId, externalIds: ['c'], jsonMetadatas: [{ b: 1 }] });
    await camtrove.setMetadata({ projectId, externalIds: ['c'], jsonMetadatas: [{ c: 1 }] });
    const frame = { '0': { C: { categories: [{ name: 'A' }], isKeyFrame: true } } };
    const [label] = (await camtrove.appendLabels({ projectId, assetExternalIdArray: ['c'], jsonResponseArray: [frame] })).labels;
    const [prediction] = (await camtrove.createPredictions({ projectId, assetExternalIdArray: ['c'], jsonResponseArray: [frame], modelName: 'm' })).labels;
    await camtrove.labels({ projectId });
    await camtrove.exportLabels({ projectId, fmt: 'kili' });
    await camtrove.importLabels({ projectId, fmt: 'kili', assetExternalId: 'c', content: JSON.stringify(frame) });
    await camtrove.countLabels({ projectId });
    await camtrove.deleteLabels({ projectId, ids: [label!.id] });
    await camtrove.deleteLabels({ ids: [prediction!.id] });
    await camtrove.deleteManyFromDataset({ projectId, externalIds: ['c'] });
    await camtrove.deleteProject(projectId);

    const listed = new Set(SDK_OPERATIONS.map((op) => `${op.method} ${template(op.path)}`));
    const asTemplate = (call: string) => call.replace(new RegExp(projectId, 'g'), '{}').replace(/\/batches\/[^/]+$/, '/batches/{}').replace(/\/api\/exports\/[0-9a-f]{32}/, '/api/exports/{}');
    const unlisted = [...calls].map(asTemplate).filter((call) => !listed.has(call));
    assert.deepEqual(unlisted, []);
    assert.ok(calls.size >= SDK_OPERATIONS.length - 1, `only ${calls.size} operations were driven: ${[...calls].join(', ')}`);
  });
});
