import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { Asset, Label, Project } from '../../../src/sdk/types.js';
import { asset, frameImage, latestLabel, latestPredictions, project, saveLabel, type Prediction } from '../api/labeling.js';
import { ErrorNote } from '../components/error-note.js';
import { AnswersPanel, ChildAnswers } from '../components/labeling/answers-panel.js';
import { HelpPanel } from '../components/labeling/help-panel.js';
import { FrameStage } from '../components/labeling/frame-stage.js';
import { LeaveWarning } from '../components/labeling/leave-warning.js';
import { PredictionLayer } from '../components/labeling/prediction-layer.js';
import { PredictionsPanel } from '../components/labeling/predictions-panel.js';
import { ShapeChooser } from '../components/labeling/shape-chooser.js';
import { TimeLine } from '../components/labeling/time-line.js';
import { describeTrack, TrackList } from '../components/labeling/track-list.js';
import { usePageTitle } from '../components/page-title.js';
import { formatTime } from '../format.js';
import { FrameCache } from '../labeling/frame-cache.js';
import { record, redo, startHistory, undo, type History } from '../labeling/history.js';
import { labelingFromJsonResponse, labelingJsonResponse, sameLabeling, tracksFromJsonResponse, type Labeling } from '../labeling/json-response.js';
import { classificationJobs, objectJobs } from '../labeling/jobs.js';
import { commandFor, type Command } from '../labeling/keys.js';
import { isPredictionCommand, predictionCommandFor, type PredictionCommand } from '../labeling/prediction-keys.js';
import type { Work as PredictionsWork } from '../labeling/predictions.js';
import { stepFrame } from '../labeling/timeline.js';
import { shapeAt, toggleOutside, withKey, type Point, type ShapeTool, type Track } from '../labeling/tracks.js';
import { usePredictions } from '../labeling/use-predictions.js';
import { useApi, useSession } from '../session.js';

const FRAMES_KEPT = 90;
/** How long after the last change an autosave is sent. */
const AUTOSAVE_MS = 3000;
/** What undo and redo step through: the labeling, and the predictions rejected. */
type Work = Labeling & Pick<PredictionsWork<Track>, 'rejected'>;

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
  const jobs = useMemo(() => objectJobs(shownProject.jsonInterface), [shownProject.jsonInterface]);
  const answerJobs = useMemo(() => classificationJobs(shownProject.jsonInterface), [shownProject.jsonInterface]);
  const [jobIndex, setJobIndex] = useState(0);
  const job = jobs[jobIndex];
  const [tool, setTool] = useState<ShapeTool>(job?.tools[0] ?? 'rectangle');
  const categories = useMemo(() => job?.categories ?? [], [job]);
  const allCategories = useMemo(() => jobs.flatMap((j) => j.categories), [jobs]);
  const count = shownAsset.numberOfFrames ?? 0;
  const cache = useMemo(() => new FrameCache((k) => frameImage(client, shownAsset.id, k), { frames: FRAMES_KEPT, count }), [client, shownAsset.id, count]);

  const [history, setHistory] = useState<History<Work>>(() => startHistory({ ...labelingFromJsonResponse(label?.jsonResponse, { objects: jobs.map((j) => j.job), classifications: answerJobs.map((j) => j.job) }), rejected: new Set<string>() }));
  const labeling = history.present;
  const { tracks } = labeling;
  const [frame, setFrame] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [categoryIndex, setCategoryIndex] = useState(0);
  const [drawing, setDrawing] = useState(false);
  const [help, setHelp] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [saved, setSaved] = useState<{ labeling: Labeling; at: string | null; type: string | null }>({ labeling, at: label?.createdAt ?? null, type: label?.labelType ?? null });
  const [autosaved, setAutosaved] = useState<{ labeling: Labeling; at: string | null }>({ labeling, at: null });
  const [saveError, setSaveError] = useState<Error | null>(null);
  const [opened] = useState(() => Date.now());
  const dirty = !sameLabeling(labeling, saved.labeling);

  const editWork = useCallback((change: (work: Work) => Work) => setHistory((h) => record(h, change(h.present))), []);
  const editLabeling = useCallback((change: (labeling: Labeling) => Labeling) => editWork((work) => ({ ...work, ...change(work) })), [editWork]);
  const edit = useCallback((change: (tracks: readonly Track[]) => readonly Track[]) => editLabeling((l) => ({ ...l, tracks: change(l.tracks) })), [editLabeling]);
  // Each model's predicted tracks, of any shape, in the object jobs the tool draws.
  const predictionModels = useMemo(() => predicted.map((p) => ({ modelName: p.modelName, tracks: tracksFromJsonResponse(p.jsonResponse, jobs.map((j) => j.job)) })), [predicted, jobs]);
  const predictions = usePredictions(predictionModels, history.present, editWork);
  const names = useMemo(() => new Map(allCategories.map((c) => [c.key, c.name])), [allCategories]);
  const colorOf = useCallback((track: Track) => {
    const own = jobs.find((j) => j.job === track.job)?.categories ?? [];
    const at = own.findIndex((c) => c.key === track.category);
    return own[at]?.color ?? PALETTE[Math.max(0, at) % PALETTE.length]!;
  }, [jobs]);
  /** Selecting a track of another job chooses that job (its categories are the ones listed). */
  const select = useCallback((mid: string | null) => {
    setSelected(mid);
    const at = jobs.findIndex((j) => j.job === tracks.find((t) => t.mid === mid)?.job);
    if (at >= 0 && at !== jobIndex) {
      setJobIndex(at);
      setCategoryIndex(0);
    }
  }, [jobs, tracks, jobIndex]);

  const save = useCallback(
    (labelType: 'DEFAULT' | 'AUTOSAVE') => {
      const sent = labeling;
      const seconds = Math.round((Date.now() - opened) / 1000);
      setSaveError(null);
      if (labelType === 'AUTOSAVE') setAutosaved({ labeling: sent, at: null });
      return call((c) => saveLabel(c, shownProject.id, shownAsset.id, labelingJsonResponse(sent), labelType, seconds)).then(
        () => {
          if (labelType === 'DEFAULT') setSaved({ labeling: sent, at: new Date().toISOString(), type: labelType });
          else setAutosaved((now) => (now.labeling === sent ? { labeling: sent, at: new Date().toISOString() } : now));
          return true;
        },
        (error: unknown) => {
          setSaveError(error as Error);
          return false;
        },
      );
    },
    [call, labeling, opened, shownProject.id, shownAsset.id],
  );

  // Autosave: every few seconds, when something changed since the last save of either kind.
  useEffect(() => {
    if (!dirty || sameLabeling(labeling, autosaved.labeling)) return;
    const timer = setTimeout(() => save('AUTOSAVE'), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [dirty, labeling, autosaved, save]);

  // Playing: each frame once the one before is on screen, at the video's rate or as fast as frames
  // come when slower. The clock is when the frame shown was due: a frame shown late moves it, so a slow
  // stretch is never followed by a burst, and no frame is skipped.
  const [shownFrame, setShownFrame] = useState<number | null>(null);
  const due = useRef<number | null>(null);
  useEffect(() => {
    if (!playing) {
      due.current = null;
      return;
    }
    if (shownFrame !== frame) return;
    const now = performance.now();
    const next = Math.max(now, (due.current ?? now) + 1000 / (shownAsset.frameRate ?? 25));
    const timer = setTimeout(() => {
      due.current = next;
      if (frame >= count - 1) setPlaying(false);
      else setFrame(frame + 1);
    }, next - now);
    return () => clearTimeout(timer);
  }, [playing, frame, shownFrame, count, shownAsset.frameRate]);

  // Submit: saved, the labeler is done with this asset and goes back to the project (once the page knows it is saved).
  const navigate = useNavigate();
  const [submitted, setSubmitted] = useState<Labeling | null>(null);
  const submit = () => {
    const sent = labeling;
    void save('DEFAULT').then((ok) => ok && setSubmitted(sent));
  };
  useEffect(() => {
    if (submitted && sameLabeling(submitted, labeling) && !dirty) void navigate(`/projects/${shownProject.id}`);
  }, [submitted, labeling, dirty, navigate, shownProject.id]);

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
        if (selected) edit((all) => all.map((t) => (t.mid === selected && t.job === job?.job ? { ...t, category: categories[command.index]!.key } : t)));
        return;
      case 'draw':
        setDrawing(true);
        return;
      case 'keyFrame': {
        const track = tracks.find((t) => t.mid === selected);
        const shown = track && shapeAt(track, frame);
        if (track && shown && !shown.isKeyFrame) edit((all) => all.map((t) => (t === track ? withKey(t, frame, shown.points) : t)));
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
      // Typing in a field, or a dialog open over the tool (the leave question): the keys are theirs.
      if (target?.closest('input, textarea, select, [contenteditable="true"], dialog[open]')) return;
      const command = commandFor(event) ?? predictionCommandFor(event);
      if (!command) return;
      event.preventDefault();
      latestRun.current(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const draw = (points: Point[]) => {
    const category = categories[categoryIndex];
    if (!job || !category) return;
    const mid = crypto.randomUUID().slice(0, 13);
    edit((all) => [...all, { mid, job: job.job, tool, category: category.key, keys: [{ frame, points }] }]);
    setSelected(mid);
    setDrawing(false);
  };
  const moveTo = (mid: string, points: Point[]) => edit((all) => all.map((t) => (t.mid === mid ? withKey(t, frame, points) : t)));
  const chooseJob = (at: number) => {
    setJobIndex(at);
    setCategoryIndex(0);
    setTool(jobs[at]!.tools[0]!);
    setDrawing(false);
  };

  const describe = (track: Track) => describeTrack(track, names);

  if (!job) return <p className="error">This project has no object detection job with rectangles, polygons or points: the labeling tool draws those.</p>;
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
            drawing={drawing ? tool : null}
            colorOf={colorOf}
            nameOf={(track) => names.get(track.category) ?? track.category}
            onSelect={select}
            onDraw={draw}
            onMove={moveTo}
            onShown={setShownFrame}
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
              New {tool === 'rectangle' ? 'box' : tool === 'polygon' ? 'polygon' : 'point'} (N)
            </button>
            <button type="button" onClick={() => setHelp((shown) => !shown)} aria-expanded={help}>
              Keys (?)
            </button>
          </div>
          <p role="status" className="muted">
            {dirty ? `Unsaved changes${sameLabeling(autosaved.labeling, labeling) && autosaved.at ? ` (autosaved ${formatTime(autosaved.at)})` : ''}` : saved.at ? `Saved ${formatTime(saved.at)}${saved.type === 'AUTOSAVE' ? ' (autosave)' : ''}` : 'Nothing to save yet'}
          </p>
          <ErrorNote error={saveError} />
          <ShapeChooser jobs={jobs} job={jobIndex} tool={tool} onJob={chooseJob} onTool={(chosen) => (setTool(chosen), setDrawing(true))} />
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
          <TrackList tracks={tracks} selected={selected} names={names} onSelect={select} />
          {selectedTrack && (
            <>
              <ChildAnswers jsonInterface={shownProject.jsonInterface} category={jobs.find((j) => j.job === selectedTrack.job)?.categories.find((c) => c.key === selectedTrack.category)} track={selectedTrack} onChange={(children) => edit((all) => all.map((t) => (t.mid === selectedTrack.mid ? { ...t, children } : t)))} />
              <button type="button" className="danger" onClick={() => run({ kind: 'delete' })}>
                Delete track
              </button>
            </>
          )}
          <AnswersPanel jobs={answerJobs} frame={frame} answers={labeling.answers} assetAnswers={labeling.assetAnswers} onChange={editLabeling} />
          {predictionModels.some((model) => model.tracks.length > 0) && (
            <PredictionsPanel
              pending={predictions.pending}
              marked={predictions.marked}
              shown={predictions.shown}
              describe={describe}
              onShow={predictions.setShown}
              onMark={predictions.mark}
              onAccept={predictions.accept}
              onReject={predictions.reject}
            />
          )}
        </aside>
      </div>
      <LeaveWarning when={dirty} />
      {help && <HelpPanel onClose={() => setHelp(false)} />}
    </div>
  );
}
