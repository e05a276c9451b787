//! The browser side of an interactive sign-in: opening the system's browser,
//! and the one-shot loopback listener the identity platform redirects it to.
//!
//! The listener binds 127.0.0.1 only, answers requests that carry the wrong
//! `state` with 400 (a page of another origin cannot complete the sign-in),
//! and is closed as soon as one answer with the right `state` arrived.

use std::time::Duration;

use secrecy::SecretString;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::events::Events;

/// A request line and headers longer than this are not a browser's redirect.
const MAX_REQUEST_BYTES: usize = 16 * 1024;
/// A connection that sends nothing for this long is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an opener (xdg-open, open, $BROWSER) may take to say it failed.
const OPENER_GRACE: Duration = Duration::from_secs(5);

/// What the identity platform sent back through the browser.
pub enum Answer {
    Code(SecretString),
    Refused { error: String, description: String },
}

pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

impl LoopbackListener {
    /// Binds a free port on 127.0.0.1.
    pub async fn bind() -> Result<Self, String> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| format!("no loopback port to listen on: {e}"))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("the loopback listener has no address: {e}"))?
            .port();
        Ok(Self { listener, port })
    }

    /// `http://localhost:PORT`: the redirect the public client registrations accept.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Waits for the redirect that carries `state`; consumes the listener.
    pub async fn answer(self, state: &str, events: &Events) -> Result<Answer, String> {
        loop {
            let (mut stream, _) = self
                .listener
                .accept()
                .await
                .map_err(|e| format!("accepting a connection failed: {e}"))?;
            let Some(target) = read_request_target(&mut stream).await else {
                continue;
            };
            let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
            let mut pairs: std::collections::HashMap<String, String> =
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect();
            if pairs.get("state").map(String::as_str) != Some(state) {
                events.verbose(
                    "The loopback listener ignored a request without the sign-in's state.",
                );
                respond(
                    &mut stream,
                    "400 Bad Request",
                    "This is not the answer to the sign-in in progress.",
                )
                .await;
                continue;
            }
            if let Some(code) = pairs.remove("code").filter(|c| !c.is_empty()) {
                respond(
                    &mut stream,
                    "200 OK",
                    "Signed in. You can close this window and return to PowerShell.",
                )
                .await;
                return Ok(Answer::Code(SecretString::from(code)));
            }
            let error = pairs
                .remove("error")
                .unwrap_or_else(|| "invalid_response".into());
            let description = pairs
                .remove("error_description")
                .unwrap_or_else(|| "the answer carried neither a code nor an error".into());
            respond(
                &mut stream,
                "200 OK",
                "The sign-in did not complete. You can close this window and return to PowerShell.",
            )
            .await;
            return Ok(Answer::Refused { error, description });
        }
    }
}

/// The request target of a `GET`, or `None` for anything else.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        if buffer.len() > MAX_REQUEST_BYTES {
            return None;
        }
        let read = tokio::time::timeout(READ_TIMEOUT, stream.read(&mut chunk))
            .await
            .ok()?
            .ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let text = String::from_utf8_lossy(&buffer);
    let mut parts = text.lines().next()?.split(' ');
    match (parts.next(), parts.next()) {
        (Some("GET"), Some(target)) => Some(target.to_string()),
        _ => None,
    }
}

async fn respond(stream: &mut TcpStream, status: &str, message: &str) {
    let body = format!("<!DOCTYPE html><html><head><title>Microsoft Graph sign-in</title></head><body><p>{message}</p></body></html>");
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The command that opens `url`: `command` (or `$BROWSER`), where `%s` stands for
/// the address or it is appended; else the system's opener.
fn opener(url: &str, command: Option<&str>) -> Result<(String, Vec<String>), String> {
    let configured = command
        .map(str::to_string)
        .or_else(|| std::env::var("BROWSER").ok())
        .filter(|c| !c.trim().is_empty());
    if let Some(configured) = configured {
        let mut words = configured.split_whitespace().map(str::to_string);
        let program = words.next().unwrap_or_default();
        let mut args: Vec<String> = words.collect();
        if let Some(slot) = args.iter_mut().find(|a| a.contains("%s")) {
            *slot = slot.replace("%s", url);
        } else {
            args.push(url.to_string());
        }
        return Ok((program, args));
    }
    if cfg!(windows) {
        Ok((
            "rundll32".into(),
            vec!["url.dll,FileProtocolHandler".into(), url.into()],
        ))
    } else if cfg!(target_os = "macos") {
        Ok(("open".into(), vec![url.into()]))
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some()
    {
        Ok(("xdg-open".into(), vec![url.into()]))
    } else {
        Err("no display and no BROWSER variable".into())
    }
}

/// Opens `url` in a browser. An opener that exits with an error within a few
/// seconds means there is no browser; one still running is taken as started.
pub async fn open(url: &str, command: Option<&str>) -> Result<(), String> {
    let (program, args) = opener(url, command)?;
    let mut child = std::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("'{program}' could not be started: {e}"))?;
    let waited = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + OPENER_GRACE;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                _ => return None,
            }
        }
    })
    .await
    .ok()
    .flatten();
    match waited {
        Some(status) if !status.success() => Err(format!("'{program}' failed ({status})")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_browser_gets_the_address_in_its_slot_or_at_the_end() {
        let (program, args) = opener("http://x/?a=1", Some("firefox --new-window %s")).unwrap();
        assert_eq!(program, "firefox");
        assert_eq!(args, vec!["--new-window", "http://x/?a=1"]);
        let (_, args) = opener("http://x/", Some("/bin/follow")).unwrap();
        assert_eq!(args, vec!["http://x/"]);
    }

    #[tokio::test]
    async fn the_listener_ignores_a_wrong_state_and_takes_one_answer() {
        let listener = LoopbackListener::bind().await.unwrap();
        let port = listener.port;
        assert!(listener.redirect_uri().starts_with("http://localhost:"));
        let (tx, _rx) = std::sync::mpsc::channel();
        let events = Events::new(tx, false, false);
        let waiting = tokio::spawn(async move { listener.answer("good", &events).await });
        let get = |target: &'static str| async move {
            let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            s.write_all(format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut reply = String::new();
            s.read_to_string(&mut reply).await.unwrap();
            reply
        };
        assert!(get("/?code=stolen&state=bad")
            .await
            .starts_with("HTTP/1.1 400"));
        assert!(get("/?code=c0de&state=good")
            .await
            .starts_with("HTTP/1.1 200"));
        match waiting.await.unwrap().unwrap() {
            Answer::Code(code) => {
                use secrecy::ExposeSecret;
                assert_eq!(code.expose_secret(), "c0de")
            }
            Answer::Refused { .. } => panic!("expected the code"),
        }
        assert!(
            TcpStream::connect(("127.0.0.1", port)).await.is_err(),
            "the listener is closed after one answer"
        );
    }
}
