import { Composer } from 'grammy';
import { redeemInvite } from '../../org/org.usecases.js';
import type { BotContext } from '../support/context.js';
import { displayName, escapeHtml, personOf, say } from '../support/helpers.js';

/** /start (with an invite deep link payload) and /help. */
export const startFeature = new Composer<BotContext>();

startFeature.chatType('private').command('start', async (ctx) => {
  const payload = ctx.match.trim();
  if (payload) {
    const { unit, added } = await redeemInvite(ctx.deps, { person: personOf(ctx.from), token: payload });
    await say(ctx, ctx.t(added ? 'invite-joined' : 'invite-already-member', { unit: escapeHtml(unit.name) }));
    return;
  }
  await say(ctx, ctx.t('start-private', { name: escapeHtml(displayName(personOf(ctx.from))) }));
});

startFeature.chatType(['group', 'supergroup']).command('start', async (ctx) => {
  await say(ctx, ctx.t('start-group'));
});

startFeature.command('help', async (ctx) => {
  await say(ctx, ctx.t('help'));
});
