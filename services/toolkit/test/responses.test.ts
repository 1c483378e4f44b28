import { describe, expect, it } from 'vitest';
import { header } from '../http/headers.js';
import { accepted, CACHE_CONTROL, found, problem } from '../http/responses.js';
import { apiGatewayEvent } from './support/lambdaEvents.js';

describe('responses: one Cache-Control rule set', () => {
  it('a found read may be cached five seconds by any cache', () => {
    expect(found({ id: 'a' })).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=5' }, body: '{"id":"a"}' });
  });

  it('a command is never stored by a cache', () => {
    expect(accepted({ id: 'a' })).toMatchObject({ statusCode: 202, headers: { 'cache-control': 'no-store' } });
  });

  it.each([400, 404, 405, 413, 415, 500, 503])('an error (%i), a 404 included, is never stored by a cache and says why as {message}', (status) => {
    const result = problem(status, 'what to do');
    expect(result).toMatchObject({ statusCode: status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': CACHE_CONTROL.never } });
    expect(JSON.parse(result.body)).toEqual({ message: 'what to do' });
  });

  it('a problem keeps extra headers (Allow on a 405)', () => {
    expect(problem(405, 'use POST', { allow: 'POST' }).headers).toMatchObject({ allow: 'POST', 'cache-control': 'no-store' });
  });
});

describe('header', () => {
  it('finds a header whatever its case, and copes with API Gateway’s null headers', () => {
    expect(header(apiGatewayEvent({ headers: { 'Content-Type': 'application/json' } }), 'content-type')).toBe('application/json');
    expect(header({ headers: null }, 'host')).toBeUndefined();
  });
});
