import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { displayLine } from '@/lib/inert-text';

/** Every line is one row of this height (no wrapping), so only the rows in view are rendered. */
export const ROW_HEIGHT = 20;
const OVERSCAN = 20;
/** jsdom and hidden tabs measure 0: render a screenful anyway. */
const FALLBACK_HEIGHT = 480;

const LogLine = memo(function LogLine({ line }: { line: string }) {
  const { segments, hidden } = displayLine(line);
  return (
    <div className="log-line">
      {segments.map((s, i) =>
        typeof s === 'string' ? (
          s
        ) : (
          <span key={i} className="ctl" title={`control character U+${s.code.toString(16).toUpperCase().padStart(4, '0')}`}>
            {s.shown}
          </span>
        ),
      )}
      {hidden > 0 ? <span className="log-cut"> … {hidden.toLocaleString()} more characters (download the log to see them)</span> : null}
    </div>
  );
});

interface LogViewProps {
  lines: readonly string[];
  label: string;
  /** Keep the newest line in view while the reader is at the bottom. */
  follow: boolean;
}

/**
 * Log lines as text in a scrolling box that renders only what is visible:
 * 20,000 lines cost as much as 50, and a 1 MB line is cut for display.
 */
export function LogView({ lines, label, follow }: LogViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);

  useEffect(() => {
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight || FALLBACK_HEIGHT));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow && atBottom.current) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [lines.length, follow]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) rows.push(<LogLine key={i} line={lines[i]!} />);

  return (
    <div ref={box} role="log" aria-label={label} aria-live="off" tabIndex={0} className="log-view" onScroll={onScroll}>
      {lines.length === 0 ? <p className="muted log-empty">Nothing logged yet.</p> : null}
      <div className="log-spacer" style={{ height: lines.length * ROW_HEIGHT }}>
        <div className="log-rows" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  );
}
