/** Parses a JSON textarea, naming the field in the error a person sees. */
export function parseJsonField<T = unknown>(label: string, text: string, fallback: T): T {
  if (!text.trim()) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${label} is not valid JSON: ${(err as Error).message}`);
  }
}

export const pretty = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value, null, 2));
