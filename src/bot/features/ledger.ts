import { randomUUID } from 'node:crypto';
import { stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Composer, InputFile } from 'grammy';
import { localeFor } from '../../i18n/translator.js';
import { parseLedgerFilter } from '../../ledger/ledger.models.js';
import { exportLedger } from '../../ledger/ledger.usecases.js';
import { unitRecords } from '../../org/org.usecases.js';
import { appError } from '../../shared/errors.js';
import type { BotContext } from '../support/context.js';
import { say, threadIdOf, words } from '../support/helpers.js';

/** Telegram lets a bot upload documents of at most 50 MB. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** /ledger [overdue|open|closed] [unit NAME] [YYYY-MM] [level key|special|routine]: the 台账 as XLSX. */
export const ledgerFeature = new Composer<BotContext>();

ledgerFeature.command('ledger', async (ctx) => {
  const actor = await ctx.actor();
  if (!actor.isAdmin && !actor.isLeader) throw appError('ledger.forbidden');
  const filter = parseLedgerFilter(words(ctx.match), await unitRecords(ctx.deps));
  const locale = localeFor(ctx.from?.language_code, ctx.deps.config.locale);
  await ctx.replyWithChatAction('upload_document').catch(() => {});
  const file = path.join(tmpdir(), `duban-ledger-${randomUUID()}.xlsx`);
  try {
    const { itemRows, eventRows, generatedAt } = await exportLedger(ctx.deps, { filter, locale, out: file, actorId: ctx.from!.id });
    const { size } = await stat(file);
    if (size > MAX_UPLOAD_BYTES) {
      await say(ctx, ctx.t('ledger-too-big', { mb: Math.ceil(size / 1024 / 1024) }));
      return;
    }
    const thread = threadIdOf(ctx.msg);
    const { ledgerFileName } = await import('../../ledger/ledger.workbook.js');
    await ctx.replyWithDocument(new InputFile(file, ledgerFileName(generatedAt, ctx.deps.config.timezone, locale)), {
      caption: ctx.t('ledger-caption', { items: itemRows, events: eventRows }),
      ...(thread ? { message_thread_id: thread } : {}),
    });
  } finally {
    await unlink(file).catch(() => {});
  }
});
