import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Camera, CameraChanges } from '../api/types.js';
import { useSession } from '../session.js';
import { formText } from '../form-values.js';
import { ErrorNote } from './error-note.js';

/** The settings written as one text or number each. */
type ScalarSetting = 'name' | 'snapshot_url' | 'ip' | 'port' | 'image_path' | 'video_path' | 'mjpeg_url' | 'm3u8_url' | 'rtsp_url' | 'archive_interval' | 'retention_days' | 'retention_bytes' | 'city' | 'state' | 'country' | 'timezone';
type Field = { name: ScalarSetting; title: string; kind: 'text' | 'number' | 'url'; hint?: string };

/** The address fields of each type (as the registry names them). */
const ADDRESS: Record<Camera['type'], Field[]> = {
  snapshot: [{ name: 'snapshot_url', title: 'Snapshot URL', kind: 'url' }],
  ip: [
    { name: 'ip', title: 'Host or IP', kind: 'text' },
    { name: 'port', title: 'Port', kind: 'number' },
    { name: 'image_path', title: 'Image path', kind: 'text' },
    { name: 'video_path', title: 'MJPEG path', kind: 'text' },
  ],
  mjpeg: [{ name: 'mjpeg_url', title: 'MJPEG URL', kind: 'url' }],
  hls: [{ name: 'm3u8_url', title: 'Playlist URL', kind: 'url' }],
  rtsp: [{ name: 'rtsp_url', title: 'RTSP URL', kind: 'url' }],
  import: [],
};

const GENERAL: Field[] = [
  { name: 'name', title: 'Name', kind: 'text' },
  { name: 'archive_interval', title: 'Archive every (s)', kind: 'number', hint: 'empty: not archived continuously' },
  { name: 'retention_days', title: 'Keep frames (days)', kind: 'number', hint: 'empty: no limit' },
  { name: 'retention_bytes', title: 'Keep frames (bytes)', kind: 'number', hint: 'empty: no limit' },
  { name: 'city', title: 'City', kind: 'text' },
  { name: 'state', title: 'State', kind: 'text' },
  { name: 'country', title: 'Country', kind: 'text' },
  { name: 'timezone', title: 'Time zone', kind: 'text', hint: 'IANA, such as Europe/Paris' },
];

/**
 * The camera's settings as a form (PATCH /api/cameras/{id}): only the fields changed are sent.
 * Addresses show their secrets as `***`; sent back unchanged, the server keeps the stored ones.
 * Credentials are never shown: typed in, they replace the stored ones.
 */
export function CameraSettings({ camera, onSaved }: { camera: Camera; onSaved: () => void }) {
  const { call } = useSession();
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const fields = [...GENERAL.slice(0, 1), ...ADDRESS[camera.type], ...GENERAL.slice(1)];

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const changes: Record<string, unknown> = {};
    for (const field of fields) {
      const text = formText(form, field.name);
      const value = text === '' ? null : field.kind === 'number' ? Number(text) : text;
      if (value !== camera[field.name]) changes[field.name] = value;
    }
    const enabled = form.get('enabled') === 'on';
    if (enabled !== camera.enabled) changes.enabled = enabled;
    const tags = formText(form, 'tags').split(',').map((t) => t.trim()).filter(Boolean);
    if (tags.join('\n') !== camera.tags.join('\n')) changes.tags = tags;
    const username = formText(form, 'username');
    const password = form.get('password');
    if (username || password) Object.assign(changes, { username, password: typeof password === 'string' ? password : '' });
    if (Object.keys(changes).length === 0) {
      setSaved('Nothing changed.');
      return;
    }
    setSaving(true);
    setError(null);
    setSaved(null);
    call((c) => c.updateCamera(camera.id, changes as CameraChanges))
      .then(() => {
        setSaved(`Saved ${Object.keys(changes).length === 1 ? 'the change' : `${Object.keys(changes).length} changes`}.`);
        onSaved();
      }, setError)
      .finally(() => setSaving(false));
  };

  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      {/* Keyed by the stored values: after a save the form shows what the server kept. */}
      <form key={JSON.stringify(camera)} className="settings" onSubmit={save} aria-labelledby="settings-title">
        <label className="check">
          <input type="checkbox" name="enabled" defaultChecked={camera.enabled} /> Enabled (archived when it has an archive interval)
        </label>
        {fields.map((field) => (
          <SettingField key={field.name} title={field.title} hint={field.hint}>
            {(props) => (
              <input
                {...props}
                name={field.name}
                type={field.kind === 'number' ? 'number' : 'text'}
                step="any"
                min={field.kind === 'number' ? 0 : undefined}
                defaultValue={camera[field.name] ?? ''}
                inputMode={field.kind === 'url' ? 'url' : undefined}
              />
            )}
          </SettingField>
        ))}
        <SettingField title="Tags" hint="separated by commas">
          {(props) => <input {...props} name="tags" defaultValue={camera.tags.join(', ')} />}
        </SettingField>
        {camera.type !== 'import' && (
          <>
            <SettingField title="Username" hint="stored credentials are never shown">
              {(props) => <input {...props} name="username" autoComplete="off" />}
            </SettingField>
            <SettingField title="Password" hint={camera.auth ? `stored (${camera.auth}); type both to replace them` : 'none stored'}>
              {(props) => <input {...props} name="password" type="password" autoComplete="new-password" />}
            </SettingField>
          </>
        )}
        <div className="actions settings-actions">
          <span role="status">{saved}</span>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
    </section>
  );
}

/** A labelled field with its hint beside it (described by it, not named by it). */
function SettingField({ title, hint, children }: { title: string; hint?: string | undefined; children: (props: { id: string; 'aria-describedby'?: string }) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{title}</label>
      {children({ id, ...(hint ? { 'aria-describedby': `${id}-hint` } : {}) })}
      {hint && (
        <span id={`${id}-hint`} className="muted small">
          {hint}
        </span>
      )}
    </div>
  );
}
