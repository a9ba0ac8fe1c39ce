/**
 * manga-ocr's character tokenizer, decode direction only (kha-white/manga-ocr manga_ocr/ocr.py,
 * kha-white/manga-ocr-base vocab.txt). BertJapaneseTokenizer joins tokens with spaces and glues `##`
 * continuations; post_process then removes every space, so concatenating `vocab[id]` for id ≥ 5 with a
 * leading `##` stripped gives the same text.
 */

/** decoder vocabulary size of manga-ocr-base (kha-white/manga-ocr manga_ocr_dev/training/get_model.py; mayocream/koharu checks the vocab length) */
export const VOCAB_SIZE = 6144;
// ids 0–4 are [PAD] [UNK] [CLS] [SEP] [MASK] (vocab.txt lines 0–4)
/** [PAD] (pad_token_id 0 in manga_ocr_dev/training/get_model.py and Hugging Face yifever/manga-ocr generation_config.json) */
export const PAD_ID = 0;
/** [CLS], the decoder start token (manga_ocr_dev/training/get_model.py decoder_start_token_id) */
export const START_ID = 2;
/** [SEP], end of sequence (manga_ocr_dev/training/get_model.py eos_token_id) */
export const EOS_ID = 3;
/** ids below this are special tokens, skipped by decode (skip_special_tokens; as mayocream/koharu, xulihang/mangaocr4j, ogkalu2/comic-translate do) */
const FIRST_TEXT_ID = 5;
/** WordPiece continuation prefix (BertJapaneseTokenizer, character subwords) */
const CONTINUATION = '##';

export interface Tokenizer {
  readonly vocab: readonly string[];
  /** ids → text, before normalisation */
  decode(ids: ArrayLike<number>): string;
}

/** Parse vocab.txt (LF or CRLF; one trailing empty line tolerated) and check its size. */
export function parseVocab(text: string, expectedSize = VOCAB_SIZE): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length !== expectedSize) {
    throw new Error(
      `vocab.txt has ${lines.length} entries, expected ${expectedSize}: not the manga-ocr-base vocabulary`,
    );
  }
  return lines;
}

export function createTokenizer(vocabText: string, expectedSize = VOCAB_SIZE): Tokenizer {
  const vocab = parseVocab(vocabText, expectedSize);
  const pieces = vocab.map((t) => (t.startsWith(CONTINUATION) ? t.slice(CONTINUATION.length) : t));
  return {
    vocab,
    decode(ids) {
      let text = '';
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id >= FIRST_TEXT_ID && id < pieces.length) text += pieces[id];
      }
      return text;
    },
  };
}
