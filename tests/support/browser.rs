//! A page as a reader's browser sees it: Debian's `chromium`, headless,
//! driven through `chromedriver` (WebDriver), so a test reads the DOM the
//! browser built rather than the bytes ctrail wrote. `CHROMIUM` and
//! `CHROMEDRIVER` name other binaries.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// `name` on PATH, or the path an environment variable gives.
fn program(var: &str, name: &str, package: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is missing: apt-get install {package} (or set {var})"))
}

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start() -> Driver {
        let binary = program("CHROMEDRIVER", "chromedriver", "chromium-driver");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let ready = request(port, "GET", "/status", "")
                .ok()
                .and_then(|a| serde_json::from_str::<Value>(&a).ok())
                .is_some_and(|a| a["value"]["ready"] == json!(true));
            if ready {
                return driver;
            }
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        let answer = request(self.port, method, path, &body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{method} {path}: {e}: {answer}"))
    }
}

/// One WebDriver call; its body, read by its Content-Length (chromedriver
/// keeps the connection open whatever the request asks).
fn request(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<String> {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(120)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reader = BufReader::new(s);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut answer = vec![0; length];
    reader.read_exact(&mut answer)?;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

/// Opens `page` (a local file) in headless Chromium and returns what
/// `script` (the body of a function) returns, as JSON.
pub fn evaluate(page: &Path, script: &str) -> Value {
    let chromium = program("CHROMIUM", "chromium", "chromium");
    let driver = Driver::start();
    let session = driver.call(
        "POST",
        "/session",
        &json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]
        }}}}),
    );
    let id = session["value"]["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no WebDriver session: {session}"))
        .to_owned();
    let url = format!("file://{}", page.display());
    let opened = driver.call("POST", &format!("/session/{id}/url"), &json!({"url": url}));
    assert!(opened["value"].is_null(), "open {url}: {opened}");
    let result = driver.call(
        "POST",
        &format!("/session/{id}/execute/sync"),
        &json!({"script": script, "args": []}),
    );
    driver.call("DELETE", &format!("/session/{id}"), &Value::Null);
    assert!(
        result["value"].get("error").is_none(),
        "the script failed: {result}"
    );
    result["value"].clone()
}
