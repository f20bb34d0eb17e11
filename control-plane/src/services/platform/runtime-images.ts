import type { Config } from '../../config.js';
import { DEFAULT_PYTHON_VERSION, SUPPORTED_PYTHON_VERSIONS, type PythonVersion } from '../../domain/python-versions.js';

export interface MissingRuntimeImage {
  readonly version: PythonVersion;
  readonly image: string;
  readonly message: string;
}

/**
 * The images of the Pythons other than the default that the engine lacks.
 * The api starts without them (the default one it cannot do without):
 * only what runs on that Python fails until the image is built, so
 * start-up says so once, for the administrator, in the log.
 */
export async function missingOtherRuntimeImages(
  config: Pick<Config, 'runtimeImages'>,
  imageExists: (image: string) => Promise<boolean>,
): Promise<MissingRuntimeImage[]> {
  const defaultImage = config.runtimeImages[DEFAULT_PYTHON_VERSION];
  const missing: MissingRuntimeImage[] = [];
  for (const version of SUPPORTED_PYTHON_VERSIONS) {
    const image = config.runtimeImages[version];
    if (version === DEFAULT_PYTHON_VERSION || image === defaultImage || (await imageExists(image))) continue;
    missing.push({
      version,
      image,
      message:
        `the runtime image ${image} for Python ${version} is missing: web apps, websites and consoles on Python ${version} cannot start (503) ` +
        `and python${version} tasks fail until it is built. Run scripts/setup.sh (or scripts/build-runtime-image.sh ${version}) to build it.`,
    });
  }
  return missing;
}
