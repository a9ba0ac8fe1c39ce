import { describe, expect, it } from 'vitest';
import { foreignRequest } from './same-machine.ts';

describe('keyless local API: requests for this machine only', () => {
  it('takes loopback names and addresses, the bound host, and no Host at all', () => {
    for (const host of ['localhost:8000', 'LocalHost.:8000', '127.0.0.1:8000', '127.1.2.3', '[::1]:8000', 'demo.localhost:8000', undefined]) {
      expect(foreignRequest({ host }, 'localhost'), String(host)).toBeUndefined();
    }
    expect(foreignRequest({ host: 'box.lan:8000' }, 'box.lan')).toBeUndefined();
  });

  it('refuses other names (DNS rebinding) and other addresses unless bound to all interfaces', () => {
    expect(foreignRequest({ host: 'attacker.example:8000' }, 'localhost')).toMatch(/not for host attacker\.example:8000/);
    expect(foreignRequest({ host: 'localhost.attacker.example' }, 'localhost')).toMatch(/not for host/);
    expect(foreignRequest({ host: '10.0.0.5:8000' }, 'localhost')).toMatch(/not for host/);
    expect(foreignRequest({ host: '10.0.0.5:8000' }, '0.0.0.0')).toBeUndefined();
    expect(foreignRequest({ host: 'attacker.example:8000' }, '0.0.0.0')).toMatch(/not for host/);
  });

  it("takes only the API's own Origin", () => {
    expect(foreignRequest({ host: 'localhost:8000', origin: 'http://localhost:8000' }, 'localhost')).toBeUndefined();
    for (const origin of ['http://localhost:8001', 'https://localhost:8000', 'null', 'https://evil.example']) {
      expect(foreignRequest({ host: 'localhost:8000', origin }, 'localhost'), origin).toMatch(/requests from other sites are refused/);
    }
    expect(foreignRequest({ origin: 'http://localhost:8000' }, 'localhost')).toMatch(/other sites/);
  });
});
