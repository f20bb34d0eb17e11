import { ErrorMessage } from '@/components/error-message';

/**
 * What the last save came to: nothing yet (or edited since), saved, or saved
 * but not serving yet (the app's settings_warning says why).
 */
export type SaveOutcome = null | 'saved' | 'saved-not-serving';

/** The Save button of a settings section, with what happened to the last save. */
export function SaveRow({ label, saving, saved, error, slowHint }: { label: string; saving: boolean; saved: SaveOutcome; error: unknown; slowHint?: string }) {
  return (
    <>
      <ErrorMessage error={error} />
      <div className="row save-row">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : label}
        </button>
        <span role="status" className="muted">
          {saving && slowHint ? slowHint : null}
          {saved === 'saved' && !saving ? '✓ Saved' : null}
          {saved === 'saved-not-serving' && !saving ? '✓ Saved, not serving yet: see the warning above the Reload button' : null}
        </span>
      </div>
    </>
  );
}
