/**
 * Telegram's sending limits, counted on real elapsed time (performance.now), not on the injected
 * clock: a test clock that jumps hours ahead must not make a burst of sends look spread out.
 */
import { performance } from 'node:perf_hooks';
import type { LimitViolation, RateLimits, SendLogEntry } from './types.js';

export const DEFAULT_LIMITS: RateLimits = { perChatPerSecond: 1, perGroupPerMinute: 20, globalPerSecond: 30 };

type Window = {
  rule: keyof RateLimits;
  ms: number;
  max: number;
  applies: (entry: Pick<SendLogEntry, 'chatId' | 'chatType'>, other: SendLogEntry) => boolean;
  groupsOnly: boolean;
};

export class SendLog {
  readonly entries: SendLogEntry[] = [];
  private readonly origin = performance.now();
  private readonly windows: Window[];

  constructor(limits: RateLimits) {
    this.windows = [
      { rule: 'perChatPerSecond', ms: 1000, max: limits.perChatPerSecond, applies: (e, o) => o.chatId === e.chatId, groupsOnly: false },
      { rule: 'perGroupPerMinute', ms: 60_000, max: limits.perGroupPerMinute, applies: (e, o) => o.chatId === e.chatId, groupsOnly: true },
      { rule: 'globalPerSecond', ms: 1000, max: limits.globalPerSecond, applies: () => true, groupsOnly: false },
    ];
  }

  elapsedMs(): number {
    return performance.now() - this.origin;
  }

  record(entry: SendLogEntry): void {
    this.entries.push(entry);
  }

  /**
   * Seconds the bot must wait before one more message to this chat would stay within the limits,
   * or undefined when it may send now.
   */
  retryAfter(chat: Pick<SendLogEntry, 'chatId' | 'chatType'>): number | undefined {
    const now = this.elapsedMs();
    let waitMs = 0;
    for (const window of this.windows) {
      if (window.groupsOnly && chat.chatType === 'private') continue;
      const inWindow = this.entries.filter((o) => o.elapsedMs > now - window.ms && window.applies(chat, o));
      if (inWindow.length >= window.max) {
        // the window frees up when its oldest counted send leaves it
        const oldest = inWindow[inWindow.length - window.max]!;
        waitMs = Math.max(waitMs, oldest.elapsedMs + window.ms - now);
      }
    }
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : undefined;
  }

  /** Every send that broke a limit, judged against the sends before it. */
  violations(): LimitViolation[] {
    const found: LimitViolation[] = [];
    this.entries.forEach((send, index) => {
      for (const window of this.windows) {
        if (window.groupsOnly && send.chatType === 'private') continue;
        let count = 0;
        for (let i = index; i >= 0; i--) {
          const other = this.entries[i]!;
          if (other.elapsedMs <= send.elapsedMs - window.ms) break;
          if (window.applies(send, other)) count++;
        }
        if (count > window.max) found.push({ rule: window.rule, send, count });
      }
    });
    return found;
  }
}
