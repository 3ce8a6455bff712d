/**
 * Reads a value out of a provider's JSON answer.
 * Paths are dot-separated keys and indexes: `data.taskId`, `output.0`, `data[0].imageURL`.
 * `[*]` (or `.*`) collects from every element of an array: `data[*].b64_json`.
 * A string met before the path ends is parsed as JSON and walked on, which is how Kie's
 * `data.resultJson.resultUrls` reads a field that holds JSON as text.
 */
export function readPath(root: unknown, path: string | undefined | null): unknown {
  if (!path) return undefined;
  const segments = path.replace(/\[(\d+|\*)\]/g, '.$1').split('.').filter(Boolean);
  return walk(root, segments);
}

function walk(value: unknown, segments: string[]): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  if (typeof value === 'string') {
    const parsed = parseJsonText(value);
    return parsed === undefined ? undefined : walk(parsed, segments);
  }
  if (head === '*') {
    if (!Array.isArray(value)) return undefined;
    return value.flatMap((item) => {
      const found = walk(item, rest);
      return found === undefined ? [] : Array.isArray(found) ? found : [found];
    });
  }
  if (Array.isArray(value) && /^\d+$/.test(head)) return walk(value[Number(head)], rest);
  if (value && typeof value === 'object') return walk((value as Record<string, unknown>)[head], rest);
  return undefined;
}

function parseJsonText(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** A path's value as a list of non-empty strings (result URLs may be one string or an array). */
export function readStrings(root: unknown, path: string | undefined | null): string[] {
  const v = readPath(root, path);
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string' && x.length > 0);
}
