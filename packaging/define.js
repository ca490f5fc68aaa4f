// `azdo-connect/define`: defines <azdo-connect> (the same side effect as importing the package).
// The explicit entry point keeps side-effect imports readable: `import "azdo-connect/define";`.
export { ready } from "./azdo-connect.js";
