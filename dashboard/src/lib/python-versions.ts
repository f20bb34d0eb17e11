/** The Pythons a Pyhost has, one runtime image each (docs/runtime-contract.md); 3.11 is the default. */
export const PYTHON_VERSIONS = ['3.9', '3.11', '3.13'] as const;
export const DEFAULT_PYTHON_VERSION = '3.11';
