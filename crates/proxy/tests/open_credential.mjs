// Opens an azdo-connect credential with npm `jose`, the way a vendor's Node backend would.
// Usage: node open_credential.mjs <tools-dir> <credential> <base64url-key>
// Prints {"protectedHeader": {...}, "claims": {...}} on stdout.
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [toolsDir, credential, keyText] = process.argv.slice(2);
if (!toolsDir || !credential || !keyText) {
  console.error("usage: node open_credential.mjs <tools-dir> <credential> <base64url-key>");
  process.exit(2);
}

let jose;
try {
  const require = createRequire(join(toolsDir, "package.json"));
  jose = await import(pathToFileURL(require.resolve("jose")).href);
} catch (error) {
  console.error(`npm jose is not installed under ${toolsDir}: run \`cargo xtask test\` (it installs it). ${error.message}`);
  process.exit(3);
}

const key = jose.base64url.decode(keyText);
const { plaintext, protectedHeader } = await jose.compactDecrypt(credential, key);
const claims = JSON.parse(new TextDecoder().decode(plaintext));
console.log(JSON.stringify({ protectedHeader, claims }));
