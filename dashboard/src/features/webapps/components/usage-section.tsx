import './usage-section.css';
import { useMemo, useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import type { WebappUsageReply } from '../api/types';
import { useWebappUsage, type UsagePeriod } from '../api/usage';
import { UsageChart, type ChartSeries } from './usage-chart';
import { usageCharts, usageSummary } from './usage-data';

const REQUEST_SERIES: readonly ChartSeries[] = [
  { label: '5xx', color: '#b3261e', fill: true },
  { label: '4xx', color: '#8a5a00', fill: true },
  { label: '3xx', color: '#5b6675', fill: true },
  { label: '2xx', color: '#2e7d32', fill: true },
];
const LATENCY_SERIES: readonly ChartSeries[] = [
  { label: 'p50', color: '#1d4f91' },
  { label: 'p99', color: '#b3261e' },
];
const CPU_SERIES: readonly ChartSeries[] = [{ label: 'CPU', color: '#1d4f91' }];
const MEMORY_SERIES: readonly ChartSeries[] = [{ label: 'Memory', color: '#2e7d32' }];

/** The web app's requests, response times, CPU and memory over the last hour or day (docs/usage-charts.md). */
export function UsageSection({ username, domain }: { username: string; domain: string }) {
  const [period, setPeriod] = useState<UsagePeriod>('hour');
  const query = useWebappUsage(username, domain, period);
  return (
    <section className="card" aria-labelledby="usage-heading">
      <div className="row">
        <h2 id="usage-heading">Usage</h2>
        <div role="group" aria-label="Period">
          {(['hour', 'day'] as const).map((p) => (
            <button key={p} type="button" aria-pressed={period === p} className={period === p ? 'primary' : ''} onClick={() => setPeriod(p)}>
              {p === 'hour' ? 'Last hour' : 'Last 24 hours'}
            </button>
          ))}
        </div>
      </div>
      {query.isPending ? <Spinner label="Loading usage" /> : query.error ? <ErrorMessage error={query.error} title="Could not load the usage" /> : <UsageCharts usage={query.data} />}
    </section>
  );
}

export function UsageCharts({ usage }: { usage: WebappUsageReply }) {
  const charts = useMemo(() => usageCharts(usage), [usage]);
  const summary = useMemo(() => usageSummary(usage), [usage]);
  const perBucket = usage.bucket_seconds === 60 ? 'per minute' : 'per minute, averaged over 15 minutes';
  return (
    <>
      <ul className="usage-summary" aria-label="Usage in words">
        {summary.map((line) => <li key={line}>{line}</li>)}
      </ul>
      {usage.access_log_complete ? null : <p role="note">The access log was read only in part: the oldest buckets show fewer requests than there were.</p>}
      <div className="usage-charts">
        <UsageChart title={`Requests ${perBucket}`} data={charts.requests} series={REQUEST_SERIES} markers={charts.markers} unit="" />
        <UsageChart title="Response time (ms)" data={charts.latency} series={LATENCY_SERIES} markers={charts.markers} unit="" />
        <UsageChart title="CPU (% of one CPU)" data={charts.cpu} series={CPU_SERIES} markers={charts.markers} unit="%" />
        <UsageChart title="Memory (MiB)" data={charts.memory} series={MEMORY_SERIES} markers={charts.markers} unit="" />
      </div>
      <p className="usage-markers-key">
        Dashed lines: <span className="usage-key-reload">reload</span>, <span className="usage-key-restart">restart</span> (the app's server started: a new container, or after a crash).
        CPU and memory are read every few seconds while the app runs; they start again from nothing when Pyhost itself restarts.
      </p>
    </>
  );
}
