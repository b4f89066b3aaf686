// The project form's interface editor: jobs drafted in the form (or typed as JSON) become Kili's JSON
// interface, checked by the server's rules, and the labeling tool finds the jobs it can draw in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateJsonInterface } from '../../src/domain/labeling/json-interface.js';
import { categoryKey, draftedInterface, draftProblems, draftsOfText, editedInterface, newJobDraft } from '../../web/src/labeling/interface-editor.js';
import { childJobs, classificationJobs, objectJobs } from '../../web/src/labeling/jobs.js';

describe('the interface editor', () => {
  it('starts with one OBJECT_DETECTION job of rectangles, a category per non-empty line, keys upper case and unique', () => {
    assert.deepEqual(draftedInterface([{ ...newJobDraft([], 'OBJECT_DETECTION'), name: 'vehicles', categories: 'Car\n\n  Red truck \ncar\n' }]), {
      jobs: { VEHICLES: { mlTask: 'OBJECT_DETECTION', required: 1, isChild: false, tools: ['rectangle'], content: { categories: { CAR: { name: 'Car' }, RED_TRUCK: { name: 'Red truck' } }, input: 'radio' } } },
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
        ...draftedInterface([{ ...newJobDraft([], 'OBJECT_DETECTION'), categories: 'Deer\nFox' }]).jobs,
      },
    };
    const objects = objectJobs(jsonInterface);
    assert.deepEqual(objects.map((j) => [j.job, j.tools]), [['POINTS', ['marker']], ['OBJECTS', ['rectangle']]]);
    assert.deepEqual(objects[1]!.categories, [{ key: 'DEER', name: 'Deer', color: undefined, children: [] }, { key: 'FOX', name: 'Fox', color: undefined, children: [] }]);
    assert.deepEqual(classificationJobs(jsonInterface), [{ job: 'WEATHER', name: 'Weather', multiple: true, categories: [{ key: 'RAIN', name: 'Rain', color: undefined, children: [] }] }]);
    assert.deepEqual(childJobs(jsonInterface, objects[0]!.categories[0]).map((j) => [j.job, j.multiple]), [['COLOR', false]]);
  });
});

describe('the interface editor with several jobs', () => {
  const objects = { ...newJobDraft([], 'OBJECT_DETECTION'), name: 'animals', tools: ['rectangle', 'marker'], categories: 'Deer\nFox' };
  const color = { ...newJobDraft([objects], 'CLASSIFICATION'), name: 'Colour', categories: 'Red\nBrown', askedFor: 'animals' };
  const weather = { ...newJobDraft([objects, color], 'CLASSIFICATION'), name: 'weather', categories: 'Sun\nRain', multiple: true };
  const note = newJobDraft([objects, color, weather], 'TRANSCRIPTION');

  it('writes objects with their tools, child jobs in their parent\'s categories, classifications and transcriptions', () => {
    const made = draftedInterface([objects, color, weather, note]);
    assert.deepEqual(made, {
      jobs: {
        ANIMALS: { mlTask: 'OBJECT_DETECTION', required: 1, isChild: false, tools: ['rectangle', 'marker'], content: { categories: { DEER: { name: 'Deer', children: ['COLOUR'] }, FOX: { name: 'Fox', children: ['COLOUR'] } }, input: 'radio' } },
        COLOUR: { mlTask: 'CLASSIFICATION', required: 0, isChild: true, content: { categories: { RED: { name: 'Red' }, BROWN: { name: 'Brown' } }, input: 'radio' } },
        WEATHER: { mlTask: 'CLASSIFICATION', required: 0, isChild: false, content: { categories: { SUN: { name: 'Sun' }, RAIN: { name: 'Rain' } }, input: 'checkbox' } },
        NOTE: { mlTask: 'TRANSCRIPTION', required: 1, isChild: false, content: { input: 'textField' } },
      },
    });
    assert.deepEqual(validateJsonInterface(made).jobs.COLOUR!.isChild, true, 'the server accepts what the form makes');
    assert.deepEqual(draftProblems([objects, color, weather, note]), []);
  });

  it('names what is wrong: a job without a name or a tool, two jobs of one name, a child of a job that draws nothing', () => {
    assert.deepEqual(draftProblems([objects, { ...weather, name: 'ANIMALS' }]), ['jobs "animals" and "ANIMALS" have the same name (ANIMALS)']);
    assert.deepEqual(draftProblems([{ ...objects, name: '  ' }]), ['a job needs a name (letters or digits)']);
    assert.deepEqual(draftProblems([objects, { ...color, askedFor: 'weather' }, weather]), ['job COLOUR is asked for the objects of "weather", which is not a job of objects']);
    assert.deepEqual(draftProblems([{ ...objects, tools: [] }]), ['job ANIMALS: OBJECT_DETECTION needs tools (one or more of rectangle, polygon, marker, polyline, semantic)']);
    assert.deepEqual(draftProblems([{ ...weather, categories: '\n' }]), ['job WEATHER: CLASSIFICATION needs content.categories (one or more)']);
  });

  it('edits an interface as JSON, goes back to the form when the form can show it, and names JSON problems', () => {
    const text = JSON.stringify(draftedInterface([objects, color, weather]));
    const back = draftsOfText(text)!;
    assert.deepEqual(draftedInterface(back), draftedInterface([objects, color, weather]));
    assert.deepEqual(back.map((d) => d.askedFor), [null, 'ANIMALS', null]);
    // Colours are not in the form: the JSON stays the editor, and is what gets created.
    const coloured = { jobs: { OBJECTS: { mlTask: 'OBJECT_DETECTION', tools: ['polygon'], content: { input: 'radio', categories: { A: { name: 'A', color: '#ff0000' } } } } } };
    assert.equal(draftsOfText(JSON.stringify(coloured)), null);
    assert.deepEqual(editedInterface({ drafts: [], jsonText: JSON.stringify(coloured) }), { jsonInterface: coloured, problems: [] });
    assert.match(editedInterface({ drafts: [], jsonText: '{"jobs": ' }).problems[0]!, /^the JSON does not parse/);
    assert.deepEqual(editedInterface({ drafts: [], jsonText: '{"jobs": {"X": {"mlTask": "SEGMENT"}}}' }).problems, ['job X: unknown mlTask "SEGMENT"; accepted: CLASSIFICATION, OBJECT_DETECTION, TRANSCRIPTION']);
  });
});
