import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CamtroveError } from '../errors.js';
import { orphanedBy, validateJsonInterface, type JsonInterface } from './json-interface.js';

/** A Kili interface: a vehicle detector whose CAR category has a colour classification as its child. */
function kiliInterface(): Record<string, unknown> {
  return {
    jobs: {
      OBJECT_DETECTION_JOB: {
        mlTask: 'OBJECT_DETECTION', instruction: 'Vehicles', required: 1, isChild: false, tools: ['rectangle', 'marker'],
        content: { input: 'radio', categories: { CAR: { name: 'Car', children: ['COLOR_JOB'], color: '#472CED' }, TRUCK: { name: 'Truck', children: [] } } },
      },
      COLOR_JOB: {
        mlTask: 'CLASSIFICATION', instruction: 'Colour', required: 0, isChild: true,
        content: { input: 'radio', categories: { RED: { name: 'Red' }, BLUE: { name: 'Blue', shortcut: 'b' } } },
      },
      WEATHER_JOB: { mlTask: 'CLASSIFICATION', required: true, content: { input: 'checkbox', categories: { RAIN: { name: 'Rain' } } } },
      PLATE_JOB: { mlTask: 'TRANSCRIPTION', content: { input: 'textField' }, isNew: false },
    },
  };
}

function categoriesOf(value: Record<string, unknown>, job: string): Record<string, Record<string, unknown>> {
  const jobs = value.jobs as Record<string, { content: { categories: Record<string, Record<string, unknown>> } }>;
  return jobs[job]!.content.categories;
}

function refusal(value: unknown): string {
  try {
    validateJsonInterface(value);
  } catch (error) {
    assert.ok(error instanceof CamtroveError);
    assert.equal(error.code, 'CAMTROVE_ERR_INVALID_INTERFACE');
    return error.message;
  }
  assert.fail('the interface was accepted');
}

function withJob(name: string, job: unknown): Record<string, unknown> {
  const value = kiliInterface();
  (value.jobs as Record<string, unknown>)[name] = job;
  return value;
}

describe('validateJsonInterface', () => {
  it('accepts Kili\'s shape, normalises required/isChild/isVisible and keeps keys it does not know', () => {
    const result = validateJsonInterface(kiliInterface());
    assert.equal(result.jobs.OBJECT_DETECTION_JOB!.required, 1);
    assert.equal(result.jobs.WEATHER_JOB!.required, 1, 'true becomes 1');
    assert.equal(result.jobs.PLATE_JOB!.required, 0, 'absent becomes 0');
    assert.equal(result.jobs.WEATHER_JOB!.isChild, false);
    assert.equal(result.jobs.WEATHER_JOB!.isVisible, true);
    assert.equal(result.jobs.PLATE_JOB!.isNew, false);
    assert.equal(result.jobs.OBJECT_DETECTION_JOB!.content!.categories!.CAR!.color, '#472CED');
  });
  it('does not change the value it was given', () => {
    const value = kiliInterface();
    const before = structuredClone(value);
    validateJsonInterface(value);
    assert.deepEqual(value, before);
  });
  it('keeps a job named __proto__ as a job, not as the prototype', () => {
    const result = validateJsonInterface(JSON.parse('{"jobs":{"__proto__":{"mlTask":"TRANSCRIPTION"},"A":{"mlTask":"TRANSCRIPTION"}}}'));
    assert.deepEqual(Object.keys(result.jobs), ['__proto__', 'A']);
    assert.equal(Object.getPrototypeOf(result.jobs), Object.prototype);
  });
  it('refuses what is not an interface at all', () => {
    assert.match(refusal(null), /must be an object/);
    assert.match(refusal([]), /must be an object/);
    assert.match(refusal({}), /jobs must be an object/);
    assert.match(refusal({ jobs: [] }), /jobs must be an object/);
    assert.match(refusal({ jobs: {} }), /jobs is empty/);
  });
  it('refuses an unknown mlTask, naming the job and listing the accepted ones', () => {
    const message = refusal(withJob('NER_JOB', { mlTask: 'NAMED_ENTITIES_RECOGNITION', content: { categories: { A: { name: 'A' } } } }));
    assert.match(message, /job NER_JOB: unknown mlTask "NAMED_ENTITIES_RECOGNITION"; accepted: CLASSIFICATION, OBJECT_DETECTION, TRANSCRIPTION/);
  });
  it('refuses an unknown tool, and tools missing from or given to the wrong task', () => {
    const value = kiliInterface();
    const jobs = value.jobs as Record<string, Record<string, unknown>>;
    jobs.OBJECT_DETECTION_JOB!.tools = ['rectangle', 'cuboid'];
    assert.match(refusal(value), /job OBJECT_DETECTION_JOB: unknown tool "cuboid"; accepted: rectangle, polygon, marker, polyline, semantic/);
    jobs.OBJECT_DETECTION_JOB!.tools = [];
    assert.match(refusal(value), /job OBJECT_DETECTION_JOB: OBJECT_DETECTION needs tools/);
    delete jobs.OBJECT_DETECTION_JOB!.tools;
    assert.match(refusal(value), /job OBJECT_DETECTION_JOB: OBJECT_DETECTION needs tools/);
    jobs.OBJECT_DETECTION_JOB!.tools = ['polygon', 'polygon'];
    assert.match(refusal(value), /job OBJECT_DETECTION_JOB: a tool is listed twice/);
    assert.match(refusal(withJob('W', { mlTask: 'CLASSIFICATION', tools: ['rectangle'], content: { categories: { A: { name: 'A' } } } })), /job W: tools are for OBJECT_DETECTION jobs only/);
  });
  it('refuses an input the task does not take', () => {
    assert.match(refusal(withJob('W', { mlTask: 'CLASSIFICATION', content: { input: 'textField', categories: { A: { name: 'A' } } } })), /job W: unknown content.input "textField" for CLASSIFICATION; accepted: radio, checkbox, singleDropdown, multipleDropdown/);
    assert.match(refusal(withJob('T', { mlTask: 'TRANSCRIPTION', content: { input: 'radio' } })), /job T: unknown content.input "radio" for TRANSCRIPTION/);
    for (const input of ['singleDropdown', 'multipleDropdown']) validateJsonInterface(withJob('W', { mlTask: 'CLASSIFICATION', content: { input, categories: { A: { name: 'A' } } } }));
    for (const input of ['number', 'date']) validateJsonInterface(withJob('T', { mlTask: 'TRANSCRIPTION', content: { input } }));
  });
  it('refuses a classification without categories, and a transcription with some', () => {
    assert.match(refusal(withJob('W', { mlTask: 'CLASSIFICATION', content: { input: 'radio' } })), /job W: CLASSIFICATION needs content.categories/);
    assert.match(refusal(withJob('T', { mlTask: 'TRANSCRIPTION', content: { categories: { A: { name: 'A' } } } })), /job T: TRANSCRIPTION takes no categories/);
  });
  it('refuses a child job that is missing, naming the job and the category key', () => {
    const value = kiliInterface();
    delete (value.jobs as Record<string, unknown>).COLOR_JOB;
    assert.match(refusal(value), /job OBJECT_DETECTION_JOB: category CAR names child job COLOR_JOB, which does not exist/);
  });
  it('refuses a child job not marked isChild', () => {
    const value = kiliInterface();
    (value.jobs as Record<string, Record<string, unknown>>).COLOR_JOB!.isChild = false;
    assert.match(refusal(value), /job OBJECT_DETECTION_JOB: category CAR names child job COLOR_JOB, which is not marked isChild: true/);
  });
  it('refuses a job marked isChild that no category names', () => {
    const value = kiliInterface();
    categoriesOf(value, 'OBJECT_DETECTION_JOB').CAR!.children = [];
    assert.match(refusal(value), /job COLOR_JOB: marked isChild but no category names it in children/);
  });
  it('refuses child jobs that contain each other, and a job that is its own child', () => {
    const cycle = {
      jobs: {
        ROOT: { mlTask: 'CLASSIFICATION', content: { categories: { A: { name: 'A', children: ['X'] } } } },
        X: { mlTask: 'CLASSIFICATION', isChild: true, content: { categories: { B: { name: 'B', children: ['Y'] } } } },
        Y: { mlTask: 'CLASSIFICATION', isChild: true, content: { categories: { C: { name: 'C', children: ['X'] } } } },
      },
    };
    assert.match(refusal(cycle), /child jobs form a cycle: X → Y → X/);
    const self = { jobs: { ROOT: cycle.jobs.ROOT, X: { mlTask: 'CLASSIFICATION', isChild: true, content: { categories: { B: { name: 'B', children: ['X'] } } } } } };
    assert.match(refusal(self), /child jobs form a cycle: X → X/);
  });
  it('accepts one child job shared by two categories (a diamond is not a cycle)', () => {
    const value = kiliInterface();
    categoriesOf(value, 'OBJECT_DETECTION_JOB').TRUCK!.children = ['COLOR_JOB'];
    validateJsonInterface(value);
  });
  it('refuses category keys that differ only in case, and two categories with one name', () => {
    const keys = withJob('W', { mlTask: 'CLASSIFICATION', content: { categories: { CAR: { name: 'Car' }, car: { name: 'Small car' } } } });
    assert.match(refusal(keys), /job W: duplicate category key car \(differs from CAR only in case\)/);
    const names = withJob('W', { mlTask: 'CLASSIFICATION', content: { categories: { CAR: { name: 'Car' }, AUTO: { name: 'Car' } } } });
    assert.match(refusal(names), /job W: categories CAR and AUTO have the same name "Car"/);
  });
  it('names the job and the path for a shape error, and reports every problem at once', () => {
    const message = refusal({
      jobs: {
        A: { mlTask: 'CLASSIFICATION', required: 2, content: { categories: { K: { name: '' } } } },
        B: { mlTask: 'POSE_ESTIMATION' },
      },
    });
    assert.match(message, /job A: required/);
    assert.match(message, /content\/categories\/K\/name/);
    assert.match(message, /job B: unknown mlTask "POSE_ESTIMATION"/);
  });
  it('refuses an interface nested absurdly deep without overflowing the stack', () => {
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i += 1) deep = { x: deep };
    assert.match(refusal({ jobs: { A: { mlTask: 'TRANSCRIPTION', extra: deep } } }), /nests deeper/);
  });
});

describe('orphanedBy', () => {
  const next: JsonInterface = validateJsonInterface(kiliInterface());
  it('is empty when every job and category still exists', () => {
    assert.deepEqual(orphanedBy(next, [{ job: 'OBJECT_DETECTION_JOB', category: 'CAR' }, { job: 'PLATE_JOB', category: null }]), []);
  });
  it('names removed jobs and categories once each, in the order used', () => {
    const used = [
      { job: 'OBJECT_DETECTION_JOB', category: 'BUS' },
      { job: 'GONE_JOB', category: null },
      { job: 'OBJECT_DETECTION_JOB', category: 'BUS' },
      { job: 'GONE_JOB', category: 'X' },
      { job: 'COLOR_JOB', category: 'RED' },
      { job: 'toString', category: null },
      { job: 'COLOR_JOB', category: 'constructor' },
    ];
    assert.deepEqual(orphanedBy(next, used), [
      { job: 'OBJECT_DETECTION_JOB', category: 'BUS' },
      { job: 'GONE_JOB', category: null },
      { job: 'GONE_JOB', category: 'X' },
      { job: 'toString', category: null },
      { job: 'COLOR_JOB', category: 'constructor' },
    ]);
  });
});
