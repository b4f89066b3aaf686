import { useFileUrl } from '../file-url.js';

/** A stored image (a frame, a thumbnail), or a placeholder of the same size while there is none to show. */
export function FileImage({ fileId, alt, className }: { fileId: string | null; alt: string; className?: string }) {
  const url = useFileUrl(fileId);
  if (!url) return <span className={`placeholder ${className ?? ''}`} role="img" aria-label={fileId ? `${alt} (loading)` : `${alt}: none`} />;
  return <img className={className} src={url} alt={alt} />;
}
