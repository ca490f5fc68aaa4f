// A React 19 host app as packaging/README.md shows it: `requirements` and `strings` as objects,
// the connected event through React's own custom-element event prop. The tests build it with
// Vite against the packed tarball; __AZDO_PROXY_URL__ is the proxy under test.
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import "azdo-connect";

const requirements = { notes: { "vso.code": "React publishes docs from your repositories." } };
const strings = { connect: "Connect with React" };

function App() {
  const [connected, setConnected] = useState(null);
  const onConnected = (event) => {
    window.appConnected = event.detail;
    setConnected(event.detail);
  };
  return (
    <>
      <azdo-connect
        proxy-url={__AZDO_PROXY_URL__}
        scopes="vso.code"
        requirements={requirements}
        strings={strings}
        onazdo-connected={onConnected}
      />
      <p id="result">
        {connected ? `Connected to ${connected.organization} as ${connected.user.displayName}` : "Not connected"}
      </p>
    </>
  );
}

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
