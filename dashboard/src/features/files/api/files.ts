import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, encodePath, request, userApi } from '@/lib/api-client';
import { baseName } from '@/lib/paths';

export interface Entry {
  name: string;
  type: 'file' | 'directory';
  size: number;
  modified: string;
}

const pathUrl = (username: string, visible: string) => `${userApi(username, 'files', 'path')}${encodePath(visible)}`;

/** The URL that downloads a file (the API answers application/octet-stream). */
export const downloadUrl = pathUrl;

export async function getListing(username: string, dir: string): Promise<Entry[]> {
  const listing = await api<Record<string, Omit<Entry, 'name'> & { url: string }>>(`${pathUrl(username, dir)}/`);
  return Object.entries(listing)
    .map(([name, e]) => ({ name, type: e.type, size: e.size, modified: e.modified }))
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1));
}

/** Files bigger than this open as a download, not in the editor. */
export const MAX_EDITABLE_BYTES = 5 * 1024 * 1024;

export class NotTextError extends Error {}

export async function getText(username: string, file: string): Promise<string> {
  const res = await request(pathUrl(username, file));
  const size = Number(res.headers.get('content-length') ?? '0');
  if (size > MAX_EDITABLE_BYTES) throw new NotTextError(`${baseName(file)} is ${Math.round(size / 1048576)} MiB: too big to edit here. Download it instead.`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.includes(0)) throw new NotTextError(`${baseName(file)} looks like a binary file. Download it instead.`);
  return new TextDecoder('utf-8').decode(bytes);
}

/** What the server answers to an upload: `size` is the bytes it stored. */
export interface Stored {
  path: string;
  size: number;
  created: boolean;
}

export async function putFile(username: string, file: string, content: Blob): Promise<Stored> {
  const form = new FormData();
  form.append('content', content, baseName(file));
  return api<Stored>(pathUrl(username, file), { method: 'POST', body: form });
}

/** Resolves only when the server says it stored as many bytes as were sent: "Saved" has to be true. */
export async function saveText(username: string, file: string, text: string): Promise<void> {
  const content = new Blob([text], { type: 'text/plain' });
  const stored = await putFile(username, file, content);
  if (stored.size !== content.size) {
    throw new Error(`the server stored ${stored.size} of the ${content.size} bytes sent. Save again before leaving.`);
  }
}

export const deletePath = (username: string, visible: string) => api<void>(pathUrl(username, visible), { method: 'DELETE' });
export const makeFolder = (username: string, visible: string) => api<{ path: string }>(userApi(username, 'files', 'folder', ''), { method: 'POST', json: { path: visible } });
export const movePath = (username: string, from: string, to: string) => api<{ path: string }>(userApi(username, 'files', 'move', ''), { method: 'POST', json: { from, to } });

const listingKey = (username: string, dir: string) => ['files', username, 'dir', dir] as const;
export const fileKey = (username: string, file: string) => ['files', username, 'file', file] as const;

export const listingQueryOptions = (username: string, dir: string) => queryOptions({ queryKey: listingKey(username, dir), queryFn: () => getListing(username, dir) });
export const useListing = (username: string, dir: string) => useQuery(listingQueryOptions(username, dir));

export const fileQueryOptions = (username: string, file: string) =>
  // The editor owns the text once loaded: a background refetch must never replace what is being typed.
  queryOptions({ queryKey: fileKey(username, file), queryFn: () => getText(username, file), staleTime: Infinity, gcTime: 0, retry: false });
export const useFileText = (username: string, file: string) => useQuery(fileQueryOptions(username, file));

/** Every change to files refreshes the listings (cheap, and several folders may be affected). */
export function useFileMutations(username: string) {
  const client = useQueryClient();
  const onSuccess = () => client.invalidateQueries({ queryKey: ['files', username, 'dir'] });
  return {
    upload: useMutation({ mutationFn: (v: { path: string; file: File }) => putFile(username, v.path, v.file), onSuccess }),
    create: useMutation({ mutationFn: (path: string) => saveText(username, path, ''), onSuccess }),
    mkdir: useMutation({ mutationFn: (path: string) => makeFolder(username, path), onSuccess }),
    move: useMutation({ mutationFn: (v: { from: string; to: string }) => movePath(username, v.from, v.to), onSuccess }),
    remove: useMutation({ mutationFn: (path: string) => deletePath(username, path), onSuccess }),
  };
}

export const useSaveText = (username: string, file: string) => useMutation({ mutationFn: (text: string) => saveText(username, file, text) });
