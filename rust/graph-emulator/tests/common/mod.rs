//! What the HTTP tests share: an emulator per test, and a minimal HTTP/1.1 client
//! (one request per connection), so the tests need no client crate of their own.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use graph_emulator::{spawn, EmulatorConfig, RunningEmulator};
use serde_json::{json, Value};

pub const TOKEN: &str = "emulator-token";
pub const CALLS: &str = "/v1.0/communications/calls";

pub fn emulator() -> (RunningEmulator, Client) {
    let emulator = spawn(EmulatorConfig::default()).expect("the emulator starts");
    let client = Client::new(emulator.base_url());
    (emulator, client)
}

/// Creates a call as a client would (`POST /communications/calls`).
pub fn new_call(client: &Client, id: &str) -> Value {
    let reply = client.post(
        CALLS,
        &json!({"id": id, "callbackUri": "https://bot.contoso.test/callback", "requestedModalities": ["audio"]}),
    );
    assert_eq!(reply.status, 201, "{}", reply.text());
    reply.json()
}

/// The ids of a page's items, in order.
pub fn ids(page: &Value) -> Vec<String> {
    page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_string())
        .collect()
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// The client: a base URL (`http://127.0.0.1:PORT`) and the token it sends.
pub struct Client {
    pub base: String,
    pub token: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Self {
        Client {
            base: base.to_string(),
            token: Some(TOKEN.to_string()),
        }
    }

    pub fn get(&self, target: &str) -> Reply {
        self.send("GET", target, None)
    }

    pub fn delete(&self, target: &str) -> Reply {
        self.send("DELETE", target, None)
    }

    pub fn post(&self, target: &str, body: &Value) -> Reply {
        self.send(
            "POST",
            target,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    pub fn patch(&self, target: &str, body: &Value) -> Reply {
        self.send(
            "PATCH",
            target,
            Some(("application/json", body.to_string().into_bytes())),
        )
    }

    /// `target` is a path (`/v1.0/...`) or an absolute URL on the same host; spaces are
    /// sent as `%20`, the rest as written.
    pub fn send(&self, method: &str, target: &str, body: Option<(&str, Vec<u8>)>) -> Reply {
        let target = target.replace(' ', "%20");
        let authority = self.base.trim_start_matches("http://");
        let path = match target.strip_prefix("http://") {
            Some(rest) => {
                let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                assert_eq!(host, authority, "a link to another host: {target}");
                path.to_string()
            }
            None => target.clone(),
        };
        let mut stream = TcpStream::connect(authority).expect("connect to the emulator");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
        if let Some(token) = &self.token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        let bytes = match body {
            Some((content_type, bytes)) => {
                head.push_str(&format!("Content-Type: {content_type}\r\n"));
                bytes
            }
            None => Vec::new(),
        };
        head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&bytes).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the answer");
        parse(&raw)
    }
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked {
        unchunk(rest)
    } else {
        rest.to_vec()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&rest[..end]);
        let size =
            usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = end + 2;
        out.extend_from_slice(&rest[start..start + size]);
        rest = &rest[start + size + 2..];
    }
}
