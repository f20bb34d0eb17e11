import type { Dispatch, SetStateAction } from 'react';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import type { LimitName } from '../api/types';
import { LIMIT_FIELDS, type LimitDrafts } from '../lib/limits';

/**
 * The API's complaint about one limit, or null. The limits routes name the
 * limit itself (`workers`); an invite code's limits sit under `limits.`.
 */
export function limitFieldError(error: unknown, name: LimitName): string | null {
  return error instanceof ApiError && (error.field === name || error.field === `limits.${name}`) ? error.detail : null;
}

/** The error to show above the button: one that is not about a single limit. */
export function generalError(error: unknown): unknown {
  return LIMIT_FIELDS.some((f) => limitFieldError(error, f.name)) ? null : error;
}

interface LimitFieldsProps {
  drafts: LimitDrafts;
  setDrafts: Dispatch<SetStateAction<LimitDrafts>>;
  error: unknown;
  /** Every field must be filled (the defaults); otherwise empty means "the default". */
  required?: boolean;
  placeholder?: (name: LimitName) => string;
  hint?: (name: LimitName) => string;
}

/** One number field per limit, each with its own error. */
export function LimitFields({ drafts, setDrafts, error, required = false, placeholder, hint }: LimitFieldsProps) {
  return (
    <div className="limits-grid">
      {LIMIT_FIELDS.map((f) => (
        <Field
          key={f.name}
          label={f.label}
          type="number"
          inputMode="numeric"
          min={f.min}
          max={f.max}
          required={required}
          value={drafts[f.name]}
          placeholder={placeholder?.(f.name)}
          onChange={(e) => setDrafts((d) => ({ ...d, [f.name]: e.target.value }))}
          hint={[f.what, hint?.(f.name)].filter(Boolean).join('; ') || undefined}
          error={limitFieldError(error, f.name)}
        />
      ))}
    </div>
  );
}
