// Query keys of the Admin section, in one place: changing one thing refreshes the others it affects.
export const usersKey = ['admin', 'users'] as const;
export const archivesKey = ['admin', 'archives'] as const;
export const settingsKey = ['admin', 'settings'] as const;
export const limitsKey = ['admin', 'limits'] as const;
