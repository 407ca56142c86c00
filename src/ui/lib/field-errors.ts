// Settings errors next to the field they concern. The service names a field with a dotted path
// ("alerts.danger.marginRatio.warning: Warning margin ratio must be above the Watch one (0.5)"); the form's inputs carry
// the same path in data-path, so the message lands beside the right input and focus moves there.

export interface FieldError {
  /** The form field's data-path, or null when no field matches (shown at the form). */
  path: string | null;
  text: string;
}

const PATH_PREFIX = /^([A-Za-z_][\w]*(?:\.[\w]+|\[\d+\])+):\s*(.*)$/s;

/** Splits "a.b.c: message" (or an envelope's path) into a path and the plain message. */
export function splitPathMessage(message: string, path?: string): { path: string | null; text: string } {
  if (path) return { path, text: message.replace(`${path}: `, '') };
  const m = PATH_PREFIX.exec(message);
  return m ? { path: m[1]!, text: m[2]! } : { path: null, text: message };
}

const normalise = (p: string) =>
  p
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^(settings\.)?(patch\.)?/, '')
    .replace(/^(alerts|app)\./, '');

/** The field in `paths` the service's path names (exact after normalising, else the longest shared tail). */
export function matchField(servicePath: string | null, paths: string[]): string | null {
  if (!servicePath) return null;
  const wanted = normalise(servicePath);
  const exact = paths.find((p) => normalise(p) === wanted);
  if (exact) return exact;
  const tails = paths.filter((p) => wanted.endsWith(normalise(p)) || normalise(p).endsWith(wanted));
  return tails.sort((a, b) => b.length - a.length)[0] ?? null;
}

/** Focuses the form's field for `path` (after the DOM shows the message). */
export function focusField(form: HTMLElement | null, path: string | null): void {
  if (!form || !path) return;
  queueMicrotask(() => form.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus());
}
