// A test switch for crash tests: the next create of one entity is stored and its requestid
// remembered as usual, then the reply is held (as if the network stalled) until the test releases
// it or the caller hangs up. Meanwhile the test kills Settle's worker: QuickBooks has the document,
// Settle has not recorded it. Only the first reply is held; a replay of the requestid answers at once.
import type { Response } from 'express';

export class ReplyHold {
  private entity: string | undefined;
  private waiting: (() => void)[] = [];
  /** How many replies have been held so far. */
  held = 0;

  arm(entity: string): void {
    this.entity = entity;
  }

  /** Runs after a create, before its reply: resolves when the reply may be sent. */
  async beforeReply(entity: string, res: Response): Promise<void> {
    if (this.entity !== entity) return;
    this.entity = undefined;
    this.held++;
    await new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      res.once('close', resolve);
    });
  }

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
