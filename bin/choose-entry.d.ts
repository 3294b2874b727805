export declare const COMPILED_ENTRY: string;
export declare const SOURCE_ENTRY: string;
export declare function chooseEntry(root: string): { kind: 'compiled' | 'source'; entry: string; reason?: 'no-build' | 'stale-build' };
