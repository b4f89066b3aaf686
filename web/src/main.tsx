// The web app's entry point: the pages by path, inside the session with the server.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, createRoutesFromElements, Route } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from './components/layout.js';
import { AnalysesPage } from './pages/analyses.page.js';
import { CameraPage } from './pages/camera.page.js';
import { CamerasPage } from './pages/cameras.page.js';
import { EventsPage } from './pages/events.page.js';
import { FilesPage } from './pages/files.page.js';
import { ImportPage } from './pages/import.page.js';
import { ImportsPage } from './pages/imports.page.js';
import { NotFoundPage } from './pages/not-found.page.js';
import { OverviewPage } from './pages/overview.page.js';
import { SessionProvider } from './session.js';
import './app.css';
import './labeling.css';

// A data router: pages can ask before the user leaves them (useBlocker).
const router = createBrowserRouter(
  createRoutesFromElements(
    <Route element={<Layout />}>
      <Route index element={<OverviewPage />} />
      <Route path="cameras" element={<CamerasPage />} />
      <Route path="cameras/:id" element={<CameraPage />} />
      <Route path="events" element={<EventsPage />} />
      <Route path="files" element={<FilesPage />} />
      <Route path="imports" element={<ImportsPage />} />
      <Route path="imports/:jobId" element={<ImportPage />} />
      <Route path="analyses" element={<AnalysesPage />} />
      {/* The labeling pages carry the interface rules and the interpolation: loaded when first opened. */}
      <Route path="projects" lazy={async () => ({ Component: (await import('./pages/projects.page.js')).ProjectsPage })} />
      <Route path="projects/:projectId" lazy={async () => ({ Component: (await import('./pages/project.page.js')).ProjectPage })} />
      <Route path="projects/:projectId/assets/:assetId/label" lazy={async () => ({ Component: (await import('./pages/label.page.js')).LabelPage })} />
      <Route path="*" element={<NotFoundPage />} />
    </Route>,
  ),
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <SessionProvider>
      <RouterProvider router={router} />
    </SessionProvider>
  </StrictMode>,
);
