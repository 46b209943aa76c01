export { LocalModelRuntime, type LocalModelRuntimeOptions } from './local-model-runtime.js';
export { LocalModelRecordStore } from './model-record-store.js';
