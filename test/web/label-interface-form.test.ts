// The project form's interface editor: categories typed one per line become Kili's JSON interface,
// and the labeling tool finds the jobs it can draw in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boxJobs, categoryKey, detectionInterface } from '../../web/src/labeling/interface-form.js';

describe('the interface editor', () => {
  it('makes one OBJECT_DETECTION job of rectangles, a category per non-empty line, keys upper case and unique', () => {
    assert.deepEqual(detectionInterface('vehicles', 'Car\n\n  Red truck \ncar\n'), {
      jobs: { VEHICLES: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], required: 1, isChild: false, content: { categories: { CAR: { name: 'Car' }, RED_TRUCK: { name: 'Red truck' } }, input: 'radio' } } },
    });
    assert.equal(categoryKey(' a-b  c! '), 'A_B_C');
  });

  it('finds the rectangle jobs with their categories in order, not classification or child jobs', () => {
    const jobs = boxJobs({
      jobs: {
        COLOR: { mlTask: 'CLASSIFICATION', isChild: true, content: { categories: { RED: { name: 'Red' } } } },
        POINTS: { mlTask: 'OBJECT_DETECTION', tools: ['marker'], content: { categories: { P: { name: 'P' } } } },
        ...detectionInterface('OBJECTS', 'Deer\nFox').jobs,
      },
    });
    assert.deepEqual(jobs, [{ job: 'OBJECTS', categories: [{ key: 'DEER', name: 'Deer', color: undefined }, { key: 'FOX', name: 'Fox', color: undefined }] }]);
  });
});
