import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { createProject, projects } from '../api/labeling.js';
import { ErrorNote } from '../components/error-note.js';
import { usePageTitle } from '../components/page-title.js';
import { formatTime } from '../format.js';
import { InterfaceJson, JobsForm } from '../components/interface-editor.js';
import { editedInterface, newJobDraft, type EditorValue } from '../labeling/interface-editor.js';
import { useApi, useSession } from '../session.js';

/** `/projects`: the labeling projects, and a form to create one with its interface. */
export function ProjectsPage() {
  usePageTitle('Projects');
  const listed = useApi((c) => projects(c), '');
  return (
    <>
      <h1>Projects</h1>
      <section aria-labelledby="projects-title">
        <h2 id="projects-title">Labeling projects</h2>
        <ErrorNote error={listed.error} />
        {listed.data && listed.data.projects.length === 0 && <p className="muted">No project yet: create one below.</p>}
        {listed.data && listed.data.projects.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Type</th>
                <th scope="col" className="number">
                  Assets
                </th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {listed.data.projects.map((p) => (
                <tr key={p.id}>
                  <td className="name">
                    <Link to={`/projects/${p.id}`}>{p.title}</Link>
                  </td>
                  <td>{p.inputType}</td>
                  <td className="number">{p.numberOfAssets}</td>
                  <td>{formatTime(p.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <NewProjectForm />
    </>
  );
}

function NewProjectForm() {
  const { call } = useSession();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [editor, setEditor] = useState<EditorValue>(() => ({ drafts: [newJobDraft([], 'OBJECT_DETECTION')], jsonText: null }));
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const { jsonInterface, problems } = useMemo(() => editedInterface(editor), [editor]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!jsonInterface) return;
    setBusy(true);
    setError(null);
    call((c) => createProject(c, { title: title.trim(), description, jsonInterface })).then(
      ({ id }) => navigate(`/projects/${id}`),
      (failure: unknown) => {
        setError(failure as Error);
        setBusy(false);
      },
    );
  };

  return (
    <section aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <form className="project-form" onSubmit={submit}>
        <div className="fields">
          <label>
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} required />
          </label>
          <label>
            Description
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <JobsForm value={editor} onChange={setEditor} />
          {problems.length > 0 && (
            <ul className="error" aria-label="Problems with the interface">
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          )}
          <button type="submit" className="primary" disabled={busy || title.trim() === '' || !jsonInterface}>
            Create project
          </button>
          <ErrorNote error={error} />
        </div>
        <InterfaceJson value={editor} onChange={setEditor} />
      </form>
    </section>
  );
}
