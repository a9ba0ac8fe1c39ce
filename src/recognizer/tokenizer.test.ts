import { describe, expect, it } from 'vitest';
import { createTokenizer, parseVocab, VOCAB_SIZE } from './tokenizer.ts';

function vocabText(eol: string, trailing: boolean): string {
  const tokens = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'あ', '##い', '漢', '##'];
  while (tokens.length < VOCAB_SIZE) tokens.push(`t${tokens.length}`);
  return tokens.join(eol) + (trailing ? eol : '');
}

describe('tokenizer', () => {
  it('accepts LF and CRLF, with or without a final newline', () => {
    for (const eol of ['\n', '\r\n']) {
      for (const trailing of [true, false]) {
        const vocab = parseVocab(vocabText(eol, trailing));
        expect(vocab).toHaveLength(VOCAB_SIZE);
        expect(vocab[6]).toBe('##い');
      }
    }
  });

  it('rejects a vocabulary of the wrong size with a clear message', () => {
    expect(() => parseVocab('a\nb\n')).toThrow(/2 entries, expected 6144/);
    expect(() => parseVocab(vocabText('\n', true) + '\n')).toThrow(/6145 entries/);
  });

  it('skips special ids, strips ## and concatenates', () => {
    const tok = createTokenizer(vocabText('\n', true));
    expect(tok.decode([2, 5, 6, 0, 7, 1, 4, 3])).toBe('あい漢');
    expect(tok.decode([8])).toBe(''); // a bare "##" becomes empty
    expect(tok.decode(new Int32Array([7, 99999]))).toBe('漢');
  });
});
