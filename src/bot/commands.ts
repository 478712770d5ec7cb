import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';

type Lang = 'zh' | 'en';

/** What unit staff use on items, in private chats and in groups alike. */
const ITEM_COMMANDS: Record<Lang, BotCommand[]> = {
  zh: [
    { command: 'list', description: '事项列表：mine / unit 单位名 / overdue / waiting / all' },
    { command: 'task', description: '事项卡片和办理记录：/task 编号' },
    { command: 'ack', description: '签收：/ack 编号' },
    { command: 'progress', description: '报告进展：/progress 编号 内容' },
    { command: 'result', description: '提交结果（配合单位为配合意见）：/result 编号 内容' },
    { command: 'extend', description: '申请延期：/extend 编号 新时限 理由' },
    { command: 'handler', description: '指定承办人：/handler 编号 [单位] @承办人' },
    { command: 'coordinate', description: '提请协调（牵头单位）：/coordinate 编号 问题' },
    { command: 'node', description: '报告时间节点完成：/node 编号 节点序号 [说明]' },
    { command: 'verify', description: '调查复核：/verify 编号 属实|不实 说明（督查员）' },
    { command: 'check', description: '督查调研：/check 编号 情况（督查员，可附照片）' },
  ],
  en: [
    { command: 'list', description: 'Items: mine / unit NAME / overdue / waiting / all' },
    { command: 'task', description: 'An item and its history: /task CODE' },
    { command: 'ack', description: 'Acknowledge: /ack CODE' },
    { command: 'progress', description: 'Report progress: /progress CODE TEXT' },
    { command: 'result', description: 'Submit the result (or a contribution): /result CODE TEXT' },
    { command: 'extend', description: 'Ask for an extension: /extend CODE DATE REASON' },
    { command: 'handler', description: 'Name the handling person: /handler CODE [UNIT] @PERSON' },
    { command: 'coordinate', description: 'Ask for coordination (lead unit): /coordinate CODE PROBLEM' },
    { command: 'node', description: 'Report a milestone done: /node CODE NUMBER [TEXT]' },
    { command: 'verify', description: 'Verify a result: /verify CODE true|false NOTE (supervisors)' },
    { command: 'check', description: 'Field check: /check CODE NOTE (supervisors, photos welcome)' },
  ],
};

const PRIVATE: Record<Lang, BotCommand[]> = {
  zh: [
    { command: 'start', description: '开始使用 / 打开邀请链接' },
    { command: 'whoami', description: '我的角色和所属单位' },
    ...ITEM_COMMANDS.zh,
    { command: 'digest', description: '督办摘要（领导：全局；单位：本单位）' },
    { command: 'bulletin', description: '督办通报：单位排名（领导、管理员）' },
    { command: 'help', description: '帮助' },
  ],
  en: [
    { command: 'start', description: 'Start / open an invite link' },
    { command: 'whoami', description: 'My roles and units' },
    ...ITEM_COMMANDS.en,
    { command: 'digest', description: 'Supervision digest (leaders: all; staff: my unit)' },
    { command: 'bulletin', description: 'Bulletin: units ranked (leaders, admins)' },
    { command: 'help', description: 'Help' },
  ],
};

const GROUP: Record<Lang, BotCommand[]> = {
  zh: [
    { command: 'help', description: '帮助' },
    { command: 'whoami', description: '我的角色和所属单位' },
    ...ITEM_COMMANDS.zh,
    { command: 'assign', description: '交办：/assign 批示，或回复批示消息（领导、管理员）' },
    { command: 'confirm', description: '确认办结：/confirm 编号 [回音]' },
    { command: 'return', description: '退回结果：/return 编号 理由' },
    { command: 'approve', description: '批准延期：/approve 编号' },
    { command: 'reject', description: '驳回延期：/reject 编号 [理由]' },
    { command: 'transfer', description: '转办：/transfer 编号 [原单位] 新单位 理由' },
    { command: 'cancel', description: '撤销：/cancel 编号 理由' },
    { command: 'notify', description: '点名通报：/notify 编号 理由（领导、督查员、管理员）' },
    { command: 'waive', description: '免于等待：/waive 编号 [共同牵头单位 理由]' },
    { command: 'excuse', description: '容错：/excuse 编号 理由（管理员）' },
    { command: 'ledger', description: '导出台账 XLSX：/ledger [overdue|open|closed] [unit 单位] [2026-11]' },
    { command: 'digest', description: '督办摘要（领导群：全局；单位群：本单位）' },
    { command: 'bulletin', description: '督办通报：单位排名（领导、管理员）' },
    { command: 'bind', description: '绑定本群：leaders / unit 单位名 / discipline（管理员）' },
    { command: 'unbind', description: '解除本群绑定（管理员）' },
    { command: 'unit', description: '单位：add / alias / list / head / member（管理员）' },
    { command: 'invite', description: '单位邀请链接（管理员）' },
    { command: 'leader', description: '设为领导：回复某人消息 /leader add（管理员）' },
    { command: 'admin', description: '设为管理员：回复某人消息 /admin add（管理员）' },
    { command: 'supervisor', description: '设为督查员：回复某人消息 /supervisor add（管理员）' },
    { command: 'calendar', description: '工作日历：现状，或随 CSV/JSON 文件导入节假日安排（管理员）' },
    { command: 'coordinated', description: '已协调：/coordinated 编号 [#序号] [协调结果]' },
    { command: 'coordup', description: '转交协调请求上一级：/coordup 编号 [#序号] [说明]' },
    { command: 'received', description: '移交已接收：/received 编号（纪委群、管理员）' },
    { command: 'feedback', description: '移交反馈问责结果：/feedback 编号 内容（纪委群、管理员）' },
  ],
  en: [
    { command: 'help', description: 'Help' },
    { command: 'whoami', description: 'My roles and units' },
    ...ITEM_COMMANDS.en,
    { command: 'assign', description: 'Assign: /assign TEXT, or reply to the instruction (leaders, admins)' },
    { command: 'confirm', description: 'Confirm a result: /confirm CODE [RESPONSE]' },
    { command: 'return', description: 'Return a result: /return CODE REASON' },
    { command: 'approve', description: 'Approve an extension: /approve CODE' },
    { command: 'reject', description: 'Reject an extension: /reject CODE [REASON]' },
    { command: 'transfer', description: 'Transfer: /transfer CODE [FROM] TO REASON' },
    { command: 'cancel', description: 'Cancel: /cancel CODE REASON' },
    { command: 'notify', description: 'Name publicly (点名通报): /notify CODE REASON (leaders, supervisors, admins)' },
    { command: 'waive', description: 'Stop waiting: /waive CODE [JOINT LEAD UNIT REASON]' },
    { command: 'excuse', description: 'Excuse an overdue item: /excuse CODE REASON (admins)' },
    { command: 'ledger', description: 'Ledger as XLSX: /ledger [overdue|open|closed] [unit NAME] [2026-11]' },
    { command: 'digest', description: 'Supervision digest (leaders group: all; unit group: the unit)' },
    { command: 'bulletin', description: 'Bulletin: units ranked (leaders, admins)' },
    { command: 'bind', description: 'Bind this group: leaders / unit NAME / discipline (admins)' },
    { command: 'unbind', description: 'Unbind this group (admins)' },
    { command: 'unit', description: 'Units: add / alias / list / head / member (admins)' },
    { command: 'invite', description: 'Invite link into a unit (admins)' },
    { command: 'leader', description: 'Make a leader: reply with /leader add (admins)' },
    { command: 'admin', description: 'Make an admin: reply with /admin add (admins)' },
    { command: 'supervisor', description: 'Make a supervisor (督查员): reply with /supervisor add (admins)' },
    { command: 'calendar', description: 'Working calendar: status, or load a holiday schedule with a CSV/JSON file (admins)' },
    { command: 'coordinated', description: 'Coordinated: /coordinated CODE [#N] [WHAT WAS ARRANGED]' },
    { command: 'coordup', description: 'Pass a coordination request up: /coordup CODE [#N] [WHY]' },
    { command: 'received', description: 'Referral received: /received CODE (discipline group, admins)' },
    { command: 'feedback', description: 'Referral feedback (accountability outcome): /feedback CODE TEXT (discipline group, admins)' },
  ],
};

/** Extra commands later features register (merged into the lists above). */
export type CommandSet = { private: Record<Lang, BotCommand[]>; group: Record<Lang, BotCommand[]> };

export const BASE_COMMANDS: CommandSet = { private: PRIVATE, group: GROUP };

/**
 * Publishes the command menus: per scope (private chats, all groups) and per language
 * (Chinese as the default list, English for clients in English).
 */
export async function registerCommands(api: Api, sets: CommandSet[] = [BASE_COMMANDS], defaultLocale: Lang = 'zh'): Promise<void> {
  const merge = (scope: 'private' | 'group', lang: Lang) => sets.flatMap((s) => s[scope][lang]);
  const other: Lang = defaultLocale === 'zh' ? 'en' : 'zh';
  for (const [scopeName, scope] of [
    ['private', { type: 'all_private_chats' }],
    ['group', { type: 'all_group_chats' }],
  ] as const) {
    await api.setMyCommands(merge(scopeName, defaultLocale), { scope });
    await api.setMyCommands(merge(scopeName, other), { scope, language_code: other });
  }
}

/** A command's short name in words, from its menu entry: ack -> 签收 / Acknowledge; null when it has none. */
export function commandLabel(command: string, lang: Lang): string | null {
  const entry = [...ITEM_COMMANDS[lang], ...PRIVATE[lang]].find((c) => c.command === command);
  return entry ? entry.description.split(/[:：]/)[0]!.trim() : null;
}
