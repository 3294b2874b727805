// The generated contract types (from schemas/*.schema.json via npm run gen:types).
export type * from './generated.js';
