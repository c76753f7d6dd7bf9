// Keys kept in Ethereum keystore files (JSON, scrypt-encrypted: what geth, Besu's tooling, cast and ethers write):
// opening one with its password, from the environment, a file or a terminal, each failure a message naming the file.
import { readFileSync } from "node:fs";
import { Wallet } from "ethers";
import { read } from "read";

/** The wallet `path` holds, opened with `password`; `variable` names where the path came from, for the messages. */
export async function walletFromKeystore(variable: string, path: string, password: string): Promise<Wallet> {
  let json: string;
  try {
    json = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${variable}=${path}: the keystore cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  try {
    JSON.parse(json);
  } catch {
    throw new Error(`${variable}=${path}: not a keystore file (not JSON)`);
  }
  let opened: Awaited<ReturnType<typeof Wallet.fromEncryptedJson>>;
  try {
    opened = await Wallet.fromEncryptedJson(json, password);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(
      /password/i.test(message)
        ? `${variable}=${path}: the password does not open this keystore`
        : `${variable}=${path}: not a keystore file (${message.split(" (")[0]})`,
    );
  }
  return new Wallet(opened.privateKey);
}

/** The password a terminal's user types (not echoed), or undefined when standard input is not a terminal. */
export async function passwordFromTerminal(prompt: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  return String(await read({ prompt, silent: true, replace: "", output: process.stderr }));
}

/** A keystore's password from PASSWORD_FILE's file (its first line), else PASSWORD itself, else undefined. */
export function passwordFromEnvironment(variable: string): string | undefined {
  const file = process.env[`${variable}_FILE`];
  if (file) {
    try {
      return readFileSync(file, "utf8").split(/\r?\n/)[0] ?? "";
    } catch (error) {
      throw new Error(`${variable}_FILE=${file}: cannot be read (${(error as NodeJS.ErrnoException).code})`);
    }
  }
  return process.env[variable];
}
