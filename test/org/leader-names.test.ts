import { describe, expect, it } from 'vitest';
import { findLeaderByName } from '../../src/org/org.models.js';
import { leaderNameOf } from '../../src/parser/leaders.js';

const leaders = [
  { id: 1, firstName: '李', lastName: '市长', username: null },
  { id: 2, firstName: '王伟', lastName: null, username: 'wangwei' },
  { id: 3, firstName: '王', lastName: '副市长', username: null },
  { id: 4, firstName: 'Wei', lastName: 'Zhang', username: null },
  { id: 5, firstName: '赵', lastName: '副市长', username: null },
];

describe('the leader a name in an instruction means', () => {
  it('finds one leader by surname, full name or a Latin name word', () => {
    expect(findLeaderByName(leaders, '李', '市长')).toBe(1);
    expect(findLeaderByName(leaders, '王伟')).toBe(2);
    expect(findLeaderByName(leaders, 'Zhang', 'Vice Mayor')).toBe(4);
    expect(findLeaderByName(leaders, 'wei zhang')).toBe(4);
  });

  it('narrows several by the title in their Telegram name, and otherwise proposes nobody', () => {
    expect(findLeaderByName(leaders, '王', '副市长')).toBe(3);
    expect(findLeaderByName(leaders, '王', '书记')).toBeNull();
    expect(findLeaderByName(leaders, '钱', '副市长')).toBeNull();
    expect(findLeaderByName(leaders, '  ')).toBeNull();
  });

  it('reads a typed answer to the 分管领导 prompt as a name', () => {
    expect(leaderNameOf('王副市长')).toBe('王');
    expect(leaderNameOf('王伟同志')).toBe('王伟');
    expect(leaderNameOf('Vice Mayor Wang')).toBe('Wang');
    expect(leaderNameOf('  ')).toBeNull();
  });
});
