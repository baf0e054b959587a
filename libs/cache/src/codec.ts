/** JSON that keeps Dates: they are stored as `{"$date": iso}` and revived as Dates. */
export function encode(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key, current: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : current;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_, value: unknown) => {
    if (value && typeof value === 'object' && '$date' in value && Object.keys(value).length === 1) {
      return new Date((value as { $date: string }).$date);
    }
    return value;
  }) as T;
}
