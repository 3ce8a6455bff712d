/**
 * The built-in planner: splits an idea into scene prompts deterministically (same idea and count,
 * same plan), so storyboards work with no keys and tests can predict every prompt.
 */

/** What each part of a film does, by where the scene sits in it (0 = first, 1 = last). */
const BEATS: [number, string][] = [
  [0, 'Opening shot, establishing the scene'],
  [0.34, 'The action develops'],
  [0.67, 'The turning point'],
  [0.99, 'Closing shot, the resolution'],
];

/** The idea's sentences (a sentence ends at . ! ? ; or a line break), trimmed, none empty. */
export function sentencesOf(idea: string): string[] {
  return idea.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim().replace(/[.;]+$/, '')).filter(Boolean);
}

/** N scene prompts: the idea's sentences spread over the scenes (grouped when there are more), each with its beat. */
export function planLocally(idea: string, count: number): string[] {
  const sentences = sentencesOf(idea);
  if (!sentences.length) sentences.push(idea.trim());
  return Array.from({ length: count }, (_, k) => {
    const from = Math.floor((k * sentences.length) / count);
    const to = Math.max(from + 1, Math.floor(((k + 1) * sentences.length) / count));
    const text = sentences.slice(from, to).join('. ');
    if (count === 1) return `${text}. One continuous shot.`;
    const at = k / (count - 1);
    const beat = [...BEATS].reverse().find(([min]) => at >= min)![1];
    return `${beat}: ${text}.`;
  });
}

/**
 * The continuity pass: every scene after the first says it carries the same characters, setting,
 * light and style, naming them from the idea's first sentence (where ideas introduce them).
 */
export function continuityLocally(idea: string, scenes: string[]): string[] {
  const anchor = sentencesOf(idea)[0] ?? idea.trim();
  return scenes.map((s, k) => (k === 0
    ? `${s} Cinematic, natural light, one consistent style throughout.`
    : `${s} Same characters, setting, light and style as the previous scene (${anchor}).`));
}
