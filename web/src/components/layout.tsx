import { NavLink, Outlet } from 'react-router';
import { useSession } from '../session.js';
import { TokenPrompt } from './token-prompt.js';

/** Every page of the app, by its path: the navigation lists these, and only these. */
export const PAGES = [
  { path: '/', title: 'Overview' },
  { path: '/cameras', title: 'Cameras' },
  { path: '/events', title: 'Events' },
  { path: '/files', title: 'Files' },
  { path: '/imports', title: 'Imports' },
  { path: '/analyses', title: 'Analyses' },
  { path: '/projects', title: 'Projects' },
] as const;

/** The shell around every page: a skip link, the navigation, the page, and the token prompt. */
export function Layout() {
  const { client, forgetToken } = useSession();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">camtrove</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((page) => (
              <li key={page.path}>
                <NavLink to={page.path} end={page.path === '/'}>
                  {page.title}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        {client.token && (
          <button type="button" className="link" onClick={forgetToken}>
            Forget token
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <TokenPrompt />
    </>
  );
}
