import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { connectTerminal, type TerminalStatus } from '../api/terminal-socket';
import { adoptInlineStyles, withInertStyleElements } from './adopt-inline-styles';

const STATUS_TEXT: Record<TerminalStatus, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost, reconnecting…',
  ended: 'This console has ended',
  revoked: 'Your access to this console ended',
  failed: 'Could not connect',
};

interface TerminalViewProps {
  /** The console's websocket_url from the API. */
  socketPath: string;
  /** Names the terminal for screen readers. */
  label: string;
  onEnded?(): void;
}

type ShownStatus = { status: TerminalStatus; detail?: string };

/** An xterm.js terminal opened in `element`; `refit` sizes it to the element. */
function openTerminal(element: HTMLDivElement): { term: Terminal; refit(): void } {
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 14,
    // At 1.0 the DOM renderer clips underscores in common monospace fonts: invisible in Python code.
    lineHeight: 1.2,
    scrollback: 5000,
    theme: { background: '#000000', foreground: '#e6e6e6' },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  withInertStyleElements(() => term.open(element));
  const refit = () => {
    // Hidden or not laid out yet: nothing sensible to measure.
    if (element.offsetWidth > 0 && element.offsetHeight > 0) fit.fit();
  };
  return { term, refit };
}

/**
 * A terminal in the returned box, connected to the console at socketPath for
 * as long as the component stays; the connection's status to show.
 */
function useConsoleTerminal(socketPath: string, onEnded: (() => void) | undefined) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<ShownStatus>({ status: 'connecting' });
  const endedRef = useRef(onEnded);
  endedRef.current = onEnded;

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const unstyle = adoptInlineStyles(element);
    const { term, refit } = openTerminal(element);
    refit();

    const connection = connectTerminal(
      socketPath,
      {
        onReset: () => term.reset(),
        onOutput: (data) => term.write(data),
        onStatus: (next, detail) => {
          setStatus({ status: next, detail });
          if (next === 'ended') {
            term.write(`\r\n\x1b[2m[${detail ?? 'the console ended'}]\x1b[0m\r\n`);
            endedRef.current?.();
          }
          if (next === 'revoked') term.write(`\r\n\x1b[2m[your access to this console ended]\x1b[0m\r\n`);
        },
      },
      () => ({ cols: term.cols, rows: term.rows }),
    );
    const typed = term.onData((data) => connection.send(data));
    const resized = term.onResize(({ cols, rows }) => connection.resize(cols, rows));
    const observer = new ResizeObserver(() => refit());
    observer.observe(element);
    window.addEventListener('resize', refit);
    term.focus();

    return () => {
      window.removeEventListener('resize', refit);
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      connection.close();
      term.dispose();
      unstyle();
    };
  }, [socketPath]);

  return { box, status };
}

/**
 * An xterm.js terminal attached to a console. It fills its box and follows
 * the window's size; leaving the page closes only this connection, and
 * coming back replays the console's recent output.
 */
export function TerminalView({ socketPath, label, onEnded }: TerminalViewProps) {
  const { box, status } = useConsoleTerminal(socketPath, onEnded);
  return (
    <div className="terminal-wrap">
      <p className={`terminal-status status-${status.status}`} role="status" aria-live="polite">
        {STATUS_TEXT[status.status]}
        {status.detail && status.status !== 'open' ? `: ${status.detail}` : ''}
      </p>
      <div ref={box} className="terminal" role="region" aria-label={label} data-testid="terminal" />
    </div>
  );
}
