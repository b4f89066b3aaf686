import type { ObjectJob } from '../../labeling/jobs.js';
import type { ShapeTool } from '../../labeling/tracks.js';

const TOOL_NAMES: Record<ShapeTool, string> = { rectangle: 'Box', polygon: 'Polygon', marker: 'Point' };

/**
 * Which object job the tool draws in (when the interface has several) and with which of that job's
 * shapes (when it allows more than one). Choosing a shape starts drawing one.
 */
export function ShapeChooser({ jobs, job, tool, onJob, onTool }: { jobs: readonly ObjectJob[]; job: number; tool: ShapeTool; onJob: (index: number) => void; onTool: (tool: ShapeTool) => void }) {
  const tools = jobs[job]?.tools ?? [];
  if (jobs.length < 2 && tools.length < 2) return null;
  return (
    <>
      {jobs.length > 1 && (
        <label className="job-choice">
          Job
          <select value={job} onChange={(event) => onJob(Number(event.target.value))}>
            {jobs.map((j, at) => (
              <option key={j.job} value={at}>
                {j.job}
              </option>
            ))}
          </select>
        </label>
      )}
      {tools.length > 1 && <h2>Shape</h2>}
      {tools.length > 1 && (
        <div className="actions" role="group" aria-label="Shape">
          {tools.map((t) => (
            <button key={t} type="button" aria-pressed={t === tool} onClick={() => onTool(t)}>
              {TOOL_NAMES[t]}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
