/**
 * Connections that outlive the request that opened them: console
 * WebSockets and log streams. Authentication happens once, at the start,
 * so when an account loses its access (disabled, deleted, its password
 * reset, a teacher removed) what it still has open is ended here, at once.
 */
export interface LiveConnection {
  /** Who opened it. */
  readonly principalId: number;
  /** Whose things it shows. */
  readonly ownerId: number;
  /** Ends it; `reason` is for the person at the other end. */
  close(reason: string): void;
}

export class LiveConnections {
  private readonly open = new Set<LiveConnection>();

  /** Keeps `connection` until the returned function is called (when it closes by itself). */
  track(connection: LiveConnection): () => void {
    this.open.add(connection);
    return () => this.open.delete(connection);
  }

  /** Ends everything `userId` opened and everything that shows their things. */
  endUser(userId: number, reason: string): void {
    this.end((c) => c.principalId === userId || c.ownerId === userId, reason);
  }

  /** Ends what `principalId` opened on `ownerId`'s things (a teacher who is no longer theirs). */
  endAccess(principalId: number, ownerId: number, reason: string): void {
    this.end((c) => c.principalId === principalId && c.ownerId === ownerId, reason);
  }

  /** Ends what `principalId` opened (their sessions and tokens were revoked). */
  endOpenedBy(principalId: number, reason: string): void {
    this.end((c) => c.principalId === principalId, reason);
  }

  get size(): number {
    return this.open.size;
  }

  private end(match: (c: LiveConnection) => boolean, reason: string): void {
    for (const c of [...this.open]) {
      if (!match(c)) continue;
      this.open.delete(c);
      c.close(reason);
    }
  }
}
