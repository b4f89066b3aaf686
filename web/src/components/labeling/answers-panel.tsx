import type { JsonInterface } from '../../../../src/sdk/types.js';
import { answerAt, toggled, withAnswer } from '../../labeling/answers.js';
import type { Labeling } from '../../labeling/json-response.js';
import { childJobs, type Category, type ClassificationJob } from '../../labeling/jobs.js';
import type { Track } from '../../labeling/tracks.js';

/** A job's categories as toggle buttons, in a group named for what they answer. */
function CategoryButtons({ job, label, chosen, onToggle }: { job: ClassificationJob; label: string; chosen: readonly string[]; onToggle: (category: string) => void }) {
  return (
    <div className="actions answer-group" role="group" aria-label={label}>
      {job.categories.map((category) => (
        <button key={category.key} type="button" aria-pressed={chosen.includes(category.key)} onClick={() => onToggle(category.key)}>
          {category.name}
        </button>
      ))}
    </div>
  );
}

/**
 * The classification jobs: each answered on the current frame (choosing a category makes a key frame
 * there, held until the next one; choosing it again clears it from there) and for the whole video.
 */
export function AnswersPanel({ jobs, frame, answers, assetAnswers, onChange }: { jobs: readonly ClassificationJob[]; frame: number; answers: Labeling['answers']; assetAnswers: Labeling['assetAnswers']; onChange: (change: (labeling: Labeling) => Labeling) => void }) {
  if (jobs.length === 0) return null;
  return (
    <section aria-label="Classification">
      <h2>Classification</h2>
      {jobs.map((job) => {
        const here = answerAt(answers.find((t) => t.job === job.job), frame);
        return (
          <div key={job.job} className="answer-job" data-job={job.job}>
            <h3>{job.name}</h3>
            <p className="muted">
              On frame {frame}
              {here.categories.length > 0 && (here.isKeyFrame ? ' (key frame)' : ' (held from an earlier frame)')}
            </p>
            <CategoryButtons
              job={job}
              label={`${job.name} on this frame`}
              chosen={here.categories}
              onToggle={(category) => onChange((l) => ({ ...l, answers: withAnswer(l.answers, job.job, frame, toggled(answerAt(l.answers.find((t) => t.job === job.job), frame).categories, category, job.multiple)) }))}
            />
            <p className="muted">For the whole video</p>
            <CategoryButtons
              job={job}
              label={`${job.name} for the whole video`}
              chosen={assetAnswers[job.job] ?? []}
              onToggle={(category) => onChange((l) => ({ ...l, assetAnswers: { ...l.assetAnswers, [job.job]: toggled(l.assetAnswers[job.job] ?? [], category, job.multiple) } }))}
            />
          </div>
        );
      })}
    </section>
  );
}

function chosenIn(children: Track['children'], job: string): string[] {
  const answer = children?.[job] as { categories?: { name?: unknown }[] } | undefined;
  return (answer?.categories ?? []).map((c) => c.name).filter((name): name is string => typeof name === 'string');
}

/** The child jobs of the selected object's category, answered for the object (on every frame it is on). */
export function ChildAnswers({ jsonInterface, category, track, onChange }: { jsonInterface: JsonInterface; category: Category | undefined; track: Track; onChange: (children: Record<string, unknown>) => void }) {
  const jobs = childJobs(jsonInterface, category);
  if (jobs.length === 0) return null;
  return (
    <section aria-label="Selected object">
      <h2>Selected object</h2>
      {jobs.map((job) => (
        <div key={job.job} className="answer-job">
          <h3>{job.name}</h3>
          <CategoryButtons
            job={job}
            label={job.name}
            chosen={chosenIn(track.children, job.job)}
            onToggle={(key) => {
              const { [job.job]: _old, ...others } = track.children ?? {};
              const categories = toggled(chosenIn(track.children, job.job), key, job.multiple);
              onChange(categories.length > 0 ? { ...others, [job.job]: { categories: categories.map((name) => ({ name })) } } : others);
            }}
          />
        </div>
      ))}
    </section>
  );
}
