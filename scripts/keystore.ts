// npm run keystore -- create <file> | address <file>: a key for the operator or a department's signer, kept in an
// Ethereum keystore file (scrypt-encrypted JSON), as OPERATOR_KEYSTORE and GATEWAY_SIGNER_KEYSTORE take it.
//   create   a new key, encrypted with a password typed twice on the terminal (or KEYSTORE_PASSWORD_FILE's first line,
//            or KEYSTORE_PASSWORD); prints its address. Refuses to overwrite a file.
//   address  the address a keystore file holds, without its password.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { getAddress, Wallet } from "ethers";
import { passwordFromEnvironment, passwordFromTerminal } from "../lib/chain/keystore.ts";
import { runCli } from "./lib/cli.ts";

const USAGE = "npm run keystore -- create <file> | address <file>";

runCli(async () => {
  const [command, file] = process.argv.slice(2);
  if (!file || (command !== "create" && command !== "address")) throw new Error(`usage: ${USAGE}`);
  if (command === "address") {
    let address: unknown;
    try {
      address = (JSON.parse(readFileSync(file, "utf8")) as { address?: unknown }).address;
    } catch (error) {
      // Not the parser's message, which quotes the file: the wrong file may be a raw key.
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(`${file}: ${code ? `cannot be read (${code})` : "not a keystore file (not JSON)"}`);
    }
    if (typeof address !== "string") throw new Error(`${file}: not a keystore file (no address)`);
    console.log(getAddress(address.startsWith("0x") ? address : `0x${address}`));
    return;
  }
  if (existsSync(file)) throw new Error(`${file} exists: a keystore is not overwritten`);
  let password = passwordFromEnvironment("KEYSTORE_PASSWORD");
  if (password === undefined) {
    password = await passwordFromTerminal(`password for ${file}: `);
    if (password === undefined) {
      throw new Error("no terminal to type the password on: set KEYSTORE_PASSWORD_FILE (or KEYSTORE_PASSWORD)");
    }
    if ((await passwordFromTerminal("the same password again: ")) !== password) {
      throw new Error("the two passwords differ: nothing written");
    }
  }
  if (password.length < 8) throw new Error("the password is shorter than 8 characters: nothing written");
  const wallet = Wallet.createRandom();
  writeFileSync(file, await wallet.encrypt(password), { mode: 0o600, flag: "wx" });
  console.log(wallet.address);
});
