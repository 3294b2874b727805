// Tests that need PostgreSQL call usePostgres(this) in a before hook. The cluster starts once
// per test run. Without PostgreSQL binaries: in CI (CI=true) the hook FAILS; elsewhere it prints
// a loud notice and skips those tests, so a developer without PostgreSQL still runs the rest.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { findPostgresBin, startCluster, type TestCluster } from './postgres-cluster.js';

let cluster: Promise<TestCluster> | undefined;
let warned = false;

export function postgresCluster(): Promise<TestCluster> | undefined {
  if (cluster) return cluster;
  const bin = findPostgresBin();
  if (!bin) return undefined;
  return (cluster = startCluster(bin));
}

/** The cluster, or skips the suite (fails in CI) when PostgreSQL is not installed. */
export async function usePostgres(ctx: Mocha.Context): Promise<TestCluster> {
  ctx.timeout(60_000);
  const started = postgresCluster();
  if (!started) {
    const message = 'PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or PG_BIN): the tests that need PostgreSQL cannot run. Install Debian\'s postgresql package (bash .ci/run does).';
    if (process.env.CI === 'true') throw new Error(`CI: ${message}`);
    if (!warned) {
      warned = true;
      console.warn(`\n${'!'.repeat(100)}\n!! ${message}\n!! SKIPPING every test marked "needs PostgreSQL" (with CI=true they FAIL instead).\n${'!'.repeat(100)}\n`);
    }
    ctx.skip();
  }
  return started;
}

/** A fresh schema name, so every store in a test starts empty. */
export const freshSchema = () => `t_${randomBytes(6).toString('hex')}`;

export async function dropSchema(url: string, schema: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

export async function stopPostgresCluster() {
  const started = cluster;
  cluster = undefined;
  if (started) await (await started).stop();
}
