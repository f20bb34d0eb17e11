import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CpuAllowanceView, untilReset } from '@/features/cpu/components/cpu-allowance';
import { renderApp, sampleMe } from './app-helpers';
import { mockApi, renderPage } from './helpers';

const NOW = Date.parse('2026-12-01T19:00:00Z');

const cpu = (over: Record<string, unknown> = {}) => ({
  daily_cpu_limit_seconds: 100,
  daily_cpu_total_usage_seconds: 37.4,
  next_reset_time: '2026-12-02T00:00:00.000000',
  in_tarpit: false,
  webapp_cpu_seconds: 12,
  tarpit_cpus: 0.05,
  ...over,
});

describe('the daily CPU allowance', () => {
  it("reads next_reset_time as UTC (PythonAnywhere's naive form) and says how long is left", () => {
    expect(untilReset('2026-12-02T00:00:00.000000', NOW)).toBe('5 h');
    expect(untilReset('2026-12-02T00:00:00.000000', Date.parse('2026-12-01T23:18:00Z'))).toBe('42 min');
    expect(untilReset('2026-12-02T00:00:00.000000', Date.parse('2026-12-02T00:00:05Z'))).toBe('1 min');
  });

  it('shows the share used as a bar and when it resets, with no tarpit notice under the allowance', () => {
    renderPage(<CpuAllowanceView cpu={cpu()} now={NOW} />);
    expect(screen.getByText(/of your daily CPU allowance/)).toHaveTextContent('37% of your daily CPU allowance, resets in 5 h');
    const meter = screen.getByRole('meter', { name: 'Daily CPU allowance used' });
    expect(meter).toHaveAttribute('max', '100');
    expect(meter).toHaveAttribute('value', '37.4');
    expect(screen.getByText(/web apps used 12 CPU seconds/)).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says the consoles and tasks are slowed down until the reset when in the tarpit', () => {
    renderPage(<CpuAllowanceView cpu={cpu({ daily_cpu_total_usage_seconds: 130, in_tarpit: true })} now={NOW} />);
    expect(screen.getByText(/of your daily CPU allowance/)).toHaveTextContent('130% of your daily CPU allowance, resets in 5 h');
    expect(screen.getByRole('meter')).toHaveAttribute('value', '100');
    expect(screen.getByRole('status')).toHaveTextContent('your consoles and tasks are slowed down until the reset in 5 h');
  });

  it('says so when the account has no daily limit', () => {
    renderPage(<CpuAllowanceView cpu={cpu({ daily_cpu_limit_seconds: 0, daily_cpu_total_usage_seconds: 512.3 })} now={NOW} />);
    expect(screen.getByText(/no daily limit/)).toHaveTextContent('Your consoles and tasks used 512 CPU seconds today; this account has no daily limit.');
    expect(screen.queryByRole('meter')).toBeNull();
  });

  it("is on the Account page, read from the user's cpu/ endpoint", async () => {
    mockApi({
      'GET /api/auth/me': { json: sampleMe({ username: 'alice' }) },
      'GET /api/auth/audit': { json: { entries: [] } },
      'GET /api/auth/tokens': { json: [] },
      'GET /api/v0/user/alice/cpu/': { json: cpu({ in_tarpit: true, daily_cpu_total_usage_seconds: 101 }) },
      'GET /api/v0/user/alice/disk/': { json: { quota_bytes: null, size_bytes: null, used_bytes: null } },
    });
    renderApp('/account');
    const section = await screen.findByRole('region', { name: 'CPU' });
    expect(await screen.findByText(/slowed down until the reset/)).toBeInTheDocument();
    expect(section).toHaveTextContent(/101% of your daily CPU allowance, resets in \d+ (h|min)/);
  });
});
