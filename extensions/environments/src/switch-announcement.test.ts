import { describe, expect, it } from 'vitest';

import { switchAnnouncement } from './switch-announcement';
import { englishTranslate } from './testing/translate';

const say = (status: Parameters<typeof switchAnnouncement>[0]) =>
  switchAnnouncement(status, 'PyTorch 2.7', englishTranslate);

describe('switchAnnouncement', () => {
  it('says that the server stops, then that it starts with the chosen environment, then that it is ready', () => {
    expect(say({ step: 'stopping' }).message).toBe('Stopping the server');
    expect(say({ step: 'starting', percent: 40, message: 'Pulling image' }).message).toBe(
      'Starting with PyTorch 2.7',
    );
    expect(say({ step: 'ready', url: '/user/a/lab', message: '' }).message).toBe(
      'Ready: the server runs PyTorch 2.7',
    );
  });

  it('keys every progress event of one step alike, so progress is announced once per step', () => {
    const a = say({ step: 'starting', percent: 10, message: 'a' });
    const b = say({ step: 'starting', percent: 90, message: 'b' });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(say({ step: 'stopping' }).key);
  });

  it('announces failures assertively with their reason', () => {
    const failed = say({ step: 'failed', message: 'Image pull failed' });
    expect(failed).toEqual({
      key: 'failed',
      message: 'The server failed to start: Image pull failed',
      politeness: 'assertive',
    });
    const error = say({ step: 'error', error: { title: 'Quota exceeded', fields: [] } });
    expect(error.message).toBe('The switch failed: Quota exceeded');
    expect(error.politeness).toBe('assertive');
    expect(say({ step: 'saving' }).politeness).toBe('polite');
  });
});
