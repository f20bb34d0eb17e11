import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';

interface SetDisabledDialogProps {
  username: string;
  busy: boolean;
  error: unknown;
  onConfirm(): void;
  onCancel(): void;
}

/** Disabling ends everything the account has open, so it is asked first; enabling is not. */
export function DisableDialog({ username, busy, error, onConfirm, onCancel }: SetDisabledDialogProps) {
  return (
    <ConfirmDialog title={`Disable ${username}?`} confirmLabel="Disable account" danger busy={busy} onConfirm={onConfirm} onCancel={onCancel}>
      <p>
        {username} is logged out at once and cannot log in: their sessions, API tokens, consoles and log streams end. Their web apps stop and
        show a “disabled” page. Their files are kept; enabling the account starts its web apps again.
      </p>
      <ErrorMessage error={error} />
    </ConfirmDialog>
  );
}
