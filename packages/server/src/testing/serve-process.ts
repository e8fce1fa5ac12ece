import { type ChildProcess, spawn } from "node:child_process";

export interface Serving {
  child: ChildProcess;
  /** The URL the server printed. */
  url: string;
  /** The exit code, once it exits. */
  exit: Promise<number | null>;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/**
 * Starts a `wegate serve` process (`args` after node's path) and resolves
 * once it prints the URL it listens on; rejects with what it printed if it
 * exits first or says nothing for 20 s.
 */
export function startServing(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Serving> {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env });
  let output = "";
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 20_000);
    const heard = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], exit, output: () => output });
      }
    };
    child.stdout!.on("data", heard);
    child.stderr!.on("data", heard);
    void exit.then((code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}
