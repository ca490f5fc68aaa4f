// `azdo-connect/define`: the same as importing `azdo-connect`.
export { ready } from "./azdo-connect.js";
