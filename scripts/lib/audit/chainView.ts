// What verify-record reads of the chain: the registries' events from the first block (followed through the directory,
// as a gateway's chain index follows them, and by the same code), handles on every registry the directory has named,
// and the head it is all as of. No read is made at a past block: a node may keep no state there.
import type { JsonRpcProvider } from "ethers";
import { type ChainIndex, createChainIndex } from "../../../services/gateway/src/chain/chainIndex.ts";
import { type LiveRegistries, liveRegistries } from "../../../services/gateway/src/chain/liveRegistries.ts";
import { directoryRegistries } from "./connect.ts";

export interface ChainView {
  index: ChainIndex;
  registries: LiveRegistries;
  /** The block the events were read to, and its time (unix seconds): the "now" of the events' verdict. */
  head: { number: number; timestamp: number };
}

export async function readChainView(provider: JsonRpcProvider, directory: string): Promise<ChainView> {
  const { accessManager } = await directoryRegistries(provider, directory);
  // From block 0: the directory alone does not say when it was deployed, and reading a span without events is cheap.
  const index = createChainIndex({ provider, directory, fromBlock: 0 });
  const number = await index.syncNow();
  const block = await provider.getBlock(number);
  if (!block) throw new Error(`the chain has no block ${number}, to which it served the events`);
  return {
    index,
    registries: liveRegistries({ accessManager, directory }, index, provider),
    head: { number, timestamp: block.timestamp },
  };
}
