import { useState } from 'react';

/** A secret the server shows only now (a new password): readable, selectable, copyable. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(value);
    setCopied(true);
  };
  return (
    <div className="row">
      <input aria-label={label} readOnly value={value} className="mono grow" onFocus={(e) => e.target.select()} />
      <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
    </div>
  );
}
