import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { readPassword, type PasswordInput } from '../../server/cli/read-password.js';

function terminal() {
  const input = new PassThrough() as PassThrough & PasswordInput;
  const modes: boolean[] = [];
  input.isTTY = true;
  input.setRawMode = (mode: boolean) => void modes.push(mode);
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => void (shown += c.toString('utf8')));
  return { input, output, modes, shown: () => shown };
}

describe('readPassword', () => {
  it('does not echo what is typed on a terminal, and handles backspace', async () => {
    const t = terminal();
    const reading = readPassword('密码：', t.input, t.output);
    t.input.write('violet-lanterx');
    t.input.write('\u007fn\r');
    assert.equal(await reading, 'violet-lantern');
    assert.equal(t.shown(), '密码：\n');
    assert.deepEqual(t.modes, [true, false], 'raw mode on while typing, off afterwards');
  });

  it('gives up on Ctrl-C and restores the terminal', async () => {
    const t = terminal();
    const reading = readPassword('密码：', t.input, t.output);
    t.input.write('abc\u0003');
    await assert.rejects(reading, /已取消/);
    assert.deepEqual(t.modes, [true, false]);
  });

  it('reads the first line of piped input', async () => {
    const input = new PassThrough();
    const reading = readPassword('密码：', input, new PassThrough());
    input.end('from-a-script\nignored\n');
    assert.equal(await reading, 'from-a-script');
  });
});
