import { describe, expect, it } from 'vitest';
import { ApiRoutes } from '../apiRoutes.js';

const route = (service: string, method: string, path: string) => ({ service, functionName: `${service}-${method}-${path}`, method, path });

describe('API routes', () => {
  const routes = new ApiRoutes();
  routes.set('destinations', [
    route('destinations', 'GET', '/destinations/{id}'),
    route('destinations', 'POST', '/destinations'),
    route('destinations', 'GET', '/destinations/recent'),
  ]);
  routes.set('files', [route('files', 'ANY', '/files/{proxy+}'), route('files', 'GET', '/files/{proxy+}')]);

  it('prefers a literal segment to a parameter, and decodes parameters', () => {
    expect(routes.match('GET', '/destinations/recent')?.route.path).toBe('/destinations/recent');
    expect(routes.match('GET', '/destinations/a%20b')).toMatchObject({ route: { path: '/destinations/{id}' }, pathParameters: { id: 'a b' } });
  });

  it('gives a greedy parameter the rest of the path, and prefers a method over ANY', () => {
    expect(routes.match('GET', '/files/a/b/c')).toMatchObject({ route: { method: 'GET' }, pathParameters: { proxy: 'a/b/c' } });
    expect(routes.match('DELETE', '/files/a')).toMatchObject({ route: { method: 'ANY' } });
    expect(routes.match('GET', '/files')).toBeUndefined();
  });

  it('matches nothing for another method or a longer path', () => {
    expect(routes.match('DELETE', '/destinations/x')).toBeUndefined();
    expect(routes.match('GET', '/destinations/x/y')).toBeUndefined();
  });

  it('refuses a route another service owns, and changes nothing', () => {
    expect(() => routes.set('copycat', [route('copycat', 'GET', '/destinations/{name}')])).toThrow(/already served by service destinations/);
    expect(routes.list().some((r) => r.service === 'copycat')).toBe(false);
    routes.set('copycat', [route('copycat', 'PUT', '/destinations/{name}')]);
    expect(routes.match('PUT', '/destinations/x')?.route.service).toBe('copycat');
  });
});
