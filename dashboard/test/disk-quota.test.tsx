import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DiskQuotaView } from '@/features/disk/components/disk-quota';
import { renderApp, sampleMe } from './app-helpers';
import { mockApi, renderPage } from './helpers';

const MiB = 1024 * 1024;

describe("the account's disk", () => {
  it('shows the share of the quota used as a bar, with the size df shows', () => {
    renderPage(<DiskQuotaView disk={{ quota_bytes: 512 * MiB, size_bytes: 480 * MiB, used_bytes: 120 * MiB }} />);
    expect(screen.getByText(/of your disk used/)).toHaveTextContent('25% of your disk used: 120 MiB of 480 MiB');
    const meter = screen.getByRole('meter', { name: 'Disk used' });
    expect(meter).toHaveAttribute('max', String(480 * MiB));
    expect(meter).toHaveAttribute('value', String(120 * MiB));
    expect(screen.getByText(/share a quota of 512 MiB/)).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('warns before the disk is full, saying what happens then and what to do', () => {
    renderPage(<DiskQuotaView disk={{ quota_bytes: 64 * MiB, size_bytes: 60 * MiB, used_bytes: 58 * MiB }} />);
    expect(screen.getByRole('status')).toHaveTextContent('No space left on device');
    expect(screen.getByRole('status')).toHaveTextContent('ask an administrator for a bigger quota');
  });

  it('says so when the account has no quota, with what its files take once measured', () => {
    const { unmount } = renderPage(<DiskQuotaView disk={{ quota_bytes: null, size_bytes: null, used_bytes: null }} />);
    expect(screen.getByText('This account has no disk quota.')).toBeInTheDocument();
    unmount();
    renderPage(<DiskQuotaView disk={{ quota_bytes: null, size_bytes: null, used_bytes: 3 * MiB }} />);
    expect(screen.getByText(/no disk quota/)).toHaveTextContent('Your files take 3.0 MiB; this account has no disk quota.');
    expect(screen.queryByRole('meter')).toBeNull();
  });

  it("is on the Account page, read from the user's disk/ endpoint", async () => {
    mockApi({
      'GET /api/auth/me': { json: sampleMe({ username: 'alice' }) },
      'GET /api/auth/audit': { json: { entries: [] } },
      'GET /api/auth/tokens': { json: [] },
      'GET /api/v0/user/alice/cpu/': { json: { daily_cpu_limit_seconds: 0, daily_cpu_total_usage_seconds: 0, next_reset_time: '2026-12-02T00:00:00.000000', in_tarpit: false, webapp_cpu_seconds: 0, tarpit_cpus: 0.05 } },
      'GET /api/v0/user/alice/disk/': { json: { quota_bytes: 100 * MiB, size_bytes: 96 * MiB, used_bytes: 48 * MiB } },
    });
    renderApp('/account');
    const section = await screen.findByRole('region', { name: 'Disk' });
    expect(await screen.findByText(/of your disk used/)).toHaveTextContent('50% of your disk used: 48 MiB of 96 MiB');
    expect(section).toContainElement(screen.getByRole('meter', { name: 'Disk used' }));
  });
});
