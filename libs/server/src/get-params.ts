/**
 * The GraphQL parameters of a GET request, as Apollo will read them: `query` and
 * `operationName` as given, `variables` and `extensions` parsed from JSON when they parse
 * (otherwise left as text, for Apollo to refuse with its own message).
 */
export function paramsOfGet(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const key of ['query', 'operationName'] as const) {
    const value = search.get(key);
    if (value !== null) params[key] = value;
  }
  for (const key of ['variables', 'extensions'] as const) {
    const value = search.get(key);
    if (value === null) continue;
    try {
      params[key] = JSON.parse(value) as unknown;
    } catch {
      params[key] = value;
    }
  }
  return params;
}
