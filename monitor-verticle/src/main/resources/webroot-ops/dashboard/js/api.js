// The admin REST API of the operations port, called with the operator's token (Authorization: Bearer).
//
// Every call resolves (never rejects) to {ok, status, data, missing, error}: `missing` when the route does not exist
// on this server (404 from a route this dashboard knows but an older server lacks), so a panel can say "not
// available" instead of failing. 401/403 also call onAuthError, which sends the operator back to the token prompt.

export class Api {
  /**
   * @param {() => string|null} token the current admin token
   * @param {(status: number, problem: object) => void} onAuthError
   */
  constructor(token, onAuthError) {
    this.token = token;
    this.onAuthError = onAuthError;
    this.missing = new Set(); // paths that answered 404 without a problem body naming a resource
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  delete(path) {
    return this.request('DELETE', path);
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json' };
    const token = this.token();
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let resp;
    try {
      resp = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      return { ok: false, status: 0, data: null, error: 'network error: ' + (e && e.message ? e.message : e) };
    }
    let data = null;
    const text = await resp.text().catch(() => '');
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = { text };
      }
    }
    const result = { ok: resp.ok, status: resp.status, data };
    if (!resp.ok) {
      result.error = (data && (data.detail || data.message || data.title || data.code)) || `HTTP ${resp.status}`;
      // A route this server does not have answers Vert.x's plain 404 (no JSON problem): "not available".
      // A known route's own 404 (an unknown connection, trace or symbol) comes with a problem body.
      if (resp.status === 404 && !(data && (data.code || data.status))) {
        result.missing = true;
        this.missing.add(path.split('?')[0]);
      }
      if (resp.status === 401 || resp.status === 403) this.onAuthError(resp.status, data || {});
    }
    return result;
  }
}

/** "GET /admin/alerts is not available on this server" and similar, for a panel's placeholder. */
export function unavailable(method, path, result) {
  if (result.missing) return `${method} ${path} is not available on this server (404).`;
  if (result.status === 0) return `${method} ${path} failed: ${result.error}.`;
  return `${method} ${path} answered ${result.status}: ${result.error}.`;
}
