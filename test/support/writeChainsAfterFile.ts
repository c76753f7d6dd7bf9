// Vitest's setup file: in a scanned run, each test file's in-process chains are written out when it ends, for the scan
// after the suite (test/support/leftBehind.ts). Registered first, so it runs after the file's own afterAll hooks.
import { afterAll } from "vitest";
import { writeChains } from "./leftBehind.ts";

afterAll(writeChains);
