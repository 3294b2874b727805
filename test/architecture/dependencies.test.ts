// The architecture as a test: dependency-cruiser with .dependency-cruiser.cjs over server/ finds no
// import cycle, no import past another room's front door (index.ts), no capability importing the
// HTTP edge, and only the room-to-room arrows ROOMS allows. A fixture tree shows each rule firing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../server/config.js';

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

const CONFIG = path.join(projectRoot, '.dependency-cruiser.cjs');
const FIXTURES = path.join(projectRoot, 'test', 'architecture', 'fixtures');

async function violations(cwd: string): Promise<Violation[]> {
  const bin = path.join(projectRoot, 'node_modules', '.bin', 'depcruise');
  // Exit code 1 means "violations found"; the JSON report is on stdout either way.
  const { stdout } = await promisify(execFile)(bin, ['--config', CONFIG, '--output-type', 'json', 'server'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (err: { stdout?: string; code?: number }) => {
      if (err.code === 1 && err.stdout) return { stdout: err.stdout };
      throw err;
    },
  );
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const show = (v: Violation[]) => v.map((x) => `${x.rule.name}: ${x.from} → ${x.to}`);

describe('the architecture (.dependency-cruiser.cjs)', function () {
  this.timeout(120_000);

  it('holds for server/: no cycle, front doors only, nothing imports http/, only the declared arrows', async () => {
    assert.deepEqual(show(await violations(projectRoot)), []);
  });

  describe('on a tree that breaks the rules', () => {
    let found: string[];
    before(async () => {
      found = show(await violations(FIXTURES));
    });

    it('fails on an import cycle', () => {
      assert.ok(found.some((v) => v.startsWith('no-circular: server/gamma/')), found.join('\n'));
    });

    it("fails on a file importing another room's private file", () => {
      assert.ok(found.includes('front-doors-only: server/beta/private-import.ts → server/alpha/alpha.ts'), found.join('\n'));
    });

    it('fails on a capability importing http/', () => {
      assert.ok(found.includes('only-the-composition-root-imports-http: server/beta/imports-http.ts → server/http/index.ts'), found.join('\n'));
    });

    it('fails on a loop step importing config.ts instead of reading LoopDeps.config', () => {
      assert.ok(found.includes('loop-config-through-its-deps: server/loop/stray-config.ts → server/config.ts'), found.join('\n'));
    });

    it("fails on the simulator calling the gateway's router instead of Gateway.simulate", () => {
      assert.ok(found.includes('simulator-through-the-gateway: server/gateway/simulator.ts → server/gateway/route-message.ts'), found.join('\n'));
    });

    it('fails on a room that is not declared in ROOMS', () => {
      assert.ok(found.some((v) => v.startsWith('rooms-are-declared: server/alpha/')), found.join('\n'));
    });
  });
});
