import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { WebappUsageReply } from '@/features/webapps/api/types';
import { UsageSection } from '@/features/webapps/components/usage-section';
import { usageCharts, usageSummary } from '@/features/webapps/components/usage-data';
import { mockApi, renderPage } from './helpers';

// jsdom has no canvas: the chart is a stand-in that shows what it was given.
vi.mock('@/features/webapps/components/usage-chart', () => ({
  UsageChart: ({ title, data, markers }: { title: string; data: unknown[][]; markers: unknown[] }) => (
    <div data-testid="chart" data-title={title} data-series={data.length - 1} data-markers={markers.length} />
  ),
}));

const START = Date.parse('2026-12-01T18:00:00Z');

function usage(period: 'hour' | 'day' = 'hour', over: Partial<WebappUsageReply> = {}): WebappUsageReply {
  const bucket = period === 'hour' ? 60 : 900;
  const count = period === 'hour' ? 60 : 96;
  const buckets = Array.from({ length: count }, (_, i) => ({
    start: new Date(START + i * bucket * 1000).toISOString(),
    requests: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    p50_ms: null as number | null,
    p99_ms: null as number | null,
    cpu_seconds: null as number | null,
    memory_bytes: null as number | null,
  }));
  buckets[count - 1] = { ...buckets[count - 1]!, requests: { '2xx': 180, '3xx': 0, '4xx': 20, '5xx': 0 }, p50_ms: 4, p99_ms: 1500, cpu_seconds: 3, memory_bytes: 50 * 1024 * 1024 };
  buckets[count - 2] = { ...buckets[count - 2]!, cpu_seconds: 1.5, memory_bytes: 40 * 1024 * 1024 };
  return {
    period, bucket_seconds: bucket, start: buckets[0]!.start, end: new Date(START + count * bucket * 1000).toISOString(), buckets,
    totals: { requests: 200, '2xx': 180, '3xx': 0, '4xx': 20, '5xx': 0 },
    markers: [{ at: buckets[count - 1]!.start, kind: 'reload' }, { at: buckets[count - 2]!.start, kind: 'restart' }],
    access_log_complete: true,
    ...over,
  };
}

describe('usage data for the charts', () => {
  it('stacks the status classes per minute, biggest sum first, and turns CPU seconds into % of a CPU', () => {
    const c = usageCharts(usage());
    expect(c.requests).toHaveLength(5);
    expect(c.requests[0]![0]).toBe(START / 1000);
    // 5xx+4xx+3xx+2xx, 4xx+3xx+2xx, 3xx+2xx, 2xx
    expect(c.requests.slice(1).map((s) => s[59])).toEqual([200, 200, 180, 180]);
    expect(c.latency.slice(1).map((s) => s[59])).toEqual([4, 1500]);
    expect(c.latency[1]![0]).toBeNull();
    expect(c.cpu[1]![59]).toBe(5);
    expect(c.memory[1]![58]).toBe(40);
    expect(c.markers).toEqual([{ at: (START + 59 * 60_000) / 1000, kind: 'reload' }, { at: (START + 58 * 60_000) / 1000, kind: 'restart' }]);
  });

  it('shows a day’s 15-minute buckets as requests per minute', () => {
    const c = usageCharts(usage('day'));
    expect(c.requests[4]![95]).toBe(12);
    expect(c.cpu[1]![95]).toBeCloseTo((3 / 900) * 100, 6);
  });

  it('says the totals in words', () => {
    expect(usageSummary(usage())).toEqual([
      '200 requests in the last hour (180 2xx, 0 3xx, 20 4xx, 0 5xx)',
      "slowest minute's 99th percentile: 1.50 s",
      '4.5 CPU seconds used',
      'memory up to 50.0 MiB',
      '1 reload, 1 restart',
    ]);
    const quiet = usage('day', { totals: { requests: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 }, markers: [], buckets: usage('day').buckets.map((b) => ({ ...b, p99_ms: null, cpu_seconds: null, memory_bytes: null })) });
    expect(usageSummary(quiet)).toEqual(['0 requests in the last 24 hours', 'no CPU readings yet', '0 reloads, 0 restarts']);
  });
});

describe('the Usage section', () => {
  it('shows the last hour, then the last 24 hours at the toggle, with four charts and the words', async () => {
    const { calls } = mockApi({
      'GET /api/v0/user/alice/webapps/alice.localhost/usage/': (call) => ({ json: usage(call.url.includes('period=day') ? 'day' : 'hour', call.url.includes('period=day') ? { totals: { requests: 5000, '2xx': 5000, '3xx': 0, '4xx': 0, '5xx': 0 } } : {}) }),
    });
    renderPage(<UsageSection username="alice" domain="alice.localhost" />);
    expect(await screen.findByText(/200 requests in the last hour/)).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Usage in words' })).toHaveTextContent('1 reload, 1 restart');
    const charts = screen.getAllByTestId('chart');
    expect(charts.map((c) => c.dataset.title)).toEqual(['Requests per minute', 'Response time (ms)', 'CPU (% of one CPU)', 'Memory (MiB)']);
    expect(charts.map((c) => c.dataset.markers)).toEqual(['2', '2', '2', '2']);
    expect(screen.getByRole('button', { name: 'Last hour' })).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(screen.getByRole('button', { name: 'Last 24 hours' }));
    expect(await screen.findByText(/5,000 requests in the last 24 hours/)).toBeInTheDocument();
    expect(screen.getAllByTestId('chart')[0]!.dataset.title).toBe('Requests per minute, averaged over 15 minutes');
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v0/user/alice/webapps/alice.localhost/usage/?period=hour',
      '/api/v0/user/alice/webapps/alice.localhost/usage/?period=day',
    ]);
  });

  it('says when the access log was read only in part, and shows an error it could not load', async () => {
    mockApi({ 'GET /api/v0/user/alice/webapps/alice.localhost/usage/': { json: usage('hour', { access_log_complete: false }) } });
    renderPage(<UsageSection username="alice" domain="alice.localhost" />);
    expect(await screen.findByRole('note')).toHaveTextContent('read only in part');
  });

  it('shows why when the usage cannot be loaded', async () => {
    mockApi({ 'GET /api/v0/user/alice/webapps/alice.localhost/usage/': { status: 404, json: { detail: 'Not found.' } } });
    renderPage(<UsageSection username="alice" domain="alice.localhost" />);
    await waitFor(() => expect(screen.getByText(/Could not load the usage/)).toBeInTheDocument());
  });
});
