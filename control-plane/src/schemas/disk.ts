import { Type, type Static } from 'typebox';

/** GET /api/v0/user/{username}/disk/: Pyhost's own (PythonAnywhere has no such endpoint). */
export const DiskUsage = Type.Object({
  quota_bytes: Type.Union([Type.Integer(), Type.Null()], { description: "the account's disk quota (home, /var/www and /var/log together); null: no quota" }),
  size_bytes: Type.Union([Type.Integer(), Type.Null()], { description: "the account's filesystem as `df` shows it: the quota less ext4's own bookkeeping; null: no quota" }),
  used_bytes: Type.Union([Type.Integer(), Type.Null()], { description: "what the account's files take; null: not measured yet (accounts without a quota are measured every few minutes)" }),
});

export type DiskUsageReply = Static<typeof DiskUsage>;
