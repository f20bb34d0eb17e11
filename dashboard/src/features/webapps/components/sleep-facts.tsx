import { useEffect, useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { formatDate } from '@/lib/format';
import type { Webapp } from '../api/types';
import { useUpdateWebapp } from '../api/webapps';
import { idlePlan, timeAgo } from '../lib/sleep';

/** Now, moved on every half minute, so that "12 min ago" does not go stale on an open tab. */
function useNow(everyMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Under a sleeping app's badge: since when, and what wakes it. */
export function SleepingNote({ since }: { since: string | null }) {
  const now = useNow();
  return (
    <p className="sleep-note" role="note" aria-label="Sleeping">
      {since ? (
        <>
          Asleep since <time dateTime={since} title={since}>{formatDate(since)}</time> ({timeAgo(since, now)}).{' '}
        </>
      ) : null}
      Its next request wakes it (that visitor waits while it starts), and so does Reload.
    </p>
  );
}

/** What the app does when idle, and the switch that keeps it from sleeping; nothing when sleeping does not apply to it. */
export function IdleFacts({ username, webapp }: { username: string; webapp: Webapp }) {
  const update = useUpdateWebapp(username, webapp.domain_name);
  const plan = idlePlan(webapp);
  if (plan === null) return null;
  // While the change is on its way the box shows what was asked; a refusal puts it back.
  const checked = update.isPending ? (update.variables.keep_awake ?? webapp.keep_awake) : webapp.keep_awake;
  return (
    <>
      <dt>When idle</dt>
      <dd>
        <p className="idle-plan">{plan}</p>
        <label className="check">
          <input
            type="checkbox"
            checked={checked}
            disabled={update.isPending}
            onChange={(e) => update.mutate({ keep_awake: e.target.checked })}
            aria-describedby="keep-awake-hint"
          />
          Keep awake
        </label>
        <p id="keep-awake-hint" className="muted">
          Never sleeps, so no visitor waits for it to wake; it keeps its memory while nobody visits.
        </p>
        <ErrorMessage error={update.error} />
      </dd>
    </>
  );
}
