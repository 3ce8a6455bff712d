/** Up to two initials from the words of a display name; words with no letter or digit ("(you)", "-") are skipped. */
export function initialsOf(name: string): string {
  const firsts = name
    .split(/\s+/)
    .map((w) => w.match(/[\p{L}\p{N}]/u)?.[0])
    .filter((c): c is string => !!c);
  return firsts.slice(0, 2).map((c) => c.toLocaleUpperCase()).join('') || '?';
}

/** A stable hue (0–359) for a name, so one person has one colour everywhere. */
export function avatarHue(name: string): number {
  return [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
}
