import { Composer } from 'grammy';
import type { Document } from 'grammy/types';
import { parseCalendarFile } from '../../calendar/calendar-file.js';
import type { CalendarSource } from '../../calendar/model/working-calendar.js';
import { calendarYearStatus, importCalendarYear, type CalendarYearStatus } from '../../calendar/calendar.usecases.js';
import { zonedParts } from '../../calendar/model/zoned-time.js';
import { appError } from '../../shared/errors.js';
import type { BotContext } from '../support/context.js';
import { escapeHtml, say } from '../support/helpers.js';

/** A schedule is a few KB; anything much bigger is not one. */
const MAX_CALENDAR_FILE_BYTES = 256 * 1024;

/**
 * /calendar (admins): without a file, the status of this year and next year (where the holiday
 * schedule comes from, its counts, whether it is estimated); with a CSV or JSON document (the
 * command as its caption, or replying to it), imports that year's schedule.
 */
export const calendarFeature = new Composer<BotContext>();

const SOURCE_KEY: Record<CalendarSource, string> = {
  imported: 'calendar-source-imported',
  'chinese-days': 'calendar-source-chinese-days',
  statutory: 'calendar-source-statutory',
};

function yearLine(ctx: BotContext, status: CalendarYearStatus): string {
  const timezone = ctx.deps.config.timezone;
  const source =
    status.source === 'imported' && status.imported
      ? ctx.t('calendar-source-imported', {
          file: escapeHtml(status.imported.source),
          date: zonedParts(status.imported.importedAt, timezone).ymd,
        })
      : ctx.t(SOURCE_KEY[status.source]);
  const counts = status.covered
    ? ctx.t('calendar-counts', { off: status.daysOff.length, work: status.workdays.length })
    : ctx.t('calendar-counts-estimated', { off: status.daysOff.length });
  return ctx.t('calendar-year-line', { year: String(status.year), source, counts });
}

/** Downloads a document from the Bot API. Errors never carry the URL (it holds the token). */
async function download(ctx: BotContext, document: Document): Promise<Buffer> {
  if ((document.file_size ?? 0) > MAX_CALENDAR_FILE_BYTES) throw appError('calendar.file_too_big');
  let bytes: ArrayBuffer;
  try {
    const file = await ctx.api.getFile(document.file_id);
    if (!file.file_path) throw new Error('no file_path');
    const response = await fetch(`${ctx.deps.config.botApiRoot}/file/bot${ctx.api.token}/${file.file_path}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = await response.arrayBuffer();
  } catch (error) {
    ctx.logger.warn(
      { reason: error instanceof Error && error.message.startsWith('HTTP') ? error.message : 'download failed' },
      'calendar file download failed',
    );
    throw appError('calendar.download_failed');
  }
  if (bytes.byteLength > MAX_CALENDAR_FILE_BYTES) throw appError('calendar.file_too_big');
  return Buffer.from(bytes);
}

calendarFeature.command('calendar', async (ctx) => {
  const actor = await ctx.actor();
  if (!actor.isAdmin) throw appError('calendar.admin_only');
  const document = ctx.msg.document ?? ctx.msg.reply_to_message?.document;
  if (document) {
    const fileName = document.file_name ?? 'calendar';
    const file = parseCalendarFile(fileName, await download(ctx, document));
    const result = await importCalendarYear(ctx.deps, { file, fileName, via: 'telegram', actor });
    ctx.logger.info({ year: result.year, daysOff: result.daysOff, workdays: result.workdays }, 'holiday schedule imported');
    const status = await calendarYearStatus(ctx.deps, { year: result.year });
    await say(
      ctx,
      [
        ctx.t(result.replaced ? 'calendar-imported-replaced' : 'calendar-imported', { year: String(result.year), off: result.daysOff, work: result.workdays }),
        yearLine(ctx, status),
      ].join('\n'),
    );
    return;
  }
  const thisYear = zonedParts(ctx.deps.clock.now(), ctx.deps.config.timezone).year;
  const years = [await calendarYearStatus(ctx.deps, { year: thisYear }), await calendarYearStatus(ctx.deps, { year: thisYear + 1 })];
  const lines = [ctx.t('calendar-title'), ...years.map((s) => yearLine(ctx, s))];
  if (years.some((s) => !s.covered)) lines.push('', ctx.t('calendar-how-to-import'));
  await say(ctx, lines.join('\n'));
});
