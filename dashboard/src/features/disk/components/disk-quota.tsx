import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatBytes } from '@/lib/format';
import { useDiskUsage, type DiskUsage } from '../api/disk';

/** Past this share of the disk the page says so, before writes start failing. */
const NEARLY_FULL = 0.9;

export function DiskQuotaView({ disk }: { disk: DiskUsage }) {
  const { size_bytes: size, used_bytes: used, quota_bytes: quota } = disk;
  if (size === null || quota === null) {
    return used === null
      ? <p>This account has no disk quota.</p>
      : <p>Your files take {formatBytes(used)}; this account has no disk quota.</p>;
  }
  const usedBytes = used ?? 0;
  return (
    <>
      <p>
        <strong>{Math.floor((usedBytes / size) * 100)}%</strong> of your disk used: {formatBytes(usedBytes)} of {formatBytes(size)}
      </p>
      <meter className="cpu-meter" aria-label="Disk used" min={0} max={size} value={Math.min(usedBytes, size)} />
      <p className="muted">
        Your home folder, /var/www and /var/log share a quota of {formatBytes(quota)} (ext4 keeps a little of it for itself). <code>df -h ~</code> in a console shows the same.
      </p>
      {usedBytes >= size * NEARLY_FULL ? (
        <p role="status" className="notice warning-notice">
          Your disk is nearly full. Past it, saving a file fails with "No space left on device": delete files you do not need, or ask an administrator for a bigger quota.
        </p>
      ) : null}
    </>
  );
}

/** The Account page's disk section: the account's files against its quota. */
export function DiskQuota({ username }: { username: string }) {
  const disk = useDiskUsage(username);
  return (
    <section className="card" aria-labelledby="disk-heading">
      <h2 id="disk-heading">Disk</h2>
      {disk.isPending ? <Spinner /> : null}
      <ErrorMessage error={disk.error} title="Could not read your disk use" />
      {disk.data ? <DiskQuotaView disk={disk.data} /> : null}
    </section>
  );
}
