import { describe, expect, it } from 'vitest';
import { parseJsonBody } from './parse-json-body.ts';

describe('parseJsonBody', () => {
  it('parses JSON, and an empty body as no body', () => {
    expect(parseJsonBody('{"input":{"a":[1,"x",null]}}')).toEqual({ input: { a: [1, 'x', null] } });
    expect(parseJsonBody('  ')).toBeUndefined();
  });

  it('refuses keys that pollute prototypes, at any depth, naming them', () => {
    expect(() => parseJsonBody('{"input":{"__proto__":{"polluted":1}}}')).toThrow('request body: the key __proto__ is not allowed');
    expect(() => parseJsonBody('[{"constructor":{"prototype":{"x":1}}}]')).toThrow('request body: the key constructor.prototype is not allowed');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // an ordinary "constructor" field is fine
    expect(parseJsonBody('{"constructor":"Nintendo"}')).toEqual({ constructor: 'Nintendo' });
  });

  it('says when the text is not JSON', () => {
    expect(() => parseJsonBody('{"input":')).toThrow('request body is not valid JSON');
    expect(() => parseJsonBody('\ufeff{}')).toThrow('request body is not valid JSON');
  });

  it('takes deep nesting without overflowing the stack', () => {
    expect(parseJsonBody('['.repeat(50_000) + ']'.repeat(50_000))).toBeInstanceOf(Array);
    const deep = '{"constructor":'.repeat(50_000) + '{"prototype":1}' + '}'.repeat(50_000);
    expect(() => parseJsonBody(deep)).toThrow('request body: the key constructor.prototype is not allowed');
  });
});
