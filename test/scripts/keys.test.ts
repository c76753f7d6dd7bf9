// Issue 14: where keys come from off the development chain's dev keys. The operator's: OPERATOR_PRIVATE_KEY, a keystore
// with its password in a file or the environment, or a keystore whose password is typed on a terminal (npm run deploy
// under a pseudo-terminal). A department gateway's signer: GATEWAY_SIGNER_KEY, or a keystore with its password in a file.
// anvil as its own process; the scripts and the gateway as processes of their own.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { encryptKeystoreJson, hexlify, randomBytes, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadOrCreateDevKeys } from "../../lib/chain/devKeys.ts";
import { connectRegistries } from "../../lib/chain/registries.ts";
import { codeKey } from "../../lib/encoding/codeKey.ts";
import { psbGateway } from "../reliability/psbProcess.ts";
import { removeTestDir } from "../support/leftBehind.ts";
import { type SeededAnvil, startSeededAnvil } from "./anvilSystem.ts";
import { freePort, runOnTerminal, runScript } from "./processes.ts";

let chain: SeededAnvil;
let dir: string;
beforeAll(async () => {
  chain = await startSeededAnvil();
  dir = mkdtempSync(`${tmpdir()}/oncechain-keys-`);
});
afterAll(async () => {
  await chain?.stop();
  removeTestDir(dir);
});

/** A keystore file of a new key, with a cheap scrypt (a test's; the format is the same), and its password. */
async function keystore(name: string, password = `pass ${name}`) {
  const wallet = Wallet.createRandom();
  const path = `${dir}/${name}.json`;
  writeFileSync(
    path,
    await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, password, {
      scrypt: { N: 1 << 10 },
    }),
  );
  return { wallet, path, password };
}

const where = () => ({ CHAIN_RPC_URL: chain.rpcUrl, ONCECHAIN_DATA_DIR: chain.dataDir });

describe("the operator's key", () => {
  it("comes from OPERATOR_PRIVATE_KEY, or from OPERATOR_KEYSTORE with its password in a file or in the environment", async () => {
    const fromEnv = Wallet.createRandom();
    const envRun = runScript("deploy.ts", [], { ...where(), OPERATOR_PRIVATE_KEY: fromEnv.privateKey });
    expect(await envRun.exited, envRun.output()).toBe(0);
    expect(envRun.output()).toContain(`operator ${fromEnv.address} (environment key)`);

    const { wallet, path, password } = await keystore("operator");
    writeFileSync(`${dir}/password`, `${password}\n`);
    const fileRun = runScript("deploy.ts", [], {
      ...where(),
      OPERATOR_KEYSTORE: path,
      OPERATOR_KEYSTORE_PASSWORD_FILE: `${dir}/password`,
    });
    expect(await fileRun.exited, fileRun.output()).toBe(0);
    expect(fileRun.output()).toContain(`operator ${wallet.address} (keystore key)`);
    const envPasswordRun = runScript("deploy.ts", [], {
      ...where(),
      OPERATOR_KEYSTORE: path,
      OPERATOR_KEYSTORE_PASSWORD: password,
    });
    expect(await envPasswordRun.exited, envPasswordRun.output()).toBe(0);
    expect(envPasswordRun.output()).toContain(`operator ${wallet.address} (keystore key)`);
  });

  it("comes from a keystore made by npm run keystore and opened with a password typed on the terminal, unechoed; a wrong one is refused naming the file", async () => {
    const path = `${dir}/typed.json`;
    const password = "a password typed twice";
    const create = runOnTerminal("keystore.ts", ["create", path], {});
    await create.waitFor(/password for /, 30_000);
    create.type(`${password}\r`);
    await create.waitFor(/the same password again/, 30_000);
    create.type(`${password}\r`);
    expect(await create.exited, create.output()).toBe(0);
    const address = /0x[0-9a-fA-F]{40}/.exec(create.output())?.[0];
    const shown = runScript("keystore.ts", ["address", path], {});
    expect(await shown.exited).toBe(0);
    expect(shown.output().trim()).toBe(address);

    const run = runOnTerminal("deploy.ts", [], { ...where(), OPERATOR_KEYSTORE: path });
    await run.waitFor(/password of the operator's keystore/, 30_000);
    run.type(`${password}\r`);
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).toContain(`operator ${address} (keystore key)`);
    expect(create.output() + run.output()).not.toContain(password);

    const wrong = runOnTerminal("deploy.ts", [], { ...where(), OPERATOR_KEYSTORE: path });
    await wrong.waitFor(/password of the operator's keystore/, 30_000);
    wrong.type("not the password\r");
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toContain(`OPERATOR_KEYSTORE=${path}: the password does not open this keystore`);
  });

  it("is refused with a message saying how to give the password when there is no terminal to type it on", async () => {
    const { path } = await keystore("untyped");
    const run = runScript("deploy.ts", [], { ...where(), OPERATOR_KEYSTORE: path });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("OPERATOR_KEYSTORE is set");
    expect(run.output()).toContain("OPERATOR_KEYSTORE_PASSWORD_FILE");
    const missing = runScript("deploy.ts", [], {
      ...where(),
      OPERATOR_KEYSTORE: `${dir}/none.json`,
      OPERATOR_KEYSTORE_PASSWORD: "x",
    });
    expect(await missing.exited).toBe(1);
    expect(missing.output()).toContain(`OPERATOR_KEYSTORE=${dir}/none.json: the keystore cannot be read (ENOENT)`);
  });
});

describe("a department gateway's signer key", () => {
  it("comes from GATEWAY_SIGNER_KEYSTORE with its password in a file: the gateway process signs its endpoint with it", async () => {
    // psb's signer on chain is its dev key: the keystore holds that key, encrypted.
    const keys = loadOrCreateDevKeys(chain.dataDir, []);
    const signer = new Wallet(keys.departments.psb as string);
    const path = `${dir}/psb-signer.json`;
    writeFileSync(
      path,
      await encryptKeystoreJson({ address: signer.address, privateKey: signer.privateKey }, "psb's password", {
        scrypt: { N: 1 << 10 },
      }),
    );
    writeFileSync(`${dir}/psb-password`, "psb's password\n");
    const port = await freePort();
    const gateway = await psbGateway(chain, port, {
      GATEWAY_SIGNER_KEYSTORE: path,
      GATEWAY_SIGNER_KEYSTORE_PASSWORD_FILE: `${dir}/psb-password`,
      GATEWAY_DATA_KEY: hexlify(randomBytes(32)),
      DISTRICT_SECRET: keys.districtSecret,
      GATEWAY_PUBLIC_URL: `http://127.0.0.1:${port}`,
    });
    chain.also(() => gateway.stop());
    await gateway.start();
    const registries = connectRegistries(chain.deployment, chain.provider);
    const psb = await registries.departments.departmentIdOf(codeKey("psb"));
    const events = await registries.departments.queryFilter(
      registries.departments.filters.DepartmentEndpointChanged(psb),
    );
    const last = events.at(-1);
    expect(last?.args.endpoint).toBe(`http://127.0.0.1:${port}/departments/psb`);
    expect((await last?.getTransaction())?.from).toBe(signer.address);
    await gateway.stop();
  });

  it("is refused, naming the variable, without its password, with a wrong one, or beside GATEWAY_SIGNER_KEY", async () => {
    const { path } = await keystore("gateway");
    const base = { GATEWAY_DATA_KEY: hexlify(randomBytes(32)), DISTRICT_SECRET: hexlify(randomBytes(32)) };
    const cases: [Record<string, string>, string][] = [
      [{ GATEWAY_SIGNER_KEYSTORE: path }, "GATEWAY_SIGNER_KEYSTORE is set"],
      [
        { GATEWAY_SIGNER_KEYSTORE: path, GATEWAY_SIGNER_KEYSTORE_PASSWORD: "wrong" },
        `GATEWAY_SIGNER_KEYSTORE=${path}: the password does not open this keystore`,
      ],
      [
        { GATEWAY_SIGNER_KEYSTORE: path, GATEWAY_SIGNER_KEY: hexlify(randomBytes(32)) },
        "set GATEWAY_SIGNER_KEY or GATEWAY_SIGNER_KEYSTORE, not both",
      ],
    ];
    for (const [env, message] of cases) {
      const run = runScript("gateway.ts", ["--department", "psb"], {
        ...where(),
        ...base,
        ...env,
        GATEWAY_PORT: String(await freePort()),
      });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(message);
    }
  });
});

describe("the operator's commands for a department's keys", () => {
  it("rotate-signer replaces a department's signer on chain, fund sends it currency, and a wrong address is refused naming the flag", async () => {
    const keys = loadOrCreateDevKeys(chain.dataDir, []);
    const old = new Wallet(keys.departments["market-regulation"] as string).address;
    const next = Wallet.createRandom().address;
    const registries = connectRegistries(chain.deployment, chain.provider);
    const id = Number(await registries.departments.departmentIdOf(codeKey("market-regulation")));
    expect(Number((await registries.departments.signerDepartment(old))[0])).toBe(id);

    const rotate = runScript(
      "operator.ts",
      ["rotate-signer", "--department", "market-regulation", "--old", old, "--new", next],
      where(),
    );
    expect(await rotate.exited, rotate.output()).toBe(0);
    expect(Number((await registries.departments.signerDepartment(next))[0])).toBe(id);
    expect(Number((await registries.departments.signerDepartment(old))[0])).toBe(0);

    const fund = runScript("operator.ts", ["fund", "--to", next, "--wei", "12345"], where());
    expect(await fund.exited, fund.output()).toBe(0);
    expect(await chain.provider.getBalance(next)).toBe(12345n);

    const wrong = runScript(
      "operator.ts",
      ["rotate-signer", "--department", "psb", "--old", old, "--new", "0x12"],
      where(),
    );
    expect(await wrong.exited).toBe(1);
    expect(wrong.output()).toContain("--new must be an address");
  });
});
