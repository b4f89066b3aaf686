import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLOR_NAMES, colorName } from './color-names.js';

describe('colour names', () => {
  it('names colours the way people search for them', () => {
    const table: [[number, number, number], string][] = [
      [[0, 0, 0], 'black'], [[30, 30, 35], 'black'], [[10, 10, 40], 'black'], [[60, 50, 45], 'black'],
      [[250, 250, 250], 'white'], [[240, 240, 255], 'white'], [[235, 232, 220], 'white'],
      [[128, 128, 128], 'grey'], [[190, 192, 196], 'grey'], [[100, 105, 112], 'grey'],
      [[220, 20, 30], 'red'], [[220, 20, 60], 'red'], [[128, 0, 0], 'red'], [[255, 100, 100], 'red'],
      [[255, 140, 0], 'orange'], [[200, 100, 0], 'orange'], [[255, 200, 150], 'orange'],
      [[240, 220, 30], 'yellow'], [[255, 255, 0], 'yellow'],
      [[30, 160, 40], 'green'], [[85, 107, 47], 'green'], [[0, 100, 0], 'green'],
      [[20, 200, 210], 'cyan'], [[0, 255, 255], 'cyan'],
      [[20, 40, 200], 'blue'], [[10, 20, 90], 'blue'], [[0, 0, 128], 'blue'], [[60, 70, 95], 'blue'], [[135, 206, 250], 'blue'],
      [[130, 40, 170], 'purple'], [[128, 0, 128], 'purple'], [[255, 0, 255], 'purple'],
      [[255, 160, 190], 'pink'], [[255, 105, 180], 'pink'], [[255, 20, 147], 'pink'], [[255, 150, 150], 'pink'],
      [[120, 70, 30], 'brown'], [[160, 82, 45], 'brown'], [[210, 180, 140], 'brown'], [[110, 60, 50], 'brown'], [[150, 120, 30], 'brown'],
    ];
    for (const [rgb, name] of table) assert.equal(colorName(rgb), name, `rgb(${rgb.join(',')})`);
  });

  it('tells the tricky neighbours apart', () => {
    // Brown is dark orange; orange stays orange while it is bright.
    assert.equal(colorName([139, 69, 19]), 'brown');
    assert.equal(colorName([230, 115, 20]), 'orange');
    // Pink is pale red; deep red stays red however light.
    assert.equal(colorName([250, 170, 170]), 'pink');
    assert.equal(colorName([240, 30, 30]), 'red');
    // Dark blue is still blue until it is nearly black.
    assert.equal(colorName([25, 35, 80]), 'blue');
    assert.equal(colorName([12, 14, 30]), 'black');
    // Olive (dark yellow) reads as green; dark gold as brown.
    assert.equal(colorName([128, 128, 0]), 'green');
    assert.equal(colorName([107, 100, 35]), 'green');
    assert.equal(colorName([140, 110, 20]), 'brown');
  });

  it('only ever answers from its vocabulary', () => {
    const names = new Set<string>();
    for (let r = 0; r < 256; r += 17) for (let g = 0; g < 256; g += 17) for (let b = 0; b < 256; b += 17) names.add(colorName([r, g, b]));
    assert.deepEqual([...names].sort(), [...COLOR_NAMES].sort());
  });
});
