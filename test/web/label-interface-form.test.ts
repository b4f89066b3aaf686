// The project form's interface editor: categories typed one per line become Kili's JSON interface,
// and the labeling tool finds the jobs it can draw in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categoryKey, detectionInterface } from '../../web/src/labeling/interface-form.js';
import { childJobs, classificationJobs, objectJobs } from '../../web/src/labeling/jobs.js';

describe('the interface editor', () => {
  it('makes one OBJECT_DETECTION job of rectangles, a category per non-empty line, keys upper case and unique', () => {
    assert.deepEqual(detectionInterface('vehicles', 'Car\n\n  Red truck \ncar\n'), {
      jobs: { VEHICLES: { mlTask: 'OBJECT_DETECTION', tools: ['rectangle'], required: 1, isChild: false, content: { categories: { CAR: { name: 'Car' }, RED_TRUCK: { name: 'Red truck' } }, input: 'radio' } } },
    });
    assert.equal(categoryKey(' a-b  c! '), 'A_B_C');
  });

  it('finds the object jobs with the tools it draws and their categories in order, the classification jobs and a category\'s child jobs', () => {
    const jsonInterface = {
      jobs: {
        COLOR: { mlTask: 'CLASSIFICATION', isChild: true, content: { categories: { RED: { name: 'Red' } } } },
        POINTS: { mlTask: 'OBJECT_DETECTION', tools: ['marker', 'polyline'], content: { categories: { P: { name: 'P', children: ['COLOR'] } } } },
        LINES: { mlTask: 'OBJECT_DETECTION', tools: ['polyline'], content: { categories: { L: { name: 'L' } } } },
        WEATHER: { mlTask: 'CLASSIFICATION', instruction: 'Weather', content: { input: 'checkbox', categories: { RAIN: { name: 'Rain' } } } },
        ...detectionInterface('OBJECTS', 'Deer\nFox').jobs,
      },
    };
    const objects = objectJobs(jsonInterface);
    assert.deepEqual(objects.map((j) => [j.job, j.tools]), [['POINTS', ['marker']], ['OBJECTS', ['rectangle']]]);
    assert.deepEqual(objects[1]!.categories, [{ key: 'DEER', name: 'Deer', color: undefined, children: [] }, { key: 'FOX', name: 'Fox', color: undefined, children: [] }]);
    assert.deepEqual(classificationJobs(jsonInterface), [{ job: 'WEATHER', name: 'Weather', multiple: true, categories: [{ key: 'RAIN', name: 'Rain', color: undefined, children: [] }] }]);
    assert.deepEqual(childJobs(jsonInterface, objects[0]!.categories[0]).map((j) => [j.job, j.multiple]), [['COLOR', false]]);
  });
});
