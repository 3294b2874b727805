// Mocha root hooks (loaded by .mocharc.json): stop the PostgreSQL test cluster, if a test started one.
import { stopPostgresCluster } from './postgres.js';

export const mochaHooks = {
  async afterAll() {
    await stopPostgresCluster();
  },
};
