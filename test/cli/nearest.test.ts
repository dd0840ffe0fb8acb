import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, nearest, orList } from '../../src/core/nearest.ts';

const COMMANDS = [
  'init',
  'hook',
  'check',
  'replay',
  'sessions',
  'session',
  'incidents',
  'incident',
  'report',
  'doctor',
  'calibrate',
  'postmortem',
  'serve',
  'oncall',
];

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['check', 'check', 0],
    ['chek', 'check', 1],
    ['incidnets', 'incidents', 1],
    ['jsno', 'json', 1],
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  const word = fc.string({ maxLength: 12 });
  it('is zero only for equal words, symmetric, and at most the longer length', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });

  it('one edit is distance one', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 12 }), fc.nat(), (w, n) => {
        const i = n % (w.length - 1);
        const swapped = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
        const dropped = w.slice(0, i) + w.slice(i + 1);
        expect(editDistance(w, dropped)).toBe(1);
        expect(editDistance(w, swapped)).toBe(w[i] === w[i + 1] ? 0 : 1);
      }),
    );
  });
});

describe('nearest', () => {
  it.each([
    ['chek', ['check']],
    ['Check', ['check']],
    ['incidnets', ['incidents']],
    ['sesions', ['sessions']],
    ['sesion', ['session']],
    ['reprot', ['report']],
    ['doctr', ['doctor']],
    ['postmotem', ['postmortem']],
    ['serv', ['serve']],
    ['inc', ['incidents', 'incident']],
    ['cal', ['calibrate']],
    ['x', []],
    ['frobnicate', []],
    ['zzzzzz', []],
    ['', []],
  ])('%s -> %j', (typed, expected) => {
    expect(nearest(typed, COMMANDS)).toEqual(expected);
  });

  it('never suggests more than three words, and only known ones', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), (typed) => {
        const s = nearest(typed, COMMANDS);
        expect(s.length).toBeLessThanOrEqual(3);
        for (const w of s) expect(COMMANDS).toContain(w);
      }),
    );
  });
});

describe('orList', () => {
  it.each([
    [[], ''],
    [['a'], '"a"'],
    [['a', 'b'], '"a" or "b"'],
    [['a', 'b', 'c'], '"a", "b" or "c"'],
  ])('%j -> %s', (words, text) => {
    expect(orList(words)).toBe(text);
  });
});
