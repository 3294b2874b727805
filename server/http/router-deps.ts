// What a router receives: a loop service's deps with the whole configuration. The loop itself sees
// only LoopConfig; the edge reads the rest (session secret, local mode, CORS origins, the AppID).
import type { Config } from '../config.js';
import type { LoopDeps } from '../loop/index.js';

export type RouterDeps<T extends LoopDeps = LoopDeps> = Omit<T, 'config'> & { config: Readonly<Config> };
