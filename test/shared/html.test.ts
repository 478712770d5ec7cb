import { describe, expect, it } from 'vitest';
import { displayName, mention } from '../../src/shared/html.js';

describe('displayName', () => {
  it('joins Chinese name parts without a space, as Chinese is written', () => {
    expect(displayName({ id: 1, firstName: '李', lastName: '市长' })).toBe('李市长');
    expect(displayName({ id: 1, firstName: '欧阳', lastName: '娜娜' })).toBe('欧阳娜娜');
  });

  it('keeps the space between Latin parts, and between a Latin and a Chinese part', () => {
    expect(displayName({ id: 1, firstName: 'Li', lastName: 'Mayor' })).toBe('Li Mayor');
    expect(displayName({ id: 1, firstName: 'Anna', lastName: '王' })).toBe('Anna 王');
  });

  it('falls back to the one part there is, then the @username, then the id', () => {
    expect(displayName({ id: 1, firstName: '李', lastName: null })).toBe('李');
    expect(displayName({ id: 1, firstName: ' ', lastName: '市长 ' })).toBe('市长');
    expect(displayName({ id: 1, firstName: '', username: 'li_mayor' })).toBe('@li_mayor');
    expect(displayName({ id: 42 })).toBe('42');
  });

  it('is what a mention shows', () => {
    expect(mention({ id: 7, firstName: '李', lastName: '市长' })).toBe('<a href="tg://user?id=7">李市长</a>');
  });
});
