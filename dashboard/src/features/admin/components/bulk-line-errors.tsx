import type { LineError } from '@/lib/api-client';
import { inert } from '@/lib/inert-text';

/** The refused lines of a pasted list, by line number, so that each can be found and fixed. */
export function BulkLineErrors({ id, detail, lines }: { id: string; detail: string; lines: LineError[] }) {
  return (
    <div id={id} role="alert" className="error-message bulk-errors">
      <p><strong>Nothing was created.</strong> {detail}</p>
      <ul>
        {lines.map((l) => (
          <li key={l.line}>
            <strong>Line {l.line}</strong>{l.text ? <>: <code>{inert(l.text)}</code></> : null} — {l.error}
          </li>
        ))}
      </ul>
    </div>
  );
}
