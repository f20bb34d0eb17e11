import { formatDate } from '@/lib/format';
import { nextOccurrence, scheduleTimes, wholeNumber, type ScheduleDraft } from '../lib/schedule';

/** What the schedule being typed means, in UTC and on the viewer's clock, with its next run. */
export function SchedulePreview({ draft, now }: { draft: ScheduleDraft; now: number }) {
  const minute = wholeNumber(draft.minute, 59);
  const hour = draft.interval === 'daily' ? wholeNumber(draft.hour, 23) : null;
  const complete = minute !== null && (draft.interval === 'hourly' || hour !== null);
  let text = 'Type a valid time to see when it runs.';
  if (complete) {
    const next = nextOccurrence(draft.interval, hour, minute, now);
    const times = scheduleTimes(draft.interval, hour, minute, next);
    text = `${times.utc} — ${times.local}. Next run: ${formatDate(new Date(next).toISOString())}.`;
  }
  return (
    <p className="schedule-preview" role="status" aria-live="polite">
      {text}
    </p>
  );
}
