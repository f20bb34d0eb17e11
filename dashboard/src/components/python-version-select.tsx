import { useId, type ReactNode } from 'react';
import { PYTHON_VERSIONS } from '@/lib/python-versions';

interface PythonVersionSelectProps {
  value: string;
  onChange(version: string): void;
  id?: string;
  hint?: ReactNode;
  /** An error about the version (the API's `field: "python_version"`). */
  error?: string | null;
  disabled?: boolean;
}

/** "Python version": the Pythons this Pyhost has, one runtime image each; a saved one no longer offered stays shown. */
export function PythonVersionSelect({ value, onChange, id, hint, error, disabled }: PythonVersionSelectProps) {
  const ownId = useId();
  const selectId = id ?? ownId;
  const hintId = `${selectId}-hint`;
  const errorId = `${selectId}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const versions: readonly string[] = PYTHON_VERSIONS.includes(value as (typeof PYTHON_VERSIONS)[number]) ? PYTHON_VERSIONS : [...PYTHON_VERSIONS, value];
  return (
    <div className="field">
      <label htmlFor={selectId}>Python version</label>
      <select id={selectId} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} aria-invalid={error ? true : undefined} aria-describedby={describedBy}>
        {versions.map((v) => <option key={v} value={v}>Python {v}</option>)}
      </select>
      {hint ? <small id={hintId} className="hint">{hint}</small> : null}
      {error ? <small id={errorId} className="field-error">{error}</small> : null}
    </div>
  );
}
