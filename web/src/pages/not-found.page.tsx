import { Link } from 'react-router';
import { usePageTitle } from '../components/page-title.js';

export function NotFoundPage() {
  usePageTitle('No such page');
  return (
    <>
      <h1>No such page</h1>
      <p>
        camtrove has no page at this address. <Link to="/">Go to the overview</Link>.
      </p>
    </>
  );
}
