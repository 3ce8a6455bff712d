/**
 * Input rules of Replicate's google/veo-3.1 and google/veo-3.1-fast (their published input
 * schemas): `image` is the first frame, `last_frame` the last one and only with an `image`,
 * `duration` 4, 6 or 8 seconds, at most three `reference_images`, and images as URLs (or data
 * URIs). Answers the `- input.<field>: …` detail line of a 422, or null when the input is fine.
 */
export function veoInputProblem(model: string, input: Record<string, unknown>): string | null {
  if (!/^google\/veo-3\.1(-fast)?$/.test(model)) return null;
  const isImage = (v: unknown) => typeof v === 'string' && /^(https?:\/\/|data:image\/)/.test(v);
  if (typeof input.prompt !== 'string' || !input.prompt) return '- input: prompt is required';
  if (input.image !== undefined && !isImage(input.image)) return '- input.image: Does not match format \'uri\'';
  if (input.last_frame !== undefined && !isImage(input.last_frame)) return '- input.last_frame: Does not match format \'uri\'';
  if (input.last_frame !== undefined && input.image === undefined) return '- input.last_frame: last_frame requires image (the first frame)';
  if (input.duration !== undefined && ![4, 6, 8].includes(Number(input.duration))) return '- input.duration: duration must be one of the following: 4, 6, 8';
  if (Array.isArray(input.reference_images) && input.reference_images.length > 3) return '- input.reference_images: Array must have at most 3 items';
  return null;
}
