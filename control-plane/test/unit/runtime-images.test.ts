import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { missingOtherRuntimeImages } from '../../src/services/platform/runtime-images.js';

describe('missingOtherRuntimeImages', () => {
  const config = loadConfig({}, '/srv/pyhost');
  const having = (...images: string[]) => async (image: string) => images.includes(image);

  it('names each other Python whose image is missing, with what to run', async () => {
    const missing = await missingOtherRuntimeImages(config, having('pyhost-runtime:latest', 'pyhost-runtime:python39'));
    expect(missing.map((m) => [m.version, m.image])).toEqual([['3.13', 'pyhost-runtime:python313']]);
    expect(missing[0]?.message).toBe(
      'the runtime image pyhost-runtime:python313 for Python 3.13 is missing: web apps, websites and consoles on Python 3.13 cannot start (503) ' +
        'and python3.13 tasks fail until it is built. Run scripts/setup.sh (or scripts/build-runtime-image.sh 3.13) to build it.',
    );
  });

  it('is empty when every image is there, and never lists the default (start-up refuses without that one)', async () => {
    expect(await missingOtherRuntimeImages(config, having('pyhost-runtime:latest', 'pyhost-runtime:python39', 'pyhost-runtime:python313'))).toEqual([]);
    expect((await missingOtherRuntimeImages(config, having())).map((m) => m.version)).toEqual(['3.9', '3.13']);
  });

  it('skips a version configured with the default image', async () => {
    const same = loadConfig({ PYHOST_RUNTIME_IMAGE_PYTHON39: 'pyhost-runtime:latest' }, '/srv/pyhost');
    expect((await missingOtherRuntimeImages(same, having())).map((m) => m.version)).toEqual(['3.13']);
  });
});
