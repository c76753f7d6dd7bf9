// npm run build:web: builds the web page (web/ into web/dist) when its sources changed; npm start does it too.

import { projectRoot } from "./lib/paths.ts";
import { ensureWebPage } from "./lib/webBuild.ts";

const seconds = await ensureWebPage(projectRoot);
console.log(seconds > 0 ? `web page built in ${seconds.toFixed(1)} s: web/dist` : "web page up to date: web/dist");
