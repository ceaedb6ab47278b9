// Retry policies of the outbound clients, configured through retry libraries.
import axios from 'axios';
import axiosRetry from 'axios-retry';
import pRetry from 'p-retry';
import { backOff } from 'exponential-backoff';

export const catalog = axios.create({ baseURL: process.env.CATALOG_URL, timeout: 3_000 });

// retry-without-backoff: axios-retry's default retryDelay is no delay at all
axiosRetry(catalog, { retries: 3 });

export const search = axios.create({ baseURL: process.env.SEARCH_URL, timeout: 3_000 });
// ✅ exponential delay with up to 20 % random
axiosRetry(search, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

// retry-without-jitter: p-retry doubles the delay but `randomize` defaults to false
export function refreshPrices(sku: string) {
  return pRetry(() => catalog.post(`/prices/${sku}/refresh`), { retries: 5 });
}

// ✅ randomized
export function refreshImages(sku: string) {
  return pRetry(() => catalog.post(`/images/${sku}/refresh`), { retries: 5, randomize: true });
}

// retry-without-jitter: exponential-backoff's jitter defaults to 'none'
export function loadFacets() {
  return backOff(() => search.get('/facets'), { numOfAttempts: 4, startingDelay: 200 });
}
