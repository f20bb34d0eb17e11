import { ErrorMessage } from '@/components/error-message';

/** The Save button of a settings section, with what happened to the last save. */
export function SaveRow({ label, saving, saved, error, slowHint }: { label: string; saving: boolean; saved: boolean; error: unknown; slowHint?: string }) {
  return (
    <>
      <ErrorMessage error={error} />
      <div className="row save-row">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : label}
        </button>
        <span role="status" className="muted">
          {saving && slowHint ? slowHint : null}
          {saved && !saving ? '✓ Saved' : null}
        </span>
      </div>
    </>
  );
}
