import './settings-warning.css';

/**
 * Settings that were saved but are not serving yet (a virtualenv or folder
 * that does not exist, say): the previous version keeps serving, and the
 * next Reload applies them. PythonAnywhere's own tools save first and create
 * the files after, so this is a warning, not a refusal.
 */
export function SettingsWarning({ warning }: { warning: string | null }) {
  if (!warning) return null;
  return (
    <div className="settings-warning" role="note" aria-label="Settings not serving yet">
      <p>
        <strong>Warning:</strong> {warning}
      </p>
    </div>
  );
}
