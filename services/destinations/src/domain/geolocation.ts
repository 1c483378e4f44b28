import type { Location } from './events.js';

export type GeolocationVerdict = { valid: true } | { valid: false; reason: string };

/**
 * Whether a location is a place on Earth: latitude within [-90, 90], longitude within [-180, 180],
 * both finite numbers. The API lets any bounded number through; this is the one place that decides.
 */
export function checkGeolocation(location: Location): GeolocationVerdict {
  const { lat, lon } = location;
  if (typeof lat !== 'number' || !Number.isFinite(lat)) return { valid: false, reason: 'latitude is not a finite number' };
  if (typeof lon !== 'number' || !Number.isFinite(lon)) return { valid: false, reason: 'longitude is not a finite number' };
  if (lat < -90 || lat > 90) return { valid: false, reason: 'latitude must be between -90 and 90' };
  if (lon < -180 || lon > 180) return { valid: false, reason: 'longitude must be between -180 and 180' };
  return { valid: true };
}
