import { VOCAB_SIZE } from './model-io.ts';

/** manga-ocr's special tokens, in id order (vocab.txt of kha-white/manga-ocr-base on Hugging Face: line index = id). */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

/**
 * A stand-in `vocab.txt` (line index = token id) shaped like cl-tohoku's character vocabulary: specials,
 * punctuation, kana, full-width alphanumerics, `##` continuations and then kanji from U+4E00 on until
 * exactly 6144 entries. Deterministic, so decoded stand-in text is stable across runs.
 */
export function buildVocab(): string[] {
  const punctuation = [...'、。！？「」『』（）…・ー～〜♪♡・：；，．'];
  const kana = [...range(0x3041, 0x3096), ...range(0x30a1, 0x30fa)];
  const alnum = [...range(0xff10, 0xff19), ...range(0xff21, 0xff3a), ...range(0xff41, 0xff5a), ...range(0x30, 0x39)];
  const continuations = [...'のがはをにでとっーんアイウ'].map((c) => `##${c}`);
  const tokens = [...SPECIAL_TOKENS, ...new Set([...punctuation, ...kana, ...alnum]), ...continuations];
  for (let cp = 0x4e00; tokens.length < VOCAB_SIZE; cp++) tokens.push(String.fromCodePoint(cp));
  return tokens;
}

/** File contents: one token per line, `\n` endings, trailing newline (as the published vocab.txt). */
export function vocabText(): string {
  return `${buildVocab().join('\n')}\n`;
}
