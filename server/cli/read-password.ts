// Reading a password on the command line without showing it: on a terminal the keys are read in
// raw mode and nothing is echoed (not even stars, so its length stays private); piped input
// (--password-stdin, scripts) is read as its first line.
import type { Readable, Writable } from 'node:stream';

export interface PasswordInput extends Readable {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export async function readPassword(prompt: string, input: PasswordInput, output: Writable, fromStdin = false): Promise<string> {
  if (fromStdin || !input.isTTY || !input.setRawMode) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  }
  output.write(prompt);
  input.setRawMode(true);
  input.resume();
  let typed = '';
  try {
    return await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer | string) => {
        for (const ch of String(chunk)) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            input.off('data', onData);
            return resolve(typed);
          }
          if (ch === '\u0003') {
            input.off('data', onData);
            return reject(new Error('已取消'));
          }
          if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
          else if (ch >= ' ') typed += ch;
        }
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    output.write('\n');
  }
}
