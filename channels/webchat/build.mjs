// Builds dist/ from src/: webchat.js = the socket.io client (npm) + src/webchat.js in one
// closure (no global `io`), webchat.css copied. Run by `make install` (npm run build).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const clientPath = join(dirname(require.resolve("socket.io-client/package.json")), "dist", "socket.io.min.js");
const { version } = JSON.parse(readFileSync(require.resolve("socket.io-client/package.json"), "utf8"));

const client = readFileSync(clientPath, "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
const widget = readFileSync(join(here, "src", "webchat.js"), "utf8");
const bundle = [
  "/* Bürgerservice-Chat (Stadt Stuttgart) — built by channels/webchat/build.mjs, do not edit. */",
  `/* Contains socket.io-client ${version} (MIT License, see below). */`,
  "(function () {",
  "var io = (function () { var module = { exports: {} }; var exports = module.exports;",
  client.trim(),
  "return module.exports; })();",
  "(function () {",
  widget.trim(),
  "})();",
  "})();",
  "",
].join("\n");

const dist = join(here, "dist");
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, "webchat.js"), bundle);
writeFileSync(join(dist, "webchat.css"), readFileSync(join(here, "src", "webchat.css"), "utf8"));
console.log(`wrote ${join(dist, "webchat.js")} (${bundle.length} bytes) and webchat.css`);
