/** A labelled progress bar with its percentage written beside it. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <span className="progress">
      <progress value={percent} max={100} aria-label={label} />
      <span>{percent} %</span>
    </span>
  );
}
