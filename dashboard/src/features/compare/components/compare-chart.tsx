import type { CompareRun } from '../api/compare';

// Nine bars at most: plain SVG is a few dozen lines and no chart library in
// the bundle (recharts or chart.js would add more than the rest of the page).

const WIDTH = 480;
const HEIGHT = 180;
const PAD = { top: 10, bottom: 28, left: 8 };

/** Requests per second, grouped by connections, one bar per server; a failed level has no bar and says Error. */
export function CompareChart({ run }: { run: CompareRun }) {
  const values = run.servers.flatMap((s) => s.levels.filter((l) => !l.error).map((l) => l.requests_per_second));
  const max = Math.max(1, ...values);
  const groupWidth = (WIDTH - PAD.left) / run.connections.length;
  const barWidth = (groupWidth - 16) / Math.max(1, run.servers.length);
  const plot = HEIGHT - PAD.top - PAD.bottom;
  return (
    <figure className="compare-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label="Requests per second by server and connections">
        {run.connections.map((c, gi) => {
          const x0 = PAD.left + gi * groupWidth + 8;
          return (
            <g key={c}>
              {run.servers.map((s, si) => {
                const level = s.levels.find((l) => l.connections === c);
                const x = x0 + si * barWidth;
                if (level === undefined) return null;
                if (level.error || s.start_error !== null) {
                  return <text key={s.server} x={x + barWidth / 2} y={PAD.top + plot - 4} textAnchor="middle" className="compare-chart-error">Error</text>;
                }
                const h = (level.requests_per_second / max) * plot;
                return (
                  <rect key={s.server} x={x + 2} y={PAD.top + plot - h} width={barWidth - 4} height={h} className={`compare-bar-${si % 3}`}>
                    <title>{`${s.label}, ${c} connections: ${level.requests_per_second.toFixed(1)} requests/s`}</title>
                  </rect>
                );
              })}
              <text x={x0 + (groupWidth - 16) / 2} y={HEIGHT - 8} textAnchor="middle">{c === 1 ? '1 connection' : `${c} connections`}</text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        {run.servers.map((s, si) => (
          <span key={s.server} className="compare-legend">
            <span className={`compare-swatch compare-bar-${si % 3}`} />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
