import { useEffect, useRef, useState } from 'react';

/**
 * A card's edit-in-place: the form takes focus when it opens (its first
 * field), and the Edit button gets it back when the form closes, so a
 * keyboard user is never left on nothing.
 */
export function useEditToggle() {
  const [editing, setEditing] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  useEffect(() => {
    if (wasEditing.current && !editing) buttonRef.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  return { editing, buttonRef, open: () => setEditing(true), close: () => setEditing(false) };
}
