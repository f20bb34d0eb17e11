// An account expires at the end of the day the admin picks, in the admin's own time zone.

/** "2026-12-15" (a date input's value) → the ISO time at the end of that day, local time. */
export function dayToExpiry(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const end = new Date(`${day}T23:59:59`);
  return Number.isNaN(end.getTime()) ? null : end.toISOString();
}

/** An ISO time → the date input's value for that day, local time ("" for none). */
export function expiryToDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
