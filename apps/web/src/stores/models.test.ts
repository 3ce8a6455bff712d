import { describe, expect, it } from 'vitest';
import { makeModel } from '../test/fixtures';
import { pickDefaultModel } from './models';

const animate = makeModel({ id: 'm-animate', name: 'Local animate', input_type: 'IMAGE' });
const image = makeModel({ id: 'm-image', name: 'Local image', input_type: 'TEXT', model_type: 'IMAGE' });
const video = makeModel({ id: 'm-video', name: 'Local video', input_type: 'TEXT' });

describe('the model a generate panel opens with', () => {
  it('is the first that starts from text, not an image-input model that needs a parent', () => {
    expect(pickDefaultModel([animate, image, video], null)?.id).toBe('m-image');
  });

  it('is the one last used in this browser while it is still offered', () => {
    expect(pickDefaultModel([animate, image, video], 'm-video')?.id).toBe('m-video');
    expect(pickDefaultModel([animate, image, video], 'm-animate')?.id).toBe('m-animate');
    expect(pickDefaultModel([animate, image, video], 'm-gone')?.id).toBe('m-image');
  });

  it('falls back to the first model when none starts from text, and to nothing when there are none', () => {
    expect(pickDefaultModel([animate], null)?.id).toBe('m-animate');
    expect(pickDefaultModel([], null)).toBeUndefined();
  });
});
