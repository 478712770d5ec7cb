/**
 * The leader in charge (分管领导) named in an instruction: "请王副市长牵头督办", "李市长阅示",
 * "报王副市长审定", "Vice Mayor Wang to oversee". What is read is a surname (or name) and a
 * title; whether that is a registered leader is for the caller to decide (the parser has no
 * people). A title alone, or a name with a title but no verb of overseeing, is not read: "王副市长:"
 * at the top of a message is usually the author, not the leader in charge.
 */

export type LeaderMention = {
  /** The name as written, without the title: 王, 王伟, Wang. */
  name: string;
  /** The title as written: 副市长, Vice Mayor. */
  title: string;
};

const ZH_TITLES = '常务副市长|副市长|市长|常务副区长|副区长|区长|常务副县长|副县长|县长|副书记|书记|副秘书长|秘书长|副主任|主任|副省长|省长|副镇长|镇长';
/** Verbs of a leader overseeing or deciding, right after the name (同志 may stand between). */
const ZH_OVERSEE = '牵头督办|牵头协调|牵头负责|负责督办|跟踪督办|督办|阅示|阅批|阅知|阅处|阅|审定|审阅|审签|审核|审批|批示|把关|分管|协调|统筹|亲自';

const ZH_LEADER = new RegExp(`(?:^|(?<=[请报呈送经由交,;:。!?、\\s]))([\\u4e00-\\u9fff]{1,6}?)(${ZH_TITLES})(?:同志)?(?=${ZH_OVERSEE})`, 'g');
// Mayor Li, Vice Mayor Wang; "for Mayor Li's review", "Vice Mayor Wang to oversee", "Vice Mayor Wang in charge".
const EN_LEADER =
  /\b((?:Executive\s+)?(?:Vice|Deputy)\s+(?:Mayor|Governor|Secretary)|Mayor|Governor|Secretary-General|Party\s+Secretary|Director)\s+([A-Z][a-z]{1,20})(?:'s\s+(?:review|approval|attention|instructions)|\s+(?:to\s+(?:oversee|supervise|review|approve|coordinate)|in\s+charge|overseeing|supervising|for\s+(?:review|approval)))\b/g;
const EN_LEADER_BEFORE =
  /\b(?:for|to|by)\s+((?:Executive\s+)?(?:Vice|Deputy)\s+(?:Mayor|Governor)|Mayor|Governor)\s+([A-Z][a-z]{1,20})(?:'s)?\s+(?:review|approval)\b/g;

/** Words that end a Chinese name grab: 请市政府王副市长 reads 王, not 市政府王. */
const NOT_IN_NAME = /[市区县省镇政府委局办的和与及请报由]/;

/** The first leader in charge named in a folded text, or null. */
export function readLeaderInCharge(text: string): LeaderMention | null {
  ZH_LEADER.lastIndex = 0;
  for (let m = ZH_LEADER.exec(text); m; m = ZH_LEADER.exec(text)) {
    let name = m[1]!;
    // Keep the characters after the last one that cannot be part of a name.
    for (let i = name.length - 1; i >= 0; i--) {
      if (NOT_IN_NAME.test(name[i]!)) {
        name = name.slice(i + 1);
        break;
      }
    }
    if (name.length > 0) return { name, title: m[2]! };
  }
  for (const re of [EN_LEADER, EN_LEADER_BEFORE]) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m) return { name: m[2]!, title: m[1]!.replace(/\s+/g, ' ') };
  }
  return null;
}

const TITLE_ANYWHERE = new RegExp(`(?:${ZH_TITLES})?(?:同志)?$`);

/**
 * A name typed in answer to "who is the leader in charge": 王副市长, 王伟, 王伟同志, "Vice Mayor
 * Wang", "Wang". Gives the name part to match against registered leaders, or null for nothing.
 */
export function leaderNameOf(typed: string): string | null {
  const t = typed
    .trim()
    .replace(/^[@请由]+/, '')
    .replace(/[。.!！]+$/, '')
    .trim();
  if (!t) return null;
  const en = /^(?:(?:Executive\s+)?(?:Vice|Deputy)\s+\w+|Mayor|Governor|Director|Secretary-General)\s+([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)$/i.exec(t);
  if (en) return en[1]!;
  const zh = t.replace(TITLE_ANYWHERE, '').trim();
  return zh.length > 0 ? zh : null;
}
