import { categoryKey, draftedInterface, draftsOfText, newJobDraft, TOOL_NAMES, type EditorValue, type JobDraft, type JobTask } from '../labeling/interface-editor.js';

const TASKS: [JobTask, string][] = [
  ['OBJECT_DETECTION', 'Objects drawn on frames'],
  ['CLASSIFICATION', 'Classification (choose categories)'],
  ['TRANSCRIPTION', 'Transcription (free text)'],
];

// A project's interface as a form of jobs (tools, categories, child jobs), with its JSON beside it;
// or, for an interface the form cannot show (pasted from Kili, with colours or instructions), as
// editable JSON. The page shows the problems `editedInterface` names as it is edited.

interface EditorProps {
  value: EditorValue;
  onChange: (value: EditorValue) => void;
}

/** The jobs as form fields (nothing while the interface is edited as JSON). */
export function JobsForm({ value, onChange }: EditorProps) {
  const { drafts, jsonText } = value;
  const setJobs = (next: readonly JobDraft[]) => onChange({ drafts: next, jsonText: null });
  const change = (id: number, patch: Partial<JobDraft>) => setJobs(drafts.map((d) => (d.id === id ? { ...d, ...patch } : d)));

  const objectJobs = drafts.filter((d) => d.task === 'OBJECT_DETECTION' && d.askedFor === null);
  if (jsonText !== null) return <p className="muted">The interface is edited as JSON.</p>;
  return (
    <div className="jobs">
      {drafts.map((draft, index) => (
        <fieldset key={draft.id} className="job-draft" aria-label={`Job ${index + 1}`}>
          <legend>
            Job {index + 1}: {categoryKey(draft.name) || '(unnamed)'}
          </legend>
          <label>
            Job name
            <input value={draft.name} onChange={(e) => change(draft.id, { name: e.target.value })} required />
          </label>
          <label>
            Task
            <select value={draft.task} onChange={(e) => change(draft.id, { task: e.target.value as JobTask, ...(e.target.value === 'OBJECT_DETECTION' ? { tools: draft.tools.length > 0 ? draft.tools : ['rectangle'], askedFor: null } : { tools: [] }) })}>
              {TASKS.map(([task, name]) => (
                <option key={task} value={task}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          {draft.task === 'OBJECT_DETECTION' && (
            <fieldset className="tools">
              <legend>Tools</legend>
              {TOOL_NAMES.map(([tool, name]) => (
                <label key={tool} className="check">
                  <input
                    type="checkbox"
                    checked={draft.tools.includes(tool)}
                    onChange={(e) => change(draft.id, { tools: e.target.checked ? TOOL_NAMES.map(([t]) => t).filter((t) => t === tool || draft.tools.includes(t)) : draft.tools.filter((t) => t !== tool) })}
                  />
                  {name}
                </label>
              ))}
            </fieldset>
          )}
          {draft.task !== 'TRANSCRIPTION' && (
            <label>
              Categories (one per line)
              <textarea value={draft.categories} onChange={(e) => change(draft.id, { categories: e.target.value })} rows={4} required />
            </label>
          )}
          {draft.task === 'CLASSIFICATION' && (
            <label className="check">
              <input type="checkbox" checked={draft.multiple} onChange={(e) => change(draft.id, { multiple: e.target.checked })} />
              Several categories may be chosen
            </label>
          )}
          {draft.task !== 'OBJECT_DETECTION' && (
            <label>
              Asked for
              <select value={draft.askedFor ?? ''} onChange={(e) => change(draft.id, { askedFor: e.target.value === '' ? null : e.target.value })}>
                <option value="">each frame and the whole video</option>
                {objectJobs.map((parent) => (
                  <option key={parent.id} value={parent.name}>
                    each object of {categoryKey(parent.name) || '(unnamed)'}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="check">
            <input type="checkbox" checked={draft.required} onChange={(e) => change(draft.id, { required: e.target.checked })} />
            Required
          </label>
          {drafts.length > 1 && (
            <button type="button" onClick={() => setJobs(drafts.filter((d) => d.id !== draft.id))}>
              Remove job {index + 1}
            </button>
          )}
        </fieldset>
      ))}
      <div className="actions">
        <button type="button" onClick={() => setJobs([...drafts, newJobDraft(drafts, 'OBJECT_DETECTION')])}>
          Add a job of objects
        </button>
        <button type="button" onClick={() => setJobs([...drafts, newJobDraft(drafts, 'CLASSIFICATION')])}>
          Add a classification
        </button>
        <button type="button" onClick={() => setJobs([...drafts, newJobDraft(drafts, 'TRANSCRIPTION')])}>
          Add a transcription
        </button>
      </div>
    </div>
  );
}

/** The interface's JSON as the form makes it, or as text to edit (an interface pasted from Kili). */
export function InterfaceJson({ value, onChange }: EditorProps) {
  const { drafts, jsonText } = value;
  const editText = (text: string) => onChange({ drafts, jsonText: text });
  const backToForm = jsonText === null ? null : draftsOfText(jsonText);
  const shown = jsonText === null ? JSON.stringify(draftedInterface(drafts), null, 2) : null;
  return (
    <figure className="interface-json">
      <figcaption>Interface (JSON)</figcaption>
      {shown !== null ? (
        <>
          <pre aria-label="Interface JSON">{shown}</pre>
          <button type="button" onClick={() => editText(shown)}>
            Edit as JSON
          </button>
        </>
      ) : (
        <>
          <textarea aria-label="Interface JSON (editable)" value={jsonText ?? ''} onChange={(e) => editText(e.target.value)} rows={18} spellCheck={false} />
          <button type="button" disabled={backToForm === null} onClick={() => onChange({ drafts: backToForm!, jsonText: null })}>
            Back to the form
          </button>
          {backToForm === null && <p className="muted">The form cannot show this interface (other keys, settings or tasks): it is created as written.</p>}
        </>
      )}
    </figure>
  );
}
