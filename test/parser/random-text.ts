/**
 * Random instruction-like and hostile strings for the fuzz test and the benchmark: a seeded
 * generator, so a failure can be replayed. Mixes real fragments (unit names, role words, dates)
 * with noise: empty strings, 100 KB strings, emoji, lone surrogates and control characters.
 */

import { createRandom } from '../helpers/random.js';

export { createRandom };

const FRAGMENTS = [
  '请',
  '市住建局',
  '住建局',
  '市城管执法局',
  '城管局',
  '市自然资源局',
  '市交通委',
  '市规划研究中心',
  '牵头',
  '负责',
  '配合',
  '协助',
  '参与',
  '会同',
  '共同牵头',
  '阅处',
  '办理',
  '由',
  '、',
  ',',
  '，',
  '和',
  '及',
  ':',
  '：',
  ';',
  '。',
  '(',
  ')',
  '（',
  '）',
  '于',
  '前',
  '7月30日前',
  '2025年1月10日',
  '8月底前',
  '月底前',
  '年底前',
  '本周五前',
  '下周三前',
  '明天下午5点前',
  '三日内',
  '十五天内',
  '5个工作日内',
  '两周内',
  '每周报送进展',
  '每月5日前报送',
  '重点督办',
  '专项督办',
  '牵头单位:',
  '配合单位:',
  '时间节点:',
  '6月30日前完成方案制定',
  'Housing Bureau',
  ' to lead',
  ' leads',
  'Lead: ',
  'Support: ',
  ' with ',
  ' assisting',
  ' by 30 July',
  ' due 2024-08-15',
  ' due in 3 working days',
  ' next Friday',
  ' and ',
  '每',
  '日',
  '月',
  '周',
  '个',
  '工作日',
  '点',
  '时',
  '下午',
  '24小时内',
  '2月30日',
  '99月99日',
  '一二三四五六七八九十',
  '0000-00-00',
  '9999年12月31日',
];
const NOISE = [
  '😀',
  '👍🏻',
  '🇨🇳',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\r\n',
  '\t',
  ' ',
  '\u3000',
  '𠀀',
  'é',
  'ß',
  'İ',
  '\u202e',
];

/** One random string: mostly instruction-like fragments, sometimes pure noise, sometimes huge. */
export function randomText(random: () => number): string {
  const roll = random();
  if (roll < 0.02) return '';
  if (roll < 0.025) return hugeText(random, 100 * 1024);
  const pieces = 1 + Math.floor(random() * 40);
  let out = '';
  for (let i = 0; i < pieces; i++) {
    const r = random();
    if (r < 0.6) out += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)];
    else if (r < 0.8) out += NOISE[Math.floor(random() * NOISE.length)];
    else out += String.fromCharCode(Math.floor(random() * 0x10000));
  }
  return out;
}

/** A string of about `size` UTF-16 units: repeated fragments, emoji and control characters. */
export function hugeText(random: () => number, size: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const r = random();
    const piece = r < 0.7 ? FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]! : NOISE[Math.floor(random() * NOISE.length)]!;
    parts.push(piece);
    length += piece.length;
  }
  return parts.join('').slice(0, size);
}

/** Strings that have broken parsers before: one of each kind. */
export const NASTY_STRINGS: string[] = [
  '',
  ' ',
  '\u0000'.repeat(1000),
  '😀'.repeat(5000),
  '前'.repeat(20000),
  '每'.repeat(20000),
  '7月'.repeat(20000),
  '、'.repeat(50000),
  '市住建局'.repeat(25000),
  '牵头'.repeat(50000),
  'with '.repeat(20000),
  'a'.repeat(100 * 1024),
  '1'.repeat(100 * 1024),
  '十'.repeat(100 * 1024),
  '(((((((((('.repeat(10000),
  '\ud800',
  '\udfff\ud800',
];
