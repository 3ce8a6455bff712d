import { ProviderError } from '../errors.js';

/**
 * Placeholders: `{{name}}` is optional, `{{name!}}` is required.
 * - A placeholder that is the whole string keeps the value's JSON type (number, boolean, array, object),
 *   so `"{{duration}}"` sends 8 and `["{{image_url}}"]` stays an array.
 * - Inside a longer string it interpolates (objects and arrays as JSON).
 * - An optional placeholder with no value is dropped with its key (or its array element), and
 *   interpolates as ''; an object that only such placeholders filled is dropped as well.
 *   A required one with no value is a template_invalid error naming it.
 */
const WHOLE = /^\{\{\s*([A-Za-z_][\w.]*)(!?)\s*\}\}$/;
const INLINE = /\{\{\s*([A-Za-z_][\w.]*)(!?)\s*\}\}/g;

/** Marks "no value here": removed from objects and arrays by the walker. */
const DROP = Symbol('drop');

export type TemplateVars = Record<string, unknown>;

export function renderTemplate(template: unknown, vars: TemplateVars): unknown {
  const out = walk(template, vars, '$');
  return out === DROP ? undefined : out;
}

/** Interpolates every placeholder as text (URLs, headers): values are URI-encoded when `encode` is set. */
export function interpolate(text: string, vars: TemplateVars, encode = false): string {
  return text.replace(INLINE, (_m, name: string, bang: string) => {
    const value = lookup(vars, name);
    if (isMissing(value)) {
      if (bang) throw missing(name, text);
      return '';
    }
    const s = typeof value === 'string' ? value : JSON.stringify(value);
    return encode ? encodeURIComponent(s) : s;
  });
}

function walk(node: unknown, vars: TemplateVars, at: string): unknown {
  if (typeof node === 'string') {
    const whole = WHOLE.exec(node);
    if (!whole) return interpolate(node, vars);
    const value = lookup(vars, whole[1]);
    if (!isMissing(value)) return value;
    if (whole[2]) throw missing(whole[1], at);
    return DROP;
  }
  if (Array.isArray(node)) {
    return node.map((item, i) => walk(item, vars, `${at}[${i}]`)).filter((v) => v !== DROP);
  }
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    let dropped = false;
    for (const [key, child] of Object.entries(node)) {
      const value = walk(child, vars, `${at}.${key}`);
      if (value !== DROP) out[key] = value;
      else dropped = true;
    }
    // an object left empty by dropped placeholders goes too (no `providerSettings: {vidu: {}}`)
    return dropped && at !== '$' && Object.keys(out).length === 0 ? DROP : out;
  }
  return node;
}

/** `a.b` reads nested vars; a flat key containing dots wins. */
function lookup(vars: TemplateVars, name: string): unknown {
  if (Object.hasOwn(vars, name)) return vars[name];
  return name.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), vars);
}

const isMissing = (v: unknown) => v === undefined || v === null || v === '';

function missing(name: string, at: string): ProviderError {
  return new ProviderError('template_invalid', `The model's request template needs "${name}" (at ${at}) but the generation has no value for it: fill it in, or give the parameter a default.`);
}

/** Every placeholder name a template uses, for admin checks. */
export function placeholdersOf(template: unknown): string[] {
  const names = new Set<string>();
  const visit = (n: unknown) => {
    if (typeof n === 'string') for (const m of n.matchAll(INLINE)) names.add(m[1]);
    else if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') Object.values(n).forEach(visit);
  };
  visit(template);
  return [...names];
}
