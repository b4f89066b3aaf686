import { useEffect } from 'react';

/** The tab's title names the page (and screen readers announce it). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · camtrove`;
  }, [title]);
}
