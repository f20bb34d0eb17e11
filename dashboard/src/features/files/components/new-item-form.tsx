import { useState, type FormEvent } from 'react';

interface NewItemFormProps {
  label: string;
  submitLabel: string;
  placeholder: string;
  pending: boolean;
  /** Resolves when created; the name is cleared then. */
  onCreate(name: string): Promise<unknown>;
}

/** A name and a button: "New file" and "New folder" both look like this. */
export function NewItemForm({ label, submitLabel, placeholder, pending, onCreate }: NewItemFormProps) {
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    onCreate(name.trim()).then(() => setName(''), () => undefined);
  };
  return (
    <form onSubmit={submit} className="row new-item">
      <input aria-label={label} placeholder={placeholder} value={name} onChange={(e) => setName(e.target.value)} className="mono" />
      <button type="submit" disabled={pending || !name.trim()}>{submitLabel}</button>
    </form>
  );
}
