/* global fetch, window, CustomEvent */
// Every call goes to the same origin; the httpOnly session cookie authenticates it.

export class ApiError extends Error {
  constructor(status, problem, path) {
    super((problem && (problem.detail || problem.title)) || `The server answered ${status}`);
    this.status = status;
    this.problem = problem;
    this.path = path;
  }
}

export async function api(path, { method = 'GET', body, signal, quiet401 = false } = {}) {
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, { detail: 'Closeness cannot be reached. Check your connection and try again.' }, path);
  }
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    // An expired or revoked session sends everyone back to the sign-in page.
    if (res.status === 401 && !quiet401) window.dispatchEvent(new CustomEvent('closeness:unauthorized'));
    throw new ApiError(res.status, data, path);
  }
  return data;
}

/** Follows `nextCursor` until the list ends (or `maxPages`), for lists the UI filters locally. */
export async function apiAll(path, { signal, maxPages = 20, limit = 100 } = {}) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal });
    items.push(...((res && res.items) || []));
    cursor = res && res.nextCursor;
    if (!cursor) return { items, complete: true };
  }
  return { items, complete: false };
}

/** What to tell the user for an error: the reason in plain words and what they can do. */
export function explain(err) {
  if (!err) return '';
  if (err.status === 0) return err.message;
  if (err.status === 403) return 'Your role does not give access to this. Ask an administrator if you need it.';
  if (err.status === 404) return 'This was not found, or it is not in your portfolio.';
  if (err.status === 429) return 'Too many requests right now. Wait a moment and try again.';
  if (err.status === 503) return 'Closeness is temporarily unavailable (the database is not answering). Try again in a minute.';
  if (err.status >= 500) return 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.';
  const fields = err.problem && Array.isArray(err.problem.errors) ? err.problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ') : '';
  return fields ? `${err.message} (${fields})` : err.message;
}
