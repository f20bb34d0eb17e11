import { useEffect, useRef, useState } from 'react';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'off';

/**
 * Follows a Server-Sent Events log stream, calling `onLines` for each batch.
 * EventSource reconnects by itself (resuming at the last event id), so a
 * dropped connection or an api restart only shows as "reconnecting".
 */
export function useLogStream(url: string | null, onLines: (lines: string[]) => void): StreamState {
  const [state, setState] = useState<StreamState>(url ? 'connecting' : 'off');
  const handler = useRef(onLines);
  useEffect(() => {
    handler.current = onLines;
  }, [onLines]);

  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') {
      setState('off');
      return;
    }
    setState('connecting');
    const source = new EventSource(url);
    source.onopen = () => setState('live');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'off' : 'reconnecting');
    source.addEventListener('lines', (e) => {
      try {
        const { lines } = JSON.parse((e as MessageEvent<string>).data) as { lines: string[] };
        handler.current(lines);
      } catch {
        // A malformed event is skipped, never rendered.
      }
    });
    return () => source.close();
  }, [url]);
  return state;
}
