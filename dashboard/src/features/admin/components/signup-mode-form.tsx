import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import type { SignupMode } from '../api/types';
import { useUpdateSettings } from '../api/settings';

const MODES: { mode: SignupMode; title: string; text: string }[] = [
  { mode: 'closed', title: 'Closed', text: 'Only admins create accounts (one at a time, or a whole class from a list).' },
  { mode: 'invite', title: 'Invite codes', text: 'Admins create accounts, and anyone with a valid invite code from a teacher can sign up; they become that teacher’s students.' },
  { mode: 'open', title: 'Open', text: 'Anyone who can reach this Pyhost can make an account. An invite code, if given, still makes them a student.' },
];

/** Who may make their own account; kept across restarts. */
export function SignupModeForm({ current }: { current: SignupMode }) {
  const save = useUpdateSettings();
  const [mode, setMode] = useState<SignupMode>(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ signup: mode });
  };
  return (
    <form className="card stack" aria-labelledby="signup-heading" onSubmit={submit}>
      <h2 id="signup-heading">Sign-up</h2>
      <fieldset className="choices">
        <legend>Who may make their own account</legend>
        {MODES.map((m) => (
          <label key={m.mode} className="choice">
            <input type="radio" name="signup" value={m.mode} checked={mode === m.mode} onChange={() => setMode(m.mode)} />
            <span><strong>{m.title}</strong>: {m.text}</span>
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={mode === current || save.isPending}>{save.isPending ? 'Saving…' : 'Save sign-up mode'}</button>
        {save.isSuccess && mode === current ? <span className="ok" role="status">Saved</span> : null}
      </div>
    </form>
  );
}
