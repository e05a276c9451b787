//! `graph-emulator --follow URL`: a stand-in for a person's browser in tests of
//! the interactive sign-in. It GETs the sign-in page and follows its redirects
//! (to the client's loopback listener), on loopback addresses only.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

const MAX_REDIRECTS: usize = 5;

/// Follows `url` until an answer that is not a redirect; returns its status line.
pub fn follow(url: &str) -> Result<String, String> {
    let mut url = url.to_string();
    for _ in 0..=MAX_REDIRECTS {
        let (status, location) = get(&url)?;
        match location {
            Some(next) if status.contains(" 30") => url = next,
            _ => return Ok(status),
        }
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// One `GET` over plain HTTP to a loopback host: the status line and any `Location`.
fn get(url: &str) -> Result<(String, Option<String>), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// addresses are followed: {url}"))?;
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    let addresses: Vec<_> = with_port
        .to_socket_addrs()
        .map_err(|e| format!("{authority} does not resolve: {e}"))?
        .filter(|a| a.ip().is_loopback())
        .collect();
    if addresses.is_empty() {
        return Err(format!(
            "{authority} is not a loopback address; not followed"
        ));
    }
    let mut stream = addresses
        .iter()
        .find_map(|a| TcpStream::connect_timeout(a, Duration::from_secs(5)).ok())
        .ok_or_else(|| format!("could not connect to {authority}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nUser-Agent: graph-emulator-follow\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut reply = Vec::new();
    // A page that never finishes (a stalled sign-in) ends with the read timeout.
    let _ = stream.read_to_end(&mut reply);
    let text = String::from_utf8_lossy(&reply);
    let head = text.split("\r\n\r\n").next().unwrap_or("");
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("").to_string();
    let location = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("location"))
        .map(|(_, value)| value.trim().to_string());
    Ok((status, location))
}
