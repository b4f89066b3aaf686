import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Asset, Label, Project } from '../../../src/sdk/types.js';
import { asset, frameImage, latestLabel, latestPredictions, project, saveLabel, type Prediction } from '../api/labeling.js';
import { ErrorNote } from '../components/error-note.js';
import { HelpPanel } from '../components/labeling/help-panel.js';
import { FrameStage } from '../components/labeling/frame-stage.js';
import { LeaveWarning } from '../components/labeling/leave-warning.js';
import { PredictionLayer } from '../components/labeling/prediction-layer.js';
import { PredictionsPanel } from '../components/labeling/predictions-panel.js';
import { TimeLine } from '../components/labeling/time-line.js';
import { usePageTitle } from '../components/page-title.js';
import { formatTime } from '../format.js';
import { FrameCache } from '../labeling/frame-cache.js';
import { record, redo, startHistory, undo, type History } from '../labeling/history.js';
import { boxJobs } from '../labeling/interface-form.js';
import { commandFor, type Command } from '../labeling/keys.js';
import { isPredictionCommand, predictionCommandFor, type PredictionCommand } from '../labeling/prediction-keys.js';
import type { Work } from '../labeling/predictions.js';
import { stepFrame } from '../labeling/timeline.js';
import { usePredictions } from '../labeling/use-predictions.js';
import { boxAt, keyFramesJsonResponse, toggleOutside, tracksFromJsonResponse, withKey, type Box, type Track } from '../labeling/tracks.js';
import { useApi, useSession } from '../session.js';

const FRAMES_KEPT = 90;
/** How long after the last change an autosave is sent. */
const AUTOSAVE_MS = 3000;
const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4'];

/** `/projects/:projectId/assets/:assetId/label`: the labeling tool, on the asset's latest saved or autosaved label. */
export function LabelPage() {
  const { projectId = '', assetId = '' } = useParams();
  const loaded = useApi(async (c) => {
    const [p, a, saved, predictions] = await Promise.all([project(c, projectId), asset(c, assetId), latestLabel(c, projectId, assetId, ['DEFAULT', 'AUTOSAVE']), latestPredictions(c, projectId, assetId)]);
    return { project: p, asset: a, label: saved, predictions };
  }, `${projectId}/${assetId}`);
  usePageTitle(loaded.data ? `Label ${loaded.data.asset.externalId}` : 'Label');
  if (!loaded.data) return <ErrorNote error={loaded.error} />;
  return <LabelingTool key={assetId} {...loaded.data} />;
}

function LabelingTool({ project: shownProject, asset: shownAsset, label, predictions: predicted }: { project: Project; asset: Asset; label: Label | null; predictions: readonly Prediction[] }) {
  const { client, call } = useSession();
  const [job] = boxJobs(shownProject.jsonInterface);
  const categories = useMemo(() => job?.categories ?? [], [job]);
  const count = shownAsset.numberOfFrames ?? 0;
  const cache = useMemo(() => new FrameCache((k) => frameImage(client, shownAsset.id, k), FRAMES_KEPT), [client, shownAsset.id]);

  const [history, setHistory] = useState<History<Work<Track>>>(() => startHistory({ tracks: label?.jsonResponse && job ? tracksFromJsonResponse(label.jsonResponse, [job.job]) : [], rejected: new Set() }));
  const tracks = history.present.tracks;
  const [frame, setFrame] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [categoryIndex, setCategoryIndex] = useState(0);
  const [drawing, setDrawing] = useState(false);
  const [help, setHelp] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [saved, setSaved] = useState<{ tracks: readonly Track[]; at: string | null; type: string | null }>({ tracks, at: label?.createdAt ?? null, type: label?.labelType ?? null });
  const [autosaved, setAutosaved] = useState<{ tracks: readonly Track[]; at: string | null }>({ tracks, at: null });
  const [saveError, setSaveError] = useState<Error | null>(null);
  const [opened] = useState(() => Date.now());
  const dirty = tracks !== saved.tracks;

  const editWork = useCallback((change: (work: Work<Track>) => Work<Track>) => setHistory((h) => record(h, change(h.present))), []);
  const edit = useCallback((change: (tracks: readonly Track[]) => readonly Track[]) => editWork((work) => ({ ...work, tracks: change(work.tracks) })), [editWork]);
  const predictionModels = useMemo(() => (job ? predicted.map((p) => ({ modelName: p.modelName, tracks: tracksFromJsonResponse(p.jsonResponse, [job.job]) })) : []), [predicted, job]);
  const predictions = usePredictions(predictionModels, history.present, editWork);
  const names = useMemo(() => new Map(categories.map((c) => [c.key, c.name])), [categories]);
  const colorOf = useCallback((track: Track) => {
    const at = categories.findIndex((c) => c.key === track.category);
    return categories[at]?.color ?? PALETTE[Math.max(0, at) % PALETTE.length]!;
  }, [categories]);

  const save = useCallback(
    (labelType: 'DEFAULT' | 'AUTOSAVE') => {
      const sent = tracks;
      const seconds = Math.round((Date.now() - opened) / 1000);
      setSaveError(null);
      if (labelType === 'AUTOSAVE') setAutosaved({ tracks: sent, at: null });
      return call((c) => saveLabel(c, shownProject.id, shownAsset.id, keyFramesJsonResponse(sent), labelType, seconds)).then(
        () => {
          if (labelType === 'DEFAULT') setSaved({ tracks: sent, at: new Date().toISOString(), type: labelType });
          else setAutosaved((now) => (now.tracks === sent ? { tracks: sent, at: new Date().toISOString() } : now));
          return true;
        },
        (error: unknown) => {
          setSaveError(error as Error);
          return false;
        },
      );
    },
    [call, tracks, opened, shownProject.id, shownAsset.id],
  );

  // Autosave: every few seconds, when something changed since the last save of either kind.
  useEffect(() => {
    if (!dirty || tracks === autosaved.tracks) return;
    const timer = setTimeout(() => save('AUTOSAVE'), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [dirty, tracks, autosaved, save]);

  // Playing: the next frame at the video's rate, until the last.
  useEffect(() => {
    if (!playing) return;
    const timer = setTimeout(() => (frame >= count - 1 ? setPlaying(false) : setFrame(frame + 1)), 1000 / (shownAsset.frameRate ?? 25));
    return () => clearTimeout(timer);
  }, [playing, frame, count, shownAsset.frameRate]);

  // Submit: saved, the labeler is done with this asset and goes back to the project (once the page knows it is saved).
  const navigate = useNavigate();
  const [submitted, setSubmitted] = useState<readonly Track[] | null>(null);
  const submit = () => {
    const sent = tracks;
    void save('DEFAULT').then((ok) => ok && setSubmitted(sent));
  };
  useEffect(() => {
    if (submitted && submitted === tracks && !dirty) void navigate(`/projects/${shownProject.id}`);
  }, [submitted, tracks, dirty, navigate, shownProject.id]);

  // Leaving with unsaved work asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const run = (command: Command | PredictionCommand) => {
    if (isPredictionCommand(command)) return predictions.run(command);
    switch (command.kind) {
      case 'step':
        setPlaying(false);
        setFrame((k) => stepFrame(k, command.by, count));
        return;
      case 'category':
        if (command.index >= categories.length) return;
        setCategoryIndex(command.index);
        if (selected) edit((all) => all.map((t) => (t.mid === selected ? { ...t, category: categories[command.index]!.key } : t)));
        return;
      case 'draw':
        setDrawing(true);
        return;
      case 'keyFrame': {
        const track = tracks.find((t) => t.mid === selected);
        const shown = track && boxAt(track, frame);
        if (track && shown && !shown.isKeyFrame) edit((all) => all.map((t) => (t === track ? withKey(t, frame, shown.box) : t)));
        return;
      }
      case 'outside':
        if (selected) edit((all) => all.map((t) => (t.mid === selected ? toggleOutside(t, frame) : t)));
        return;
      case 'play':
        setPlaying((now) => !now);
        return;
      case 'save':
        void save('DEFAULT');
        return;
      case 'help':
        setHelp((shown) => !shown);
        return;
      case 'undo':
        setHistory(undo);
        return;
      case 'redo':
        setHistory(redo);
        return;
      case 'delete':
        if (selected) edit((all) => all.filter((t) => t.mid !== selected));
        setSelected(null);
        return;
      case 'cancel':
        setDrawing(false);
        setHelp(false);
        setSelected(null);
        return;
    }
  };
  const latestRun = useRef(run);
  useEffect(() => {
    latestRun.current = run;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      const command = commandFor(event) ?? predictionCommandFor(event);
      if (!command) return;
      event.preventDefault();
      latestRun.current(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const draw = (box: Box) => {
    const category = categories[categoryIndex];
    if (!job || !category) return;
    const mid = crypto.randomUUID().slice(0, 13);
    edit((all) => [...all, { mid, job: job.job, category: category.key, keys: [{ frame, box }] }]);
    setSelected(mid);
    setDrawing(false);
  };
  const moveTo = (mid: string, box: Box) => edit((all) => all.map((t) => (t.mid === mid ? withKey(t, frame, box) : t)));

  if (!job) return <p className="error">This project has no object detection job with rectangles: the labeling tool draws boxes.</p>;
  const selectedTrack = tracks.find((t) => t.mid === selected);
  return (
    <div className="labeling">
      <p className="breadcrumbs">
        <Link to="/projects">Projects</Link> / <Link to={`/projects/${shownProject.id}`}>{shownProject.title}</Link> /
      </p>
      <h1>{shownAsset.externalId}</h1>
      <div className="labeling-body">
        <div className="labeling-main">
          <FrameStage
            cache={cache}
            frame={frame}
            count={count}
            tracks={tracks}
            selected={selected}
            drawing={drawing}
            colorOf={colorOf}
            nameOf={(track) => names.get(track.category) ?? track.category}
            onSelect={setSelected}
            onDraw={draw}
            onMove={moveTo}
            underlay={(size) => predictions.shown && <PredictionLayer predictions={predictions.pending} frame={frame} marked={predictions.marked} nameOf={(track) => names.get(track.category) ?? track.category} {...size} />}
          />
          <TimeLine frame={frame} count={count} tracks={tracks} selected={selected} names={names} onFrame={setFrame} />
        </div>
        <aside className="labeling-side" aria-label="Labeling">
          <div className="actions">
            <button type="button" className="primary" onClick={() => void save('DEFAULT')} disabled={!dirty}>
              Save
            </button>
            <button type="button" onClick={submit} title="Save, and go back to the project: you are done with this asset">
              Submit
            </button>
            <button type="button" onClick={() => setPlaying((now) => !now)} aria-pressed={playing}>
              {playing ? 'Pause' : 'Play'} (Space)
            </button>
            <button type="button" onClick={() => setDrawing(true)} aria-pressed={drawing}>
              New box (N)
            </button>
            <button type="button" onClick={() => setHelp((shown) => !shown)} aria-expanded={help}>
              Keys (?)
            </button>
          </div>
          <p role="status" className="muted">
            {dirty ? `Unsaved changes${autosaved.tracks === tracks && autosaved.at ? ` (autosaved ${formatTime(autosaved.at)})` : ''}` : saved.at ? `Saved ${formatTime(saved.at)}${saved.type === 'AUTOSAVE' ? ' (autosave)' : ''}` : 'Nothing to save yet'}
          </p>
          <ErrorNote error={saveError} />
          <h2>Categories</h2>
          <ol className="categories">
            {categories.slice(0, 9).map((category, at) => (
              <li key={category.key}>
                <button type="button" aria-pressed={at === categoryIndex} onClick={() => run({ kind: 'category', index: at })}>
                  <span className="swatch" style={{ background: category.color ?? PALETTE[at % PALETTE.length] }} />
                  {at + 1} {category.name}
                </button>
              </li>
            ))}
          </ol>
          <h2>Tracks</h2>
          {tracks.length === 0 && <p className="muted">None yet.</p>}
          <ul className="plain tracks">
            {tracks.map((track) => (
              <li key={track.mid}>
                <button type="button" aria-pressed={track.mid === selected} onClick={() => setSelected(track.mid)}>
                  {names.get(track.category) ?? track.category} · key frames {track.keys.map((k) => k.frame).join(', ')}
                </button>
              </li>
            ))}
          </ul>
          {selectedTrack && (
            <button type="button" className="danger" onClick={() => run({ kind: 'delete' })}>
              Delete track
            </button>
          )}
          <PredictionsPanel
            pending={predictions.pending}
            marked={predictions.marked}
            shown={predictions.shown}
            describe={(track) => `${names.get(track.category) ?? track.category} · key frames ${track.keys.map((k) => k.frame).join(', ')}`}
            onShow={predictions.setShown}
            onMark={predictions.mark}
            onAccept={predictions.accept}
            onReject={predictions.reject}
          />
        </aside>
      </div>
      <LeaveWarning when={dirty} />
      {help && <HelpPanel onClose={() => setHelp(false)} />}
    </div>
  );
}
