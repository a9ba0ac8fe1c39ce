import type { CropSearch, DecodeOptions } from './crop-search.ts';
import { bannedTokens } from './ngram-ban.ts';

/** initial score of beams 1..n−1, so the first step expands beam 0 only (HF ≤4.x beam_search) */
const INACTIVE_BEAM_SCORE = -1e9;
/** BeamHypotheses starts with this worst score (HF ≤4.x `worst_score = 1e9`) */
const INITIAL_WORST_SCORE = 1e9;

interface Hypothesis {
  score: number;
  tokens: number[];
}

/** HF BeamHypotheses: keeps the num_beams best finished sequences. */
function createHypotheses(numBeams: number, lengthPenalty: number, earlyStopping: boolean) {
  const beams: Hypothesis[] = [];
  let worst = INITIAL_WORST_SCORE;
  return {
    get size() {
      return beams.length;
    },
    /** `tokens` includes the start token and excludes EOS; its length is the penalty's length */
    add(tokens: number[], sumLogprobs: number): void {
      const score = sumLogprobs / tokens.length ** lengthPenalty;
      if (beams.length < numBeams || score > worst) {
        beams.push({ score, tokens });
        if (beams.length > numBeams) {
          // sorted((s, idx)): drop the lowest score, lowest index on ties
          const order = beams.map((b, i) => [b.score, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          beams.splice(order[0][1], 1);
          worst = order[1][0];
        } else {
          worst = Math.min(score, worst);
        }
      }
    },
    isDone(bestSumLogprobs: number, curLen: number): boolean {
      if (beams.length < numBeams) return false;
      if (earlyStopping) return true;
      return worst >= bestSumLogprobs / curLen ** lengthPenalty;
    },
    /** sorted(key=score).pop(): the highest score, the latest added on ties */
    best(): Hypothesis | undefined {
      let best: Hypothesis | undefined;
      for (const h of beams) if (!best || h.score >= best.score) best = h;
      return best;
    },
  };
}

/** log-sum-exp of one logits row: log_softmax(x) = x − lse */
function logSumExp(logits: Float32Array, offset: number, n: number): number {
  let max = -Infinity;
  for (let v = 0; v < n; v++) if (logits[offset + v] > max) max = logits[offset + v];
  let sum = 0;
  for (let v = 0; v < n; v++) sum += Math.exp(logits[offset + v] - max);
  return max + Math.log(sum);
}

/**
 * The logit below which `logit − lse + base` cannot exceed `score`: solved for the logit, less a
 * margin far above float64 rounding of the three terms, so the exact comparison still decides.
 */
function logitFloor(score: number, lse: number, base: number): number {
  return score + lse - base - 1e-9 * (1 + Math.abs(score) + Math.abs(lse) + Math.abs(base));
}

/** the first index in [from, end) whose value is above `floor` (not NaN), else `end` */
function firstAbove(values: Float32Array, from: number, end: number, floor: number): number {
  let i = from;
  while (i < end && !(values[i] > floor)) i++;
  return i;
}

/**
 * HF ≤4.x `beam_search` + `BeamSearchScorer` for one crop (huggingface/transformers
 * src/transformers/generation/utils.py, 4.x): log_softmax, n-gram ban, beam score added, top 2·beams
 * over beams × vocab; EOS candidates ranked < beams become hypotheses scored sum_logprob / len^penalty;
 * at the end live beams join the hypotheses and the best wins. `len` counts the start token, as HF 4.x
 * did; later transformers releases may count only generated tokens, which we deliberately do not follow
 * (pinned behaviour: kha-white/manga-ocr manga_ocr/ocr.py runs transformers 4.x `generate`).
 */
export function createBeamSearch(opts: DecodeOptions): CropSearch {
  const k = opts.numBeams;
  const want = 2 * k;
  const hyps = createHypotheses(k, opts.lengthPenalty, opts.earlyStopping);
  let beams: number[][] = Array.from({ length: k }, () => [opts.startId]);
  let scores: number[] = Array.from({ length: k }, (_, b) => (b === 0 ? 0 : INACTIVE_BEAM_SCORE));
  // the first call sends one row: all beams share the start prefix and so its logits
  let parents: number[] | null = null;
  let finished = false;
  const candScore = new Float64Array(want);
  const candIndex = new Int32Array(want);

  function finish(addLive: boolean): true {
    if (addLive) beams.forEach((seq, b) => hyps.add(seq, scores[b]));
    finished = true;
    return true;
  }

  return {
    rows: () => (parents ? { prefixes: beams, parents } : { prefixes: [beams[0]], parents: null }),
    advance(logits, firstRow, rowLse) {
      const firstCall = parents === null;
      const V = opts.vocabSize;
      let filled = 0;
      let lseOffset = -1;
      let lse = 0;
      for (let b = 0; b < k; b++) {
        // on the first call every beam reads the same row
        const row = firstRow + (firstCall ? 0 : b);
        const offset = row * V;
        if (offset !== lseOffset) {
          lse = rowLse ? rowLse[row] : logSumExp(logits, offset, V);
          lseOffset = offset;
        }
        const banned = bannedTokens(beams[b], opts.noRepeatNgramSize);
        const base = scores[b];
        // Once `want` candidates are held, a logit can only enter above the weakest one's score
        // taken back to logit scale; `floor` is that bound less a margin for rounding, a cheap
        // first test before the exact one on the score itself.
        let floor = filled < want ? -Infinity : logitFloor(candScore[want - 1], lse, base);
        for (let v = 0; v < V; v++) {
          if (filled === want) {
            v = firstAbove(logits, offset + v, offset + V, floor) - offset;
            if (v === V) break;
          }
          const s = logits[offset + v] - lse + base;
          // ascending flat index, so a tie never displaces an earlier candidate
          if (filled < want || s > candScore[filled - 1]) {
            if (banned.length > 0 && banned.includes(v)) continue; // set to −inf by the n-gram ban
            let i = filled < want ? filled++ : want - 1;
            while (i > 0 && candScore[i - 1] < s) {
              candScore[i] = candScore[i - 1];
              candIndex[i] = candIndex[i - 1];
              i--;
            }
            candScore[i] = s;
            candIndex[i] = b * V + v;
            if (filled === want) floor = logitFloor(candScore[want - 1], lse, base);
          }
        }
      }

      const curLen = beams[0].length;
      const nextBeams: number[][] = [];
      const nextScores: number[] = [];
      const nextParents: number[] = [];
      for (let rank = 0; rank < filled && nextBeams.length < k; rank++) {
        const beam = Math.floor(candIndex[rank] / V);
        const token = candIndex[rank] - beam * V;
        if (token === opts.eosId) {
          if (rank >= k) continue;
          hyps.add(beams[beam], candScore[rank]);
        } else {
          nextBeams.push([...beams[beam], token]);
          nextScores.push(candScore[rank]);
          nextParents.push(firstCall ? 0 : beam);
        }
      }
      const done = hyps.isDone(candScore[0], curLen);
      if (nextBeams.length < k) return finish(false); // only banned/-inf candidates left
      beams = nextBeams;
      scores = nextScores;
      parents = nextParents;
      if (done) return finish(false);
      if (beams[0].length >= opts.maxLength) return finish(true);
      return false;
    },
    result() {
      if (!finished) return [];
      return hyps.best()?.tokens.slice(1) ?? [];
    },
  };
}
