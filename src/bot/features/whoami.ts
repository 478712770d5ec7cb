import { Composer } from 'grammy';
import { whoami } from '../../org/org.usecases.js';
import type { BotContext } from '../support/context.js';
import { displayName, escapeHtml, personOf, say } from '../support/helpers.js';

export const whoamiFeature = new Composer<BotContext>();

whoamiFeature.command('whoami', async (ctx) => {
  if (!ctx.from) return;
  const { actor, units } = await whoami(ctx.deps, { personId: ctx.from.id });
  const sep = ctx.t('list-separator');
  const roles = [
    actor.isAdmin ? ctx.t('role-admin') : null,
    actor.isLeader ? ctx.t('role-leader') : null,
    actor.isSupervisor ? ctx.t('role-supervisor') : null,
  ].filter(Boolean);
  const lines = [
    ctx.t('whoami-title', { name: escapeHtml(displayName(personOf(ctx.from))), id: String(ctx.from.id) }),
    roles.length ? ctx.t('whoami-roles', { roles: roles.join(sep) }) : ctx.t('whoami-no-roles'),
    units.length
      ? ctx.t('whoami-units', { units: units.map((u) => escapeHtml(u.name) + (u.isHead ? ctx.t('unit-head-mark') : '')).join(sep) })
      : ctx.t('whoami-no-units'),
  ];
  await say(ctx, lines.join('\n'));
});
