import type { Chat, User } from 'grammy/types';
import { personOf } from '../../src/bot/support/helpers.js';
import { seedOrganisation, type PersonSpec } from '../../src/org/org.seed.js';
import type { OrgDeps } from '../../src/org/org.usecases.js';
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
  // The person as the bot records anyone who writes to it (personOf), plus their place in the org.
  const person = (user: User, more: Omit<PersonSpec, 'id'> = {}): PersonSpec => ({ ...personOf(user), ...more });
  const units = await seedOrganisation(deps, {
    admin: { id: h.admin.id, firstName: h.admin.first_name },
    units: [
      { name: '市住房和城乡建设局', aliases: ['住建局', '市住建局', 'Housing Bureau'] },
      { name: '市城市管理执法局', aliases: ['城管局', '市城管局', '市城管执法局', 'Urban Management'] },
      { name: '市自然资源局', aliases: ['自然资源局'] },
      { name: '市教育局', aliases: ['教育局'] },
    ],
    people: [
      person(leader, { roles: ['leader'] }),
      person(otherLeader, { roles: ['leader'] }),
      person(housingStaff, { member: '住建局' }),
      person(urbanStaff, { member: '城管局' }),
      person(resourcesStaff, { member: '自然资源局', startedBot: true }),
      person(otherUnitStaff, { member: '教育局' }),
    ],
    chats: [
      { chatId: leadersGroup.id, title: '市领导督办群', kind: 'leaders' },
      { chatId: housingGroup.id, title: '住建局工作群', kind: 'unit', unit: '住建局' },
      { chatId: urbanGroup.id, title: '城管局工作群', kind: 'unit', unit: '城管局' },
    ],
  });
  // Open the private chat as the person would, so the fake lets the bot write to them.
  await h.say(resourcesStaff, 'private', '/start');
  const id = (name: string) => units.get(name)!.id;
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
    units: { housing: id('市住房和城乡建设局'), urban: id('市城市管理执法局'), resources: id('市自然资源局'), education: id('市教育局') },
  };
}
