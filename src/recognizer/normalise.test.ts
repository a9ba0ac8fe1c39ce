import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OCR_REFERENCE } from '../../test/helpers/fixtures.ts';
import { h2z, normalise } from './normalise.ts';

const REFERENCE = path.join(OCR_REFERENCE, 'reference.json');
const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
  normalise: { input: string; output: string }[];
};

describe('normalise (manga-ocr post_process)', () => {
  it('reproduces all 160 reference strings (real manga-ocr + jaconv 0.5)', () => {
    expect(reference.normalise).toHaveLength(160);
    const wrong = reference.normalise.filter(({ input, output }) => normalise(input) !== output);
    expect(wrong).toEqual([]);
  });

  it('passes the reference vectors', () => {
    expect(normalise(' A 12…・・. ｶﾞﾊﾟ ')).toBe('Ａ１２．．．．．．ガパ');
    expect(normalise('・ ﾞ')).toBe('・ﾞ');
  });

  it('removes Python whitespace but not U+FEFF or U+200B', () => {
    expect(normalise('a\u3000b\u00a0c\u2009d\x1ce\x85f')).toBe('ａｂｃｄｅｆ');
    expect(normalise('a\ufeffb\u200bc')).toBe('ａ\ufeffｂ\u200bｃ');
  });

  it('keeps a single ・ and turns mixed runs into dots', () => {
    expect(normalise('あ・い')).toBe('あ・い');
    expect(normalise('・.・')).toBe('．．．');
    expect(normalise('……')).toBe('．．．．．．');
  });

  it('composes voiced marks only for the pairs jaconv lists', () => {
    expect(h2z('ｳﾞｧｲｵﾘﾝ')).toBe('ヴァイオリン');
    expect(h2z('ﾎﾟｹｯﾄ')).toBe('ポケット');
    expect(h2z('ｱﾞ')).toBe('アﾞ'); // not a jaconv pair: the mark stays half-width
    expect(h2z('ｶ ﾞ')).toBe('カ　ﾞ'); // h2z alone keeps the space (as U+3000)
    expect(normalise('ｶ ﾞ')).toBe('ガ'); // post_process removes it first
  });

  it('maps the whole printable ASCII range and digits', () => {
    let ascii = '';
    let full = '';
    for (let c = 0x21; c <= 0x7e; c++) {
      ascii += String.fromCharCode(c);
      full += String.fromCharCode(c - 0x21 + 0xff01);
    }
    expect(h2z(ascii)).toBe(full);
    expect(h2z('0123456789')).toBe('０１２３４５６７８９');
    expect(h2z('｡｢｣､･ｰ')).toBe('。「」、・ー');
  });

  it('leaves hiragana, kanji, full-width text and 〜 alone', () => {
    expect(normalise('素直にあやまるしか〜！')).toBe('素直にあやまるしか〜！');
  });
});
