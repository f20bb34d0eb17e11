import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef, useState } from 'react';
import type uPlot from 'uplot';
import type { Columns, UsageMarker } from './usage-data';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** Fill under the line (the stacked request classes). */
  readonly fill?: boolean;
}

const MARKER_COLORS = { reload: '#1d4f91', restart: '#8a5a00' } as const;
const HEIGHT = 160;

/** Reload and restart markers as dashed vertical lines over the plot. */
function markersPlugin(markers: readonly UsageMarker[], pxRatio: number): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        ctx.save();
        ctx.lineWidth = 2 * pxRatio;
        ctx.setLineDash([4 * pxRatio, 3 * pxRatio]);
        for (const m of markers) {
          const x = Math.round(u.valToPos(m.at, 'x', true));
          if (x < bbox.left || x > bbox.left + bbox.width) continue;
          ctx.strokeStyle = MARKER_COLORS[m.kind];
          ctx.beginPath();
          ctx.moveTo(x, bbox.top);
          ctx.lineTo(x, bbox.top + bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

export interface UsageChartProps {
  readonly title: string;
  readonly data: Columns;
  readonly series: readonly ChartSeries[];
  readonly markers: readonly UsageMarker[];
  /** After each y tick's number. */
  readonly unit: string;
}

function drawChart(UPlot: typeof uPlot, el: HTMLDivElement, { title, data, series, markers, unit }: UsageChartProps): uPlot {
  const opts: uPlot.Options = {
    title,
    width: Math.max(240, el.clientWidth),
    height: HEIGHT,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{}, { values: (_u, ticks) => ticks.map((t) => `${+t.toFixed(2)}${unit}`), size: 60 }],
    // The stacked series are drawn from the biggest down, so each class's band shows above the one below it.
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, ...(s.fill ? { fill: `${s.color}55` } : {}), spanGaps: false, points: { show: true, size: 4 } }))],
    plugins: [markersPlugin(markers, UPlot.pxRatio)],
    legend: { show: true },
  };
  return new UPlot(opts, data as uPlot.AlignedData, el);
}

/**
 * One time-series chart on a canvas (uPlot). uPlot sizes its elements through
 * element.style (CSSOM), which the dashboard's CSP allows; its stylesheet is
 * bundled like ours. The canvas is hidden from screen readers: the section's
 * caption says the same in words.
 */
export function UsageChart({ title, data, series, markers, unit }: UsageChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = holder.current;
    if (!el) return;
    let chart: uPlot | null = null;
    let resize: ResizeObserver | null = null;
    let gone = false;
    // Loaded with the first chart: the pages without one never download it.
    import('uplot')
      .then(({ default: UPlot }) => {
        if (gone) return;
        const c = drawChart(UPlot, el, { title, data, series, markers, unit });
        chart = c;
        resize = new ResizeObserver(() => c.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }));
        resize.observe(el);
      })
      // A chunk that did not load (a deploy in between) or no canvas: the words above still say it all.
      .catch(() => setFailed(true));
    return () => {
      gone = true;
      resize?.disconnect();
      chart?.destroy();
    };
  }, [title, data, series, markers, unit]);

  return (
    <div className="usage-chart" data-chart={title}>
      <div ref={holder} aria-hidden="true" />
      {failed ? <p className="usage-chart-failed">{title}: the chart could not be drawn.</p> : null}
    </div>
  );
}
