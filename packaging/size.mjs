// Sizes of what a browser downloads for <azdo-connect>: raw, gzip -9 and brotli (quality 11),
// the way CDNs serve them. Prints one JSON object; `cargo xtask size` formats and stores it.
//
//   node packaging/size.mjs <package-dir> <file>...
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const [dir, ...files] = process.argv.slice(2);
if (!dir || files.length === 0) {
  console.error("usage: node packaging/size.mjs <package-dir> <file>...");
  process.exit(2);
}

const rows = files.map((file) => {
  const bytes = readFileSync(join(dir, file));
  return {
    file,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
});
console.log(JSON.stringify({ files: rows }));
