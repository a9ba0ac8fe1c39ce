import { describe, expect, it } from 'vitest';
import { createProgress } from './progress.ts';

describe('Progress', () => {
  it('redraws one line on a terminal: bar, pages done/total, pages/s, ETA, failures', () => {
    let out = '';
    let t = 0;
    const p = createProgress({ write: (s) => (out += s), tty: true, now: () => t });
    p.start(10, 2);
    p.volumeStarted('Vol 1', 10, 2);
    t = 2000;
    p.page(true);
    t = 4000;
    p.page(false);
    expect(out.split('\r\x1b[2K').at(-1)).toBe('[##########--------------] 4/10 pages  0.50 pages/s  ETA 0:12  1 failed  Vol 1');
    expect(out).not.toContain('\n');
    p.line('wrote Vol 1.mokuro');
    expect(out).toContain('\r\x1b[2Kwrote Vol 1.mokuro\n\r\x1b[2K[##########');
  });

  it('writes plain lines otherwise: each volume, and every tenth of the pages', () => {
    const lines: string[] = [];
    let t = 0;
    const p = createProgress({ write: (s) => lines.push(s), tty: false, now: () => t });
    p.start(20, 0);
    p.volumeStarted('Vol 1', 20, 0);
    for (let i = 0; i < 20; i++) {
      t += 500;
      p.page(true);
    }
    expect(lines[0]).toBe('Vol 1: 20 pages, 0 from the cache\n');
    expect(lines.length).toBe(11);
    expect(lines[1]).toBe('2/20 pages  2.00 pages/s  ETA 0:09  Vol 1\n');
    expect(lines.at(-1)).toBe('20/20 pages  2.00 pages/s  ETA 0:00  Vol 1\n');
  });
});
