/**
 * manga-ocr's `post_process` (kha-white/manga-ocr manga_ocr/ocr.py, identical since v0.1.1), ported
 * exactly: whitespace removed, `…` → `...`, runs of `・`/`.` → dots, then jaconv 0.5 `h2z(kana=True,
 * ascii=True, digit=True)` (ikegami-yukino/jaconv jaconv/jaconv.py, jaconv/conv_table.py).
 *
 * The npm `jaconv` package is a different library (kazuhikoarase) with other tables, so the
 * width conversion is a table built from python-jaconv's own lists.
 */

/** Python `str.isspace()` code points, i.e. what `''.join(text.split())` removes (manga_ocr/ocr.py post_process). */
const PY_WHITESPACE =
  /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/g;

/** `…` → `...` (manga_ocr/ocr.py post_process). */
const ELLIPSIS = /…/g;

/** runs of two or more `・`/`.` become the same number of `.` (manga_ocr/ocr.py post_process `re.sub('[・.]{2,}', ...)`). */
const DOT_RUN = /[・.]{2,}/g;

/** jaconv.py `_conv_dakuten`: half-width kana + voiced/semi-voiced mark composed first, in this order. */
const DAKUTEN_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['ｶﾞ', 'ガ'], ['ｷﾞ', 'ギ'], ['ｸﾞ', 'グ'], ['ｹﾞ', 'ゲ'], ['ｺﾞ', 'ゴ'],
  ['ｻﾞ', 'ザ'], ['ｼﾞ', 'ジ'], ['ｽﾞ', 'ズ'], ['ｾﾞ', 'ゼ'], ['ｿﾞ', 'ゾ'],
  ['ﾀﾞ', 'ダ'], ['ﾁﾞ', 'ヂ'], ['ﾂﾞ', 'ヅ'], ['ﾃﾞ', 'デ'], ['ﾄﾞ', 'ド'],
  ['ﾊﾞ', 'バ'], ['ﾋﾞ', 'ビ'], ['ﾌﾞ', 'ブ'], ['ﾍﾞ', 'ベ'], ['ﾎﾞ', 'ボ'],
  ['ﾊﾟ', 'パ'], ['ﾋﾟ', 'ピ'], ['ﾌﾟ', 'プ'], ['ﾍﾟ', 'ペ'], ['ﾎﾟ', 'ポ'],
  ['ｳﾞ', 'ヴ'],
];

/** conv_table.py HALF_ASCII (`!`..`~`, then space). */
const HALF_ASCII =
  '!"#$%&\'()*+,-./:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~ ';
/** conv_table.py FULL_ASCII (U+FF01..U+FF5E, then U+3000). */
const FULL_ASCII =
  '！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～　';
/** conv_table.py HALF_DIGIT. */
const HALF_DIGIT = '0123456789';
/** conv_table.py FULL_DIGIT. */
const FULL_DIGIT = '０１２３４５６７８９';
/** conv_table.py HALF_KANA_SEION (the lone marks ﾞ ﾟ are not in it, so they stay half-width). */
const HALF_KANA_SEION =
  'ｧｱｨｲｩｳｪｴｫｵｶｷｸｹｺｻｼｽｾｿﾀﾁｯﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓｬﾔｭﾕｮﾖﾗﾘﾙﾚﾛﾜｦﾝｰヮヰヱヵヶヽヾ･｢｣｡､';
/** conv_table.py FULL_KANA_SEION. */
const FULL_KANA_SEION =
  'ァアィイゥウェエォオカキクケコサシスセソタチッツテトナニヌネノハヒフヘホマミムメモャヤュユョヨラリルレロワヲンーヮヰヱヵヶヽヾ・「」。、';

function zipTable(from: string, to: string): Map<string, string> {
  const a = [...from];
  const b = [...to];
  if (a.length !== b.length) throw new Error(`width table mismatch: ${a.length} vs ${b.length}`);
  return new Map(a.map((ch, i) => [ch, b[i]]));
}

/** jaconv `H2Z_ALL`: ASCII + digits + half-width kana (seion) to full width. */
const H2Z_ALL = zipTable(HALF_ASCII + HALF_DIGIT + HALF_KANA_SEION, FULL_ASCII + FULL_DIGIT + FULL_KANA_SEION);

/** jaconv.h2z(text, kana=True, ascii=True, digit=True) */
export function h2z(text: string): string {
  let out = text;
  for (const [half, full] of DAKUTEN_PAIRS) out = out.replaceAll(half, full);
  let result = '';
  for (const ch of out) result += H2Z_ALL.get(ch) ?? ch;
  return result;
}

/** manga-ocr `post_process`: the text a line finally carries. */
export function normalise(text: string): string {
  const squeezed = text
    .replace(PY_WHITESPACE, '')
    .replace(ELLIPSIS, '...')
    .replace(DOT_RUN, (run) => '.'.repeat(run.length));
  return h2z(squeezed);
}
