/** Runs the CLI in-process (as bin/incident-lens.js does) and captures its output. */
import { main, type Io } from '../../src/cli/main';

export interface CliRun { code: number; stdout: string; stderr: string }

export async function runCli(args: string[], cwd: string, opts: { tty?: boolean; env?: Record<string, string>; stdin?: string } = {}): Promise<CliRun> {
  let stdout = '', stderr = '';
  const io: Io = {
    stdout: s => { stdout += s; }, stderr: s => { stderr += s; }, cwd,
    isTTY: !!opts.tty, stderrTTY: !!opts.tty, env: opts.env ?? {},
    readStdin: async () => opts.stdin ?? '',
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
