//! A throwaway Debian `nginx` in front of a proxy, for tests: loopback only, a free port, its own
//! temporary prefix (configuration, logs, temporary files), one process in the foreground, and
//! killed (and reaped) when dropped. `cargo xtask setup` installs `nginx-light`.
//!
//! The `location` block it serves is `tests/nginx/location.conf`, the same block the proxy's
//! README shows (a test checks that they are the same), with the upstream address replaced.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The `location` block the README documents, proxying to `127.0.0.1:8787`.
pub const LOCATION: &str = include_str!("location.conf");

/// The upstream address as the README writes it.
const README_UPSTREAM: &str = "127.0.0.1:8787";

/// How long a starting nginx may take to accept connections.
const START_BOUND: Duration = Duration::from_secs(10);

/// A running nginx on 127.0.0.1.
pub struct Nginx {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl Nginx {
    /// A free loopback port for [`Nginx::start`]: the proxy's `--public-url` must name it before
    /// nginx can name the proxy.
    pub fn free_port() -> u16 {
        TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port")
    }

    /// Starts nginx on `port`, serving [`LOCATION`] with its upstream replaced by `upstream`
    /// (`host:port`).
    pub fn start(port: u16, upstream: &str) -> Nginx {
        Nginx::start_with(port, &LOCATION.replace(README_UPSTREAM, upstream))
    }

    /// Starts nginx on `port` with `location` (one or more `location` blocks) in its server.
    pub fn start_with(port: u16, location: &str) -> Nginx {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "azdo-connect-nginx-{}-{port}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let d = dir.display();
        // `master_process off` keeps it one process running as us, so the temporary paths in
        // the scratch directory are writable and a kill stops everything.
        let conf = format!(
            "daemon off;\nmaster_process off;\nerror_log {d}/error.log info;\npid {d}/nginx.pid;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
             \x20 server {{\n    listen 127.0.0.1:{port};\n{location}\n  }}\n}}\n"
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).expect("nginx.conf written");
        let child = Command::new("nginx")
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run nginx ({e}); `cargo xtask setup` installs it"));
        let mut nginx = Nginx {
            child: Some(child),
            port,
            dir,
        };
        let deadline = Instant::now() + START_BOUND;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            let exited = nginx
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "nginx did not start on port {port} ({exited:?}): {}",
                nginx.error_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        nginx
    }

    /// `http://127.0.0.1:PORT`, the origin a browser sees.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// What nginx logged (startup errors, upstream failures).
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
