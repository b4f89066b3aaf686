import { useState, type FormEvent } from 'react';
import type { Camera } from '../api/types.js';
import { cameraTitle } from '../cameras/camera-state.js';
import { formText, formTexts } from '../form-values.js';
import { COLOR_NAMES, COMPASS, EVENT_SORTS, filterQuery, isoFromLocalInput, localInputValue, type EventSearch, type SingleFilter } from '../events/event-search.js';
import { useApi } from '../session.js';
import { RegionPicker } from './region-picker.js';

/** Number and text filters, by the API's names. */
const FIELDS: { name: SingleFilter; title: string; type: 'number' | 'text'; min?: number; max?: number; step?: string; placeholder?: string; list?: string }[] = [
  { name: 'min_score', title: 'Score at least', type: 'number', min: 0, max: 1, step: '0.05', placeholder: '0–1' },
  { name: 'min_duration', title: 'Longer than (s)', type: 'number', min: 0, step: 'any' },
  { name: 'max_duration', title: 'Shorter than (s)', type: 'number', min: 0, step: 'any' },
  { name: 'direction', title: 'Direction', type: 'text', placeholder: 'N, E, left, 45-135', list: 'directions' },
  { name: 'zone', title: 'Zones', type: 'text', placeholder: 'gate, road' },
];

/** Filters used less often: shown when one is set. */
const MORE: { name: SingleFilter; title: string; placeholder: string }[] = [
  { name: 'media', title: 'Video (file id)', placeholder: '64 hex characters' },
  { name: 'job', title: 'Import job', placeholder: 'job id' },
];

/**
 * The event search as a form: every filter of GET /api/events. Submitting hands the search to the
 * page, which puts it in the URL; the form shows whatever search the URL holds.
 */
export function EventFilters({ search, cameras, onSearch }: { search: EventSearch; cameras: readonly Camera[]; onSearch: (search: EventSearch) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => formText(form, name);
    const values: EventSearch['values'] = {};
    for (const { name } of [...FIELDS, ...MORE, { name: 'roi' as const }]) if (text(name)) values[name] = text(name);
    const from = isoFromLocalInput(text('from'));
    const to = isoFromLocalInput(text('to'));
    if (from) values.from = from;
    if (to) values.to = to;
    if (text('label_match') === 'all') values.label_match = 'all';
    onSearch({
      lists: {
        camera: formTexts(form, 'camera'),
        color: formTexts(form, 'color'),
        // One label a line: a label may hold commas.
        label: text('label').split('\n').map((l) => l.trim()).filter(Boolean),
      },
      values,
      sort: (EVENT_SORTS.find((s) => s.value === text('sort'))?.value ?? search.sort),
    });
  };
  const known = new Set(cameras.map((c) => c.id));
  // Cameras in the search that the registry no longer lists (events outlive their camera).
  const others = search.lists.camera.filter((id) => !known.has(id));

  return (
    <form key={JSON.stringify(search)} role="search" aria-label="Event search" className="filters event-filters" onSubmit={submit}>
      <label className="cameras-filter">
        Cameras
        <select name="camera" multiple size={4} defaultValue={search.lists.camera}>
          {cameras.map((camera) => (
            <option key={camera.id} value={camera.id}>
              {cameraTitle(camera)}
            </option>
          ))}
          {others.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <div className="filter-column">
        <label>
          From
          <input type="datetime-local" name="from" defaultValue={localInputValue(search.values.from)} />
        </label>
        <label>
          To
          <input type="datetime-local" name="to" defaultValue={localInputValue(search.values.to)} />
        </label>
      </div>
      <div className="filter-column">
        <label>
          Labels <span className="muted small">(one a line)</span>
          <textarea name="label" rows={2} defaultValue={search.lists.label.join('\n')} />
        </label>
        <label>
          Match
          <select name="label_match" defaultValue={search.values.label_match ?? 'any'}>
            <option value="any">any label</option>
            <option value="all">every label</option>
          </select>
        </label>
      </div>
      <div className="filter-grid">
        {FIELDS.map((field) => (
          <label key={field.name}>
            {field.title}
            <input name={field.name} type={field.type} min={field.min} max={field.max} step={field.step} placeholder={field.placeholder} list={field.list} defaultValue={search.values[field.name] ?? ''} />
          </label>
        ))}
        <label>
          Sort
          <select name="sort" defaultValue={search.sort}>
            {EVENT_SORTS.map((sort) => (
              <option key={sort.value} value={sort.value}>
                {sort.title}
              </option>
            ))}
          </select>
        </label>
      </div>
      <datalist id="directions">
        {COMPASS.map((word) => (
          <option key={word} value={word} />
        ))}
      </datalist>
      <fieldset className="colors">
        <legend>Colours</legend>
        {COLOR_NAMES.map((color) => (
          <label key={color} className={`swatch swatch-${color}`}>
            <input type="checkbox" name="color" value={color} defaultChecked={search.lists.color.includes(color)} />
            <span aria-hidden="true" />
            {color}
          </label>
        ))}
      </fieldset>
      <details className="more-filters" open={[...MORE, { name: 'roi' as const }].some((f) => search.values[f.name])}>
        <summary>More filters</summary>
        <div className="filter-grid">
          <RegionField search={search} />
          {MORE.map((field) => (
            <label key={field.name}>
              {field.title}
              <input name={field.name} placeholder={field.placeholder} defaultValue={search.values[field.name] ?? ''} />
            </label>
          ))}
        </div>
      </details>
      <div className="filter-actions">
        <button type="submit" className="primary">
          Search
        </button>
      </div>
    </form>
  );
}

/** The region filter: typed as `x,y,w,h`, or drawn on the frame of the newest event the search finds. */
function RegionField({ search }: { search: EventSearch }) {
  const [roi, setRoi] = useState(search.values.roi ?? '');
  const [drawing, setDrawing] = useState(false);
  return (
    <div className="region-field">
      <label>
        Region (x,y,w,h)
        <input name="roi" placeholder="0.5,0,0.5,0.5" value={roi} onChange={(e) => setRoi(e.target.value)} />
      </label>
      <button type="button" aria-expanded={drawing} onClick={() => setDrawing(!drawing)}>
        {drawing ? 'Hide the frame' : 'Draw on a frame'}
      </button>
      {drawing && <NewestFrame search={search} roi={roi} onChange={setRoi} />}
    </div>
  );
}

function NewestFrame({ search, roi, onChange }: { search: EventSearch; roi: string; onChange: (roi: string) => void }) {
  // The search without its region: the frame to draw on is the camera's view, whatever the region.
  const withoutRegion = { ...search, values: { ...search.values, roi: undefined } };
  const newest = useApi((c) => c.events({ ...filterQuery(withoutRegion), sort: '-time' }, { limit: 1 }), JSON.stringify(withoutRegion));
  if (!newest.data) return null;
  const fileId = newest.data.events[0]?.thumbnail_file_id;
  if (!fileId) return <p className="muted">No event with a picture to draw on: search for one first.</p>;
  return <RegionPicker fileId={fileId} value={roi} onChange={onChange} />;
}
