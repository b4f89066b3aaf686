import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { csvRecord } from './csv.js';

describe('CSV records', () => {
  it('quote what needs quoting and read back the same with a CSV parser', () => {
    const cells = ['plain', 'a,b', 'say "hi"', 'two\nlines', '', 'é ü 中'];
    const text = csvRecord(cells) + csvRecord([1, 2.5, true, null, 'x', 'y']);
    assert.deepEqual(parse(text), [cells, ['1', '2.5', 'true', '', 'x', 'y']]);
  });

  it('keep spreadsheets from running cells as formulas, but leave numbers alone', () => {
    assert.equal(csvRecord(['=SUM(A1)', '+1', '-x', '@cmd', 'ok', -3]), "'=SUM(A1),'+1,'-x,'@cmd,ok,-3\r\n");
  });
});
