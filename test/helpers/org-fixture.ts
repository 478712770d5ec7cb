import type { Chat, User } from 'grammy/types';
import { addAlias, addUnit, addUnitMember, bindChat, grantRole, recordPerson, type OrgDeps } from '../../src/org/org.usecases.js';
import type { Harness } from './bot-harness.js';

export type Org = {
  leadersGroup: Chat;
  housingGroup: Chat;
  urbanGroup: Chat;
  leader: User;
  otherLeader: User;
  housingStaff: User;
  urbanStaff: User;
  resourcesStaff: User;
  otherUnitStaff: User;
  stranger: User;
  units: { housing: number; urban: number; resources: number; education: number };
};

/**
 * The demo organisation: a leaders group, 市住房和城乡建设局 and 市城市管理执法局 with groups,
 * 市自然资源局 without a group (its member gets direct messages), 市教育局 as "another unit".
 */
export async function seedOrg(h: Harness, options: { english?: boolean } = {}): Promise<Org> {
  const lang = options.english ? 'en' : 'zh';
  const leader = h.tg.createUser({ firstName: options.english ? 'Li' : '李', lastName: options.english ? 'Mayor' : '市长', languageCode: lang });
  const otherLeader = h.tg.createUser({ firstName: '赵', lastName: '副市长', languageCode: lang });
  const housingStaff = h.tg.createUser({ firstName: options.english ? 'Hu' : '胡', lastName: options.english ? 'Staff' : '科员', languageCode: lang });
  const urbanStaff = h.tg.createUser({ firstName: '程', lastName: '科员', languageCode: lang });
  const resourcesStaff = h.tg.createUser({ firstName: '孙', lastName: '科员', languageCode: lang });
  const otherUnitStaff = h.tg.createUser({ firstName: '教', lastName: '科员', languageCode: lang });
  const stranger = h.tg.createUser({ firstName: '路', lastName: '人', languageCode: lang });
  const leadersGroup = h.tg.createGroup({ title: '市领导督办群', members: [h.admin, leader, otherLeader, stranger, housingStaff] });
  const housingGroup = h.tg.createGroup({ title: '住建局工作群', members: [h.admin, housingStaff, stranger, otherUnitStaff] });
  const urbanGroup = h.tg.createGroup({ title: '城管局工作群', members: [h.admin, urbanStaff] });

  const deps: OrgDeps = { db: h.database.db, clock: h.clock, config: h.config };
  const admin = { personId: h.admin.id, isAdmin: true, isLeader: false, unitIds: [] };
  await recordPerson(deps, { id: h.admin.id, firstName: h.admin.first_name });
  const housing = await addUnit(deps, { actor: admin, name: '市住房和城乡建设局', aliases: ['住建局', '市住建局'] });
  const urban = await addUnit(deps, { actor: admin, name: '市城市管理执法局', aliases: ['城管局', '市城管局', '市城管执法局'] });
  const resources = await addUnit(deps, { actor: admin, name: '市自然资源局', aliases: ['自然资源局'] });
  const education = await addUnit(deps, { actor: admin, name: '市教育局', aliases: ['教育局'] });
  await addAlias(deps, { actor: admin, unit: '住建局', alias: 'Housing Bureau' });
  await addAlias(deps, { actor: admin, unit: '城管局', alias: 'Urban Management' });
  for (const [user, role] of [
    [leader, 'leader'],
    [otherLeader, 'leader'],
  ] as const) {
    await grantRole(deps, { actor: admin, person: { id: user.id, firstName: user.first_name, lastName: user.last_name ?? null, languageCode: user.language_code ?? null }, role });
  }
  const member = async (user: User, unit: string, startedBot = false) => {
    await addUnitMember(deps, { actor: admin, unit, person: { id: user.id, firstName: user.first_name, lastName: user.last_name ?? null, languageCode: user.language_code ?? null } });
    if (startedBot) {
      await recordPerson(deps, { id: user.id, startedBot: true });
      // Open the private chat as the person would, so the fake lets the bot write to them.
      await h.say(user, 'private', '/start');
    }
  };
  await member(housingStaff, '住建局');
  await member(urbanStaff, '城管局');
  await member(resourcesStaff, '自然资源局', true);
  await member(otherUnitStaff, '教育局');
  await bindChat(deps, { actor: admin, chat: { chatId: leadersGroup.id, threadId: 0, title: '市领导督办群', type: 'supergroup' }, kind: 'leaders' });
  await bindChat(deps, { actor: admin, chat: { chatId: housingGroup.id, threadId: 0, title: '住建局工作群', type: 'supergroup' }, kind: 'unit', unit: '住建局' });
  await bindChat(deps, { actor: admin, chat: { chatId: urbanGroup.id, threadId: 0, title: '城管局工作群', type: 'supergroup' }, kind: 'unit', unit: '城管局' });
  return {
    leadersGroup,
    housingGroup,
    urbanGroup,
    leader,
    otherLeader,
    housingStaff,
    urbanStaff,
    resourcesStaff,
    otherUnitStaff,
    stranger,
    units: { housing: housing.id, urban: urban.id, resources: resources.id, education: education.id },
  };
}
