export { loadInputs, loadFile } from "./read.js";
export { recognise } from "./recognise.js";
export type { InputKind, InputPart, LoadedInput, LoadOptions, ModuleSource, SourceBlock, SourceTree } from "./types.js";
export { DEFAULT_MAX_BYTES } from "./types.js";
export { attachSources, readSourceTree, repositoryRoot, type SourceOptions } from "./source.js";
