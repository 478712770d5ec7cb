import { sendWaitingReferrals } from '../../items/items.usecases.js';
import { Composer } from 'grammy';
import type { ChatKind, Role } from '../../org/org.models.js';
import {
  addAlias,
  addUnit,
  addUnitMember,
  bindChat,
  createInvite,
  grantRole,
  listUnits,
  peopleByIds,
  personById,
  personByUsername,
  revokeInvites,
  setUnitHead,
  unbindChat,
  unitById,
} from '../../org/org.usecases.js';
import type { PersonInput } from '../../org/org.repository.js';
import { appError } from '../../shared/errors.js';
import type { BotContext } from '../support/context.js';
import { chatRefOf, displayName, escapeHtml, mention, personOf, say, words } from '../support/helpers.js';

/**
 * The supervision office's commands: binding chats, registering units, granting roles, invites.
 * Every use-case checks that the actor is an admin on the server; these handlers only translate.
 */
export const adminFeature = new Composer<BotContext>();

function bindingLabel(ctx: BotContext, kind: ChatKind, unitName: string | null): string {
  if (kind === 'unit') return ctx.t('binding-unit', { unit: escapeHtml(unitName ?? '') });
  return ctx.t(kind === 'leaders' ? 'binding-leaders' : 'binding-discipline');
}

adminFeature.command('bind', async (ctx) => {
  const [kindWord, ...rest] = words(ctx.match);
  const kind = (
    {
      leaders: 'leaders',
      leader: 'leaders',
      领导: 'leaders',
      领导群: 'leaders',
      unit: 'unit',
      单位: 'unit',
      discipline: 'discipline',
      纪委: 'discipline',
    } as Record<string, ChatKind>
  )[(kindWord ?? '').toLowerCase()];
  if (!kind) {
    // Refuse non-admins first so strangers learn nothing else.
    const actor = await ctx.actor();
    if (!actor.isAdmin) throw appError('org.admin_only');
    await say(ctx, ctx.t('bind-usage'));
    return;
  }
  const result = await bindChat(ctx.deps, { actor: await ctx.actor(), chat: chatRefOf(ctx), kind, unit: rest.join(' ') });
  let text =
    kind === 'leaders' ? ctx.t('bound-leaders') : kind === 'unit' ? ctx.t('bound-unit', { unit: escapeHtml(result.unit!.name) }) : ctx.t('bound-discipline');
  if (result.previous && (result.previous.kind !== kind || result.previous.unitId !== (result.unit?.id ?? null))) {
    const prevUnit = result.previous.unitId ? await unitById(ctx.deps, { unitId: result.previous.unitId }) : null;
    text += ctx.t('bound-replaced', { previous: bindingLabel(ctx, result.previous.kind, prevUnit?.name ?? null) });
  }
  // 移交: referrals that waited for a discipline group go to this one now.
  if (kind === 'discipline') {
    const sent = await sendWaitingReferrals(ctx.deps, { chat: chatRefOf(ctx) });
    if (sent > 0) {
      text += `\n${ctx.t('referral-sent-on-bind', { count: sent })}`;
      ctx.deps.onPlanned?.();
    }
  }
  await say(ctx, text);
});

adminFeature.command('unbind', async (ctx) => {
  const removed = await unbindChat(ctx.deps, { actor: await ctx.actor(), chat: chatRefOf(ctx) });
  const unit = removed.unitId ? await unitById(ctx.deps, { unitId: removed.unitId }) : null;
  await say(ctx, ctx.t('unbound-done', { previous: bindingLabel(ctx, removed.kind, unit?.name ?? null) }));
});

/** The person a role/membership command is about: the replied-to author, a numeric id, or a known @username. */
async function targetPerson(ctx: BotContext, args: string[]): Promise<PersonInput | null> {
  const replied = ctx.msg?.reply_to_message?.from;
  if (replied && !replied.is_bot) return personOf(replied);
  const arg = args.find((a) => /^\d{3,}$/.test(a) || /^@\w{3,}$/.test(a));
  if (!arg) return null;
  if (arg.startsWith('@')) {
    const known = await personByUsername(ctx.deps, { username: arg });
    return known ? { id: known.id, firstName: known.firstName, lastName: known.lastName, username: known.username } : null;
  }
  const known = await personById(ctx.deps, { personId: Number(arg) });
  return known ? { id: known.id, firstName: known.firstName, lastName: known.lastName, username: known.username } : { id: Number(arg) };
}

async function handleRole(ctx: BotContext, role: Role) {
  const [verb, ...args] = words(ctx.match);
  const actor = await ctx.actor();
  if (!actor.isAdmin) throw appError('org.admin_only');
  if (verb !== 'add') {
    await say(ctx, ctx.t('role-usage'));
    return;
  }
  const person = await targetPerson(ctx, args);
  if (!person) {
    await say(ctx, ctx.t('need-reply-target'));
    return;
  }
  const { granted } = await grantRole(ctx.deps, { actor, person, role });
  await say(ctx, ctx.t(granted ? 'role-granted' : 'role-already', { person: mention(person), role: ctx.t(`role-${role}`) }));
}

adminFeature.command('leader', (ctx) => handleRole(ctx, 'leader'));
adminFeature.command('admin', (ctx) => handleRole(ctx, 'admin'));
adminFeature.command('supervisor', (ctx) => handleRole(ctx, 'supervisor'));

adminFeature.command('unit', async (ctx) => {
  const [verb, ...args] = words(ctx.match);
  const actor = await ctx.actor();
  const sep = ctx.t('list-separator');
  switch (verb) {
    case 'add': {
      const [name, ...aliases] = args;
      const unit = await addUnit(ctx.deps, { actor, name: name ?? '', aliases });
      const aliasText = unit.aliases.length ? ctx.t('unit-added-aliases', { aliases: escapeHtml(unit.aliases.join(sep)) }) : '';
      await say(ctx, ctx.t('unit-added', { name: escapeHtml(unit.name), aliases: aliasText }));
      return;
    }
    case 'alias': {
      const [name, alias] = args;
      if (!name || !alias) break;
      const unit = await addAlias(ctx.deps, { actor, unit: name, alias });
      await say(ctx, ctx.t('unit-alias-added', { name: escapeHtml(unit.name), alias: escapeHtml(alias) }));
      return;
    }
    case 'list': {
      const units = await listUnits(ctx.deps);
      if (units.length === 0) {
        await say(ctx, ctx.t('unit-list-empty'));
        return;
      }
      const heads = await peopleByIds(ctx.deps, { personIds: units.map((u) => u.headPersonId).filter((id): id is number => id !== null) });
      const lines = units.map((u, i) => {
        const head = heads.find((p) => p.id === u.headPersonId);
        return ctx.t('unit-list-line', {
          index: i + 1,
          name: escapeHtml(u.name),
          aliases: u.aliases.length ? ctx.t('unit-list-aliases', { aliases: escapeHtml(u.aliases.join(sep)) }) : '',
          members: u.memberCount,
          head: head ? ctx.t('unit-list-head', { head: escapeHtml(displayName(head)) }) : ctx.t('unit-list-no-head'),
          chat: u.chat ? ctx.t('unit-list-chat') : ctx.t('unit-list-no-chat'),
        });
      });
      await say(ctx, [ctx.t('unit-list-title', { count: units.length }), ...lines].join('\n'));
      return;
    }
    case 'head':
    case 'member': {
      const name = args.filter((a) => !/^\d{3,}$/.test(a) && !/^@\w{3,}$/.test(a)).join(' ');
      if (!name) break;
      if (!actor.isAdmin) throw appError('org.admin_only');
      const person = await targetPerson(ctx, args);
      if (!person) {
        await say(ctx, ctx.t('need-reply-target'));
        return;
      }
      if (verb === 'head') {
        const unit = await setUnitHead(ctx.deps, { actor, unit: name, person });
        await say(ctx, ctx.t('unit-head-set', { person: mention(person), unit: escapeHtml(unit.name) }));
      } else {
        const { unit, added } = await addUnitMember(ctx.deps, { actor, unit: name, person });
        await say(ctx, ctx.t(added ? 'unit-member-added' : 'unit-member-already', { person: mention(person), unit: escapeHtml(unit.name) }));
      }
      return;
    }
  }
  if (!actor.isAdmin && verb !== 'list') throw appError('org.admin_only');
  await say(ctx, ctx.t('unit-usage'));
});

adminFeature.command('invite', async (ctx) => {
  const args = words(ctx.match);
  const actor = await ctx.actor();
  if (args[0] === 'revoke' && args.length > 1) {
    const { count, unit } = await revokeInvites(ctx.deps, { actor, target: args.slice(1).join(' ') });
    await say(ctx, ctx.t('invite-revoked', { count, unit: escapeHtml(unit?.name ?? '') }));
    return;
  }
  if (args.length === 0 || args[0] === 'revoke') {
    if (!actor.isAdmin) throw appError('org.admin_only');
    await say(ctx, ctx.t('invite-usage'));
    return;
  }
  const { token, unit, expiresAt } = await createInvite(ctx.deps, { actor, unit: args.join(' ') });
  const link = `https://t.me/${ctx.me.username}?start=${token}`;
  const expires = new Intl.DateTimeFormat(ctx.deps.config.locale === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: ctx.deps.config.timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(expiresAt);
  await say(ctx, ctx.t('invite-created', { unit: escapeHtml(unit.name), link: escapeHtml(link), expires }));
});
